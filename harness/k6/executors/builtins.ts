import { constantArrivalRate } from './constant-arrival-rate';
import { constantVUs } from './constant-vus';
import { perVUIterations } from './per-vu-iterations';
import { rampingArrivalRate } from './ramping-arrival-rate';
import { rampingVUs } from './ramping-vus';
import { ExecutorRegistry } from './registry';
import { sharedIterations } from './shared-iterations';

/** A registry with every built-in executor (externally-controlled is not supported). */
export function builtinExecutors(): ExecutorRegistry {
  return new ExecutorRegistry()
    .register(sharedIterations)
    .register(perVUIterations)
    .register(constantVUs)
    .register(rampingVUs)
    .register(constantArrivalRate)
    .register(rampingArrivalRate);
}
