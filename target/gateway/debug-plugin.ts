/**
 * Test-only introspection (TARGET_DEBUG_ENDPOINTS=true; never registered otherwise):
 *   GET /debug/prototypes  which built-in prototypes of THIS process gained, lost or changed
 *                          a property since start-up: `{ changes: ["Object.prototype.polluted added"] }`.
 * The fuzz test asks it after sending `__proto__` / `constructor.prototype` bodies: prototype
 * pollution happens in the gateway's process, so only the gateway can tell.
 */
import type { FastifyInstance } from 'fastify';
import type { GatewayPluginOptions } from './gateway-context';

const WATCHED: Record<string, object> = {
  'Object.prototype': Object.prototype,
  'Array.prototype': Array.prototype,
  'Function.prototype': Function.prototype,
  'String.prototype': String.prototype,
  'Number.prototype': Number.prototype,
  'Boolean.prototype': Boolean.prototype,
};

type Shot = Map<PropertyKey, unknown>;
const shoot = (o: object): Shot => new Map(Reflect.ownKeys(o).map((k) => [k, Object.getOwnPropertyDescriptor(o, k)?.value ?? Object.getOwnPropertyDescriptor(o, k)?.get]));

/** What differs in each watched prototype between `before` and now. */
export function prototypeChanges(before: Record<string, Shot>): string[] {
  const changes: string[] = [];
  for (const [name, proto] of Object.entries(WATCHED)) {
    const was = before[name];
    const now = shoot(proto);
    for (const [k, v] of now) {
      if (!was.has(k)) changes.push(`${name}.${String(k)} added`);
      else if (was.get(k) !== v) changes.push(`${name}.${String(k)} changed`);
    }
    for (const k of was.keys()) if (!now.has(k)) changes.push(`${name}.${String(k)} removed`);
  }
  return changes;
}

export async function debugPlugin(app: FastifyInstance, _opts: GatewayPluginOptions): Promise<void> {
  const baseline = Object.fromEntries(Object.entries(WATCHED).map(([n, p]) => [n, shoot(p)]));
  app.get('/debug/prototypes', async () => ({ pid: process.pid, changes: prototypeChanges(baseline) }));
}
