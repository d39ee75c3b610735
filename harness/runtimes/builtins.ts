import { RuntimeRegistry } from './registry';

/**
 * The built-in runtimes, registered in one place. Implementations are imported lazily so
 * `harness list` does not load dockerode.
 *
 * The docker runtime plugs in here: replace the `docker` entry's factory with
 *   async ({ config }) => new (await import('./docker')).DockerRuntime(config)
 * Until then the entry exists and reports itself unavailable (so `auto` falls back to local).
 */
export function builtinRuntimes(): RuntimeRegistry {
  return new RuntimeRegistry()
    .register('docker', 'Redis, Toxiproxy, gateway and worker as containers (dockerode)', async () => {
      const { UnavailableRuntime } = await import('./unavailable-runtime');
      return new UnavailableRuntime('docker', 'the docker runtime is not part of this build yet', 'use --runtime local (the default when Docker is absent)');
    })
    .register('local', 'Redis, Toxiproxy, gateway and worker as local child processes', async ({ config }) => {
      const { LocalRuntime } = await import('./local');
      return new LocalRuntime({ toxiproxy: config.toxiproxy.server, readyTimeoutMs: config.runtime.readyTimeoutMs });
    })
    .register('external', 'An already running target, by --target-url; nothing started', async () => {
      const { ExternalRuntime } = await import('./external');
      return new ExternalRuntime();
    });
}
