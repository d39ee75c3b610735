/**
 * A real InfluxDB 1.x (Debian `influxdb`, 1.6 here) for tests that read runs back with InfluxQL:
 * a free 127.0.0.1 port, temp storage, no auth, no reporting. It has no `/api/v2/write`, so the
 * output's sink falls back to its v1 `/write` (and creates the database), as with k6's own output.
 *
 *   const idb = useInfluxDB1();            // in a describe: started before, removed after (skips, saying why, without the binary)
 *   await idb.query('SHOW DATABASES');
 */
import { influxd1Bin, startInfluxdb1 } from '../../../../grafana/testing/influxdb1';

export { influxd1Bin };

export interface StartedInfluxDB1 {
  readonly url: string;
  /** InfluxQL over /query; the parsed JSON. */
  query(q: string, db?: string): Promise<unknown>;
  dispose(): Promise<void>;
}

/** The one InfluxDB 1.x starter (grafana/testing/influxdb1.ts), with a raw-JSON query. */
export async function startInfluxDB1(bin = influxd1Bin().bin ?? 'influxd'): Promise<StartedInfluxDB1> {
  const s = await startInfluxdb1(bin);
  return {
    url: s.url,
    async query(q, db) {
      const res = await fetch(`${s.url}/query?${new URLSearchParams({ q, ...(db ? { db } : {}) })}`, { method: 'POST' });
      return res.json();
    },
    dispose: () => s.stop(),
  };
}

/** Mocha hooks: one server for the suite (skipped, saying why, when influxd 1.x is missing). */
export function useInfluxDB1(): StartedInfluxDB1 {
  let started: StartedInfluxDB1 | undefined;
  before(async function () {
    const { bin, why } = influxd1Bin();
    if (!bin) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    started = await startInfluxDB1(bin);
  });
  after(async () => started?.dispose());
  const server = () => {
    if (!started) throw new Error('InfluxDB 1.x is not running: use it inside the suite that called useInfluxDB1()');
    return started;
  };
  return {
    get url() {
      return server().url;
    },
    query: (q, db) => server().query(q, db),
    dispose: () => server().dispose(),
  };
}
