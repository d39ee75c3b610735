/**
 * Child-process entry of the built-in Toxiproxy-compatible server (chaos/toxiproxy-server) for
 * the local runtime: `node --import tsx builtin-toxiproxy-main.ts <port> [seed]`. A process of
 * its own so it uses the other core, can be killed like the real binary, and outlives the
 * harness for `harness up`. An API token, when the harness has one, comes in
 * HARNESS_TOXIPROXY_TOKEN (the environment, not argv, which `ps` shows).
 */
import { startToxiproxyServer } from '../../../chaos/toxiproxy-server/index';

const port = Number(process.argv[2]);
const seed = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const server = await startToxiproxyServer({ host: '127.0.0.1', port, seed, apiToken: process.env.HARNESS_TOXIPROXY_TOKEN || undefined });
process.stdout.write(`toxiproxy (built-in) API listening on ${server.url} seed=${server.seed}${process.env.HARNESS_TOXIPROXY_TOKEN ? ' (API token required)' : ''}\n`);
const stop = () => void server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
