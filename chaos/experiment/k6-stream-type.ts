import type { MetricInfo, Sample } from '../../vocabulary';

/**
 * A load's k6 JSON stream as chaos analyses it (its own file so the load drivers and the stream
 * functions can both name it without importing each other).
 */
export interface K6Stream {
  /** `Metric` lines: name -> k6 type (`counter`, `gauge`, `rate`, `trend`). */
  types: Map<string, string>;
  /** The `Metric` lines as read, written back unchanged (absent for synthesised streams). */
  metrics?: Map<string, MetricInfo>;
  /** The Points, as the one k6 Sample type; `time` is journal time (ms since the experiment started). */
  points: Sample[];
}
