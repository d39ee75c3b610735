import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { idOf } from '../worker/worker';
import { recordJson } from './record-json';
import type { Sample } from './schema';

describe('recordJson (the queued record, built by concatenation)', () => {
  const samples: Sample[] = [
    { device_id: 'sensor-42', timestamp: 1700000000000, metrics: { temp_c: 21.5, rssi: -70 } },
    { device_id: 'a.b:c_D-9', timestamp: 0, metrics: { x: 0, 'y.z': -0, big: 1e308, small: 5e-324, int: 8_640_000_000_000_000 } },
    { device_id: 'd', timestamp: '2024-02-29T23:59:60.123456+05:30', metrics: { _: 1 } },
    { device_id: 'd', timestamp: '2024-01-01T00:00:00Z', metrics: { a: 1.0000000000000002 } },
  ];
  it('is byte for byte what JSON.stringify of the record object gives', () => {
    for (const s of samples)
      for (const requestId of [randomUUID(), 'req-1', 'a_b.c:d-e', 'x'.repeat(128)]) {
        const id = randomUUID();
        const expected = JSON.stringify({ id, request_id: requestId, received_at: 1732950000123, device_id: s.device_id, timestamp: s.timestamp, metrics: s.metrics });
        assert.equal(recordJson(id, requestId, 1732950000123, s), expected);
      }
  });
  it('keeps the id first, where the worker reads it', () => {
    const id = randomUUID();
    assert.equal(idOf(recordJson(id, 'r', 1, samples[0])), id);
  });
});
