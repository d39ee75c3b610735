import type { CommandContext } from '../context';
import { HarnessError, ExitCode } from '../../errors';

/** `harness k6 <subcommand> [k6 flags]`: the built-in k6-compatible engine's CLI. */
export async function k6(argv: string[], _ctx: CommandContext): Promise<number> {
  throw new HarnessError(`harness k6 ${argv.join(' ')}: not implemented yet`, { exitCode: ExitCode.Internal });
}
