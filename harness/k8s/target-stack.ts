import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';

/** Images of the target stack, as compose.yml names them (`services.<name>.image`). */
export interface TargetImages {
  redis: string;
  toxiproxy: string;
  gateway: string;
  worker: string;
}

/** Where the load goes inside the cluster: through Toxiproxy's `gateway` proxy, so faults can be injected. */
export const IN_CLUSTER_BASE_URL = 'http://toxiproxy:18080';

/**
 * The bundled target as compose.yml wires it, for a cluster: Redis, Toxiproxy (proxies `gateway`
 * :18080 → gateway:8080 and `redis` :16379 → redis:6379, from a `-config` file so they exist
 * before the first request), the gateway (talking to Redis through Toxiproxy) and the worker.
 * Services are ClusterIP: nothing is exposed outside the cluster.
 */
export function targetStack(images: TargetImages, labels: Record<string, string>): Array<Deployment | Service | ConfigMap> {
  const proxies = [
    { name: 'gateway', listen: '0.0.0.0:18080', upstream: 'gateway:8080', enabled: true },
    { name: 'redis', listen: '0.0.0.0:16379', upstream: 'redis:6379', enabled: true },
  ];
  const toxiproxyConfig = new ConfigMap({
    metadata: { name: 'toxiproxy-config', labels },
    data: { 'toxiproxy.json': `${JSON.stringify(proxies, null, 2)}\n` },
  });
  return [
    ...app('redis', images.redis, labels, {
      args: ['redis-server', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
      ports: [6379],
      readiness: { tcpSocket: { port: 6379 } },
    }),
    toxiproxyConfig,
    ...app('toxiproxy', images.toxiproxy, labels, {
      args: ['-host', '0.0.0.0', '-port', '8474', '-config', '/config/toxiproxy.json'],
      ports: [8474, 18080, 16379],
      readiness: { httpGet: { path: '/version', port: 8474 } },
      configMap: 'toxiproxy-config',
    }),
    ...app('gateway', images.gateway, labels, {
      command: ['node', '--import', 'tsx', 'target/gateway/main.ts'],
      env: { PORT: '8080', HOST: '0.0.0.0', REDIS_URL: 'redis://toxiproxy:16379' },
      ports: [8080],
      readiness: { httpGet: { path: '/health', port: 8080 } },
    }),
    ...app('worker', images.worker, labels, {
      command: ['node', '--import', 'tsx', 'target/worker/main.ts'],
      env: { REDIS_URL: 'redis://redis:6379' },
      ports: [],
    }),
  ];
}

interface AppSpec {
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  ports: number[];
  readiness?: { tcpSocket?: { port: number }; httpGet?: { path: string; port: number } };
  /** A ConfigMap mounted read-only at /config. */
  configMap?: string;
}

function app(name: string, image: string, labels: Record<string, string>, spec: AppSpec): Array<Deployment | Service> {
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'telemetryhub' };
  const deployment = new Deployment({
    metadata: { name, labels: { ...labels, ...selector } },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...labels, ...selector } },
        spec: {
          containers: [
            {
              name,
              image,
              command: spec.command,
              args: spec.args,
              env: spec.env && Object.entries(spec.env).map(([k, v]) => ({ name: k, value: v })),
              ports: spec.ports.map((p) => ({ containerPort: p })),
              readinessProbe: spec.readiness && { ...spec.readiness, periodSeconds: 1 },
              volumeMounts: spec.configMap ? [{ name: 'config', mountPath: '/config', readOnly: true }] : undefined,
            },
          ],
          volumes: spec.configMap ? [{ name: 'config', configMap: { name: spec.configMap } }] : undefined,
        },
      },
    },
  });
  if (!spec.ports.length) return [deployment];
  const service = new Service({
    metadata: { name, labels: { ...labels, ...selector } },
    spec: { selector, ports: spec.ports.map((p) => ({ name: `p${p}`, port: p, targetPort: p })) },
  });
  return [deployment, service];
}
