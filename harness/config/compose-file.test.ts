import assert from 'node:assert/strict';
import { InvalidConfigError } from '../errors';
import { interpolate, parseComposeFile, profileServices } from './compose-file';

describe('compose.yml reader (the subset the harness starts)', () => {
  it('interpolates as Compose does', () => {
    const env = { SET: 'x', EMPTY: '' };
    const cases: [string, string][] = [
      ['${SET}', 'x'],
      ['${UNSET}', ''],
      ['${UNSET:-d}', 'd'],
      ['${EMPTY:-d}', 'd'],
      ['${EMPTY-d}', ''],
      ['${UNSET-d}', 'd'],
      ['${SET:-d}', 'x'],
      ['$SET/$$SET', 'x/$SET'],
      ['a ${UNSET:-b c} d', 'a b c d'],
    ];
    for (const [input, want] of cases) assert.equal(interpolate(input, env), want, input);
    const problems: string[] = [];
    interpolate('${SET:?required}', env, 'x', problems);
    assert.match(problems.join(), /cannot interpolate "\$\{SET:\?required\}"/);
  });

  it('reads image, command, environment (map and list), volumes, ports, profiles, depends_on', () => {
    const file = parseComposeFile(
      `
services:
  a:
    image: img:\${TAG:-1}
    command: run --fast
    environment: { K: v, N: 3, T: "\${TOKEN:-dev}" }
    volumes: ["./dir:/etc/x:ro", "/abs:/y"]
    ports: ["127.0.0.1:8086:8086", "9000:9001"]
    profiles: [p]
    depends_on: { b: { condition: service_started } }
  b:
    image: b
    command: ["x", "y z"]
    environment: ["A=1=2"]
    profiles: [p]
  c:
    image: c
`,
      { TOKEN: 's3' },
    );
    const a = file.services.a;
    assert.equal(a.image, 'img:1');
    assert.deepEqual(a.command, ['run', '--fast']);
    assert.deepEqual(a.environment, { K: 'v', N: '3', T: 's3' });
    assert.deepEqual(a.volumes, [
      { source: './dir', target: '/etc/x', readOnly: true },
      { source: '/abs', target: '/y', readOnly: false },
    ]);
    assert.deepEqual(a.ports, [
      { hostIp: '127.0.0.1', hostPort: 8086, containerPort: 8086 },
      { hostIp: '0.0.0.0', hostPort: 9000, containerPort: 9001 },
    ]);
    assert.deepEqual(file.services.b.command, ['x', 'y z']);
    assert.deepEqual(file.services.b.environment, { A: '1=2' });
    assert.deepEqual(
      profileServices(file, 'p').map((s) => s.name),
      ['b', 'a'],
      'dependencies first',
    );
    assert.deepEqual(profileServices(file, 'none'), []);
  });

  it('reports every construct it cannot read at once', () => {
    assert.throws(
      () => parseComposeFile('services:\n  a:\n    environment: [PASSTHROUGH]\n    ports: ["8086"]\n    volumes: ["data"]\n'),
      (e: InvalidConfigError) => {
        assert.ok(e instanceof InvalidConfigError);
        const all = e.problems.join('\n');
        assert.match(all, /environment: "PASSTHROUGH" has no value/);
        assert.match(all, /ports: "8086" is not \[IP:\]HOST:CONTAINER/);
        assert.match(all, /volumes: "data" is not SOURCE:TARGET/);
        return true;
      },
    );
    const lenient = parseComposeFile('services:\n  a:\n    image: x:1\n    environment: [PASSTHROUGH]\n', {}, { problems: 'ignore' });
    assert.equal(lenient.services.a.image, 'x:1', 'a reader of image tags is not failed by what it does not use');
  });
});
