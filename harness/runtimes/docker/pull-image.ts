import type Docker from 'dockerode';
import { AbortedError, InfraError } from '../../errors';
import { imageExists } from './base-image';

export interface PullOptions {
  log: (line: string) => void;
  /** Give up after this long (default 120 s): a registry that is unreachable must not hang a run. */
  timeoutMs?: number;
  /**
   * Give up when the daemon reports nothing for this long (default 10 s): a registry that
   * accepts connections but never answers (a firewall, a dead proxy) fails in seconds, while a
   * large image that downloads steadily (progress every second or so) may take `timeoutMs`.
   */
  stallTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Daemon errors that mean "no registry reachable" rather than "no such image". */
const UNREACHABLE = /no such host|lookup .* on |dial tcp|i\/o timeout|connection refused|network is unreachable|TLS handshake timeout|Client\.Timeout|server misbehaving|no route to host|stalled|timed out/i;

/** The daemon's error for a pull, classified: `unreachable` when no registry answered. */
export class PullFailure extends Error {
  constructor(
    readonly ref: string,
    readonly reason: string,
    readonly unreachable: boolean,
  ) {
    super(`pulling ${ref} failed: ${reason}`);
  }
}

/**
 * Uses `ref` when it is present locally, else pulls it with progress (one line per layer state
 * change, throttled) and a timeout. On failure: an InfraError naming the image, with a hint.
 */
export async function ensureImage(docker: Docker, ref: string, o: PullOptions): Promise<void> {
  if (await imageExists(docker, ref)) return;
  try {
    await pullImage(docker, ref, o);
  } catch (e) {
    if (!(e instanceof PullFailure)) throw e;
    if (e.reason === 'interrupted') throw new AbortedError(`interrupted while pulling ${ref}`);
    throw new InfraError(`image ${ref} is not available locally and pulling it failed: ${e.reason}`, {
      hint: `${e.unreachable ? 'no registry reachable: ' : ''}load it with \`docker load -i <file>\` or \`docker tag <local-image> ${ref}\`, or use --runtime local`,
    });
  }
}

/**
 * Pulls `ref`; throws a PullFailure (reason `interrupted` when `signal` fired). "pulling ..." is
 * logged only once the registry answered, so a pull that cannot start prints nothing but the
 * caller's error.
 */
export async function pullImage(docker: Docker, ref: string, o: PullOptions): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  const stallMs = o.stallTimeoutMs ?? 10_000;
  const ac = new AbortController();
  let why = '';
  const abort = (reason: string) => {
    why ||= reason;
    ac.abort();
  };
  const onAbort = () => abort('interrupted');
  if (o.signal?.aborted) throw new PullFailure(ref, 'interrupted', false);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => abort(`timed out after ${timeoutMs / 1000} s`), timeoutMs);
  let stall = setTimeout(() => abort(`stalled: no answer from the registry within ${stallMs / 1000} s`), stallMs);
  const alive = () => {
    clearTimeout(stall);
    stall = setTimeout(() => abort(`stalled: no progress for ${stallMs / 1000} s`), stallMs);
  };
  try {
    const pulled = docker.pull(ref, { abortSignal: ac.signal }) as Promise<NodeJS.ReadableStream>;
    const stream = await Promise.race([pulled, aborted(ac.signal, () => why)]);
    o.log(`pulling ${ref} ...`);
    alive();
    let lastLog = 0;
    await new Promise<void>((resolve, reject) => {
      ac.signal.addEventListener('abort', () => reject(new Error(why)), { once: true });
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (ev: { status?: string; id?: string; progress?: string }) => {
          alive();
          const now = Date.now();
          if (now - lastLog < 1000 && !/complete|digest|status/i.test(ev.status ?? '')) return;
          lastLog = now;
          o.log(`  ${ref}: ${ev.id ? `${ev.id} ` : ''}${ev.status ?? ''}${ev.progress ? ` ${ev.progress}` : ''}`);
        },
      );
    });
  } catch (e) {
    const reason = why || oneLine((e as Error).message);
    throw new PullFailure(ref, reason, why !== 'interrupted' && UNREACHABLE.test(reason));
  } finally {
    clearTimeout(timer);
    clearTimeout(stall);
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (!(await imageExists(docker, ref))) throw new PullFailure(ref, 'the pull finished but the image is not present (check `docker images`)', false);
}

function aborted(signal: AbortSignal, why: () => string): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Error(why()));
    else signal.addEventListener('abort', () => reject(new Error(why())), { once: true });
  });
}

/** The daemon's message without dockerode's "(HTTP code 500) server error - " prefix and JSON wrapping. */
function oneLine(msg: string): string {
  const m = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(msg);
  return (m ? m[1] : msg)
    .replace(/^\(HTTP code \d+\)[^-]*- /, '')
    .replace(/\s+/g, ' ')
    .trim();
}
