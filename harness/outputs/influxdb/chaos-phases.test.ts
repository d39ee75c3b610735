import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChaosPhases, type ChaosEvent } from './chaos-phases';

describe('influxdb: ChaosPhases (the experiment journal, read as it grows)', () => {
  it('phase and fault at a time as chaos assigns them; events as annotations, probes left out; no journal, no phase', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-phases-'));
    try {
      const file = join(dir, 'chaos-journal.jsonl');
      const events: ChaosEvent[] = [];
      const phases = new ChaosPhases(file, (e) => events.push(e));
      phases.refresh();
      assert.equal(phases.at(0), undefined, 'not a chaos run');
      const at = (ms: number) => new Date(1764485000000 + ms).toISOString();
      const write = (e: object) => appendFileSync(file, `${JSON.stringify(e)}\n`);
      write({ t: 0, at: at(0), event: 'start', experiment: 'x' });
      write({ t: 1, at: at(1), event: 'probe', ok: true });
      write({ t: 1000, at: at(1000), event: 'inject', fault: 'lat', link: 'redis' });
      phases.refresh();
      assert.deepEqual(phases.at(1764485000500), { phase: 'baseline' });
      assert.deepEqual(phases.at(1764485001500), { phase: 'fault', fault: 'lat' });
      write({ t: 2000, at: at(2000), event: 'restored', fault: 'lat' });
      appendFileSync(file, '{"t":3000,"at":"'); // a line still being written
      phases.refresh();
      assert.deepEqual(phases.at(1764485001999), { phase: 'fault', fault: 'lat' });
      assert.deepEqual(phases.at(1764485002000), { phase: 'recovery' });
      appendFileSync(file, `${at(3000)}","event":"verdict","verdict":"passed"}\n`);
      phases.refresh();
      assert.deepEqual(
        events.map((e) => [e.event, e.fault, e.at - 1764485000000]),
        [
          ['start', undefined, 0],
          ['inject', 'lat', 1000],
          ['restored', 'lat', 2000],
          ['verdict', undefined, 3000],
        ],
      );
      assert.equal(events[1].text, 'inject lat {"link":"redis"}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
