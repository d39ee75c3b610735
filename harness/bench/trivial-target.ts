import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The trivial target the engine benchmarks load: 202 with a small JSON body, keep-alive, on a
 * free 127.0.0.1 port. As cheap as a server gets, so the figures measure the client side.
 */
export async function startTrivialTarget(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"accepted":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
