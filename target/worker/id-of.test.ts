import assert from 'node:assert/strict';
import { idOf } from './worker';

describe('worker idOf (fast id extraction)', () => {
  it('reads the id of a record written by the gateway, the same as JSON.parse', () => {
    const raw = JSON.stringify({ id: '0b6f0c53-5f0e-4c59-9d3e-2a8f6d1c9e11', request_id: 'r', received_at: 1, device_id: 'd', timestamp: 1, metrics: { a: 1 } });
    assert.equal(idOf(raw), (JSON.parse(raw) as { id: string }).id);
  });
  it('returns undefined for any other shape, so the caller parses', () => {
    for (const raw of ['{"id":"x\\"y","a":1}', '{"id":"abc"}', '{"request_id":"0b6f0c53-5f0e-4c59-9d3e-2a8f6d1c9e11"}', '{"id":1}', 'not json', '{"id":"0b6f0c53-5f0e-4c59-9d3e-2a8f6d1c9e11"}'])
      assert.equal(idOf(raw), undefined, raw);
  });
});
