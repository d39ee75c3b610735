/**
 * `k6/experimental/streams`: the WHATWG Streams classes k6 serves, from Node's implementation
 * (node:stream/web), which follows the same specification.
 */
import { CountQueuingStrategy, ReadableStream, ReadableStreamDefaultReader } from 'node:stream/web';
import type { ModuleFactory } from '../types';

export const streamsModule: ModuleFactory = () => {
  const exports = { ReadableStream, CountQueuingStrategy, ReadableStreamDefaultReader };
  return { ...exports, default: exports };
};
