import { RuntimeRegistry } from './registry';

/**
 * The built-in runtimes, registered in one place. Implementations are imported lazily so
 * `harness list` does not load dockerode.
 * `docker` answers `available()` quickly with a reason when no daemon is reachable, so `auto`
 * falls back to `local`.
 */
export function builtinRuntimes(): RuntimeRegistry {
  return new RuntimeRegistry()
    .register('docker', 'Redis, Toxiproxy, gateway and worker as containers (dockerode)', async ({ config }) => {
      const { DockerRuntime } = await import('./docker');
      return new DockerRuntime(config);
    })
    .register('local', 'Redis, Toxiproxy, gateway and worker as local child processes', async ({ config }) => {
      const { LocalRuntime } = await import('./local');
      return new LocalRuntime({ toxiproxy: config.toxiproxy.server, toxiproxyToken: config.toxiproxy.token, readyTimeoutMs: config.runtime.readyTimeoutMs });
    })
    .register('external', 'An already running target, by --target-url; nothing started', async () => {
      const { ExternalRuntime } = await import('./external');
      return new ExternalRuntime();
    });
}
