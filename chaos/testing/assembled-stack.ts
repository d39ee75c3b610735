import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startRedisServer } from '../../harness/testing';
import type { Component, StartedTargetStack } from '../../harness/runtimes/types';
import { startToxiproxyServer } from '../toxiproxy-server';

/**
 * A StartedTargetStack assembled from real pieces for runner tests that do not need the real
 * target: a real redis-server, the built-in Toxiproxy server with both links, and a small
 * stand-in gateway (POST /telemetry -> LPUSH through the Redis proxy, 202 or fast 503;
 * GET /health/ready -> PING). `kills` records process-fault calls.
 */
export async function assembleStandInStack(seed = 1): Promise<StartedTargetStack & { kills: string[] }> {
  const redis = await startRedisServer();
  const toxiproxy = await startToxiproxyServer({ port: 0, seed });
  const client = new Toxiproxy(toxiproxy.url);
  const redisProxy = await client.createProxy({ name: 'standin-redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${redis.port}` });
  const viaProxy = new Redis(`redis://${redisProxy.listen}`, { commandTimeout: 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: false, retryStrategy: () => 100 });
  viaProxy.on('error', () => {});
  let seq = 0;
  const gateway = http.createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      try {
        if (req.url === '/health/ready') {
          await viaProxy.ping();
          res.writeHead(200).end('{"status":"ready"}');
        } else if (req.url === '/telemetry' && req.method === 'POST') {
          const id = `s-${seq++}`;
          await viaProxy.lpush('standin:queue', id);
          res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
        } else res.writeHead(404).end();
      } catch {
        res.writeHead(503).end('{"error":"redis unavailable"}');
      }
    });
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
  const gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  const gwProxy = await client.createProxy({ name: 'standin-gateway', listen: '127.0.0.1:0', upstream: gatewayUrl.slice(7) });
  const kills: string[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      viaProxy.disconnect();
      gateway.closeAllConnections();
      await new Promise<void>((r) => gateway.close(() => r()));
      await toxiproxy.stop();
      await redis.stop();
    })());
  return {
    runtime: 'local',
    runId: 'standin',
    targetUrl: `http://${gwProxy.listen}`,
    gatewayUrl,
    redisUrl: redis.url,
    toxiproxy: { apiUrl: toxiproxy.url, proxies: { gateway: 'standin-gateway', redis: 'standin-redis' } },
    kills,
    async kill(c: Component) {
      kills.push(`kill ${c}`);
    },
    async restart(c: Component) {
      kills.push(`restart ${c}`);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
