import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { runScript } from '../conformance/run-script';
import { consoleLines } from './ws-test-server';

/**
 * k6/experimental/grpc streams through `harness k6 run` (in-process) against a real grpc-js
 * server on an ephemeral loopback port; expectations are what real k6 v0.48 printed and emitted.
 */
const PROTO = `syntax = "proto3";
package rt;
service Chat {
  rpc Talk(stream Msg) returns (stream Msg);
  rpc Count(Msg) returns (stream Msg);
}
message Msg { string text = 1; int32 n = 2; }
`;

describe('k6 modules: k6/experimental/grpc streams (real grpc-js server, through harness k6 run)', function () {
  let server: grpc.Server;
  let port: number;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k6-grpcs-'));
    await writeFile(join(dir, 'stream.proto'), PROTO);
    const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(join(dir, 'stream.proto'), { keepCase: true })) as any;
    server = new grpc.Server();
    server.addService(pkg.rt.Chat.service, {
      Talk: (call: any) => {
        call.on('data', (m: any) => {
          if (m.text === 'fail') return call.emit('error', { code: grpc.status.ABORTED, details: 'told to fail' });
          call.write({ text: 'echo:' + m.text, n: m.n * 2 });
        });
        call.on('end', () => call.end());
      },
      Count: (call: any) => {
        for (let i = 1; i <= call.request.n; i++) call.write({ text: 'c', n: i });
        call.end();
      },
    });
    port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  });
  after(async () => {
    server?.forceShutdown();
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (name: string, src: string) => {
    await writeFile(join(dir, name), src);
    return runScript(join(dir, name), { flags: ['--iterations', '1', '-q', '--env', `SPORT=${port}`] });
  };

  it('bidi and server streams: data/end after the default function, the iteration waits; grpc_streams* metrics; a blocking invoke holds stream callbacks', async () => {
    const r = await run('s1.js', `
      import grpc from 'k6/experimental/grpc';
      import { setTimeout } from 'k6/experimental/timers';
      const client = new grpc.Client();
      client.load([], 'stream.proto');
      export default function () {
        client.connect(\`127.0.0.1:\${__ENV.SPORT}\`, { plaintext: true });
        const s = new grpc.Stream(client, 'rt.Chat/Talk', { tags: { my: 't' } });
        s.on('data', (m) => console.log('data', JSON.stringify(m, Object.keys(m).sort())));
        s.on('end', () => {
          console.log('end');
          const c = new grpc.Stream(client, 'rt.Chat/Count');
          c.on('data', (m) => console.log('count', m.n));
          c.on('end', () => { console.log('count end'); client.close(); });
          c.write({ text: 'x', n: 3 });
          c.end();
        });
        s.write({ text: 'a', n: 1 });
        s.write({ text: 'b', n: 2 });
        setTimeout(() => s.end(), 50);
        const r = client.invoke('rt.Chat/Count', { n: 1 });
        console.log('invoke stream method', r && r.status);
      }`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(consoleLines(r), ['invoke stream method 0', 'data {"n":2,"text":"echo:a"}', 'data {"n":4,"text":"echo:b"}', 'end', 'count 1', 'count 2', 'count 3', 'count end']);
    const talk = { group: '', method: 'Talk', my: 't', name: '/rt.Chat/Talk', scenario: 'default', service: 'rt.Chat', url: `127.0.0.1:${port}/rt.Chat/Talk` };
    for (const [metric, n] of [['grpc_streams', 1], ['grpc_streams_msgs_sent', 2], ['grpc_streams_msgs_received', 2]] as const) {
      const got = r.samples.filter((s) => s.metric === metric && s.tags.method === 'Talk');
      assert.equal(got.length, n, metric);
      for (const s of got) assert.deepEqual({ ...s.tags }, talk);
    }
    assert.equal(r.count('grpc_streams_msgs_received', { method: 'Count' }), 3);
    // real k6 v0.48: a stream's grpc_req_duration carries only the run's tags and the status
    const streamDurations = r.samples.filter((s) => s.metric === 'grpc_req_duration' && s.tags.name === undefined);
    assert.deepEqual(streamDurations.map((s) => ({ ...s.tags })), [{ group: '', scenario: 'default', status: '0' }, { group: '', scenario: 'default', status: '0' }]);
    assert.ok(streamDurations[0].value >= 45, `the Talk stream lasted ${streamDurations[0].value} ms`);
  });

  it('a server error fires error {code, details, message} then end', async () => {
    const r = await run('s2.js', `
      import grpc from 'k6/experimental/grpc';
      const client = new grpc.Client();
      client.load([], 'stream.proto');
      export default function () {
        client.connect(\`127.0.0.1:\${__ENV.SPORT}\`, { plaintext: true });
        const s = new grpc.Stream(client, 'rt.Chat/Talk');
        s.on('data', (m) => console.log('data', m.text));
        s.on('error', (e) => console.log('error', JSON.stringify(e, Object.keys(e).sort())));
        s.on('end', () => console.log('end'));
        s.write({ text: 'a', n: 1 });
        s.write({ text: 'fail' });
        console.log('default done');
      }`);
    assert.deepEqual(consoleLines(r), ['default done', 'data echo:a', 'error {"code":10,"details":[],"message":"told to fail"}', 'end']);
    assert.deepEqual(r.samples.filter((s) => s.metric === 'grpc_req_duration').map((s) => s.tags.status), ['10']);
  });
});
