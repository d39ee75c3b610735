import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import { IN_CLUSTER_BASE_URL, targetStack, type TargetImages } from './target-stack';
import { testRun, testRunProblems, type TestRun } from './test-run';

/** What `harness k8s render` knows about the run it renders. */
export interface K8sRenderInput {
  /** Resource name prefix (DNS-1123 label). */
  name: string;
  namespace?: string;
  /** Catalog name or path of the scenario, for the record. */
  scenario: string;
  /** The compiled scenario (one ES module) and its key in the ConfigMap. */
  script: string;
  scriptFile: string;
  parallelism: number;
  runId: string;
  /** Runner image, pinned (never `latest`). */
  k6Image: string;
  /** Environment for the runners (`__ENV`): the harness's overrides and BASE_URL. */
  env: Record<string, string>;
  /** Put each runner on its own node. */
  separate?: boolean;
  /** Also render the target stack (gateway, worker, Redis, Toxiproxy). */
  target?: TargetImages;
  /** Extra k6 flags after the harness's own (e.g. `--out influxdb=…`). */
  extraArgs?: string[];
  /** The script's `thresholds` option when it is a literal (judged by `harness k8s merge`). */
  thresholds?: unknown;
  /**
   * Runners write to this InfluxDB 1.x (`http://host:8086/<database>`, k6's own `--out influxdb`)
   * instead of their logs; `harness k8s merge --from-influxdb` reads the run back.
   */
  influxdb?: string;
}

/** One file of the rendered folder: Kubernetes objects (a multi-document YAML) or text. */
export interface RenderedFile {
  path: string;
  objects?: unknown[];
  text?: string;
}

/** Name and key where `harness k8s merge` finds what it needs besides the runners' streams. */
export const RENDER_RECORD = 'harness-k8s.json';

export interface RenderRecord {
  runId: string;
  scenario: string;
  testRun: string;
  namespace?: string;
  parallelism: number;
  k6Image: string;
  renderedAt: string;
  env: Record<string, string>;
  /** The script's `thresholds` option (a literal, or as the built-in engine evaluated it); absent: the script has none. */
  thresholds?: unknown;
  /** The runners' InfluxDB (as the cluster reaches it), when they write there instead of their logs. */
  influxdb?: string;
}

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'telemetryhub-harness' } as const;

/**
 * The runners' k6 flags. The operator runs `k6 run --quiet <segment flags> <these> <script>
 * --tag instance_id=N --tag testrun_name=NAME`. Each runner streams k6's JSON to stdout (`json=-`;
 * its logs go to stderr), so `kubectl logs` collects the samples without a volume. Thresholds
 * are judged once over the merged data by `harness k8s merge`, never per runner on a slice
 * (`--no-thresholds`: the runners' streams carry no thresholds, so `harness k8s render` records
 * the script's in harness-k8s.json, evaluated by the built-in engine when they are computed).
 */
export function runnerArgs(input: Pick<K8sRenderInput, 'runId' | 'extraArgs' | 'influxdb'>): string[] {
  return ['--no-thresholds', '--no-summary', '--out', input.influxdb ? `influxdb=${input.influxdb}` : 'json=-', '--tag', `run_id=${input.runId}`, '--tag', `testid=${input.runId}`, ...(input.extraArgs ?? [])];
}

/**
 * The kustomize-ready folder, as data: `kustomization.yaml`, the script ConfigMap, the TestRun,
 * optionally the target stack, the record `harness k8s merge` reads and a README. Every object is
 * validated against its schema (kubernetes-models for core objects, k6-operator v1.6.0's CRD for
 * the TestRun); a problem is a bug here, so it throws with every problem listed.
 */
