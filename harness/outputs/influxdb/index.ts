export { influxdbOutput, grafanaLink, type InfluxOutput, type InfluxOutputContext, type InfluxOutputDeps, type InfluxRunRecord } from './influxdb-output';
export { influxSettings, describeSettings, type InfluxSettings } from './config';
export { InfluxSink } from './influx-sink';
export { PointWriter, type LineSink, type WriteStats, type PointWriterOptions } from './point-writer';
export { Spool, SPOOL_DIR } from './spool';
export { RollupShape, type PointShape } from './rollup-shape';
export { RawShape } from './raw-shape';
export { encodeLine } from './line-protocol';
export type { SampleSource, StreamRecord, StreamSample } from './sample-source';
