/**
 * The queued record's JSON, `{ id, request_id, received_at, device_id, timestamp, metrics }`:
 * byte for byte what JSON.stringify of that object gives (record-json.test.ts checks it), built
 * by concatenation because only `metrics` and a string `timestamp` can need escaping. The id is a
 * UUID, the request id matches server.ts's `[\w.:-]{1,128}` and device_id the schema's
 * `[A-Za-z0-9._:-]+`, so they are quoted as they are; the worker reads the id from the
 * record's prefix, so `id` stays first.
 */
import type { Sample } from './schema';

export function recordJson(id: string, requestId: string, receivedAt: number, s: Sample): string {
  const ts = typeof s.timestamp === 'number' ? String(s.timestamp) : JSON.stringify(s.timestamp);
  return `{"id":"${id}","request_id":"${requestId}","received_at":${receivedAt},"device_id":"${s.device_id}","timestamp":${ts},"metrics":${JSON.stringify(s.metrics)}}`;
}
