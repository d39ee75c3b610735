import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { K6Response } from '../http/response';
import { startTestServer, stubVU, type StubVU, type TestServer } from '../http/testing';
import type { IterationContext } from '../types';
import { httpModule } from './http';

type Http = {
  get(url: unknown, params?: unknown): Promise<K6Response>;
  head(url: unknown, params?: unknown): Promise<K6Response>;
  post(url: unknown, body?: unknown, params?: unknown): Promise<K6Response>;
  put(url: unknown, body?: unknown, params?: unknown): Promise<K6Response>;
  patch(url: unknown, body?: unknown, params?: unknown): Promise<K6Response>;
  del(url: unknown, body?: unknown, params?: unknown): Promise<K6Response>;
  options(url: unknown, body?: unknown, params?: unknown): Promise<K6Response>;
  request(method: string, url: unknown, body?: unknown, params?: unknown): Promise<K6Response>;
  batch(reqs: unknown): Promise<any>;
  url(strings: TemplateStringsArray, ...v: unknown[]): unknown;
  file(data: unknown, name?: string, type?: string): unknown;
  expectedStatuses(...a: unknown[]): unknown;
  setResponseCallback(cb: unknown): void;
  cookieJar(): any;
  CookieJar: new () => any;
};

const REF = new URL('../conformance/fixtures/k6-v0.48/out-json.ndjson', import.meta.url);
const HTTP_METRICS = ['http_reqs', 'http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving', 'http_req_failed'];

