export { runK6, K6_COMPAT_VERSION } from './run-k6';
export { parseRunFlags, summaryEnabled, type RunFlags } from './flags';
export { createK6Logger } from './logger';
