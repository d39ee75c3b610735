/**
 * WHATWG URL parsing costs microseconds and load tests hit the same few URLs over and over, so
 * parsed URLs are cached by their string (bounded; the cache is dropped when full).
 * Callers must treat the returned URL as read-only.
 */
const cache = new Map<string, URL>();
const MAX = 2000;

export function parseURLCached(s: string): URL {
  let u = cache.get(s);
  if (u === undefined) {
    u = new URL(s); // throws for an invalid URL (not cached)
    if (cache.size >= MAX) cache.clear();
    cache.set(s, u);
  }
  return u;
}
