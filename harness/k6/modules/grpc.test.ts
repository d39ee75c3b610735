import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { runHarness } from '../../testing';
import { runScript } from '../conformance/run-script';
import { consoleLines } from './ws-test-server';

/**
 * k6/net/grpc through `harness k6 run` (in-process) against a real grpc-js server on an ephemeral
 * loopback port. The expected lines are what real k6 v0.48 printed for the same script and server
 * (objects printed with sorted keys: k6's protojson key order is random).
 */
const PROTO = `syntax = "proto3";
package hello;
service HelloService {
  rpc SayHello(HelloRequest) returns (HelloResponse);
  rpc Fail(HelloRequest) returns (HelloResponse);
}
message HelloRequest { string greeting = 1; int64 count = 2; repeated string tags = 3; }
message HelloResponse { string reply = 1; int64 count = 2; bool ok = 3; double ratio = 4; repeated string tags = 5; }
`;

const SCRIPT = `
import grpc from 'k6/net/grpc';
import { check } from 'k6';
const client = new grpc.Client();
client.load([], 'hello.proto');
const sorted = (o) => JSON.stringify(o, Object.keys(o).sort());
export default function () {
  const c = client.connect(\`127.0.0.1:\${__ENV.GPORT}\`, { plaintext: true });
  console.log('connect returns', c);
  const r = client.invoke('hello.HelloService/SayHello', { greeting: 'Bert', count: 41, tags: ['a'] }, { metadata: { 'x-user': 'u1' }, tags: { my: 't' } });
  console.log('status', r.status, sorted(r.message), JSON.stringify(Object.keys(r)), r.headers['x-srv'][0], r.headers['content-type'][0], JSON.stringify(r.trailers), r.error);
  check(r, { ok: (x) => x && x.status === grpc.StatusOK });
  const f = client.invoke('hello.HelloService/Fail', { greeting: 'x' });
  console.log('fail', f.status, sorted(f.message), sorted(f.error));
  try { client.invoke('hello.HelloService/Nope', {}); } catch (e) { console.log('nope', e.message); }
  try { client.invoke('/hello.HelloService/SayHello', { bad: 1 }); } catch (e) { console.log('badfield', e.message); }
  console.log('consts', grpc.StatusOK, grpc.StatusNotFound, grpc.StatusUnavailable, grpc.StatusDeadlineExceeded);
  client.close();
  try { client.invoke('hello.HelloService/SayHello', {}); } catch (e) { console.log('after close', e.message); }
  const c2 = new grpc.Client();
  try { c2.connect('127.0.0.1:1', { plaintext: true, timeout: '1s' }); } catch (e) { console.log('refused', e.message); }
}
`;

const K6_LINES = [
  'connect returns true',
  'status 0 {"count":"42","ok":true,"ratio":0.5,"reply":"hi Bert u1","tags":["a"]} ["message","error","headers","trailers","status"] yes application/grpc+proto {} null',
  'fail 5 {"count":"0","ok":false,"ratio":0,"reply":"","tags":[]} {"code":5,"details":[],"message":"no such thing"}',
  'nope method "/hello.HelloService/Nope" not found in file descriptors',
  'badfield unable to serialise request object to protocol buffer: proto: (line 1:2): unknown field "bad"',
  'consts 0 5 14 4',
  'after close no gRPC connection, you must call connect first',
  'refused connection error: desc = "transport: error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"',
];

