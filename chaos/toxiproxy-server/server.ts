import '../../harness/lifecycle';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InfraError } from '../../harness/errors';
import { SeededRng, randomSeed } from '../random';
import { ToxiproxyApi } from './api';
import { ToxiproxyMetrics } from './metrics';
import { builtinToxics, type ToxicRegistry } from './toxics';

export interface ToxiproxyServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8474; 0 picks a free port (see `url`). */
  port?: number;
  /** Seeds the one RNG behind jitter, toxicity and slicer sizes. Random (and reported) if absent. */
  seed?: number;
  /** Toxic types; default every built-in. */
  toxics?: ToxicRegistry;
  /** What `GET /version` answers (default `2.4.0`, the release this server is compatible with). */
  version?: string;
  /** Serve `/metrics` with per-proxy byte counters (Toxiproxy's `-proxy-metrics`). */
  proxyMetrics?: boolean;
  /** Serve `/metrics` with process figures (Toxiproxy's `-runtime-metrics`; no `go_*` series). */
  runtimeMetrics?: boolean;
  /**
   * Require `Authorization: Bearer <apiToken>` on every API request (401 otherwise). Off by
   * default: Toxiproxy 2.4 has no token, and its clients (toxiproxy-node-client) send none.
   */
  apiToken?: string;
}

/** A running server: only this type exposes the URL and `stop()` (idempotent). */
export interface StartedToxiproxyServer extends AsyncDisposable {
  /** e.g. `http://127.0.0.1:8474` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  /** Removes every toxic and re-enables every proxy (same as `POST /reset`). */
  reset(): Promise<void>;
  /** Closes the API and every proxy listener and connection. */
  stop(): Promise<void>;
}

/** Starts the built-in Toxiproxy-compatible server (HTTP API + TCP proxies). */
export async function startToxiproxyServer(opts: ToxiproxyServerOptions = {}): Promise<StartedToxiproxyServer> {
  const host = opts.host ?? '127.0.0.1';
  const seed = opts.seed ?? randomSeed();
  const api = new ToxiproxyApi(opts.toxics ?? builtinToxics(), new SeededRng(seed), opts.version, new ToxiproxyMetrics(opts), opts.apiToken || undefined);
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => api.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new InfraError(`toxiproxy-server: cannot listen on ${host}:${opts.port ?? 8474}: ${e.code ?? e.message}`, {
          hint: e.code === 'EADDRINUSE' ? 'another Toxiproxy is running there; stop it or pass --port 0' : undefined,
          cause: e,
        }),
      ),
    );
    server.listen({ host, port: opts.port ?? 8474 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await api.stopAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })());
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    seed,
    reset: () => api.reset(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
