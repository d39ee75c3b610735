import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { InfluxSink } from './influx-sink';

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A real HTTP server on 127.0.0.1 that records each request and answers 204, or never when `hang` is set. */
async function recorder(): Promise<{ url: string; seen: Seen[]; hang: { on: boolean }; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const hang = { on: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      if (!hang.on) res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    hang,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

describe('influxdb: InfluxSink sends through @influxdata/influxdb-client', () => {
  it("the client's transport carries the request: token, org/bucket/precision, gzip level 1 bytes; a timeout frees the connection", async function () {
    this.timeout(10_000); // a connection left open by a timeout makes the last write hang
    const srv = await recorder();
    const lines = Array.from({ length: 200 }, (_, k) => `m,run_id=t v=${k}i ${1764485000 + k}000000000`);
    const text = `${lines.join('\n')}\n`;
    const gz = new InfluxSink({ url: `${srv.url}/`, token: 'secret', org: 'o', bucket: 'b' }, { gzip: true, timeoutMs: 300 });
    const plain = new InfluxSink({ url: srv.url, token: 'secret', org: 'o', bucket: 'b' });
    try {
      await gz.write(Buffer.from(text));
      await plain.write(Buffer.from(text));
      const [a, b] = srv.seen;
      assert.match(String(a.headers['user-agent']), /^influxdb-client-js\//);
      assert.equal(a.headers.authorization, 'Token secret');
      assert.equal(a.url, '/api/v2/write?org=o&bucket=b&precision=ns');
      assert.equal(a.headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(a.body).toString(), text);
      assert.equal(a.body[0], 0x1f);
      // zlib level 1 marks its header with XFL = 4 (fastest); the client's default level 6 with 0
      assert.equal(a.body[8], 4, 'gzip at level 1');
      assert.equal(b.headers['content-encoding'], undefined);
      assert.equal(b.body.toString(), text);

      srv.hang.on = true;
      await assert.rejects(gz.write(text), /no answer from http:\/\/127\.0\.0\.1:\d+ within 300 ms/);
      srv.hang.on = false;
      await gz.write(text); // one socket per sink: it only gets through if the hung request was closed
      assert.equal(gunzipSync(srv.seen.at(-1)!.body).toString(), text);
    } finally {
      gz.close();
      plain.close();
      await srv.close();
    }
  });
});
