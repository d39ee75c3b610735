import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** The provisioned InfluxDB datasource (grafana/datasources/influxdb.yaml). */
export const INFLUX: DataSourceRef = { type: 'influxdb', uid: 'harness-influxdb' };

/** A raw InfluxQL query of Grafana's InfluxDB datasource (the SDK has no builder for it). */
export interface InfluxqlQuery extends cog.Dataquery {
  refId: string;
  datasource: DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  alias?: string;
}

/**
 * `new InfluxqlQueryBuilder('A', 'SELECT ...')`: InfluxQL, so the same dashboards run on
 * InfluxDB 1.8, 2.x (through its DBRP mapping) and 3.x. Queries use Grafana's `$timeFilter`,
 * `$__interval` and the dashboard's `$run_id`.
 */
export class InfluxqlQueryBuilder implements cog.Builder<cog.Dataquery> {
  #q: InfluxqlQuery;
  constructor(refId: string, query: string) {
    this.#q = { refId, datasource: INFLUX, query, rawQuery: true, resultFormat: 'time_series', _implementsDataqueryVariant: () => {} };
  }
  table(): this {
    this.#q.resultFormat = 'table';
    return this;
  }
  alias(alias: string): this {
    this.#q.alias = alias;
    return this;
  }
  build(): cog.Dataquery {
    return this.#q;
  }
}

/** `WHERE` clause every panel shares: the selected run and the dashboard's time range. */
export const RUN = `"run_id" =~ /^$run_id$/ AND $timeFilter`;
