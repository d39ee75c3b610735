export { Wait } from './wait';
export type { WaitStrategy, WaitOptions } from './wait-strategy';
export { PollingWaitStrategy, DEFAULT_WAIT_TIMEOUT_MS, timeoutError } from './wait-strategy';
export { HttpWaitStrategy } from './http-wait';
export { PortWaitStrategy } from './port-wait';
export { LogWaitStrategy } from './log-wait';
export { AllWaitStrategy } from './all-wait';
export { systemClock, type Clock } from './clock';
