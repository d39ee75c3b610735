export { DockerRuntime, type DockerRuntimeConfig } from './docker-runtime';
export { StartedDockerStack } from './started-docker-stack';
export { ManagedContainer, type ContainerSpec, type ContainerDeps } from './managed-container';
export { ensureDockerDaemon, dockerClient, pingDocker, type DaemonOptions } from './docker-daemon';
export { ensureBaseImage, imageExists, type BaseImageOptions } from './base-image';
export { ensureTargetImage, targetContextHash, targetContextDir, TARGET_DOCKERFILE } from './target-image';
export { ensureImage, pullImage, PullFailure, type PullOptions } from './pull-image';
export { buildImage } from './image-build';
export { LABEL_RUN_ID, LABEL_COMPONENT, LABEL_CONTEXT_HASH, LABEL_OWNER_PID, LABEL_OWNER_START, containerName, runLabels } from './labels';
export {
  OBSERVABILITY_PROFILE,
  observabilitySpecs,
  observabilityEndpoints,
  observabilityNetworkName,
  ensureObservabilityImages,
  checkPortsFree,
  startObservability,
  StartedObservability,
  type ObservabilityEndpoints,
  type ObservabilityOptions,
} from './observability-stack';
