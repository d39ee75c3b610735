import type { MetricInfo } from '../../../vocabulary/samples';
import { encodeLine, escapeMeasurement, flat, msToNs, stringField } from './line-protocol';
import { SeriesTags, type RunTags } from './point-tags';
import type { StreamSample } from './sample-source';
import type { PointShape } from './rollup-shape';

/**
 * k6's own InfluxDB schema (k6 `output/influxdb`): one point per sample, measurement = metric
 * name, field `value`, the sample's tags as tags except k6's default `tagsAsFields`
 * (`vu:int`, `iter:int`, `url`), which become fields, so community k6 dashboards work unchanged.
 *
 * What k6's schema loses, the stream's Metric lines, is written once per metric as a point of
 * `k6_metrics` (see `metric`), so `harness k8s merge --from-influxdb` can rebuild the stream.
 */
export class RawShape implements PointShape {
  static readonly TAGS_AS_FIELDS: Readonly<Record<string, 'int' | 'string'>> = { vu: 'int', iter: 'int', url: 'string' };
  /** The measurement of the Metric lines. */
  static readonly METRICS = 'k6_metrics';
  readonly #tags: SeriesTags;
  readonly #run: RunTags;
  readonly #metrics = new Set<string>();

  constructor(run: RunTags) {
    this.#run = run;
    this.#tags = new SeriesTags(run, new Set(Object.keys(RawShape.TAGS_AS_FIELDS)));
  }

  /** Points written for Metric lines. */
  get metricPoints(): number {
    return this.#metrics.size;
  }

  /**
   * A Metric line, once per metric: measurement `k6_metrics`, tags `metric`, `type`
   * (counter|gauge|rate|trend), `contains` (default|time|data), `thresholds` (k6's JSON of the
   * metric's thresholds, when it has any) and the run's; field `value=1i`. All tags: a server that
   * keeps numeric fields only (VictoriaMetrics) keeps them too.
   */
  metric(m: MetricInfo, emit: (line: string) => void): void {
    if (this.#metrics.has(m.name)) return;
    this.#metrics.add(m.name);
    const tags: Record<string, string> = { run_id: this.#run.runId, testid: this.#run.testId, metric: m.name, type: m.type, contains: m.contains ?? 'default' };
    if (m.thresholds.length) tags.thresholds = JSON.stringify(m.thresholds);
    const line = encodeLine(RawShape.METRICS, tags, { value: { int: 1 } }, Number.isNaN(this.#lastMs) ? msToNs(Date.now()) : this.#lastNs);
    if (line) emit(line);
  }

  add(s: StreamSample, emit: (line: string) => void): void {
    if (typeof s.value !== 'number' || !Number.isFinite(s.value)) return;
    if (s.time !== this.#lastMs) {
      this.#lastMs = s.time; // a request's samples share their time
      this.#lastNs = msToNs(s.time);
    }
    emit(`${escapeMeasurement(s.metric)}${this.#tags.encoded(s)} value=${s.value}${this.#fields(s.tags)} ${this.#lastNs}`);
  }

  #lastMs = NaN;
  #lastNs = '';
  /** The tags written as fields, by (frozen, shared) tag set. */
  #fieldsOf = new WeakMap<StreamSample['tags'], string>();

  #fields(tags: StreamSample['tags']): string {
    let f = this.#fieldsOf.get(tags);
    if (f !== undefined) return f;
    f = '';
    const { vu, iter, url } = tags;
    if (vu !== undefined && /^\d+$/.test(vu)) f += `,vu=${vu}i`;
    if (iter !== undefined && /^\d+$/.test(iter)) f += `,iter=${iter}i`;
    if (url !== undefined) f += `,url=${stringField(url)}`;
    f = flat(f);
    if (Object.isFrozen(tags)) this.#fieldsOf.set(tags, f);
    return f;
  }

  flush(): void {}
}
