import assert from 'node:assert/strict';
import type { Executor } from '../executors/types';
import { renderProgress } from './progress';
import type { SchedulerState } from './scheduler';

const executor = (name: string, right: string[]): Executor =>
  ({
    config: { name },
    finished: false,
    progress: () => ({ fraction: 0.5, right }),
  }) as unknown as Executor;

function state(over: Partial<SchedulerState>): SchedulerState {
  return { startedAt: 1000, vusActive: 0, vusMax: 0, iterationsCompleted: 0, iterationsInterrupted: 0, phase: 'running', stopCause: undefined, ...over };
}

describe('progress line (k6 getRunStats)', () => {
  it('pads VU counts to the digits of the max possible VUs, clock to the max duration', () => {
    const lines = renderProgress({ state: state({ vusActive: 5, vusMax: 50 }), executors: [executor('default', ['50 VUs', '1.0s/5s'])], maxDuration: 35_000, maxVUs: 50, now: () => 2000 });
    assert.equal(lines[0], 'running (01.0s), 05/50 VUs, 0 complete and 0 interrupted iterations');
    assert.equal(lines[1], 'default   [  50% ] 50 VUs  1.0s/5s');
  });

  it('matches the reference recording (max duration 10m30s, 6 VUs)', () => {
    const lines = renderProgress({ state: state({ vusActive: 0, vusMax: 6, iterationsCompleted: 23 }), executors: [], maxDuration: 630_000, maxVUs: 6, now: () => 2000 });
    assert.equal(lines[0], 'running (00m01.0s), 0/6 VUs, 23 complete and 0 interrupted iterations');
  });
});
