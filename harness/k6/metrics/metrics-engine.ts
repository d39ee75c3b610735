import { type AnySink, type MetricInfo, type MetricInfoSource, type SubmetricInfo, type ThresholdJson, newSink, parseSubmetricSelector, sameTags } from '../../../vocabulary';
import type { MetricDef, MetricRegistry, MetricType, Sample, SampleSink, Tags, ValueType } from '../types';
import type { Output } from '../output/types';
import { GroupTree, type CheckNode } from './group-tree';

// What outputs need to describe a metric is k6's `Metric` line (vocabulary/samples).
export type { MetricInfo, MetricInfoSource, SubmetricInfo, ThresholdJson };

/** One aggregated metric or submetric. */
export interface MetricState {
  /** For submetrics `parent{suffix}`. */
  readonly name: string;
  readonly type: MetricType;
  readonly contains: ValueType;
  readonly sink: AnySink;
  /** Shown in the summary: got a sample or has thresholds. */
  observed: boolean;
  readonly submetrics: SubmetricState[];
  /** Set on submetrics. */
  readonly parent?: MetricState;
  thresholds: ThresholdJson[];
}

export interface SubmetricState {
  readonly suffix: string;
  readonly tags: Tags;
  readonly tagEntries: ReadonlyArray<readonly [string, string]>;
  readonly state: MetricState;
}

export interface MetricsEngineOptions {
  registry: MetricRegistry;
  /** Create `http_req_duration{expected_response:true}` (k6 does when the `expected_response` system tag is on; default true). */
  expectedResponseSubmetric?: boolean;
  /** Outputs receive every sample in batches; the engine starts/stops none of them (see `OutputSet`). */
  outputs?: Output[];
  /** How often batches are handed to outputs (default 100 ms). */
  flushIntervalMs?: number;
  /**
   * A batch is handed over as soon as it holds this many samples (default 1024): samples then die
   * young, instead of surviving garbage collections for up to flushIntervalMs (measurable CPU).
   */
  flushSamples?: number;
}

/**
 * Aggregates every sample into its metric's sink and the sinks of matching submetrics (k6's
 * `MetricsEngine` + output ingester), builds the group/check tree, and fans samples out to outputs.
 *
 *   VU modules ──push(sample)──▶ MetricsEngine ──▶ sinks (metric + matching submetrics)
 *                                      ├──▶ GroupTree (group / check tags)
 *                                      └──▶ batch ──(every flushIntervalMs, or flushSamples)──▶ outputs[i].write()
 *
 * `push` is synchronous and cheap (a Map lookup, one sink update, a tag compare per submetric);
 * thresholds read the sinks directly, so they always see every pushed sample.
 * Pushing a metric that is not in the registry throws (a contract violation by the caller).
 */
export class MetricsEngine implements SampleSink, MetricInfoSource {
  readonly registry: MetricRegistry;
  readonly groups = new GroupTree();
  private readonly states = new Map<string, MetricState>();
  private readonly observedList: MetricState[] = [];
  private outputs: Output[];
  private pending: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly flushIntervalMs: number;
  private readonly flushSamples: number;
  private lastGroup: string | undefined = undefined;
  private readonly checkNodes = new WeakMap<Tags, CheckNode>();
  /** Samples pushed, and the first and last sample time (ms): a runner's aggregates report them. */
  pushed = 0;
  firstTime = Number.POSITIVE_INFINITY;
  lastTime = Number.NEGATIVE_INFINITY;

  constructor(opts: MetricsEngineOptions) {
    this.registry = opts.registry;
    this.outputs = opts.outputs ?? [];
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
    this.flushSamples = opts.flushSamples ?? 1024;
    this.pendingExpectedResponse = opts.expectedResponseSubmetric ?? true;
  }

  // k6 adds `http_req_duration{expected_response:true}` after the threshold submetrics, which
  // shows in the order of `submetrics` in JSON Metric lines: so it is created at the first sample.
  private pendingExpectedResponse: boolean;
  private initSubmetrics(): void {
    if (!this.pendingExpectedResponse) return;
    this.pendingExpectedResponse = false;
    if (this.registry.get('http_req_duration')) this.ensureSubmetric('http_req_duration{expected_response:true}');
  }

  /** The state of a registered metric (created on first use), or undefined if not registered. */
  metric(name: string): MetricState | undefined {
    let s = this.states.get(name);
    if (s) return s;
    const def = this.registry.get(name);
    if (!def) return undefined;
    s = newState(def.name, def.type, def.contains);
    this.states.set(name, s);
    return s;
  }

