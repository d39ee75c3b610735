import { escapeMeasurement, msToNs, stringField } from './line-protocol';
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
    let fields = `value=${s.value}`;
    const { vu, iter, url } = s.tags;
    if (vu !== undefined && /^\d+$/.test(vu)) fields += `,vu=${vu}i`;
    if (iter !== undefined && /^\d+$/.test(iter)) fields += `,iter=${iter}i`;
    if (url !== undefined) fields += `,url=${stringField(url)}`;
    emit(`${escapeMeasurement(s.metric)}${this.#tags.encoded(s)} ${fields} ${msToNs(s.time)}`);
  }

  flush(): void {}
}
