import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chaos } from '../../harness/commands/chaos';
import { run } from '../../harness/commands/run';
import { Spool } from '../../harness/outputs/influxdb';
import { freePort, captureContext, throwawayProject } from '../../harness/testing';
import { influxd1Bin, startInfluxdb1, type StartedInfluxdb1 } from '../testing/influxdb1';
import { allDashboards, dashboardJson } from './dashboards';

const dir = resolve('grafana/dashboards');

interface Query {
  dashboard: string;
  panel: string;
  query: string;
}

/** Every InfluxQL query of a dashboard JSON: panel targets, the annotation, the run variable. */
function queriesOf(file: string, d: { panels?: Array<{ title?: string; targets?: Array<{ query?: string }> }>; annotations?: { list?: Array<{ name: string; target?: { query?: string } }> }; templating?: { list?: Array<{ name: string; query?: unknown }> } }): Query[] {
  const out: Query[] = [];
  for (const p of d.panels ?? []) for (const t of p.targets ?? []) if (t.query) out.push({ dashboard: file, panel: p.title ?? '?', query: t.query });
  for (const a of d.annotations?.list ?? []) if (a.target?.query) out.push({ dashboard: file, panel: `annotation ${a.name}`, query: a.target.query });
  for (const v of d.templating?.list ?? []) if (typeof v.query === 'string') out.push({ dashboard: file, panel: `variable ${v.name}`, query: v.query });
  return out;
}

describe('grafana: dashboards as code', () => {
  it('the committed JSON is what grafana/src/dashboards.ts generates (npm run grafana:dashboards)', () => {
    for (const [file, d] of Object.entries(allDashboards())) {
      assert.equal(readFileSync(join(dir, file), 'utf8'), dashboardJson(d), `grafana/dashboards/${file} is stale: run npm run grafana:dashboards`);
    }
  });

  it('every panel reads the InfluxDB datasource and the selected run within the time range', () => {
    for (const [file, d] of Object.entries(allDashboards())) {
      const qs = queriesOf(file, d as never);
      assert.ok(qs.length > 5, file);
      for (const q of qs.filter((x) => !x.panel.startsWith('variable'))) assert.match(q.query, /"run_id" =~ \/\^\$run_id\$\/ AND \$timeFilter/, `${file} ${q.panel}`);
    }
  });
});

describe('grafana: every panel query runs on a real InfluxDB 1.x against a real run @slow', function () {
  this.timeout(240_000);
  let influx: StartedInfluxdb1;
  let cwd: string;
  const runs: Record<'load' | 'chaos', { id: string; from: number; to: number; non2xx: number }> = {} as never;

  before(async function () {
    const { bin, why } = influxd1Bin();
    if (!bin) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    influx = await startInfluxdb1(bin);
    cwd = await throwawayProject('grafana-influxql-');
    // Both runs write with the database unreachable (a closed port): the points go to the spool,
    // which is then replayed into InfluxDB 1.x through its v1 /write (same line protocol).
    const dead = `influxdb=http://127.0.0.1:${await freePort()}/k6`;
    const load = captureContext(cwd);
    const loadCode = await run({ scenario: resolve('grafana/testing/fixtures/mixed-ingest.ts'), runtime: 'local', toxiproxy: 'builtin', engine: 'builtin', out: [dead], watchdog: false, runId: 'grafana-load' }, load);
    assert.ok(loadCode === 0 || loadCode === 99, load.err());
    const chaosCtx = captureContext(cwd);
    const chaosCode = await chaos({ experiment: 'redis-latency', runtime: 'local', duration: '4s', seed: 7, env: ['HARNESS_RATE=20'], out: [dead], watchdog: false }, chaosCtx);
    assert.equal(chaosCode, 0, chaosCtx.err());
    const chaosId = readdirSync(join(cwd, 'reports', 'runs')).find((d) => d.includes('chaos-redis-latency')) ?? 'no chaos run';
    for (const [key, id] of [['load', 'grafana-load'], ['chaos', chaosId]] as const) {
      const runDir = join(cwd, 'reports', 'runs', id);
      const info = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { runId: string; startedAt: string; finishedAt: string; influxdb: { pending: number } };
      assert.ok(info.influxdb.pending > 0, `${id}: points were spooled`);
      const r = await new Spool(runDir).replay((lines) => influx.write('k6', lines), 5000);
      assert.equal(r.replayed, info.influxdb.pending);
      const non2xx = gunzipSync(readFileSync(join(runDir, 'samples.ndjson.gz'))).toString('utf8')
        .split('\n')
        .filter((l) => l.startsWith('{"metric":"http_reqs","type":"Point"') && !/"status":"2\d\d"/.test(l)).length;
      runs[key] = { id: info.runId, from: Date.parse(info.startedAt) - 60_000, to: Date.parse(info.finishedAt) + 60_000, non2xx };
    }
  });
  after(async () => {
    await influx?.stop();
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('each query of each dashboard parses and returns data for the run (variables substituted)', async () => {
    const failures: string[] = [];
    let ran = 0;
    for (const [file, d] of Object.entries(allDashboards())) {
      const r = file === 'chaos.json' ? runs.chaos : runs.load;
      for (const q of queriesOf(file, d as never)) {
        const text = q.query
          .replaceAll('$run_id', r.id.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
          .replaceAll('$timeFilter', `time >= ${r.from}ms AND time <= ${r.to}ms`)
          .replaceAll('$__interval_ms', '1000')
          .replaceAll('$__interval', '1s');
        const [res] = await influx.query('k6', text);
        ran++;
        // an error panel of a run without errors has, correctly, nothing to show
        const mayBeEmpty = r.non2xx === 0 && q.query.includes('"status" !~ /^2/');
        if (res?.error) failures.push(`${file} "${q.panel}": ${res.error}\n    ${text}`);
        else if (!mayBeEmpty && !res?.series?.some((s) => s.values.some((v) => v.slice(1).some((x) => x !== null)))) failures.push(`${file} "${q.panel}": no data\n    ${text}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${ran} queries failed`);
    assert.ok(runs.load.non2xx > 0, 'the load run had errors, so its error panels were checked for data');
  });
});
