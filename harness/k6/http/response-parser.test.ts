import assert from 'node:assert/strict';
import { ResponseParser, canonicalHeaderName } from './response-parser';

/** Feeds the text split into every possible pair of chunks: parsing must not depend on boundaries. */
function parseSplit(text: string, head = false, closeAtEnd = false) {
  const buf = Buffer.from(text, 'latin1');
  const results = [];
  for (let i = 1; i < buf.length; i++) {
    const p = new ResponseParser(head);
    let done = p.feed(buf.subarray(0, i));
    if (!done) done = p.feed(buf.subarray(i));
    if (!done && closeAtEnd) done = p.end();
    assert.ok(done, `not done when split at ${i}`);
    results.push(p.result());
  }
  for (const r of results) assert.deepEqual({ ...r, body: r.body.toString() }, { ...results[0], body: results[0].body.toString() });
  return results[0];
}

describe('k6 http ResponseParser', () => {
  it('parses Content-Length bodies at any chunk boundary', () => {
    const r = parseSplit('HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\nContent-Length: 17\r\n\r\n{"accepted":true}');
    assert.equal(r.status, 202);
    assert.equal(r.statusText, 'Accepted');
    assert.equal(r.proto, 'HTTP/1.1');
    assert.equal(r.headers['Content-Type'], 'application/json');
    assert.equal(r.body.toString(), '{"accepted":true}');
    assert.equal(r.close, false);
  });

  it('parses chunked bodies with extensions and trailers', () => {
    const r = parseSplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6;ext=1\r\nhello \r\nb\r\nchunked wor\r\n2\r\nld\r\n0\r\nX-Trailer: t\r\n\r\n');
    assert.equal(r.body.toString(), 'hello chunked world');
  });

  it('has no body for HEAD, 204 and 304 even with a Content-Length', () => {
    assert.equal(parseSplit('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n', true).body.length, 0);
    assert.equal(parseSplit('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n').status, 204);
    assert.equal(parseSplit('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n').body.length, 0);
  });

  it('skips 100 Continue and reads until close without a length', () => {
    const r = parseSplit('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close', false, true);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'until close');
    assert.equal(r.close, true);
  });

  it('joins repeated headers, keeps Set-Cookie lines apart and honours HTTP/1.0', () => {
    const r = parseSplit('HTTP/1.0 200 OK\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n');
    assert.deepEqual(r.setCookies, ['a=1', 'b=2']);
    assert.equal(r.headers['X-A'], '1, 2');
    assert.equal(r.close, true);
  });

  it('rejects garbage', () => {
    assert.throws(() => new ResponseParser(false).feed(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), /malformed HTTP response/);
    assert.throws(() => new ResponseParser(false).feed(Buffer.from('HTTP/1.1 20x OK\r\n\r\n')), /malformed HTTP status/);
  });

  it('canonicalizes header names like Go', () => {
    assert.equal(canonicalHeaderName('content-type'), 'Content-Type');
    assert.equal(canonicalHeaderName('X-REQUEST-ID'), 'X-Request-Id');
    assert.equal(canonicalHeaderName('www-authenticate'), 'Www-Authenticate');
  });
});
