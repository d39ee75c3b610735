import assert from 'node:assert/strict';
import { resolveConfig } from '../config';
import { builtinRuntimes } from './builtins';
import { RuntimeRegistry } from './registry';
import { resolveRuntime } from './resolve-runtime';

const config = resolveConfig({ cwd: process.cwd(), env: {} }).config;

describe('runtimes: registry', () => {
  it('rejects duplicates and lists valid names for an unknown one', async () => {
    const r = builtinRuntimes();
    assert.deepEqual(r.names(), ['docker', 'local', 'external']);
    assert.throws(() => r.register('local', 'again', () => undefined as never), /already registered/);
    await assert.rejects(r.create('cloud', { config }), /unknown runtime "cloud"; valid: auto, docker, local, external/);
  });

  it('auto picks docker only when it is available, else local', async () => {
    const r = new RuntimeRegistry()
      .register('docker', 'x', () => ({ name: 'docker', available: async () => ({ ok: false, reason: 'no daemon' }), start: async () => undefined as never }))
      .register('local', 'y', () => ({ name: 'local', available: async () => ({ ok: true }), start: async () => undefined as never }));
    const lines: string[] = [];
    const rt = await resolveRuntime('auto', r, { config, env: {}, cwd: process.cwd(), log: (l) => lines.push(l) });
    assert.equal(rt.name, 'local');
    assert.match(lines[0], /auto -> local \(docker: no daemon\)/);
  });
});
