import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { parseAllDocuments } from 'yaml';
import { findExecutable } from '../engines';
import { runHarness } from '../testing';
import { renderK8sFolder, testRunProblems } from './index';

const FIXTURES = new URL('./fixtures/', import.meta.url);

async function docs(file: string): Promise<Array<Record<string, unknown>>> {
  return parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJSON() as Record<string, unknown>);
}

/** Every object of a rendered folder against its schema: the CRD for TestRuns, kubernetes-models for the rest. */
function validateObject(o: Record<string, unknown>): string[] {
  switch (o.kind) {
    case 'TestRun':
      return testRunProblems(o);
    case 'ConfigMap':
      return validated(() => new ConfigMap(o as never).validate());
    case 'Service':
      return validated(() => new Service(o as never).validate());
    case 'Deployment':
      return validated(() => new Deployment(o as never).validate());
    case 'Kustomization':
      return Array.isArray(o.resources) ? [] : ['Kustomization without resources'];
    default:
      return [`unexpected kind ${String(o.kind)}`];
  }
}

function validated(f: () => void): string[] {
  try {
    f();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

describe('k8s: TestRun against k6-operator v1.6.0 CRD', () => {
  it("accepts the operator's own sample TestRuns", async () => {
    const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 4);
    for (const f of files) for (const d of await docs(join(FIXTURES.pathname, f))) assert.deepEqual(testRunProblems(d), [], f);
  });

  it('rejects typos, wrong types and missing required fields, naming each', () => {
    const problems = testRunProblems({
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name: 'x' },
      spec: { parallelism: '2', script: { configMap: { name: 'a', fiel: 'test.js' } }, runner: { imagee: 'grafana/k6' } },
    });
    assert.ok(problems.some((p) => p.includes('/spec/parallelism') && p.includes('integer')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('(fiel)')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('(imagee)')), problems.join('\n'));
    assert.ok(testRunProblems({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name: 'x' }, spec: { script: { configMap: { name: 'a' } } } }).some((p) => p.includes('parallelism')));
    assert.ok(testRunProblems({ apiVersion: 'k6.io/v1', kind: 'TestRun', metadata: { name: 'x' }, spec: { parallelism: 1, script: { configMap: { name: 'a' } } } }).length > 0);
  });
});

