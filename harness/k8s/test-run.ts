import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/**
 * The part of k6-operator v1.6.0's `TestRun` (group `k6.io`, version `v1alpha1`) the harness
 * writes, typed from its CRD (`k6-operator-v1.6.0/k6.io_testruns.yaml`). Every object built
 * from it is checked against that schema by {@link testRunProblems} before it is written.
 */
export interface EnvVar {
  name: string;
  value: string;
}

export interface TestRunSpec {
  /** Number of runner Jobs; the operator hands each one an execution segment. */
  parallelism: number;
  script: { configMap: { name: string; file?: string } };
  /** Exact argv after `k6 run --quiet <segment flags>` (a non-empty `args` overrides `arguments`). */
  args?: string[];
  /** Put each runner on a different node (required pod anti-affinity). */
  separate?: boolean;
  /** `post`: delete the TestRun and its Jobs once it finished or failed. */
  cleanup?: 'post';
  runner?: {
    image?: string;
    env?: EnvVar[];
    metadata?: { labels?: Record<string, string> };
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  };
}

export interface TestRun {
  apiVersion: 'k6.io/v1alpha1';
  kind: 'TestRun';
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: TestRunSpec;
}

export function testRun(metadata: TestRun['metadata'], spec: TestRunSpec): TestRun {
  return { apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata, spec };
}

const CRD_FILE = fileURLToPath(new URL('./k6-operator-v1.6.0/k6.io_testruns.yaml', import.meta.url));

let validator: ValidateFunction | undefined;

/**
 * Problems of a TestRun against the CRD's `openAPIV3Schema` (empty when valid). Upstream's schema
 * leaves every object open, so a misspelt field would pass and be pruned by the API server without
 * a word; the validator closes each object that lists its properties (unless it says
 * `x-kubernetes-preserve-unknown-fields`), the way `kubectl --validate=strict` judges it.
 */
export function testRunProblems(obj: unknown): string[] {
  validator ??= compileValidator();
  if (validator(obj)) return [];
  return (validator.errors ?? []).map((e) => {
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    return `${e.instancePath || '/'}: ${e.message}${extra ? ` (${extra})` : ''}`;
  });
}

function compileValidator(): ValidateFunction {
  const crd = parse(readFileSync(CRD_FILE, 'utf8')) as {
    spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Record<string, unknown> } }> };
  };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (!version) throw new Error(`${CRD_FILE}: no v1alpha1 version`);
  const schema = closeObjects(structuredClone(version.schema.openAPIV3Schema));
  // `apiVersion`/`kind` are open strings in the CRD; pin them to what this model writes.
  const props = schema.properties as Record<string, Record<string, unknown>>;
  props.apiVersion = { type: 'string', enum: ['k6.io/v1alpha1'] };
  props.kind = { type: 'string', enum: ['TestRun'] };
  schema.required = ['apiVersion', 'kind', 'metadata', 'spec'];
  // Kubernetes' own keywords (x-kubernetes-*) and formats (int32, quantity) are not JSON Schema's.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(schema);
}

function closeObjects(node: Record<string, unknown>): Record<string, unknown> {
  if (node.properties && node.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) node.additionalProperties = false;
  for (const v of Object.values(node)) {
    if (Array.isArray(v)) for (const x of v) if (x && typeof x === 'object') closeObjects(x as Record<string, unknown>);
    if (v && typeof v === 'object' && !Array.isArray(v)) closeObjects(v as Record<string, unknown>);
  }
  return node;
}

/**
 * The command k6-operator v1.6.0 runs in runner Job `index` (1-based) of a TestRun whose script is
 * a ConfigMap (`pkg/resources/jobs/runner.go` NewRunnerJob, `pkg/segmentation`): `k6 run --quiet`,
 * the runner's execution segment of an even split, the spec's `args`, the script (mounted at
 * `/test/`, here `scriptPath`), the REST address, `--paused` (the operator's starter resumes all
 * runners together; left out here) and the instance and test-run tags. `address` replaces the
 * pod's `0.0.0.0:6565` when runners share one machine. Used to run a rendered
 * TestRun's runners locally with real k6, exactly as a cluster would.
 */
export function operatorRunnerCommand(run: TestRun, index: number, scriptPath: string, o: { paused?: boolean; address?: string } = {}): string[] {
  const n = run.spec.parallelism;
  if (!Number.isInteger(index) || index < 1 || index > n) throw new Error(`runner index ${index} outside 1..${n}`);
  const cmd = ['k6', 'run', '--quiet'];
  if (n > 1) {
    const at = (i: number) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);
    const sequence = ['0', ...Array.from({ length: n - 1 }, (_, i) => `${i + 1}/${n}`), '1'].join(',');
    cmd.push(`--execution-segment=${at(index - 1)}:${at(index)}`, `--execution-segment-sequence=${sequence}`);
  }
  cmd.push(...(run.spec.args ?? []), scriptPath, `--address=${o.address ?? '0.0.0.0:6565'}`);
  if (o.paused) cmd.push('--paused');
  cmd.push('--tag', `instance_id=${index}`, '--tag', `testrun_name=${run.metadata.name}`);
  return cmd;
}
