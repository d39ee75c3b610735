/** The only import surface of the scenario library (scenarios import from './lib'). */
export { config, loadConfig, type HarnessConfig } from './config';
export { formatDuration, parseDuration } from '../../vocabulary/duration';
export {
  constantArrivalRate,
  constantVus,
  rampingArrivalRate,
  rampingVus,
  scaleStages,
  thinkTime,
  totalSeconds,
} from './load';
export { batchBody, deviceId, makeBatch, makeSample, sampleBody, type TelemetrySample } from './payload';
export { mixSeed, mulberry32, rngFor } from './random';
export {
  checkHealthy,
  checkIngest,
  ingestAccepted,
  ingestBackpressure,
  ingestErrors,
  ingestThrottled,
  ingestUnavailable,
  isBackpressure,
  type BackpressurePolicy,
} from './checks';
export { getHealth, postBatch, postSample } from './telemetry';
