/** k6 v1/v2 modules and globals: k6/experimental/fs, k6/experimental/csv, k6/secrets, WebCrypto, v1 module names. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadScript } from '../runtime/script-runtime';
import { iterationContext, testOptions } from '../runtime/test-helpers';
import { createBuiltinRegistry } from './builtins';
import { createSecretStore, REDACTED } from '../secrets';

/** The memory logger behind a wrapping one (secrets' redacting logger), set by a test's `over`. */
let captured: ReturnType<typeof testOptions>['logger'] | undefined;

async function run(src: string, files: Record<string, string> = {}, over: (dir: string) => Partial<ReturnType<typeof testOptions>> = () => ({})) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k6today-'));
  captured = undefined;
  try {
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
    fs.writeFileSync(path.join(dir, 's.js'), src);
    const o = { ...testOptions(dir), ...over(dir) } as ReturnType<typeof testOptions>;
    const rt = await loadScript('s.js', o, { modules: createBuiltinRegistry() });
    const vu = await rt.newVU(1, o);
    const outcome = await vu.runIteration(iterationContext({}));
    await vu.dispose();
    return { outcome, logs: (captured ?? o.logger).lines.map((l) => l.msg) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('k6 modules: k6 v1/v2 additions', () => {
  it('k6/experimental/fs: open in init, read until null, seek from start/current/end, stat', async () => {
    const { outcome, logs } = await run(
      `import { open, SeekMode } from 'k6/experimental/fs';
       let file; (async function () { file = await open('data.txt'); })();
       export default async function () {
         const buf = new Uint8Array(4);
         const out = [];
         let n;
         while ((n = await file.read(buf)) !== null) out.push(n);
         console.log(out.join(','));
         console.log(await file.seek(2, SeekMode.Start), await file.seek(1, SeekMode.Current), await file.seek(-1, SeekMode.End));
         const info = await file.stat();
         console.log(info.name, info.size);
         await file.seek(0, SeekMode.Start); await file.read(buf);
         console.log(String.fromCharCode(...buf));
       }`,
      { 'data.txt': 'abcdefghij' },
    );
    assert.equal(outcome.status, 'completed', 'error' in outcome ? String(outcome.error) : outcome.status);
    assert.deepEqual(logs, ['4,4,2', '2 3 9', 'data.txt 10', 'abcd']);
  });

  it('k6/experimental/fs: open outside init rejects; a missing file names its path', async () => {
    const { logs } = await run(
      `import { open } from 'k6/experimental/fs';
       let e1 = ''; (async function () { try { await open('nope.txt'); } catch (e) { e1 = e.message; } })();
       export default async function () {
         console.log(e1);
         try { await open('data.txt'); } catch (e) { console.log(e.message); }
       }`,
      { 'data.txt': 'x' },
    );
    assert.match(logs[0]!, /no such file or directory: .*nope\.txt/);
    assert.match(logs[1]!, /only in the Init context/);
  });

  it('k6/experimental/csv: parse (arrays, asObjects, skipFirstLine, quotes) and Parser.next', async () => {
    const { outcome, logs } = await run(
      `import { open } from 'k6/experimental/fs';
       import csv from 'k6/experimental/csv';
       let rows, objs, skipped, parser;
       (async function () {
         const f = await open('users.csv');
         rows = await csv.parse(f, { delimiter: ',' });
         objs = await csv.parse(f, { asObjects: true });
         skipped = await csv.parse(f, { skipFirstLine: true });
         parser = new csv.Parser(f, { asObjects: true });
       })();
       export default async function () {
         console.log(JSON.stringify(rows));
         console.log(JSON.stringify(objs));
         console.log(skipped.length);
         const a = await parser.next(); const b = await parser.next(); const c = await parser.next();
         console.log(JSON.stringify([a, b.value.name, c.done]));
       }`,
      { 'users.csv': 'name,note\nann,"a, ""b"""\nbob,x\n' },
    );
    assert.equal(outcome.status, 'completed', 'error' in outcome ? String(outcome.error) : outcome.status);
    assert.deepEqual(logs, [
      '[["name","note"],["ann","a, \\"b\\""],["bob","x"]]',
      '[{"name":"ann","note":"a, \\"b\\""},{"name":"bob","note":"x"}]',
      '2',
      '[{"done":false,"value":{"name":"ann","note":"a, \\"b\\""}},"bob",true]',
    ]);
  });

  it('k6/experimental/csv: fromLine/toLine are 0-based file lines, both included; k6 rejects conflicting options', async () => {
    const { logs } = await run(
      `import { open } from 'k6/experimental/fs';
       import csv from 'k6/experimental/csv';
       let range, e1 = '', e2 = '';
       (async function () {
         const f = await open('n.csv');
         range = await csv.parse(f, { fromLine: 1, toLine: 2 });
         try { await csv.parse(f, { asObjects: true, skipFirstLine: true }); } catch (e) { e1 = e.message; }
         try { await csv.parse(f, { fromLine: 2, toLine: 2 }); } catch (e) { e2 = e.message; }
       })();
       export default function () { console.log(JSON.stringify(range)); console.log(e1); console.log(e2); }`,
      { 'n.csv': 'l0\nl1\nl2\nl3\n' },
    );
    assert.deepEqual(logs, [
      '[["l1"],["l2"]]',
      "the 'header' option cannot be enabled when 'skipFirstLine' is true",
      "the 'fromLine' option must be less than the 'toLine' option; got 'fromLine': 2, 'toLine': 2",
    ]);
  });

  it('k6/secrets: file and env sources, named and default, values redacted from the logs', async () => {
    const problems: string[] = [];
    let store: ReturnType<typeof createSecretStore> | undefined;
    const { outcome, logs } = await run(
      `import secrets from 'k6/secrets';
       export default async function () {
         const a = await secrets.get('api_key');
         const b = await secrets.source('vault').get('TOKEN');
         console.log('key=' + a + ' token=' + b);
         try { await secrets.get('absent'); } catch (e) { console.log('absent: ' + e.message); }
         try { await secrets.source('nope').get('x'); } catch (e) { console.log(e.message); }
       }`,
      { 'secrets.txt': 'api_key=s3cr3t-value\nother=1\n' },
      (dir) => {
        store = createSecretStore(['file=secrets.txt,default', 'env=prefix=VAULT_,name=vault'], { cwd: dir, env: { VAULT_TOKEN: 'tok-123' } }, problems);
        captured = testOptions(dir).logger;
        return { secrets: store, logger: store.redactingLogger(captured) as typeof captured };
      },
    );
    assert.deepEqual(problems, []);
    assert.equal(outcome.status, 'completed', 'error' in outcome ? String(outcome.error) : outcome.status);
    // the values reach the script…
    assert.equal(await store!.get('default', 'api_key'), 's3cr3t-value');
    // …and never the log: the store's logger redacts every value read so far
    assert.equal(logs[0], `key=${REDACTED} token=${REDACTED}`);
    assert.deepEqual(logs.slice(1), ['absent: no value', 'no secret source with name "nope" is configured']);
  });

  it('k6/secrets: bad --secret-source specs are reported, not thrown', () => {
    const problems: string[] = [];
    createSecretStore(['url=http://x', 'file=missing.txt', 'file'], { cwd: os.tmpdir(), env: {} }, problems);
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /no secret source for type "url"; valid: file, env/);
  });

  it('WebCrypto globals (k6 v1): crypto.subtle.digest, getRandomValues, randomUUID', async () => {
    const { outcome, logs } = await run(
      `export default async function () {
         const d = await crypto.subtle.digest('SHA-256', new Uint8Array([97, 98, 99]));
         console.log(Array.from(new Uint8Array(d)).map((b) => b.toString(16).padStart(2, '0')).join(''));
         const r = crypto.getRandomValues(new Uint8Array(8));
         console.log(r.length);
         console.log(/^[0-9a-f-]{36}$/.test(crypto.randomUUID()));
         const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
         const sig = await crypto.subtle.sign('HMAC', key, new Uint8Array([1]));
         console.log(await crypto.subtle.verify('HMAC', key, sig, new Uint8Array([1])));
       }`,
    );
    assert.equal(outcome.status, 'completed', 'error' in outcome ? String(outcome.error) : outcome.status);
    assert.deepEqual(logs, ['ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', '8', 'true', 'true']);
  });

  it('k6 v1 names of promoted modules serve the same implementation (k6/timers, k6/websockets)', async () => {
    const { outcome, logs } = await run(
      `import { setTimeout } from 'k6/timers';
       import { WebSocket } from 'k6/websockets';
       import { WebSocket as Old } from 'k6/experimental/websockets';
       export default function () {
         setTimeout(() => console.log('fired'), 1);
         console.log(typeof WebSocket, typeof Old);
       }`,
    );
    assert.equal(outcome.status, 'completed', 'error' in outcome ? String(outcome.error) : outcome.status);
    assert.deepEqual(logs, ['function function', 'fired']);
  });
});
