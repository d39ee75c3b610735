import { SeededRng, type Rng } from '../random';

/**
 * Seeded sequences of Toxiproxy API calls for the differential test (built-in server vs the real
 * one): proxies created, listed, read, updated, populated and deleted; toxics of every type with
 * valid and invalid attributes, streams and toxicities; resets; bad JSON, wrong JSON types,
 * unknown names, conflicting listen ports, unknown routes and methods, `/metrics` and `/version`.
 * Test-only.
 *
 * Listen ports are symbolic (`$P0`…`$P3`): each server gets its own free ports substituted, so
 * the two servers never fight over a port, and answers are mapped back before comparing.
 * Upstreams are never dialled (no traffic goes through the proxies), so they are fixed strings.
 */
export interface ApiCall {
  method: string;
  path: string;
  body?: string;
}

export const PORT_SLOTS = 4;

const PROXY_NAMES = ['redis', 'gateway', 'db'];
const TOXIC_TYPES = ['latency', 'timeout', 'bandwidth', 'slow_close', 'reset_peer', 'slicer', 'limit_data', 'noop'] as const;

/** Each type's attributes with a sensible value (Toxiproxy 2.4's toxics package). */
const ATTRIBUTES: Record<(typeof TOXIC_TYPES)[number], Record<string, number>> = {
  latency: { latency: 100, jitter: 10 },
  timeout: { timeout: 50 },
  bandwidth: { rate: 100 },
  slow_close: { delay: 100 },
  reset_peer: { timeout: 50 },
  slicer: { average_size: 16, size_variation: 4, delay: 10 },
  limit_data: { bytes: 1024 },
  noop: {},
};

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(0, xs.length - 1)];
}