export function renderK8sFolder(input: K8sRenderInput): RenderedFile[] {
  const labels = { ...MANAGED_BY, 'harness.run-id': input.runId };
  const scriptMap = new ConfigMap({
    metadata: { name: `${input.name}-script`, labels },
    data: { [input.scriptFile]: input.script },
  });
  scriptMap.validate();
  const run: TestRun = testRun(
    { name: input.name, labels },
    {
      parallelism: input.parallelism,
      script: { configMap: { name: `${input.name}-script`, file: input.scriptFile } },
      args: runnerArgs(input),
      separate: input.separate || undefined,
      runner: {
        image: input.k6Image,
        env: Object.keys(input.env).length ? Object.entries(input.env).map(([name, value]) => ({ name, value })) : undefined,
        metadata: { labels },
      },
    },
  );
  const problems = testRunProblems(run);
  if (problems.length) throw new Error(`rendered TestRun does not match k6-operator v1.6.0's CRD:\n  ${problems.join('\n  ')}`);

  const files: RenderedFile[] = [
    { path: 'script.yaml', objects: [scriptMap.toJSON()] },
    { path: 'testrun.yaml', objects: [run] },
  ];
  if (input.target) {
    const objects = targetStack(input.target, labels);
    for (const o of objects) o.validate();
    files.push({ path: 'target.yaml', objects: objects.map((o) => o.toJSON()) });
  }
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(input.namespace ? { namespace: input.namespace } : {}),
    // The target first: `kubectl apply -k` creates in this order, and the runners find it up.
    resources: [...(input.target ? ['target.yaml'] : []), 'script.yaml', 'testrun.yaml'],
  };
  const record: RenderRecord = {
    runId: input.runId,
    scenario: input.scenario,
    testRun: input.name,
    namespace: input.namespace,
    parallelism: input.parallelism,
    k6Image: input.k6Image,
    renderedAt: new Date().toISOString(),
    env: input.env,
    thresholds: input.thresholds,
    ...(input.influxdb ? { influxdb: input.influxdb } : {}),
  };
  files.unshift({ path: 'kustomization.yaml', objects: [kustomization] });
  files.push({ path: RENDER_RECORD, text: `${JSON.stringify(record, null, 2)}\n` });
  files.push({ path: 'README.md', text: readme(input) });
  return files;
}

export async function writeK8sFolder(dir: string, files: readonly RenderedFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of files) {
    const text = f.text ?? f.objects!.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
    await writeFile(join(dir, f.path), text);
  }
}

function readme(input: K8sRenderInput): string {
  const ns = input.namespace ? ` -n ${input.namespace}` : '';
  const sel = `k6_cr=${input.name},runner=true`;
  return `# ${input.scenario} on Kubernetes (run ${input.runId})

Rendered by \`harness k8s render\` for k6-operator v1.6.0: ${input.parallelism} runner(s) of
\`${input.k6Image}\`, each given an execution segment by the operator.
${input.target ? `The target stack (gateway, worker, Redis, Toxiproxy) is included; the runners send their load to \`${IN_CLUSTER_BASE_URL}\` (the Toxiproxy \`gateway\` proxy). The gateway/worker image must be pushed where the cluster can pull it (\`--target-image\`).\n` : ''}
\`\`\`sh
kubectl apply -k .${ns}
kubectl get testrun ${input.name}${ns} -w            # until the stage is "finished"
${
    input.influxdb
      ? `# the runners wrote to ${input.influxdb}; make it reachable from here (e.g. kubectl port-forward), then:
harness k8s merge . --from-influxdb http://127.0.0.1:8086/${new URL(input.influxdb).pathname.replace(/^\/+/, '')}   # one run directory: verdict, report, gate`
      : `mkdir -p runners && for p in $(kubectl get pods${ns} -l ${sel} -o name); do
  kubectl logs${ns} "$p" > "runners/\${p#pod/}.log"
done
harness k8s merge . runners/*.log                     # one run directory: verdict, report, gate`
  }
kubectl delete -k .${ns}
\`\`\`

The runners write k6's ${input.influxdb ? 'samples to InfluxDB (k6\'s own schema, tagged with the run id)' : 'JSON samples to stdout'} and judge no thresholds: \`harness k8s merge\`
evaluates the scenario's thresholds once, over every runner's samples (exact percentiles), and
exits like \`harness run\` (0 passed, 99 thresholds crossed).
`;
}
