import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderReportHtml } from './render-html';
import type { ReportData } from './report-data';

/** k6's web dashboard port (K6_WEB_DASHBOARD_PORT's default): users' habit. */
export const DASHBOARD_PORT = 5665;

export interface DashboardServerOptions {
  /** Default 5665; 0 = any free port. */
  port?: number;
  /** The newest data; called once a second while a browser is connected. */
  snapshot: () => ReportData;
  intervalMs?: number;
}

/**
 * The live dashboard: the report page at `/` (the same page code as report.html), and
 * `/events`, a server-sent event stream with the whole report data once a second. Bound to
 * 127.0.0.1 only. `stop()` sends a last (final) snapshot, ends every stream and closes at
 * once: the run never waits for a browser.
 */
export class DashboardServer {
  readonly #server: Server;
  readonly #clients = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  private constructor(
    server: Server,
    private readonly o: DashboardServerOptions,
  ) {
    this.#server = server;
  }

  static async start(o: DashboardServerOptions): Promise<DashboardServer> {
    const server = createServer();
    const d = new DashboardServer(server, o);
    server.on('request', (req, res) => void d.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? DASHBOARD_PORT, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    d.#timer = setInterval(() => d.#broadcast(), o.intervalMs ?? 1000);
    d.#timer.unref();
    return d;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  get clients(): number {
    return this.#clients.size;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (req.method !== 'GET') return void res.writeHead(405).end();
      if (path === '/') {
        const html = await renderReportHtml(this.o.snapshot());
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
        return;
      }
      if (path === '/events') {
        if (this.#stopped) return void res.writeHead(204).end();
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(`retry: 1000\n\n`);
        this.#send(res, this.o.snapshot());
        this.#clients.add(res);
        req.on('close', () => this.#clients.delete(res));
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${(e as Error).message}\n`);
    }
  }

  #broadcast(final?: ReportData): void {
    if (!this.#clients.size) return;
    const data = final ?? this.o.snapshot();
    for (const c of this.#clients) this.#send(c, data);
  }

  #send(res: ServerResponse, data: ReportData): void {
    res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** Sends `final` (if given) to connected browsers, then ends their streams and closes. Idempotent. */
  async stop(final?: ReportData): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    if (final) this.#broadcast(final);
    for (const c of this.#clients) c.end();
    this.#clients.clear();
    await new Promise<void>((r) => {
      this.#server.close(() => r());
      this.#server.closeAllConnections();
    });
  }
}
