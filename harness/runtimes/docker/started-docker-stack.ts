import type { AsyncDisposableStack } from '../../lifecycle';
import { HarnessError } from '../../errors';
import type { Component, StartedTargetStack, ToxiproxyEndpoints } from '../types';
import type { ContainerSpec, ManagedContainer } from './managed-container';

export interface DockerComponents {
  specs: Record<'redis' | 'gateway' | 'worker', ContainerSpec>;
  containers: Partial<Record<Component, ManagedContainer>>;
}

/**
 * A running docker stack. `kill`/`restart` act on one container (docker kill / stop + start,
 * same id, ports and log file); `stop()` removes everything in reverse start order (worker,
 * gateway, proxies, toxiproxy, redis, network), force-removing containers; idempotent, keeps
 * going past failures.
 */
export class StartedDockerStack implements StartedTargetStack {
  readonly runtime = 'docker' as const;
  readonly runId: string;
  readonly targetUrl: string;
  readonly gatewayUrl: string;
  readonly redisUrl: string;
  readonly toxiproxy?: ToxiproxyEndpoints;
  #components: DockerComponents;
  #stack: AsyncDisposableStack;

  constructor(o: { runId: string; targetUrl: string; gatewayUrl: string; redisUrl: string; toxiproxy?: ToxiproxyEndpoints; components: DockerComponents; stack: AsyncDisposableStack }) {
    this.runId = o.runId;
    this.targetUrl = o.targetUrl;
    this.gatewayUrl = o.gatewayUrl;
    this.redisUrl = o.redisUrl;
    this.toxiproxy = o.toxiproxy;
    this.#components = o.components;
    this.#stack = o.stack;
  }

  /** Container ids by component (for tests, `harness up` and diagnostics). */
  containerIds(): Partial<Record<Component, string>> {
    const out: Partial<Record<Component, string>> = {};
    for (const [c, m] of Object.entries(this.#components.containers)) if (m) out[c as Component] = m.id;
    return out;
  }

  #container(component: Component): ManagedContainer {
    const c = this.#components.containers[component];
    if (!c) throw new HarnessError(`component ${component} is not a container of this docker stack`, { hint: 'kill/restart work on redis, gateway, worker (and toxiproxy kill)' });
    return c;
  }

  async kill(component: Component, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.#container(component).kill(signal);
  }

  async restart(component: Component): Promise<void> {
    const c = this.#container(component);
    if (component === 'toxiproxy') throw new HarnessError('restarting toxiproxy would drop its proxies; reset toxics through its API instead');
    await c.restart();
  }

  stop(): Promise<void> {
    return this.#stack.disposeAsync();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
