import { readSampleBatches, type Sample, type StreamRecord } from '../../../vocabulary/samples';

/** A sample of the k6 JSON stream (the project's one type, `vocabulary/samples`). */
export type StreamSample = Sample;
export type { StreamRecord };

/**
 * Where the output's records come from, a batch at a time: the project's one streaming reader
 * by default (`readSampleBatches` in follow mode); tests may hand in another source.
 */
export type SampleSource = (path: string, opts: { follow: boolean; signal?: AbortSignal }) => AsyncIterable<readonly StreamRecord[]>;

/** Reads `path` while the engine writes it, until `signal` aborts, then to its end. */
export const followSamples: SampleSource = (path, opts) => readSampleBatches(path, opts);
