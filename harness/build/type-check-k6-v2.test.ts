/** Scenarios type-check against @types/k6 2.x: k6 v1/v2 modules and globals, strictly. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typeCheck } from './type-check';

const TODAY = `
import { sleep } from 'k6';
import http from 'k6/http';
import secrets from 'k6/secrets';
import { open, SeekMode } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';
import { WebSocket } from 'k6/websockets';
import { setTimeout } from 'k6/timers';
import { Client, Stream, HealthCheckServing } from 'k6/net/grpc';
import type { Options } from 'k6/options';

export const options: Options = { scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 1 } } };

let file: Awaited<ReturnType<typeof open>>;
(async function () { file = await open('data.csv'); })();

export default async function (): Promise<void> {
  const token: string = await secrets.get('token');
  const other: string = await secrets.source('vault').get('k');
  const rows = await csv.parse(file, { asObjects: true });
  await file.seek(0, SeekMode.Start);
  const digest: ArrayBuffer = await crypto.subtle.digest('SHA-256', new Uint8Array([1]));
  const id: string = crypto.randomUUID();
  crypto.getRandomValues(new Uint8Array(4));
  const ws = new WebSocket('ws://127.0.0.1:1');
  ws.close();
  setTimeout(() => {}, 1);
  const c = new Client();
  void [Stream, HealthCheckServing, c, rows, digest, id, token, other];
  http.get('http://127.0.0.1:1/');
  sleep(0.1);
}
`;

describe('type check: scenarios against @types/k6 2.x', () => {
  it('k6/secrets, k6/experimental/fs|csv, k6/websockets, k6/timers, grpc streams and crypto.subtle type-check; a misuse does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-k6v2-'));
    try {
      const ok = join(dir, 'today.ts');
      writeFileSync(ok, TODAY);
      assert.deepEqual(typeCheck(ok, dir).diagnostics, []);
      const bad = join(dir, 'bad.ts');
      writeFileSync(bad, `import secrets from 'k6/secrets';\nexport default async function () { const n: number = await secrets.get('k'); crypto.subtle.digest(1); void n; }\n`);
      const msgs = typeCheck(bad, dir).diagnostics.map((d) => `${d.line}: ${d.message}`);
      assert.equal(msgs.length, 2, msgs.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
