import { parseDuration } from '../../../vocabulary';

/** `--stage 30s:10` / `K6_STAGES=30s:10,1m:0` -> `{ duration, target }` (target defaults to 0). */
export function parseStageFlag(s: string, label: string, problems: string[]): { duration: string; target: number } {
  const [d, t = '0'] = s.trim().split(':');
  const pd = parseDuration(d);
  if (!d || !pd.ok) problems.push(`${label}: invalid stage "${s}": expected DURATION:TARGET, e.g. 30s:10`);
  if (!/^\d+$/.test(t.trim())) problems.push(`${label}: invalid stage "${s}": target must be a non-negative integer`);
  return { duration: d, target: Number(t) };
}
