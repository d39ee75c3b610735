import { relative, sep } from 'node:path';
import type Docker from 'dockerode';
import { pack } from 'tar-fs';
import { InfraError } from '../../errors';

export interface BuildOptions {
  /** Build context root (the project root). */
  contextDir: string;
  /** Top-level paths of `contextDir` sent to the daemon (default: everything but EXCLUDED). */
  entries?: string[];
  /** Extra filter on context-relative paths (`/`-separated); true = leave out. */
  exclude?: (rel: string) => boolean;
  /** Dockerfile path relative to the context (`target/Dockerfile`). */
  dockerfile: string;
  tag: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  log: (line: string) => void;
  /** Aborts the build request (Ctrl-C). */
  signal?: AbortSignal;
}

/** Paths never sent to the daemon: run artefacts, VCS data, caches. */
const EXCLUDED = ['.git', 'reports/runs', '.cache', 'docs'];

/**
 * Builds an image with the context streamed as a tar (no .dockerignore needed: the filter is here).
 * Uses host networking for RUN steps (no bridge traffic; `npm` would reach what the host reaches).
 * Every `Step n/m` line is logged; a failure quotes the last lines of build output.
 */
export async function buildImage(docker: Docker, o: BuildOptions): Promise<void> {
  const context = pack(o.contextDir, {
    entries: o.entries,
    ignore: (name: string) => {
      const rel = relative(o.contextDir, name).split(sep).join('/');
      return EXCLUDED.some((x) => rel === x || rel.startsWith(`${x}/`)) || (o.exclude?.(rel) ?? false);
    },
  });
  o.log(`building ${o.tag} from ${o.dockerfile} ...`);
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: o.tag,
    dockerfile: o.dockerfile,
    buildargs: o.buildArgs,
    labels: o.labels,
    networkmode: 'host',
    rm: true,
    forcerm: true,
    abortSignal: o.signal,
  });
  const tail: string[] = [];
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(
      stream,
      (err: Error | null, out: Array<{ error?: string }>) => {
        const failed = err?.message ?? out?.find((e) => e.error)?.error;
        if (failed) reject(new InfraError(`building ${o.tag} failed: ${failed}\n${tail.join('')}`, { hint: `reproduce with: docker build -f ${o.dockerfile} .` }));
        else resolve();
      },
      (ev: { stream?: string; error?: string }) => {
        if (ev.stream) {
          tail.push(ev.stream);
          if (tail.length > 30) tail.shift();
          if (/^Step \d+\/\d+/.test(ev.stream)) o.log(ev.stream.trim());
        }
      },
    ),
  );
}
