/**
 * fastify-plugin's semantics without the dependency: a plugin marked `skip-override` runs in its
 * parent's context, so what it adds (hooks, the error handler, content-type parsers) applies to
 * every route, also those of the encapsulated plugins registered after it. Fastify reads the two
 * symbols (lib/plugin-utils.js) exactly as it does for a plugin wrapped by fastify-plugin.
 */
import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify';

export function rootPlugin<T extends FastifyPluginOptions>(name: string, fn: FastifyPluginAsync<T>): FastifyPluginAsync<T> {
  return Object.assign(fn, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
}
