export type { Tags, MetricType, ValueType, Sample, ThresholdJson, SubmetricInfo, MetricInfo } from './types';
export { decodeLine, decodeLines, type StreamRecord } from './decode-line';
export { readSamples, readSampleBatches, type ReadSamplesOptions } from './read-samples';
export { LineTail } from './line-tail';
export { encodeSamples, encodeLines, encodeMetricLine, encodePointLine, type MetricInfoSource } from './encode-samples';
export { SampleFileWriter } from './sample-file-writer';
export { goFloat, goJsonString, rfc3339Nano, parseRfc3339 } from './go-format';
