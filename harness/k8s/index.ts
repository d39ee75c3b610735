/** Kubernetes manifests for k6-operator (typed models, schema-validated). The only import surface of harness/k8s. */
export { renderK8sFolder, writeK8sFolder, runnerArgs, RENDER_RECORD, MANAGED_BY, type K8sRenderInput, type RenderedFile, type RenderRecord } from './render-k8s-folder';
export { testRun, testRunProblems, operatorRunnerCommand, type TestRun, type TestRunSpec } from './test-run';
export { targetStack, IN_CLUSTER_BASE_URL, type TargetImages } from './target-stack';
