import assert from 'node:assert/strict';
import { upStateFile } from './up-state';

describe('upStateFile', () => {
  it('takes a relative reports dir from cwd and keeps an absolute one (HARNESS_REPORTS_DIR)', () => {
    assert.equal(upStateFile('/home/u/p'), '/home/u/p/reports/.harness-up.json');
    assert.equal(upStateFile('/home/u/p', 'out/reports'), '/home/u/p/out/reports/.harness-up.json');
    assert.equal(upStateFile('/home/u/p', '/tmp/x'), '/tmp/x/.harness-up.json');
  });
});