describe('k6 modules: k6/net/grpc (real grpc-js server, through harness k6 run)', function () {
  let server: grpc.Server;
  let port: number;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k6-grpc-'));
    await writeFile(join(dir, 'hello.proto'), PROTO);
    const def = protoLoader.loadSync(join(dir, 'hello.proto'), { keepCase: true });
    const pkg = grpc.loadPackageDefinition(def) as any;
    server = new grpc.Server();
    server.addService(pkg.hello.HelloService.service, {
      SayHello: (call: any, cb: any) => {
        const md = new grpc.Metadata();
        md.set('x-srv', 'yes');
        call.sendMetadata(md);
        cb(null, { reply: `hi ${call.request.greeting} ${call.metadata.get('x-user')[0] ?? ''}`, count: Number(call.request.count) + 1, ok: true, ratio: 0.5, tags: call.request.tags });
      },
      Fail: (_call: any, cb: any) => cb({ code: grpc.status.NOT_FOUND, details: 'no such thing' }),
    });
    port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  });
  after(async () => {
    server?.forceShutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('load, connect, invoke (OK and NOT_FOUND), errors, close, constants and grpc_req_duration tags, as real k6 v0.48', async () => {
    await writeFile(join(dir, 'g1.js'), SCRIPT);
    const r = await runScript(join(dir, 'g1.js'), { flags: ['--iterations', '1', '-q', '--env', `GPORT=${port}`] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(consoleLines(r), K6_LINES);
    const d = r.samples.filter((s) => s.metric === 'grpc_req_duration').map((s) => ({ ...s.tags }));
    const url = `127.0.0.1:${port}/hello.HelloService/`;
    assert.deepEqual(d, [
      { group: '', method: 'SayHello', my: 't', name: '/hello.HelloService/SayHello', scenario: 'default', service: 'hello.HelloService', status: '0', url: url + 'SayHello' },
      { group: '', method: 'Fail', name: '/hello.HelloService/Fail', scenario: 'default', service: 'hello.HelloService', status: '5', url: url + 'Fail' },
    ].map((t) => Object.fromEntries(Object.entries(t).sort())) as any);
    assert.equal(r.sum('checks'), 1);
  });
});

/**
 * `loadProtoset` and connect's `tls` params against a grpc-js TLS server whose certificate (the
 * differential suite's, self-signed for 127.0.0.1) the script trusts through `tls.cacerts`. The
 * expected lines are what real k6 v0.48 printed for this script and server.
 */
const TLS_SCRIPT = `
import grpc from 'k6/net/grpc';
const client = new grpc.Client();
const methods = client.loadProtoset('hello.protoset');
if (__VU === 1) {
  console.log('methods', JSON.stringify(methods));
  try { new grpc.Client().loadProtoset('nope.protoset'); } catch (e) { console.log('missing', e.message.replace(/\\/\\S+\\//, 'DIR/')); }
  try { new grpc.Client().loadProtoset('cert.pem'); } catch (e) { console.log('garbage', e.message.split(':')[0]); }
}
const ca = open('cert.pem');
export default function () {
  client.connect(\`127.0.0.1:\${__ENV.GPORT}\`, { tls: { cacerts: [ca] } });
  const r = client.invoke('hello.HelloService/SayHello', { greeting: 'tls' });
  console.log('tls', r.status, JSON.stringify(r.message));
  client.close();
  const c2 = new grpc.Client();
  try { c2.connect(\`127.0.0.1:\${__ENV.GPORT}\`, { tls: 5 }); } catch (e) { console.log('badtls', e.message); }
  try { c2.connect(\`127.0.0.1:\${__ENV.GPORT}\`, { tls: { cert: 1 } }); } catch (e) { console.log('badcert', e.message); }
  try { c2.connect(\`127.0.0.1:\${__ENV.GPORT}\`, { tls: { cacerts: [1] } }); } catch (e) { console.log('badca', e.message); }
}
`;

const TLS_K6_LINES = [
  'methods [{"package":"hello","service":"HelloService","full_method":"/hello.HelloService/SayHello","name":"SayHello","is_client_stream":false,"is_server_stream":false}]',
  "missing couldn't open protoset: stat DIR/nope.protoset: no such file or directory",
  "garbage couldn't unmarshal protoset file cert.pem",
  'tls 0 {"reply":"hi tls"}',
  "badtls invalid grpc.connect() parameters: invalid tls value: '5', expected (optional) keys: cert, key, password, and cacerts",
  'badcert invalid grpc.connect() parameters: invalid tls cert value: \'map[string]interface {}{"cert":1}\', it needs to be a PEM formatted string',
  'badca invalid grpc.connect() parameters: invalid tls cacerts value: \'map[string]interface {}{"cacerts":[]interface {}{1}}\', it needs to be a string or an array of PEM formatted strings',
];

describe('k6 modules: k6/net/grpc loadProtoset and TLS params (real grpc-js TLS server, through harness k6 run)', function () {
  let server: grpc.Server;
  let port: number;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k6-grpc-tls-'));
    // A FileDescriptorSet as `protoc --descriptor_set_out` writes it, made with protobufjs.
    // protobufjs as @grpc/proto-loader resolves it (its dependency, not ours)
    const fromLoader = createRequire(createRequire(import.meta.url).resolve('@grpc/proto-loader'));
    const protobuf = fromLoader('protobufjs');
    const descriptor = fromLoader('protobufjs/ext/descriptor');
    const root = protobuf.parse(`syntax = "proto3"; package hello;
      service HelloService { rpc SayHello(HelloRequest) returns (HelloResponse); }
      message HelloRequest { string greeting = 1; } message HelloResponse { string reply = 1; }`).root;
    const set = (root as any).toDescriptor('proto3');
    const protoset = Buffer.from(descriptor.FileDescriptorSet.encode(set).finish());
    await writeFile(join(dir, 'hello.protoset'), protoset);
    const tlsDir = fileURLToPath(new URL('../differential/tls/', import.meta.url));
    const [key, cert] = await Promise.all([readFile(join(tlsDir, 'key.pem')), readFile(join(tlsDir, 'cert.pem'))]);
    await writeFile(join(dir, 'cert.pem'), cert);
    const pkg = grpc.loadPackageDefinition(protoLoader.loadFileDescriptorSetFromBuffer(protoset)) as any;
    server = new grpc.Server();
    server.addService(pkg.hello.HelloService.service, { SayHello: (call: any, cb: any) => cb(null, { reply: `hi ${call.request.greeting}` }) });
    const creds = grpc.ServerCredentials.createSsl(null, [{ private_key: key, cert_chain: cert }]);
    port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? reject(e) : resolve(p))));
  });
  after(async () => {
    server?.forceShutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('loadProtoset registers the services (k6 MethodInfo shape); tls.cacerts trusts the server; bad tls params throw k6 texts', async () => {
    await writeFile(join(dir, 'g2.js'), TLS_SCRIPT);
    const r = await runScript(join(dir, 'g2.js'), { flags: ['--iterations', '1', '-q', '--env', `GPORT=${port}`] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(consoleLines(r), TLS_K6_LINES);
  });

  it('connecting over TLS to an IP address leaves stderr clean (no SNI for an IP, so no Node DEP0123 warning)', async () => {
    await writeFile(join(dir, 'g3.js'), `
      import grpc from 'k6/net/grpc';
      const client = new grpc.Client();
      client.loadProtoset('hello.protoset');
      const ca = open('cert.pem');
      export default function () {
        client.connect(\`127.0.0.1:\${__ENV.GPORT}\`, { tls: { cacerts: [ca] } });
        console.log('tls', client.invoke('hello.HelloService/SayHello', { greeting: 'ip' }).status);
        client.close();
      }`);
    // a process of its own: Node prints the warning once per process, and to the process's stderr
    // (not spawnSync: the gRPC server runs in this process)
    const r = await runHarness(['k6', 'run', '-q', '--iterations', '1', '--env', `GPORT=${port}`, 'g3.js'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /msg="tls 0"/);
    assert.doesNotMatch(r.stderr, /Warning|DEP0123/, r.stderr);
  });
});
