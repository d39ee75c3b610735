export { parseDuration, durationMs, positiveDurationMs, nonNegativeDurationMs, type DurationResult } from './parse-duration';
export { formatDuration, formatFixedDuration } from './format-duration';
