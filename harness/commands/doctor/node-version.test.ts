import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCheck, satisfiesRange } from './node-version';

describe('doctor: Node.js against package.json engines.node', () => {
  it('reads the ranges package.json files use', () => {
    const table: Array<[string, string, boolean | undefined]> = [
      ['v20.19.0', '>=20.19', true],
      ['v20.18.3', '>=20.19', false],
      ['v22.1.0', '>=20.19', true],
      ['v20.20.2', '^20.19 || >=22', true],
      ['v21.0.0', '^20.19 || >=22', false],
      ['v22.0.0', '^20.19 || >=22', true],
      ['v20.5.0', '>=18 <20', false],
      ['v19.9.0', '>=18 <20', true],
      ['v20.19.1', '~20.19.0', true],
      ['v20.20.0', '~20.19.0', false],
      ['v20.3.0', '20.x', true],
      ['v20.3.0', '20', true],
      ['v21.0.0', '20', false],
      ['v20.3.0', '*', true],
      ['v20.3.0', 'latest', undefined],
    ];
    for (const [v, range, want] of table) assert.equal(satisfiesRange(v, range), want, `${v} in "${range}"`);
  });

  it('reports the running version against the declared range, with a hint when it falls short', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-node-'));
    try {
      const pkg = join(dir, 'package.json');
      writeFileSync(pkg, JSON.stringify({ engines: { node: '>=20.19' } }));
      assert.deepEqual(nodeCheck('v20.19.0', pkg), { name: 'Node.js', ok: true, detail: 'v20.19.0 (engines.node >=20.19)', required: true });
      const old = nodeCheck('v20.10.0', pkg);
      assert.equal(old.ok, false);
      assert.match(old.detail, /v20\.10\.0 does not satisfy engines\.node ">=20\.19"/);
      assert.match(old.hint!, /install a Node\.js matching >=20\.19/);
      writeFileSync(pkg, JSON.stringify({ engines: { node: 'lts' } }));
      assert.equal(nodeCheck('v20.19.0', pkg).ok, false, 'an unreadable range is reported, not guessed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("this repository's package.json declares a range the running Node satisfies", () => {
    const r = nodeCheck();
    assert.equal(r.ok, true, `${r.detail} ${r.hint ?? ''}`);
    assert.match(r.detail, /engines\.node/);
  });
});
