import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExitCode } from '../../errors';
import type { CommandContext } from '../context';

export interface ListOptions {
  json?: boolean;
}

export interface Listed {
  name: string;
  description: string;
}

/**
 * Chaos experiments come from chaos/catalog (`catalog: { name, description }[]`), loaded by path
 * so `harness list` works without chaos/ in a build. Returns undefined when absent.
 */
export async function listChaosExperiments(cwd: string): Promise<Listed[] | undefined> {
  const candidates = [new URL('../../../chaos/catalog/index.ts', import.meta.url), pathToFileURL(join(cwd, 'chaos/catalog/index.ts'))];
  const file = candidates.find((u) => existsSync(u));
  if (!file) return undefined;
  const mod = (await import(file.href)) as { catalog?: readonly Listed[] };
  if (!Array.isArray(mod.catalog)) return undefined;
  return mod.catalog.map(({ name, description }) => ({ name, description }));
}

/** `harness list`: scenarios and chaos experiments with their descriptions. */
export async function list(opts: ListOptions, ctx: CommandContext): Promise<number> {
  const { listScenarios } = await import('../../build');
  const scenarios = (await listScenarios(ctx.cwd)).map(({ name, description }) => ({ name, description }));
  const experiments = await listChaosExperiments(ctx.cwd).catch(() => undefined);
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ scenarios, experiments: experiments ?? [] }, null, 2)}\n`);
    return ExitCode.Ok;
  }
  const width = Math.max(8, ...[...scenarios, ...(experiments ?? [])].map((s) => s.name.length)) + 2;
  const rows = (items: Listed[]) => items.map((s) => `  ${s.name.padEnd(width)}${s.description}`).join('\n');
  ctx.stdout.write(`Scenarios (harness run <name>):\n${rows(scenarios)}\n\n`);
  ctx.stdout.write(
    experiments === undefined
      ? 'Chaos experiments: none in this build yet\n'
      : `Chaos experiments (harness chaos <name>):\n${rows(experiments)}\n`,
  );
  return ExitCode.Ok;
}