  /**
   * The metric or submetric a threshold key names (k6 `getThresholdMetricOrSubmetric`), creating the
   * submetric. Throws k6's errors: unknown metric, missing `}`, empty selector.
   */
  ensureSubmetric(key: string): MetricState {
    const brace = key.indexOf('{');
    const metricName = brace === -1 ? key : key.slice(0, brace);
    const parent = this.metric(metricName);
    if (!parent) throw new Error(`metric '${metricName}' does not exist in the script`);
    if (brace === -1) return parent;
    const def = key.slice(brace + 1);
    if (!def.endsWith('}')) throw new Error(`missing ending bracket, sub-metric format needs to be 'metric{key:value}'`);
    const suffix = def.slice(0, -1).trim();
    const tags = parseSubmetricSelector(metricName, suffix);
    const existing = parent.submetrics.find((sm) => sameTags(sm.tags, tags));
    if (existing) return existing.state;
    const name = `${metricName}{${suffix}}`;
    const state = newState(name, parent.type, parent.contains, parent);
    parent.submetrics.push({ suffix, tags, tagEntries: Object.entries(tags), state });
    this.states.set(name, state);
    return state;
  }

  /** Mark as shown in the summary even without samples (k6 does this for metrics with thresholds and their parents). */
  markObserved(state: MetricState): void {
    if (!state.observed) {
      state.observed = true;
      this.observedList.push(state);
    }
  }

  /** Observed metrics and submetrics, in the order first observed. */
  observedMetrics(): readonly MetricState[] {
    return this.observedList;
  }

  push(sample: Sample): void {
    if (this.pendingExpectedResponse) this.initSubmetrics();
    let state = this.states.get(sample.metric);
    if (state === undefined) {
      state = this.metric(sample.metric);
      if (!state) throw new Error(`sample for unregistered metric '${sample.metric}'; register it in the MetricRegistry first`);
    }
    if (!state.observed) this.markObserved(state);
    state.sink.add(sample.value);
    this.pushed++;
    const t = sample.time;
    if (t < this.firstTime) this.firstTime = t;
    if (t > this.lastTime) this.lastTime = t;
    const subs = state.submetrics;
    if (subs.length > 0) {
      const tags = sample.tags;
      for (let i = 0; i < subs.length; i++) {
        const sm = subs[i];
        const entries = sm.tagEntries;
        let match = true;
        for (let j = 0; j < entries.length; j++) {
          const e = entries[j];
          if (tags[e[0]] !== e[1]) {
            match = false;
            break;
          }
        }
        if (match) {
          if (!sm.state.observed) this.markObserved(sm.state);
          sm.state.sink.add(sample.value);
        }
      }
    }
    const group = sample.tags.group;
    if (group !== undefined && group !== this.lastGroup) {
      this.groups.group(group);
      this.lastGroup = group;
    }
    if (sample.metric === 'checks' && sample.tags.check !== undefined) {
      // check samples reuse their tags object from iteration to iteration (immutable once pushed)
      let node = this.checkNodes.get(sample.tags);
      if (node === undefined) {
        node = this.groups.check(group ?? '', sample.tags.check);
        this.checkNodes.set(sample.tags, node);
      }
      if (sample.value !== 0) node.passes++;
      else node.fails++;
    }
    if (this.outputs.length > 0) {
      if (this.pending.push(sample) >= this.flushSamples) this.flushOutputs();
      else if (this.timer === undefined) {
        this.timer = setTimeout(() => this.flushOutputs(), this.flushIntervalMs);
        this.timer.unref?.();
      }
    }
  }

  pushMany(samples: Sample[]): void {
    for (let i = 0; i < samples.length; i++) this.push(samples[i]);
  }

  /** Attach outputs (before the first sample). */
  setOutputs(outputs: Output[]): void {
    this.outputs = outputs;
  }

  /** Hands the pending batch to every output now (also called by the timer and before stopping outputs). */
  flushOutputs(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const o of this.outputs) o.write(batch);
  }

  metricInfo(name: string): MetricInfo {
    this.initSubmetrics();
    const s = this.metric(name);
    const def: MetricDef | undefined = s ?? this.registry.get(name);
    if (!s || !def) throw new Error(`unknown metric '${name}'`);
    return {
      name: s.name,
      type: s.type,
      contains: s.contains,
      thresholds: s.thresholds,
      submetrics: s.submetrics.length === 0 ? null : s.submetrics.map((sm) => ({ name: sm.state.name, suffix: sm.suffix, tags: sm.tags })),
    };
  }
}

function newState(name: string, type: MetricType, contains: ValueType, parent?: MetricState): MetricState {
  return { name, type, contains, sink: newSink(type), observed: false, submetrics: [], parent, thresholds: [] };
}
