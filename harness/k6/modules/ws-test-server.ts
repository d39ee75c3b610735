/** A `ws` echo server on an ephemeral loopback port, scripted by the messages it gets (k6/ws tests). */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ScriptRun } from '../conformance/run-script';

/**
 * `/greet…` sends "hello" on connect (`/cookie…` and `/headers…`: see below); a message `close-me` closes with 4000 "bye", `close:N` with
 * N, `close-none` without a code, `terminate` drops the TCP connection, `ping-me` pings; anything
 * else is echoed (text as `echo:<text>`, binary as is).
 */
export function startServer(): Promise<{ port: number; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  // `/cookie…` sets a cookie with the handshake; `/headers…` sends the handshake's Cookie and
  // Sec-WebSocket-Extensions as `hdr:{"cookie":…,"ext":…}`
  wss.on('headers', (h, req) => {
    if (req.url?.startsWith('/cookie')) h.push('Set-Cookie: fromws=1; Path=/');
  });
  wss.on('connection', (s, req) => {
    if (req.url?.startsWith('/greet')) s.send('hello');
    if (req.url?.startsWith('/headers')) s.send('hdr:' + JSON.stringify({ cookie: req.headers.cookie ?? null, ext: req.headers['sec-websocket-extensions'] ?? null }));
    s.on('message', (m, isBinary) => {
      const t = m.toString();
      if (t === 'close-me') return s.close(4000, 'bye');
      if (t.startsWith('close:')) return s.close(Number(t.slice(6)));
      if (t === 'close-none') return s.close();
      if (t === 'terminate') return s.terminate();
      if (t === 'ping-me') return s.ping();
      s.send(isBinary ? m : 'echo:' + t, { binary: isBinary });
    });
  });
  return new Promise((resolve) =>
    wss.on('listening', () =>
      resolve({
        port: (wss.address() as AddressInfo).port,
        close: () => new Promise<void>((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }),
      }),
    ),
  );
}

/** The console lines of a run (k6 logfmt `msg=` values, unquoted). */
export const consoleLines = (r: ScriptRun): string[] =>
  [...r.stderr.matchAll(/level=info msg=(?:"((?:[^"\\]|\\.)*)"|(\S+)) source=console/g)].map((m) => (m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2]));
