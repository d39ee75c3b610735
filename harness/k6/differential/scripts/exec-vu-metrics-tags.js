// k6/execution: exec.vu.metrics.tags and metadata (entries sorted: k6 builds them from Go maps).
import exec from 'k6/execution';
export const options = { iterations: 1 };
export default function () {
  try { console.log('metrics.tags', JSON.stringify(Object.entries(exec.vu.metrics.tags).sort())); } catch (e) { console.log('metrics.tags threw', String(e)); }
  try { console.log('metadata', JSON.stringify(exec.vu.metrics.metadata)); } catch (e) { console.log('metadata threw', String(e)); }
}
