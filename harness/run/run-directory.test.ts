import assert from 'node:assert/strict';
import { runsRoot } from './run-directory';

describe('runsRoot', () => {
  it('takes a relative reports dir from cwd and keeps an absolute one', () => {
    assert.equal(runsRoot('/home/u/p'), '/home/u/p/reports/runs');
    assert.equal(runsRoot('/home/u/p', 'out/reports'), '/home/u/p/out/reports/runs');
    assert.equal(runsRoot('/home/u/p', '/tmp/x'), '/tmp/x/runs');
  });
});
