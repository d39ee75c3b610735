import assert from 'node:assert/strict';
import { runsRoot } from './run-directory';

describe('runsRoot', () => {
  it('takes a relative reports dir from cwd and keeps an absolute one', () => {
    assert.equal(runsRoot('/work/p'), '/work/p/reports/runs');
    assert.equal(runsRoot('/work/p', 'out/reports'), '/work/p/out/reports/runs');
    assert.equal(runsRoot('/work/p', '/tmp/x'), '/tmp/x/runs');
  });
});