function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** Generates `length` calls from `seed`; names are mostly ones that exist, sometimes not. */
export function generateApiSequence(seed: number, length: number): ApiCall[] {
  const rng = new SeededRng(seed);
  const calls: ApiCall[] = [];
  const toxicNames: string[] = [];
  const proxyName = () => (chance(rng, 0.9) ? pick(rng, PROXY_NAMES) : pick(rng, ['nope', 'REDIS', 'a%20b', '']));
  // Never empty: Toxiproxy would bind every interface for that, and we stay on loopback.
  const listen = () => pick(rng, [`127.0.0.1:$P${rng.int(0, PORT_SLOTS - 1)}`, `127.0.0.1:$P${rng.int(0, PORT_SLOTS - 1)}`, '127.0.0.1:0', 'localhost:$P0', 'not-an-address']);
  const upstream = () => pick(rng, ['127.0.0.1:6379', '127.0.0.1:8080', 'localhost:9', '', 'upstream.invalid:1']);
  const proxyObject = (forUpdate = false): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    if (chance(rng, 0.95)) o.name = chance(rng, 0.95) ? pick(rng, PROXY_NAMES) : pick(rng, [5, null, 'other']);
    if (!forUpdate || chance(rng, 0.7)) o.listen = listen();
    if (chance(rng, 0.95)) o.upstream = chance(rng, 0.95) ? upstream() : pick(rng, [1, true]);
    if (chance(rng, 0.4)) o.enabled = chance(rng, 0.9) ? chance(rng, 0.5) : pick(rng, ['yes', 1]);
    return o;
  };
  const attributes = (type: string): unknown => {
    const base = { ...(ATTRIBUTES as Record<string, Record<string, number>>)[type] ?? { foo: 1 } };
    const roll = rng.next();
    if (roll < 0.6) {
      for (const k of Object.keys(base)) if (chance(rng, 0.3)) delete base[k];
      for (const k of Object.keys(base)) if (chance(rng, 0.2)) base[k] = rng.int(0, 5000);
      return base;
    }
    const k = Object.keys(base).length ? pick(rng, Object.keys(base)) : 'extra';
    if (roll < 0.7) return { ...base, [k]: -rng.int(1, 100) };
    if (roll < 0.8) return { ...base, [k]: pick(rng, ['100', 1.5, true, null, [1]]) };
    if (roll < 0.85) return { ...base, extra: 1 };
    if (roll < 0.9) return pick(rng, [[], 'x', 3, null]);
    return {};
  };
  const toxicObject = (forUpdate: boolean): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    const type = chance(rng, 0.9) ? pick(rng, TOXIC_TYPES) : pick(rng, ['nosuchtoxic', '', 'LATENCY']);
    if (!forUpdate || chance(rng, 0.2)) o.type = type;
    if (chance(rng, 0.5)) {
      o.name = chance(rng, 0.8) ? `t${rng.int(0, 3)}` : pick(rng, ['', 5]);
      if (typeof o.name === 'string' && o.name) toxicNames.push(o.name);
    } else if (!forUpdate) toxicNames.push(`${type}_${'downstream'}`, `${type}_upstream`);
    if (chance(rng, 0.4)) o.stream = pick(rng, ['upstream', 'downstream', 'Upstream', 'sideways', '', 3]);
    if (chance(rng, 0.3)) o.toxicity = pick(rng, [0, 0.5, 1, 1.5, -1, '0.5', null]);
    if (!forUpdate || chance(rng, 0.8)) {
      if (chance(rng, 0.95)) o.attributes = attributes(typeof o.type === 'string' ? o.type : pick(rng, TOXIC_TYPES));
    }
    return o;
  };
  const toxicName = () => (toxicNames.length && chance(rng, 0.85) ? pick(rng, toxicNames) : pick(rng, ['nope', 'latency_downstream', '']));
  const body = (value: unknown) => (chance(rng, 0.04) ? pick(rng, ['{bad json', '', 'null', '[]', '"x"', '{"name":']) : JSON.stringify(value));

  const actions: Array<[number, () => ApiCall]> = [
    [1, () => ({ method: 'GET', path: '/version' })],
    // Both servers run with proxy metrics on; no traffic flows, so only promhttp's own series.
    [1, () => ({ method: pick(rng, ['GET', 'GET', 'POST']), path: '/metrics' })],
    [4, () => ({ method: 'GET', path: '/proxies' })],
    [10, () => ({ method: 'POST', path: '/proxies', body: body(proxyObject()) })],
    [4, () => ({ method: 'GET', path: `/proxies/${proxyName()}` })],
    [5, () => ({ method: pick(rng, ['POST', 'PATCH']), path: `/proxies/${proxyName()}`, body: body(chance(rng, 0.5) ? { enabled: chance(rng, 0.5) } : proxyObject(true)) })],
    [3, () => ({ method: 'DELETE', path: `/proxies/${proxyName()}` })],
    [
      3,
      () => ({
        method: 'POST',
        path: '/populate',
        body: body(chance(rng, 0.9) ? Array.from({ length: rng.int(0, 3) }, () => proxyObject()) : proxyObject()),
      }),
    ],
    [14, () => ({ method: 'POST', path: `/proxies/${proxyName()}/toxics`, body: body(toxicObject(false)) })],
    [3, () => ({ method: 'GET', path: `/proxies/${proxyName()}/toxics` })],
    [3, () => ({ method: 'GET', path: `/proxies/${proxyName()}/toxics/${toxicName()}` })],
    [5, () => ({ method: pick(rng, ['POST', 'PATCH']), path: `/proxies/${proxyName()}/toxics/${toxicName()}`, body: body(toxicObject(true)) })],
    [3, () => ({ method: 'DELETE', path: `/proxies/${proxyName()}/toxics/${toxicName()}` })],
    [2, () => ({ method: 'POST', path: '/reset' })],
    [
      1,
      () =>
        pick(rng, [
          { method: 'PUT', path: '/proxies' },
          { method: 'DELETE', path: '/proxies' },
          { method: 'GET', path: '/reset' },
          { method: 'GET', path: '/nothing' },
          { method: 'GET', path: '/proxies/redis/toxics/a/b' },
          { method: 'GET', path: '/proxies/' },
          { method: 'PUT', path: '/proxies/redis' },
        ]),
    ],
  ];
  const total = actions.reduce((a, [w]) => a + w, 0);
  for (let i = 0; i < length; i++) {
    let r = rng.next() * total;
    const action = actions.find(([w]) => (r -= w) < 0) ?? actions[0];
    calls.push(action[1]());
  }
  return calls;
}
