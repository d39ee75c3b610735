import type { Toxiproxy } from 'toxiproxy-node-client';
import { toxiproxyClient } from '../toxiproxy-client';
import type { LinkName, ToxicSpec, ToxiproxyEndpoints } from './types';
import { withTimeout } from './with-timeout';

/**
 * Injects network faults through `toxiproxy-node-client` only, with a timeout on every call.
 * Works against real Toxiproxy and the built-in server alike.
 */
export class FaultDriver {
  readonly client: Toxiproxy;

  constructor(
    readonly endpoints: ToxiproxyEndpoints,
    readonly timeoutMs = 5000,
    /** The built-in server's API token (config `toxiproxy.token`); kept out of `endpoints`, which runs record. */
    token?: string,
  ) {
    this.client = toxiproxyClient(endpoints.apiUrl, { token });
  }

  proxyName(link: LinkName): string {
    return link === 'client->gateway' ? this.endpoints.proxies.gateway : this.endpoints.proxies.redis;
  }

  async addToxic(link: LinkName, name: string, spec: ToxicSpec): Promise<void> {
    const proxyName = this.proxyName(link);
    await withTimeout(`toxiproxy: add toxic ${name} to ${proxyName}`, this.timeoutMs, async () => {
      const proxy = await this.client.get(proxyName);
      await proxy.addToxic({
        name,
        type: spec.type,
        stream: spec.stream ?? 'downstream',
        toxicity: spec.toxicity ?? 1,
        attributes: spec.attributes,
      } as never);
    });
  }

  async removeToxic(link: LinkName, name: string): Promise<void> {
    const proxyName = this.proxyName(link);
    await withTimeout(`toxiproxy: remove toxic ${name} from ${proxyName}`, this.timeoutMs, async () => {
      const proxy = await this.client.get(proxyName);
      await (await proxy.getToxic(name)).remove();
    });
  }

  async setEnabled(link: LinkName, enabled: boolean): Promise<void> {
    const proxyName = this.proxyName(link);
    await withTimeout(`toxiproxy: ${enabled ? 'enable' : 'disable'} ${proxyName}`, this.timeoutMs, async () => {
      const proxy = await this.client.get(proxyName);
      await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
    });
  }

  /** Toxic names currently on a proxy. */
  async toxicNames(proxyName: string): Promise<string[]> {
    return withTimeout(`toxiproxy: list toxics of ${proxyName}`, this.timeoutMs, async () => {
      const res = (await this.client.getApi().get(`${this.endpoints.apiUrl}/proxies/${proxyName}/toxics`)) as { data: Array<{ name: string }> };
      return res.data.map((t) => t.name);
    });
  }

  /**
   * Removes every toxic from both proxies and re-enables them. Never throws: returns what it
   * could not undo (the caller journals it; `harness reap` is the last resort).
   */
  async rollback(): Promise<string[]> {
    const problems: string[] = [];
    for (const proxyName of new Set([this.endpoints.proxies.gateway, this.endpoints.proxies.redis])) {
      try {
        for (const name of await this.toxicNames(proxyName)) {
          await withTimeout(`toxiproxy: remove ${name}`, this.timeoutMs, async () => {
            await (await (await this.client.get(proxyName)).getToxic(name)).remove();
          }).catch((e) => problems.push(`${proxyName}/${name}: ${(e as Error).message}`));
        }
        await withTimeout(`toxiproxy: enable ${proxyName}`, this.timeoutMs, async () => {
          const proxy = await this.client.get(proxyName);
          if (!proxy.enabled) await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
        });
      } catch (e) {
        problems.push(`${proxyName}: ${(e as Error).message}`);
      }
    }
    return problems;
  }
}
