/**
 * `npm run bench [-- suite ...]`: runs the benchmark suites one after another (never in
 * parallel: they share two cores) and rewrites docs/benchmarks.md with machine and date.
 * A suite run alone replaces only its own section.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { suites } from './suites';

const docPath = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

async function mainBench(selected: string[]): Promise<void> {
  const unknown = selected.filter((s) => !suites.some((x) => x.name === s));
  if (unknown.length) throw new Error(`unknown suite(s) ${unknown.join(', ')}; valid: ${suites.map((s) => s.name).join(', ')}`);
  const toRun = selected.length ? suites.filter((s) => selected.includes(s.name)) : suites;
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const sections = await readSections();
  for (const suite of toRun) {
    process.stderr.write(`\n== ${suite.title} ==\n`);
    const started = new Date();
    const result = await suite.run((l) => process.stderr.write(`  ${l}\n`));
    sections.set(
      suite.name,
      `## ${suite.title}\n<!-- suite:${suite.name} -->\n\nMeasured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.\nGoals ${result.goalsMet ? 'met' : '**not met**'}.\n\n${result.markdown.trim()}\n`,
    );
    process.stderr.write(`  goals ${result.goalsMet ? 'met' : 'NOT met'}\n`);
  }
  const ordered = suites.map((s) => sections.get(s.name)).filter(Boolean);
  const header = `# Benchmarks\n\nWritten by \`npm run bench\` (harness/bench/). Every load goes to 127.0.0.1 and is bounded in\ntime. Compare ratios within one run, not absolute figures across runs: these machines are noisy (±15%).\n\n`;
  await writeFile(docPath, header + ordered.join('\n'));
  process.stderr.write(`\nwrote ${docPath}\n`);
}

async function readSections(): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const text = await readFile(docPath, 'utf8').catch(() => '');
  const parts = text.split(/^(?=## )/m);
  for (const part of parts) {
    const m = /<!-- suite:([a-z0-9-]+) -->/.exec(part);
    if (m) map.set(m[1], part.trimEnd() + '\n');
  }
  return map;
}

mainBench(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
