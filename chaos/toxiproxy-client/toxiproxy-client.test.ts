import assert from 'node:assert/strict';
import { startTcpServer } from '../testing/net-helpers';
import { startToxiproxyServer } from '../toxiproxy-server';
import { FaultDriver } from '../experiment/fault-driver';
import { toxiproxyClient } from './index';

describe('toxiproxyClient: toxiproxy-node-client with the API token', () => {
  it('drives every call of the library with the token; the server refuses the same calls without it', async () => {
    await using server = await startToxiproxyServer({ port: 0, apiToken: 's3cret' });
    await using upstream = await startTcpServer();
    const upstreamAddr = `127.0.0.1:${upstream.port}`;

    const without = toxiproxyClient(server.url);
    await assert.rejects(without.getVersion(), /status code 401/);
    await assert.rejects(without.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: upstreamAddr }), /status code 401/);
    await assert.rejects(toxiproxyClient(server.url, { token: 'wrong' }).getAll(), /status code 401/);

    const client = toxiproxyClient(server.url, { token: 's3cret' });
    assert.equal(await client.getVersion(), '2.4.0');
    const proxy = await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: upstreamAddr });
    const toxic = await proxy.addToxic({ type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 0 } } as never);
    const updated = await toxic.update({ toxicity: 0.5, attributes: { latency: 7 } } as never);
    assert.deepEqual(updated.attributes, { latency: 7, jitter: 0 });
    assert.equal((await (await client.get('p')).getToxic('latency_downstream')).toxicity, 0.5);
    await updated.remove();
    const disabled = await (await client.get('p')).update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(disabled.enabled, false);
    await client.reset();
    assert.equal((await client.get('p')).enabled, true);
    const populated = await client.populate([{ name: 'q', listen: '127.0.0.1:0', upstream: upstreamAddr }]);
    assert.deepEqual(Object.keys(populated), ['q']);
    assert.deepEqual(Object.keys(await client.getAll()).sort(), ['p', 'q']);
    // Errors keep the library's form (callers match on the status).
    await assert.rejects(client.get('nope'), /Request failed with status code 404/);
    await (await client.get('q')).remove();
    await (await client.get('p')).remove();
    assert.deepEqual(await client.getAll(), {});
  });

  it('FaultDriver injects and rolls back through it', async () => {
    await using server = await startToxiproxyServer({ port: 0, apiToken: 't' });
    await using upstream = await startTcpServer();
    const admin = toxiproxyClient(server.url, { token: 't' });
    for (const name of ['gw', 'rd']) await admin.createProxy({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` });
    const endpoints = { apiUrl: server.url, proxies: { gateway: 'gw', redis: 'rd' } };

    await assert.rejects(new FaultDriver(endpoints, 2000).addToxic('gateway->redis', 'slow', { type: 'latency', attributes: { latency: 1 } }), /401/);
    const driver = new FaultDriver(endpoints, 2000, 't');
    await driver.addToxic('gateway->redis', 'slow', { type: 'latency', attributes: { latency: 1 } });
    await driver.setEnabled('client->gateway', false);
    assert.deepEqual(await driver.toxicNames('rd'), ['slow']);
    assert.deepEqual(await driver.rollback(), []);
    assert.deepEqual(await driver.toxicNames('rd'), []);
    assert.equal((await admin.get('gw')).enabled, true);
  });
});
