import assert from 'node:assert/strict';
import { CookieJar, parseSetCookie } from './cookie-jar';

const u = (s: string) => new URL(s);
const set = (jar: CookieJar, url: string, line: string, now?: number) => jar.setFromResponse(u(url), parseSetCookie(line)!, now);
const names = (jar: CookieJar, url: string, now?: number) => jar.cookiesFor(u(url), now).map((c) => `${c.name}=${c.value}`);

describe('k6 http CookieJar', () => {
  it('parses Set-Cookie attributes case-insensitively', () => {
    const c = parseSetCookie('sid="abc"; path=/app; DOMAIN=.example.com; Max-Age=60; Secure; HttpOnly; SameSite=Lax')!;
    assert.deepEqual(c, { name: 'sid', value: 'abc', domain: '.example.com', path: '/app', http_only: true, secure: true, max_age: 60, expires: 0 });
    assert.equal(parseSetCookie('novalue'), null);
  });

  it('host-only cookies do not go to subdomains; domain cookies do', () => {
    const jar = new CookieJar();
    set(jar, 'http://example.com/', 'host=1');
    set(jar, 'http://example.com/', 'dom=2; Domain=example.com');
    assert.deepEqual(names(jar, 'http://example.com/'), ['host=1', 'dom=2']);
    assert.deepEqual(names(jar, 'http://api.example.com/'), ['dom=2']);
    set(jar, 'http://example.com/', 'evil=3; Domain=other.com');
    assert.deepEqual(names(jar, 'http://other.com/'), []);
  });

  it('matches paths, orders longer paths first, defaults the path to the request directory', () => {
    const jar = new CookieJar();
    set(jar, 'http://h/a/b/page', 'def=1');
    set(jar, 'http://h/', 'root=2; Path=/');
    set(jar, 'http://h/', 'deep=3; Path=/a/b');
    assert.deepEqual(names(jar, 'http://h/a/b/x'), ['def=1', 'deep=3', 'root=2']);
    assert.deepEqual(names(jar, 'http://h/a/bc'), ['root=2']);
  });

  it('Secure cookies only over https; Max-Age/Expires expire and delete', () => {
    const jar = new CookieJar();
    set(jar, 'https://h/', 's=1; Secure');
    assert.deepEqual(names(jar, 'http://h/'), []);
    assert.deepEqual(names(jar, 'https://h/'), ['s=1']);
    set(jar, 'http://h/', 'short=1; Max-Age=10', 1_000);
    assert.deepEqual(names(jar, 'http://h/', 5_000), ['short=1']);
    assert.deepEqual(names(jar, 'http://h/', 12_000), []);
    set(jar, 'http://h/', 'gone=1');
    set(jar, 'http://h/', 'gone=; Max-Age=0');
    assert.deepEqual(names(jar, 'http://h/'), []);
    set(jar, 'http://h/', 'old=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    assert.deepEqual(names(jar, 'http://h/'), []);
  });

  it('k6 API: set with options, cookiesForURL, delete, clear', () => {
    const jar = new CookieJar();
    jar.set('http://h/', 'a', '1');
    jar.set('http://h/', 'a2', '2', { path: '/only' });
    jar.set('http://h/', 'x', 'y', { domain: 'h', max_age: 100 });
    assert.deepEqual(jar.cookiesForURL('http://h/only/x'), { a2: ['2'], a: ['1'], x: ['y'] });
    jar.delete('http://h/', 'a');
    assert.deepEqual(jar.cookiesForURL('http://h/'), { x: ['y'] });
    jar.clear('http://h/only');
    assert.deepEqual(jar.cookiesForURL('http://h/only'), {});
    assert.throws(() => jar.set('http://h/', 'e', 'v', { expires: 'not a date' }), /unable to parse "expires"/);
  });
});
