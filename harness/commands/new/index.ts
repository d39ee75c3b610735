/**
 * `harness new <name> [--template protocol|arrival-rate|chaos]`: writes a typed scenario that
 * compiles and runs at once. A bare name goes to `<cwd>/scenarios/<name>.ts` (the catalog: `harness
 * run <name>`); a name with a `/` or an extension is a path. It never overwrites a file (exit 104).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { harnessRoot } from '../../build/paths';
import { ExitCode, HarnessError, InvalidConfigError } from '../../errors';
import type { CommandContext } from '../context';
import { renderTemplate, TEMPLATES, type TemplateName } from './templates';

export interface NewOptions {
  name: string;
  template?: TemplateName;
}

export async function newScenario(opts: NewOptions, ctx: CommandContext): Promise<number> {
  const template = opts.template ?? 'protocol';
  if (!(TEMPLATES as readonly string[]).includes(template)) throw new InvalidConfigError(`unknown template "${template}"; valid: ${TEMPLATES.join(', ')}`);
  const isPath = opts.name.includes('/') || extname(opts.name) !== '';
  const file = isPath ? resolve(ctx.cwd, extname(opts.name) ? opts.name : `${opts.name}.ts`) : join(ctx.cwd, 'scenarios', `${opts.name}.ts`);
  const name = basename(file, extname(file));
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) throw new InvalidConfigError(`invalid scenario name "${name}": use letters, digits, - and _`);
  if (!/\.(ts|mts)$/.test(file)) throw new InvalidConfigError(`${file}: a scenario is TypeScript (.ts): it is type-checked before it runs`);
  if (existsSync(file)) {
    throw new HarnessError(`${display(file, ctx.cwd)} already exists; harness new never overwrites`, {
      exitCode: ExitCode.InvalidConfig,
      hint: 'pick another name or remove the file',
    });
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderTemplate(template, name, libImport(file, ctx.cwd)), { flag: 'wx' });
  const shown = display(file, ctx.cwd);
  const runArg = !isPath && resolve(ctx.cwd, 'scenarios') === dirname(file) ? name : shown;
  ctx.stdout.write(`wrote ${shown} (template ${template})\n  run it: harness run ${runArg} --runtime local --duration 10s\n`);
  return ExitCode.Ok;
}

/** The scenario library (`<cwd>/scenarios/lib`, else the harness's own) as the new file imports it. */
function libImport(file: string, cwd: string): string {
  const own = join(cwd, 'scenarios', 'lib', 'index.ts');
  const lib = existsSync(own) ? dirname(own) : join(harnessRoot, 'scenarios', 'lib');
  let rel = relative(dirname(file), lib).split(sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/** Relative to cwd when inside it, else absolute. */
function display(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}
