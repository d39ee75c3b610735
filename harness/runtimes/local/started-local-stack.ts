import type { AsyncDisposableStack } from '../../lifecycle';
import { HarnessError } from '../../errors';
import type { Component, StartedTargetStack, ToxiproxyEndpoints } from '../types';
import { ManagedProcess, type ProcessDeps, type ProcessSpec } from './managed-process';

export interface LocalComponents {
  specs: Record<'redis' | 'gateway' | 'worker', ProcessSpec>;
  deps: ProcessDeps;
  processes: Partial<Record<Component, ManagedProcess>>;
}

/** A running local stack. `stop()` is idempotent and disposes in reverse start order. */
export class StartedLocalStack implements StartedTargetStack {
  readonly runtime = 'local' as const;
  readonly runId: string;
  readonly targetUrl: string;
  readonly gatewayUrl: string;
  readonly redisUrl: string;
  readonly toxiproxy?: ToxiproxyEndpoints;
  #components: LocalComponents;
  #stack: AsyncDisposableStack;

  constructor(o: {
    runId: string;
    targetUrl: string;
    gatewayUrl: string;
    redisUrl: string;
    toxiproxy?: ToxiproxyEndpoints;
    components: LocalComponents;
    stack: AsyncDisposableStack;
  }) {
    this.runId = o.runId;
    this.targetUrl = o.targetUrl;
    this.gatewayUrl = o.gatewayUrl;
    this.redisUrl = o.redisUrl;
    this.toxiproxy = o.toxiproxy;
    this.#components = o.components;
    this.#stack = o.stack;
  }

  /** Pids of the running components (for tests and `harness up`). */
  pids(): Partial<Record<Component, number>> {
    const out: Partial<Record<Component, number>> = {};
    for (const [c, p] of Object.entries(this.#components.processes)) if (p && !p.exited) out[c as Component] = p.pid;
    return out;
  }

  #process(component: Component): ManagedProcess {
    const p = this.#components.processes[component];
    if (!p) throw new HarnessError(`component ${component} is not a process of this local stack`, { hint: 'kill/restart work on redis, gateway and worker (and toxiproxy when it runs as a binary)' });
    return p;
  }

  async kill(component: Component, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.#process(component).kill(signal);
  }

  async restart(component: Component): Promise<void> {
    const old = this.#process(component);
    if (component === 'toxiproxy') {
      throw new HarnessError('restarting toxiproxy would drop its proxies; reset toxics through its API instead');
    }
    const next = await old.restart();
    this.#components.processes[component] = next;
  }

  stop(): Promise<void> {
    return this.#stack.disposeAsync();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
