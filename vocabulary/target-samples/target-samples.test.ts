import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeTargetRecord, encodeTargetRecord, readTargetRecords, targetRecordOf, type TargetRecord } from '.';

async function all(path: string): Promise<TargetRecord[]> {
  const out: TargetRecord[] = [];
  for await (const r of readTargetRecords(path)) out.push(r);
  return out;
}

describe('vocabulary/target-samples: the run directory\'s target file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'target-samples-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a scrape where neither side answered is no record; a record round-trips through its line', () => {
    assert.equal(targetRecordOf({ at: 1 }), undefined);
    const r = targetRecordOf({ at: 5, redis: { used_memory: 10, nonsense: 3 } })!;
    assert.deepEqual(r, { t: 5, r: { used_memory: 10 } });
    assert.deepEqual(decodeTargetRecord(encodeTargetRecord(r)), r);
    for (const bad of ['', '{"t":', '[]', '{"x":1}', '{"t":1,"g":{}}']) assert.equal(decodeTargetRecord(bad), undefined, bad);
  });

  it('reads plain and gzip files; a missing file is empty; a cut line or a cut gzip stream ends the reading there', async () => {
    const lines = [1, 2, 3].map((t) => encodeTargetRecord({ t, r: { queue_length: t } })).join('');
    writeFileSync(join(dir, 'a.ndjson'), `${lines}{"t":4,"r":{"que`);
    assert.deepEqual((await all(join(dir, 'a.ndjson'))).map((r) => r.t), [1, 2, 3]);
    const gz = gzipSync(lines);
    writeFileSync(join(dir, 'a.ndjson.gz'), gz);
    assert.deepEqual((await all(join(dir, 'a.ndjson.gz'))).map((r) => r.t), [1, 2, 3]);
    writeFileSync(join(dir, 'cut.ndjson.gz'), gz.subarray(0, gz.length - 12));
    const cut = await all(join(dir, 'cut.ndjson.gz'));
    assert.ok(cut.length <= 3 && cut.every((r, i) => r.t === i + 1), JSON.stringify(cut));
    assert.deepEqual(await all(join(dir, 'missing.ndjson.gz')), []);
  });
});
