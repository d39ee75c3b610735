import { InvalidConfigError, HarnessError } from '../../errors';
import type { Availability, Runtime, RuntimeStartOptions, StartedTargetStack } from '../types';

/** A target someone else runs: only a URL; nothing is started, stopped, killed or proxied. */
export class ExternalRuntime implements Runtime {
  readonly name = 'external' as const;

  async available(): Promise<Availability> {
    return { ok: true, reason: 'needs --target-url' };
  }

  async start(opts: RuntimeStartOptions): Promise<StartedTargetStack> {
    const url = opts.targetUrl;
    if (!url) throw new InvalidConfigError('the external runtime needs a target URL', [], { hint: 'pass --target-url http://host:port' });
    const targetUrl = url.replace(/\/+$/, '');
    opts.log(`external target: ${targetUrl} (nothing started)`);
    return {
      runtime: 'external',
      runId: opts.runId,
      targetUrl,
      gatewayUrl: targetUrl,
      async kill() {
        throw new HarnessError('process faults are not available with --runtime external', { hint: 'use --runtime local or docker' });
      },
      async restart() {
        throw new HarnessError('process faults are not available with --runtime external', { hint: 'use --runtime local or docker' });
      },
      async stop() {},
      async [Symbol.asyncDispose]() {},
    };
  }
}
