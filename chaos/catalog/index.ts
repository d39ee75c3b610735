import type { ExperimentDefinition } from '../experiment/types';
import clientBandwidth from '../client-bandwidth';
import gatewayRestart from '../gateway-restart';
import redisFlap from '../redis-flap';
import redisLatency from '../redis-latency';
import redisPartition from '../redis-partition';
import resetPeerStorm from '../reset-peer-storm';
import slowClose from '../slow-close';
import workerCrash from '../worker-crash';

/** The game-day, in the order `harness chaos --all` runs it. */
export const catalog: readonly ExperimentDefinition[] = [
  redisLatency,
  redisPartition,
  redisFlap,
  clientBandwidth,
  resetPeerStorm,
  slowClose,
  workerCrash,
  gatewayRestart,
];

/** An experiment by name; unknown names throw listing the valid ones. */
export function findExperiment(name: string): ExperimentDefinition | undefined {
  return catalog.find((e) => e.name === name);
}