describe('k6/http module (real server on 127.0.0.1, stub VU)', () => {
  let srv: TestServer;
  let vu: StubVU;
  let http: Http;
  const samplesOf = (metric: string) => vu.samples.filter((s) => s.metric === metric);

  beforeEach(async () => {
    srv = await startTestServer();
    vu = stubVU();
    http = httpModule(vu) as unknown as Http;
  });
  afterEach(async () => {
    await (vu.slots.get('k6/http') as { close(): Promise<void> } | undefined)?.close();
    await srv.close();
  });

  it('exports default and named members', () => {
    const m = httpModule(stubVU()) as Record<string, any>;
    for (const k of ['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'batch', 'url', 'file', 'expectedStatuses', 'setResponseCallback', 'cookieJar', 'CookieJar'])
      assert.equal(typeof m[k], 'function', k), assert.equal(m.default[k], m[k]);
  });

  it('every method sends its verb and body; the Response has k6 fields', async () => {
    const cases: [string, Promise<K6Response>][] = [
      ['GET', http.get(`${srv.url}/echo`)],
      ['POST', http.post(`${srv.url}/echo`, 'p')],
      ['PUT', http.put(`${srv.url}/echo`, 'u')],
      ['PATCH', http.patch(`${srv.url}/echo`, 'a')],
      ['DELETE', http.del(`${srv.url}/echo`, 'd')],
      ['OPTIONS', http.options(`${srv.url}/echo`)],
      ['PROPFIND', http.request('propfind', `${srv.url}/echo`, 'x')],
    ];
    for (const [verb, p] of cases) {
      const r = await p;
      const echo = r.json() as { method: string; body: string; headers: Record<string, string> };
      assert.equal(echo.method, verb);
      assert.equal(echo.headers['user-agent'], 'k6/0.48.0 (https://k6.io/)');
      assert.equal(r.request.method, verb);
    }
    const h = await http.head(`${srv.url}/status/200`);
    assert.equal(h.status, 200);
    assert.equal(h.body, '');
    const r = await http.post(`${srv.url}/echo`, 'body', { headers: { 'content-type': 'text/plain' } });
    assert.equal(r.status, 200);
    assert.equal(r.status_text, '200 OK');
    assert.equal(r.proto, 'HTTP/1.1');
    assert.equal(r.headers['Content-Type'], 'application/json');
    assert.equal(r.remote_ip, '127.0.0.1');
    assert.equal(r.remote_port, srv.port);
    assert.equal(r.tls_version, '');
    assert.equal(r.error, '');
    assert.equal(r.error_code, 0);
    assert.equal(r.url, `${srv.url}/echo`);
    assert.deepEqual(r.request.headers['Content-Type'], ['text/plain']);
    assert.equal(r.request.body, 'body');
    assert.deepEqual(Object.keys(r.timings).sort(), ['blocked', 'connecting', 'duration', 'looking_up', 'receiving', 'sending', 'tls_handshaking', 'waiting']);
    assert.ok(vu.bytes.sent > 0 && vu.bytes.received > 0);
  });

  it('a user Content-Length is replaced by the real one, with k6\'s warning when it is wrong', async () => {
    const echo = (await http.post(`${srv.url}/echo`, 'abc', { headers: { 'Content-Length': '10' } })).json() as any;
    assert.equal(echo.headers['content-length'], '3');
    assert.equal(echo.body, 'abc');
    assert.ok(vu.logs.some((l) => /Content-Length header "10" .* doesn't match the actual request body length of 3, so it will be ignored!/.test(l.msg)));
  });

  it('bodies: object -> sorted form-urlencoded, ArrayBuffer, http.file -> multipart', async () => {
    const form = (await http.post(`${srv.url}/echo`, { b: 'x y', a: '1&2' })).json() as any;
    assert.equal(form.body, 'a=1%262&b=x+y');
    assert.equal(form.headers['content-type'], 'application/x-www-form-urlencoded');
    const bin = (await http.post(`${srv.url}/echo`, new Uint8Array([104, 105]).buffer)).json() as any;
    assert.equal(bin.body, 'hi');
    const mp = (await http.post(`${srv.url}/echo`, { field: 'v', upload: http.file('file-data', 'a.txt', 'text/plain') })).json() as any;
    assert.match(mp.headers['content-type'], /^multipart\/form-data; boundary=/);
    assert.match(mp.body, /name="upload"; filename="a.txt"\r\nContent-Type: text\/plain\r\n\r\nfile-data\r\n/);
  });

  it('json(selector), responseType binary/none, html() parses the body, null body html() throws', async () => {
    const r = await http.get(`${srv.url}/json`);
    assert.equal(r.json('a.b.2.c'), 'deep');
    assert.equal(r.json('a.b.#'), 3);
    assert.equal((r.json() as { n: number }).n, 5);
    const b = await http.get(`${srv.url}/json`, { responseType: 'binary' });
    assert.equal(Object.prototype.toString.call(b.body), '[object ArrayBuffer]');
    assert.equal(JSON.parse(Buffer.from(b.body as ArrayBuffer).toString()).n, 5);
    assert.equal((await http.get(`${srv.url}/json`, { responseType: 'none' })).body, null);
    assert.equal(r.html().find('body').size(), 1);
    assert.throws(() => (b as any).html.call({ body: null }), /the body is null/);
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(r))).sort(), [
      'body', 'cookies', 'error', 'error_code', 'headers', 'ocsp', 'proto', 'remote_ip', 'remote_port', 'request',
      'status', 'status_text', 'timings', 'tls_cipher_suite', 'tls_version', 'url',
    ]);
  });

  it('emits the nine http samples with exactly the reference tag set (200 in a group, 404 with a user tag)', async () => {
    const ref = readFileSync(REF, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const refPoint = (metric: string, status: string) => ref.find((o) => o.type === 'Point' && o.metric === metric && o.data.tags.status === status).data.tags;
    vu = stubVU({}, { group: '::health', scenario: 'probe' });
    http = httpModule(vu) as unknown as Http;
    await http.get(`${srv.url}/status/200`);
    const okRef = refPoint('http_reqs', '200');
    const portRe = /127\.0\.0\.1:\d+\/[\w/]+/;
    const norm = (t: Record<string, string>) => JSON.parse(JSON.stringify(t).replace(new RegExp(portRe, 'g'), 'HOST/PATH'));
    assert.deepEqual(vu.samples.map((s) => s.metric), HTTP_METRICS, 'the same nine metrics in k6 order');
    for (const s of vu.samples) assert.deepEqual(norm(s.tags), norm(okRef), s.metric);
    assert.equal(new Set(vu.samples.map((s) => s.time)).size, 1, 'all samples of a request share its end time');

    vu = stubVU({}, { group: '', scenario: 'probe' });
    http = httpModule(vu) as unknown as Http;
    const r = await http.get(`${srv.url}/status/404`, { tags: { endpoint: 'missing' } });
    assert.equal(r.error_code, 1404);
    assert.equal(r.error, '');
    const badRef = refPoint('http_reqs', '404');
    for (const s of vu.samples) assert.deepEqual(norm(s.tags), norm(badRef), s.metric);
    assert.equal(samplesOf('http_req_failed')[0].value, 1);
    assert.equal(samplesOf('http_reqs')[0].value, 1);
  });

  it('timing samples match Response.timings and sum to the duration', async () => {
    const r = await http.get(`${srv.url}/slow?ms=20`);
    const t = r.timings;
    assert.equal(samplesOf('http_req_duration')[0].value, t.duration);
    assert.equal(samplesOf('http_req_waiting')[0].value, t.waiting);
    assert.ok(Math.abs(t.sending + t.waiting + t.receiving - t.duration) < 1e-9);
    assert.ok(t.connecting > 0);
    const r2 = await http.get(`${srv.url}/echo`);
    assert.equal(r2.timings.connecting, 0, 'keep-alive per VU');
    assert.equal(samplesOf('http_req_connecting')[1].value, 0);
  });

  it('expectedStatuses / setResponseCallback / per-request responseCallback drive http_req_failed and expected_response', async () => {
    await http.get(`${srv.url}/status/201`);
    http.setResponseCallback(http.expectedStatuses(404, { min: 500, max: 599 }));
    await http.get(`${srv.url}/status/404`);
    await http.get(`${srv.url}/status/200`);
    await http.get(`${srv.url}/status/200`, { responseCallback: http.expectedStatuses(200) });
    http.setResponseCallback(null);
    await http.get(`${srv.url}/status/500`);
    const failed = samplesOf('http_req_failed').map((s) => [s.tags.status, s.value, s.tags.expected_response]);
    assert.deepEqual(failed, [
      ['201', 0, 'true'],
      ['404', 0, 'true'],
      ['200', 1, 'false'],
      ['200', 0, 'true'],
    ]);
    const last = samplesOf('http_reqs').at(-1)!;
    assert.equal(last.tags.status, '500');
    assert.equal(last.tags.expected_response, undefined, 'no callback: no expected_response tag');
    assert.throws(() => http.expectedStatuses('x'), /argument number 1 to expectedStatuses was neither an integer nor an object/);
  });

  it('follows redirects as separate requests with method rules; respects the redirects limit', async () => {
    const r = await http.get(`${srv.url}/redirect/3`);
    assert.equal(r.status, 200);
    assert.equal(r.url, `${srv.url}/echo`);
    assert.deepEqual(samplesOf('http_reqs').map((s) => s.tags.status), ['302', '302', '302', '200']);
    assert.deepEqual(samplesOf('http_reqs').map((s) => s.tags.url), [`${srv.url}/redirect/3`, `${srv.url}/redirect/2`, `${srv.url}/redirect/1`, `${srv.url}/echo`]);

    const p303 = (await http.post(`${srv.url}/to?status=303`, 'data')).json() as any;
    assert.equal(p303.method, 'GET');
    assert.equal(p303.body, '');
    const p307 = (await http.post(`${srv.url}/to?status=307`, 'data')).json() as any;
    assert.equal(p307.method, 'POST');
    assert.equal(p307.body, 'data');
    const p308 = (await http.put(`${srv.url}/to?status=308`, 'd8')).json() as any;
    assert.deepEqual([p308.method, p308.body], ['PUT', 'd8']);

    const stopped = await http.get(`${srv.url}/redirect/3`, { redirects: 1 });
    assert.equal(stopped.status, 302);
    assert.ok(!vu.logs.some((l) => /Stopped after/.test(l.msg)), 'no warning when the user chose the limit');
    const vu2 = stubVU();
    const h2 = httpModule(vu2) as unknown as Http;
    assert.equal((await h2.get(`${srv.url}/redirect/12`)).status, 302);
    assert.equal(vu2.samples.filter((s) => s.metric === 'http_reqs').length, 11, 'k6 default: 10 redirects followed');
    assert.ok(vu2.logs.some((l) => l.msg.startsWith('Stopped after 10 redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to silence this')));
    await (vu2.slots.get('k6/http') as { close(): Promise<void> }).close();
    assert.equal((await http.get(`${srv.url}/redirect/1`, { redirects: 0 })).status, 302);
  });

  it('cookies: Set-Cookie goes to the VU jar (also across redirects), per-request cookies, replace, jar API, jar: null', async () => {
    const r = await http.get(`${srv.url}/set-cookie?a=1&b=2`);
    assert.equal(r.cookies.a[0].value, '1');
    assert.equal(r.cookies.a[0].path, '/');
    const echo = (await http.get(`${srv.url}/echo`)).json() as any;
    assert.equal(echo.headers.cookie, 'a=1; b=2');
    const jar = http.cookieJar();
    assert.deepEqual(jar.cookiesForURL(`${srv.url}/`), { a: ['1'], b: ['2'] });

    const withReq = (await http.get(`${srv.url}/echo`, { cookies: { c: '3', a: { value: 'x', replace: true } } })).json() as any;
    assert.equal(withReq.headers.cookie, 'c=3; a=x; b=2', 'request cookies first, then the jar (k6 SetRequestCookies)');

    jar.delete(`${srv.url}/`, 'b');
    jar.set(srv.url, 'k', 'v');
    assert.deepEqual(jar.cookiesForURL(`${srv.url}/x`), { a: ['1'], k: ['v'] });
    jar.clear(srv.url);
    assert.deepEqual(jar.cookiesForURL(srv.url), {});

    const red = (await http.get(`${srv.url}/set-cookie-redirect`)).json() as any;
    assert.equal(red.headers.cookie, 'session=abc');
    const none = (await http.get(`${srv.url}/echo`, { jar: null })).json() as any;
    assert.equal(none.headers.cookie, undefined);
    const own = new http.CookieJar();
    own.set(srv.url, 'mine', 'yes');
    assert.equal(((await http.get(`${srv.url}/echo`, { jar: own })).json() as any).headers.cookie, 'mine=yes');
  });

  it('timeout param (string or ms) gives error_code 1050 with status 0 and error tags', async () => {
    const r = await http.get(`${srv.url}/slow?ms=3000`, { timeout: '80ms' });
    assert.equal(r.status, 0);
    assert.equal(r.error_code, 1050);
    assert.equal(r.error, 'request timeout');
    assert.equal(r.body, null);
    const tags = samplesOf('http_reqs')[0].tags;
    assert.equal(tags.status, '0');
    assert.equal(tags.error_code, '1050');
    assert.equal(tags.error, 'request timeout');
    assert.equal(tags.proto, undefined);
    assert.equal(samplesOf('http_req_failed')[0].value, 1);
    assert.ok(vu.logs.some((l) => l.msg === 'Request Failed'));
    assert.equal((await http.get(`${srv.url}/slow?ms=3000`, { timeout: 50 })).error_code, 1050);
  });

  it('connection refused is error_code 1212; throw: true makes it an exception', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = await http.get(`http://127.0.0.1:${port}/`);
    assert.equal(r.error_code, 1212);
    assert.equal(r.error, 'dial: connection refused');
    const throwing = httpModule(stubVU({ throw: true })) as unknown as Http;
    // k6's exception and Request Failed warning quote Go's dial error; r.error is the short form.
    await assert.rejects(throwing.get(`http://127.0.0.1:${port}/`), { message: `Get "http://127.0.0.1:${port}/": dial tcp 127.0.0.1:${port}: connect: connection refused` });
  });

  it('an invalid URL gives error_code 1020 and no samples; a scheme-less one is sent as k6 does (a sample, status 0)', async () => {
    const r = await http.get('http://a b/');
    assert.equal(r.error_code, 1020);
    assert.equal(vu.samples.length, 0);
    const rel = await http.get('not a url');
    assert.equal(rel.error, 'unsupported protocol scheme ""');
    assert.equal(rel.error_code, 1000);
    assert.deepEqual(samplesOf('http_reqs').map((x) => [x.tags.name, x.tags.status]), [['not%20a%20url', '0']]);
  });

  it('http.url template sets the name and url tags; tags.name overrides', async () => {
    const id = 42;
    await http.get(http.url`${srv.url}/echo?id=${id}`);
    const t = samplesOf('http_reqs')[0].tags;
    assert.equal(t.name, '${}/echo?id=${}');
    assert.equal(t.url, '${}/echo?id=${}');
    await http.get(`${srv.url}/echo?id=7`, { tags: { name: 'EchoById' } });
    assert.deepEqual([samplesOf('http_reqs')[1].tags.name, samplesOf('http_reqs')[1].tags.url], ['EchoById', 'EchoById']);
    await http.get(http.url([`${srv.url}/echo`] as unknown as TemplateStringsArray));
    assert.equal(samplesOf('http_reqs')[2].tags.name, `${srv.url}/echo`, 'a template without placeholders is tagged with the URL');
  });

  it('respects options.systemTags', async () => {
    vu = stubVU({ systemTags: new Set(['status', 'method']) }, {});
    http = httpModule(vu) as unknown as Http;
    await http.get(`${srv.url}/echo`, { tags: { mine: 'x' } });
    assert.deepEqual(samplesOf('http_reqs')[0].tags, { mine: 'x', method: 'GET', status: '200' });
  });

  it('batch: array and object forms, parallel up to batchPerHost', async () => {
    const rs = await http.batch([`${srv.url}/wait?ms=60`, ['POST', `${srv.url}/echo`, 'b'], { method: 'GET', url: `${srv.url}/wait?ms=60` }, `${srv.url}/wait?ms=60`]);
    assert.equal(rs.length, 4);
    assert.equal((rs[1].json() as any).method, 'POST');
    assert.equal(srv.maxInFlight, 3, 'the three /wait requests ran in parallel');
    const obj = await http.batch({ one: `${srv.url}/status/201`, two: ['GET', `${srv.url}/status/202`] });
    assert.deepEqual([obj.one.status, obj.two.status], [201, 202]);

    const limited = httpModule(stubVU({ batchPerHost: 2 })) as unknown as Http;
    const srv2 = await startTestServer();
    try {
      await limited.batch(Array.from({ length: 5 }, () => `${srv2.url}/wait?ms=40`));
      assert.equal(srv2.maxInFlight, 2);
    } finally {
      await srv2.close();
    }
  });

  it('noVUConnectionReuse reconnects per iteration; noConnectionReuse per request', async () => {
    vu = stubVU({ noVUConnectionReuse: true });
    http = httpModule(vu) as unknown as Http;
    vu.iteration = { iteration: 0 } as IterationContext;
    await http.get(`${srv.url}/echo`);
    await http.get(`${srv.url}/echo`);
    vu.iteration = { iteration: 1 } as IterationContext;
    await http.get(`${srv.url}/echo`);
    assert.deepEqual(samplesOf('http_req_connecting').map((s) => s.value > 0), [true, false, true]);
    await (vu.slots.get('k6/http') as { close(): Promise<void> }).close();

    vu = stubVU({ noConnectionReuse: true });
    http = httpModule(vu) as unknown as Http;
    await http.get(`${srv.url}/echo`);
    await http.get(`${srv.url}/echo`);
    assert.deepEqual(samplesOf('http_req_connecting').map((s) => s.value > 0), [true, true]);
  });

  it('refuses requests, batch and cookieJar() in the init context with k6 errors', async () => {
    vu.inInit = true;
    await assert.rejects(http.get(`${srv.url}/echo`), { message: 'Making http requests in the init context is not supported' });
    await assert.rejects(http.batch([`${srv.url}/echo`]), { message: 'Using batch in the init context is not supported' });
    assert.throws(() => http.cookieJar(), /init context is not supported/);
    assert.equal(srv.connections, 0);
  });

  it('a hard stop (vu.signal) rejects an in-flight request promptly', async () => {
    const p = http.get(`${srv.url}/slow?ms=5000`);
    setTimeout(() => vu.abort(new Error('interrupted')), 20);
    await assert.rejects(p, /interrupted/);
  });

  it('basic auth from URL userinfo; the url tag hides credentials', async () => {
    const u = new URL(`${srv.url}/echo`);
    u.username = 'user';
    u.password = 'pass';
    const echo = (await http.get(u.href)).json() as any;
    assert.equal(echo.headers.authorization, `Basic ${Buffer.from('user:pass').toString('base64')}`);
    assert.equal(samplesOf('http_reqs')[0].tags.url, `http://****:****@127.0.0.1:${srv.port}/echo`);
  });
});
