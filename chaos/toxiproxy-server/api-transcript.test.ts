import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePortWithDigits } from '../testing/net-helpers';
import { startToxiproxyServer, type StartedToxiproxyServer } from './index';

const here = path.dirname(fileURLToPath(import.meta.url));
const transcriptPath = path.join(here, 'fixtures/toxiproxy-v2.4/api-transcript.txt');

interface Exchange {
  method: string;
  path: string;
  body?: string;
  status: string;
  headers: Record<string, string>;
  responseBody: string;
}

/** Parses `### METHOD PATH [body: …]` blocks followed by the raw response. */
function parseTranscript(text: string): Exchange[] {
  return text
    .split(/^### /m)
    .slice(1)
    .map((block) => {
      const lines = block.split('\n');
      const m = /^(\w+) (\S+) ?(?:body: (.*))?$/.exec(lines[0])!;
      const status = lines[1].replace(/^HTTP\/1\.1 /, '');
      const headers: Record<string, string> = {};
      let i = 2;
      for (; i < lines.length && lines[i] !== ''; i++) {
        const idx = lines[i].indexOf(':');
        headers[lines[i].slice(0, idx).toLowerCase()] = lines[i].slice(idx + 1).trim();
      }
      const rest = lines.slice(i + 1).join('\n');
      const len = headers['content-length'] ? Number(headers['content-length']) : 0;
      return { method: m[1], path: m[2], body: m[3], status, headers, responseBody: rest.slice(0, len) };
    });
}

describe('toxiproxy-server: API transcript (Toxiproxy 2.4)', () => {
  const transcript = readFileSync(transcriptPath, 'utf8').replaceAll('\r', '');
  const exchanges = parseTranscript(transcript);
  let server: StartedToxiproxyServer;
  // The transcript binds 26379/28080; substitute free ports with as many digits so every
  // Content-Length stays what was recorded.
  let subst: (s: string) => string;

  before(async () => {
    // The transcript was recorded from a development build of 2.4, whose /version says `git`.
    server = await startToxiproxyServer({ port: 0, seed: 1, version: 'git' });
    const [a, b] = [await freePortWithDigits(5), await freePortWithDigits(5)];
    subst = (s) => s.replaceAll('26379', String(a)).replaceAll('28080', String(b));
  });
  after(() => server.stop());

  it('parses every exchange of the transcript', () => {
    assert.equal(exchanges.length, 28);
  });

  it('answers every request with the recorded status, headers and body, in order', async () => {
    for (const ex of exchanges) {
      const label = `${ex.method} ${ex.path} ${ex.body ?? ''}`;
      const res = await fetch(server.url + ex.path, {
        method: ex.method,
        body: ex.body === undefined ? undefined : subst(ex.body),
      });
      const body = await res.text();
      assert.equal(`${res.status} ${res.statusText}`, ex.status, label);
      for (const [k, v] of Object.entries(ex.headers)) assert.equal(res.headers.get(k), v, `${label}: header ${k}`);
      if (!ex.headers['content-type']) assert.equal(res.headers.get('content-type'), null, `${label}: no content-type`);
      assert.equal(body, subst(ex.responseBody), label);
    }
  });
});

describe('toxiproxy-server: opt-in API token', () => {
  it('answers 401 without `Authorization: Bearer <token>` and serves the API with it', async () => {
    await using server = await startToxiproxyServer({ port: 0, apiToken: 's3cret' });
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer s3cre', 's3cret']) {
      const res = await fetch(`${server.url}/proxies`, { headers: authorization ? { authorization } : {} });
      assert.equal(res.status, 401, `authorization ${authorization}`);
      assert.match(await res.text(), /API token/);
    }
    const ok = await fetch(`${server.url}/proxies`, { headers: { authorization: 'Bearer s3cret' } });
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), '{}');
  });

  it('is off by default, as in Toxiproxy 2.4', async () => {
    await using server = await startToxiproxyServer({ port: 0 });
    assert.equal((await fetch(`${server.url}/version`)).status, 200);
  });
});
