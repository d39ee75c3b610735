import type Docker from 'dockerode';
import { InfraError } from '../../errors';
import { imageExists } from './base-image';

export interface PullOptions {
  log: (line: string) => void;
  /** Give up after this long (default 120 s): a registry that is unreachable must not hang a run. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Uses `ref` when it is present locally, else pulls it with progress (one line per layer state
 * change, throttled) and a timeout. On failure: an InfraError naming the image, with a hint.
 */
export async function ensureImage(docker: Docker, ref: string, o: PullOptions): Promise<void> {
  if (await imageExists(docker, ref)) return;
  await pullImage(docker, ref, o);
}

export async function pullImage(docker: Docker, ref: string, o: PullOptions): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  o.log(`pulling ${ref} ...`);
  try {
    const stream = (await docker.pull(ref, { abortSignal: ac.signal })) as NodeJS.ReadableStream;
    let lastLog = 0;
    await new Promise<void>((resolve, reject) => {
      ac.signal.addEventListener('abort', () => reject(new Error(o.signal?.aborted ? 'interrupted' : `timed out after ${timeoutMs / 1000} s`)), { once: true });
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (ev: { status?: string; id?: string; progress?: string }) => {
          const now = Date.now();
          if (now - lastLog < 1000 && !/complete|digest|status/i.test(ev.status ?? '')) return;
          lastLog = now;
          o.log(`  ${ref}: ${ev.id ? `${ev.id} ` : ''}${ev.status ?? ''}${ev.progress ? ` ${ev.progress}` : ''}`);
        },
      );
    });
  } catch (e) {
    throw new InfraError(`image ${ref} is not available locally and pulling it failed: ${(e as Error).message}`, {
      hint: `no registry reachable? load it with \`docker load -i <file>\` or \`docker tag <local-image> ${ref}\`, or use --runtime local`,
    });
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (!(await imageExists(docker, ref))) throw new InfraError(`pulling ${ref} finished but the image is not present`, { hint: 'check `docker images`' });
}