describe('k8s: renderK8sFolder', () => {
  const input = {
    name: 'k6-smoke-ab12',
    scenario: 'smoke',
    script: 'export default function () {}\n',
    scriptFile: 'smoke.js',
    parallelism: 4,
    runId: '20260101T000000-smoke-ab12',
    k6Image: 'grafana/k6:0.48.0',
    env: {},
    extraArgs: ['--env', 'BASE_URL=http://toxiproxy:18080'],
    target: { redis: 'redis:7.2-alpine', toxiproxy: 'ghcr.io/shopify/toxiproxy:2.4.0', gateway: 'reg.example/th:1', worker: 'reg.example/th:1' },
  };

  it('writes a TestRun whose runners stream JSON and judge no thresholds, with the script in a ConfigMap', () => {
    const files = renderK8sFolder(input);
    const byPath = new Map(files.map((f) => [f.path, f]));
    const tr = byPath.get('testrun.yaml')!.objects![0] as { spec: { parallelism: number; args: string[]; runner: { image: string }; script: { configMap: { name: string; file: string } } } };
    assert.equal(tr.spec.parallelism, 4);
    assert.equal(tr.spec.runner.image, 'grafana/k6:0.48.0');
    for (const flag of ['--no-thresholds', 'json=-', 'run_id=20260101T000000-smoke-ab12', 'BASE_URL=http://toxiproxy:18080']) assert.ok(tr.spec.args.includes(flag), flag);
    const cm = byPath.get('script.yaml')!.objects![0] as { metadata: { name: string }; data: Record<string, string> };
    assert.equal(cm.metadata.name, tr.spec.script.configMap.name);
    assert.equal(cm.data[tr.spec.script.configMap.file], input.script);
    const kinds = (byPath.get('target.yaml')!.objects as Array<{ kind: string; metadata: { name: string } }>).map((o) => `${o.kind}/${o.metadata.name}`);
    for (const k of ['Deployment/redis', 'Service/redis', 'Deployment/toxiproxy', 'Service/toxiproxy', 'ConfigMap/toxiproxy-config', 'Deployment/gateway', 'Service/gateway', 'Deployment/worker']) assert.ok(kinds.includes(k), k);
    assert.deepEqual((byPath.get('kustomization.yaml')!.objects![0] as { resources: string[] }).resources, ['target.yaml', 'script.yaml', 'testrun.yaml']);
  });

  it('InfluxDB mode: the runners write k6\'s --out influxdb instead of JSON, the record and README say how to merge', () => {
    const files = renderK8sFolder({ ...input, influxdb: 'http://influxdb.monitoring:8086/k6' });
    const byPath = new Map(files.map((f) => [f.path, f]));
    const tr = byPath.get('testrun.yaml')!.objects![0] as { spec: { args: string[] } };
    assert.ok(tr.spec.args.includes('influxdb=http://influxdb.monitoring:8086/k6'), tr.spec.args.join(' '));
    assert.ok(!tr.spec.args.includes('json=-'));
    assert.ok(tr.spec.args.includes('run_id=20260101T000000-smoke-ab12'), 'the run id tags every point');
    assert.deepEqual(testRunProblems(tr), []);
    assert.equal(JSON.parse(byPath.get('harness-k8s.json')!.text!).influxdb, 'http://influxdb.monitoring:8086/k6');
    assert.match(byPath.get('README.md')!.text!, /harness k8s merge \. --from-influxdb http:\/\/127\.0\.0\.1:8086\/k6/);
  });

  it('throws, listing the problems, when the TestRun would not match the CRD', () => {
    assert.throws(() => renderK8sFolder({ ...input, parallelism: 1.5 }), /does not match k6-operator v1\.6\.0's CRD[\s\S]*parallelism/);
  });
});

describe('k8s: harness k8s render (spawned)', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8s-render-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders smoke with the target stack: every object valid, kustomize builds it', async () => {
    const out = join(dir, 'smoke');
    const { code, stdout, stderr } = await runHarness(['k8s', 'render', 'smoke', '--parallelism', '3', '--with-target', '--target-image', 'reg.example/telemetryhub:1', '--vus', '6', '--out', out]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /3 runner\(s\) of grafana\/k6:0\.48\.0, with the target stack/);
    assert.equal(stdout.trim().split('\n').length, 6);
    let objects = 0;
    for (const f of ['script.yaml', 'testrun.yaml', 'target.yaml']) {
      for (const o of await docs(join(out, f))) {
        assert.deepEqual(validateObject(o), [], `${f}: ${String(o.kind)}`);
        objects++;
      }
    }
    assert.equal(objects, 10);
    const tr = (await docs(join(out, 'testrun.yaml')))[0] as { spec: { args: string[] } };
    assert.ok(tr.spec.args.includes('HARNESS_VUS=6'), tr.spec.args.join(' '));
    const script = (await docs(join(out, 'script.yaml')))[0] as { data: Record<string, string> };
    assert.ok(script.data['smoke.js'].includes('/telemetry'), 'the compiled scenario');
    assert.ok(!script.data['smoke.js'].includes('sourceMappingURL=data:'), 'no inline source map (machine paths, size)');
    const record = JSON.parse(await readFile(join(out, 'harness-k8s.json'), 'utf8')) as { thresholds: Record<string, string[]> };
    assert.deepEqual(record.thresholds, { checks: ['rate==1'], http_req_failed: ['rate==0'] });
    const kubectl = await findExecutable('kubectl', process.env);
    if (!kubectl) {
      console.log('      (kubectl not on PATH: `kubectl kustomize` of the folder not checked)');
      return;
    }
    const k = spawnSync(kubectl, ['kustomize', out], { encoding: 'utf8' });
    assert.equal(k.status, 0, k.stderr);
    assert.equal((k.stdout.match(/^kind: /gm) ?? []).length, 10);
  });

  it('a missing target is a one-line usage error (104) and writes nothing', async () => {
    const out = join(dir, 'none');
    const r = await runHarness(['k8s', 'render', 'smoke', '--out', out]);
    assert.equal(r.code, 104, r.stderr);
    assert.match(r.stderr, /--with-target .* or --target-url/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    await assert.rejects(readdir(out));
  });
});
