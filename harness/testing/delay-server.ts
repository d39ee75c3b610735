import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): void;
}

/**
 * An HTTP server on 127.0.0.1 that answers `ok` after `?d=<ms>` (0 without it): a target whose
 * latency a script chooses per request, e.g. a fast and a slow runner of one test.
 */
export async function startDelayServer(): Promise<DelayServer> {
  const server = createServer((req, res) => {
    const d = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('d') ?? 0);
    setTimeout(() => res.end('ok'), d);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}
