import type { CommandContext } from '../context';

/** `harness k6 <subcommand> [k6 flags]`: the built-in k6-compatible engine's CLI (k6's exit codes). */
export async function k6(argv: string[], ctx: CommandContext): Promise<number> {
  const { runK6 } = await import('../../k6/cli/run-k6');
  return runK6(argv, ctx);
}
