import { escapeMeasurement, flat, msToNs, stringField } from './line-protocol';
import { SeriesTags, type RunTags } from './point-tags';
import type { StreamSample } from './sample-source';
import type { PointShape } from './rollup-shape';

/**
 * k6's own InfluxDB schema (k6 `output/influxdb`): one point per sample, measurement = metric
 * name, field `value`, the sample's tags as tags except k6's default `tagsAsFields`
 * (`vu:int`, `iter:int`, `url`), which become fields, so community k6 dashboards work unchanged.
 */
export class RawShape implements PointShape {
  static readonly TAGS_AS_FIELDS: Readonly<Record<string, 'int' | 'string'>> = { vu: 'int', iter: 'int', url: 'string' };
  readonly #tags: SeriesTags;

  constructor(run: RunTags) {
    this.#tags = new SeriesTags(run, new Set(Object.keys(RawShape.TAGS_AS_FIELDS)));
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
