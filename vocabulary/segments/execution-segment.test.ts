import assert from 'node:assert/strict';
import { equalSegments, ExecutionSegment, ExecutionTuple, parseExecutionSegmentSequence, SegmentedIndex, stripedIndices } from './index';

// Known answers from grafana/k6 v0.48.0 lib/execution_segment_test.go (tables copied as data).
describe('vocabulary/segments: k6 execution segments', () => {
  it('parses segments like UnmarshalText (TestExecutionSegmentUnmarshalText)', () => {
    const ok: [string, string][] = [
      ['0:1', '0:1'],
      ['0.5:0.75', '1/2:3/4'],
      ['1/2:3/4', '1/2:3/4'],
      ['50%:75%', '1/2:3/4'],
      ['2/4:75%', '1/2:3/4'],
      ['75%', '0:3/4'],
      ['', '0:1'],
    ];
    for (const [input, want] of ok) {
      const s = ExecutionSegment.parse(input);
      assert.equal(s.toString(), want, input);
      assert.equal(ExecutionSegment.parse(s.toString()).toString(), want, `${input} round trip`);
    }
    for (const bad of ['125%', '1a5%', '1a5', '1a5%:2/3', '125%:250%', '55%:50%']) assert.throws(() => ExecutionSegment.parse(bad), Error, bad);
    assert.throws(() => ExecutionSegment.parse('55%:50%'), /segment start\(0\.55\) must be less than its end\(0\.50\)/);
  });

  it('scales a tuple (TestExecutionTupleScale)', () => {
    const seq = parseExecutionSegmentSequence('0,0.5,1');
    for (const s of [[], seq]) {
      const first = ExecutionTuple.create(ExecutionSegment.parse('0.5'), s);
      assert.deepEqual([first.scale(2), first.scale(3)], [1, 2]);
      const second = ExecutionTuple.create(ExecutionSegment.parse('0.5:1.0'), s);
      assert.deepEqual([second.scale(2), second.scale(3)], [1, 1]);
    }
  });

  it('stripes offsets (TestGetStripedOffsets)', () => {
    const cases: [string, string, number, number[], number][] = [
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0:0.3', 0, [4, 3, 3], 10],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.3:0.5', 1, [4, 6], 10],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.5:0.6', 2, [10], 10],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.6:0.7', 3, [10], 10],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.8:0.9', 8, [10], 10],
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.9:1', 9, [10], 10],
      ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', '0.9:1', 9, [10], 10],
      ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', '0:0.2', 1, [4, 6], 10],
      ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', '0.6:0.7', 3, [10], 10],
      ['0,0.2,0.5', '0:0.2', 3, [6, 4], 10],
      ['0,0.2,0.5', '0.2:0.5', 1, [4, 2, 4], 10],
      ['0,2/5,4/5', '0:2/5', 0, [3, 2], 5],
      ['0,2/5,4/5', '2/5:4/5', 1, [3, 2], 5],
      ['', '0:0.2', 1, [5], 5],
      ['', '0:1/5', 1, [5], 5],
      ['', '0:2/10', 1, [5], 5],
      ['', '0:0.4', 1, [2, 3], 5],
      ['', '0:2/5', 1, [2, 3], 5],
      ['', '2/5:4/5', 1, [3, 2], 5],
      ['', '0:4/10', 1, [2, 3], 5],
      ['', '1/10:5/10', 1, [2, 2, 4, 2], 10],
    ];
    for (const [seq, seg, start, offsets, lcd] of cases) {
      const t = ExecutionTuple.create(ExecutionSegment.parse(seg), parseExecutionSegmentSequence(seq));
      assert.deepEqual(t.stripedOffsets(), { start, offsets, lcd }, `${seq} ${seg}`);
    }
  });

  it('computes the LCD of the filled sequence (TestSequenceLCD)', () => {
    const cases: [string, number][] = [
      ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', 10],
      ['0,0.1,0.5,0.6,0.7,0.8,0.9,1', 10],
      ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', 10],
      ['0,1/3,5/6', 6],
      ['0,1/3,4/7', 21],
    ];
    for (const [seq, lcd] of cases) {
      const segs = parseExecutionSegmentSequence(seq);
      assert.equal(ExecutionTuple.create(segs[0], segs).stripedOffsets().lcd, lcd, seq);
    }
  });

  it('re-segments from a value (TestGetNewExecutionTupleBesedOnValue, TestNewExecutionTuple)', () => {
    const seq = parseExecutionSegmentSequence('0,1/3,2/3,1');
    const first = ExecutionTuple.create(ExecutionSegment.parse('0:1/3'), seq);
    assert.equal(first.retupleFromValue(20)!.toString(), '0:7/20 in 0,7/20,7/10,1');
    type Case = { seg: string; scale: Record<number, number>; re: Record<number, Record<number, number> | null> };
    const cases: Case[] = [
      { seg: '0:1/3', scale: { 50: 17, 3: 1, 2: 1, 1: 1, 0: 0 }, re: { 50: { 50: 17, 1: 1, 0: 0 }, 20: { 50: 18, 1: 1, 0: 0 }, 3: { 50: 17, 1: 1, 0: 0 }, 2: { 50: 25, 1: 1, 0: 0 }, 1: { 50: 50, 1: 1, 0: 0 }, 0: null } },
      { seg: '1/3:2/3', scale: { 50: 17, 3: 1, 2: 1, 1: 0, 0: 0 }, re: { 50: { 50: 17, 1: 0, 0: 0 }, 20: { 50: 17, 1: 0, 0: 0 }, 3: { 50: 17, 1: 0, 0: 0 }, 2: { 50: 25, 1: 0, 0: 0 }, 1: null, 0: null } },
      { seg: '2/3:1', scale: { 50: 16, 3: 1, 2: 0, 1: 0, 0: 0 }, re: { 50: { 50: 16, 1: 0, 0: 0 }, 20: { 50: 15, 1: 0, 0: 0 }, 3: { 50: 16, 1: 0, 0: 0 }, 2: null, 1: null, 0: null } },
    ];
    for (const c of cases) {
      const t = ExecutionTuple.create(ExecutionSegment.parse(c.seg), seq);
      for (const [v, want] of Object.entries(c.scale)) assert.equal(t.scale(Number(v)), want, `${c.seg} scale(${v})`);
      for (const [v, table] of Object.entries(c.re)) {
        const nt = t.retupleFromValue(Number(v));
        if (table === null) {
          assert.equal(nt, undefined, `${c.seg} retuple(${v})`);
          continue;
        }
        for (const [x, want] of Object.entries(table)) assert.equal(nt!.scale(Number(x)), want, `${c.seg} retuple(${v}).scale(${x})`);
      }
    }
    const full = ExecutionTuple.FULL;
    assert.deepEqual([full.scale(50), full.scale(1), full.scale(0)], [50, 1, 0]);
  });

  it('walks a segmented index (TestSegmentedIndex "half")', () => {
    const half = ExecutionTuple.create(ExecutionSegment.parse('0:1/2'), parseExecutionSegmentSequence('0,1/2,1'));
    const idx = new SegmentedIndex(half);
    assert.deepEqual([idx.next(), idx.next(), idx.next()], [{ scaled: 1, unscaled: 1 }, { scaled: 2, unscaled: 3 }, { scaled: 3, unscaled: 5 }]);
    // the doc table of ExecutionTuple: 0:1/2, 1/2:3/4, 3/4:1
    const seq = parseExecutionSegmentSequence('0,1/2,3/4,1');
    const take = (seg: string, n: number) => {
      const g = stripedIndices(ExecutionTuple.create(ExecutionSegment.parse(seg), seq));
      return Array.from({ length: n }, () => g.next().value);
    };
    assert.deepEqual(take('0:1/2', 6), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(take('1/2:3/4', 3), [1, 5, 9]);
    assert.deepEqual(take('3/4:1', 3), [3, 7, 11]);
  });

  it('shares of every segment add up to the value, and stripes cover every index once', () => {
    for (const seqText of ['0,1/3,2/3,1', '0,0.3,0.5,0.6,0.7,0.8,0.9,1', equalSegments(4).sequence, '0,1/7,1/2,1']) {
      const seq = parseExecutionSegmentSequence(seqText);
      const tuples = seq.map((s) => ExecutionTuple.create(s, seq));
      for (let v = 0; v < 60; v++) assert.equal(tuples.reduce((a, t) => a + t.scale(v), 0), v, `${seqText} ${v}`);
      const seen = new Set<number>();
      for (const t of tuples) {
        const g = stripedIndices(t);
        for (let i = 0; i < t.scale(100); i++) seen.add(g.next().value);
      }
      assert.equal(seen.size, 100);
      assert.ok([...seen].every((i) => i < 100));
    }
    assert.deepEqual(equalSegments(3), { sequence: '0,1/3,2/3,1', segments: ['0:1/3', '1/3:2/3', '2/3:1'] });
  });

  it('rejects a segment that is not in the sequence', () => {
    assert.throws(() => ExecutionTuple.parse('0:1/4', '0,1/3,2/3,1'), /couldn't find segment 0:1\/4 in sequence 0,1\/3,2\/3,1/);
    assert.throws(() => ExecutionTuple.parse(undefined, '0'), /at least 2 points/);
  });
});
