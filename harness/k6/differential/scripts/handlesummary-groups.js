// handleSummary: the group tree with checks, from summary data.
import { check, group } from 'k6';
export const options = { iterations: 2 };
export default function () {
  group('g', () => {
    check(__ITER, { 'first': (i) => i === 0 });
    group('h', () => check(1, { deep: () => true }));
  });
}
export function handleSummary(data) {
  const walk = (g) => ({ name: g.name, path: g.path, checks: g.checks.map((c) => [c.name, c.path, c.passes, c.fails]), groups: g.groups.map(walk) });
  return { 'groups.json': JSON.stringify(walk(data.root_group)) };
}
