/**
 * `/metrics` as Toxiproxy 2.4 serves it (Prometheus text format 0.0.4, as client_golang's promhttp
 * writes it) when started with `-proxy-metrics` and/or `-runtime-metrics`.
 *
 * Proxy metrics: `toxiproxy_proxy_{received,sent}_bytes_total{direction,listener,proxy,upstream}`.
 * Like Toxiproxy, a connection's bytes are added when its link ends (Toxiproxy adds io.Copy's
 * total when the copy returns), and a series outlives its proxy. Runtime metrics: Toxiproxy
 * exports Go's runtime and process collectors; a Node process has no `go_*` figures, so only the
 * `process_*` series with the same names and meaning are written.
 */
export interface MetricsOptions {
  proxyMetrics?: boolean;
  runtimeMetrics?: boolean;
}

export interface LinkLabels {
  direction: 'upstream' | 'downstream';
  proxy: string;
  listener: string;
  upstream: string;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), as expfmt writes sample values. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, expText] = f.toExponential().split('e');
  const exp = Number(expText);
  // With the shortest digits Go's 'g' switches to %e outside exponents -4..5.
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(f);
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: Array<{ labels: Array<[string, string]>; value: number }>;
}

function render(families: Family[]): string {
  let out = '';
  for (const f of families.filter((x) => x.samples.length > 0).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) {
      const labels = s.labels.length ? `{${s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      out += `${f.name}${labels} ${goFloat(s.value)}\n`;
    }
  }
  return out;
}

const LABELS = ['direction', 'listener', 'proxy', 'upstream'] as const;

export class ToxiproxyMetrics {
  readonly #received = new Map<string, number>();
  readonly #sent = new Map<string, number>();

  constructor(readonly options: MetricsOptions = {}) {}

  get enabled(): boolean {
    return Boolean(this.options.proxyMetrics || this.options.runtimeMetrics);
  }

  /** A link ended having read `received` and written `sent` bytes. */
  addLink(labels: LinkLabels, received: number, sent: number): void {
    if (!this.options.proxyMetrics) return;
    const key = JSON.stringify(LABELS.map((l) => labels[l]));
    this.#received.set(key, (this.#received.get(key) ?? 0) + received);
    this.#sent.set(key, (this.#sent.get(key) ?? 0) + sent);
  }

  /** The `/metrics` body (the Content-Type is `contentType`). */
  text(): string {
    // promhttp registers its own error counter in the registry it serves.
    const families: Family[] = [
      {
        name: 'promhttp_metric_handler_errors_total',
        help: 'Total number of internal errors encountered by the promhttp metric handler.',
        type: 'counter',
        samples: ['encoding', 'gathering'].map((cause) => ({ labels: [['cause', cause]], value: 0 })),
      },
    ];
    if (this.options.proxyMetrics) {
      const series = (m: Map<string, number>) =>
        [...m.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, value]) => ({ labels: (JSON.parse(key) as string[]).map((v, i): [string, string] => [LABELS[i], v]), value }));
      families.push(
        { name: 'toxiproxy_proxy_received_bytes_total', help: '', type: 'counter', samples: series(this.#received) },
        { name: 'toxiproxy_proxy_sent_bytes_total', help: '', type: 'counter', samples: series(this.#sent) },
      );
    }
    if (this.options.runtimeMetrics) {
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      families.push(
        { name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', type: 'counter', samples: [{ labels: [], value: (cpu.user + cpu.system) / 1e6 }] },
        { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', samples: [{ labels: [], value: mem.rss }] },
        {
          name: 'process_start_time_seconds',
          help: 'Start time of the process since unix epoch in seconds.',
          type: 'gauge',
          samples: [{ labels: [], value: Math.round((Date.now() - process.uptime() * 1000) / 10) / 100 }],
        },
      );
    }
    return render(families);
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
