import { encodeLine, msToNs, type FieldValue } from './line-protocol';
import { pointTags, type RunTags } from './point-tags';
import type { StreamSample } from './sample-source';
import type { PointShape } from './rollup-shape';

/**
 * k6's own InfluxDB schema (k6 `output/influxdb`): one point per sample, measurement = metric
 * name, field `value`, the sample's tags as tags except k6's default `tagsAsFields`
 * (`vu:int`, `iter:int`, `url`), which become fields, so community k6 dashboards work unchanged.
 */
export class RawShape implements PointShape {
  static readonly TAGS_AS_FIELDS: Readonly<Record<string, 'int' | 'string'>> = { vu: 'int', iter: 'int', url: 'string' };
  readonly #asFields = new Set(Object.keys(RawShape.TAGS_AS_FIELDS));

  constructor(private readonly run: RunTags) {}

  add(s: StreamSample, emit: (line: string) => void): void {
    const fields: Record<string, FieldValue> = { value: s.value };
    for (const k of this.#asFields) {
      const v = s.tags[k];
      if (v === undefined) continue;
      if (RawShape.TAGS_AS_FIELDS[k] === 'int') {
        const n = Number(v);
        if (Number.isInteger(n)) fields[k] = { int: n };
      } else fields[k] = v;
    }
    // k6's tagsAsFields are fields here (not series), whatever the drop list says
    const line = encodeLine(s.metric, pointTags(s, this.run, this.#asFields), fields, msToNs(s.time));
    if (line) emit(line);
  }

  flush(): void {}
}
