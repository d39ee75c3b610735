/**
 * Loads a library on first use. The heavy libraries behind k6/html, k6/ws, redis and gRPC
 * (cheerio, ws, ioredis, grpc-js) cost ~25 MiB and start-up time; a script that never imports
 * those modules does not pay for them.
 */
import { createRequire } from 'node:module';

const req = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  let m: T | undefined;
  return () => (m ??= req(id) as T);
}
