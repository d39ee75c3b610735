import { processContext, type IoContext } from '../io';

/**
 * What every command function receives besides its own options. Tests pass their own streams,
 * cwd and env; nothing below a command reads `process.env` or `process.cwd()` directly.
 * The type lives in harness/io so the engine (`harness k6 run`) can take it without importing
 * the command layer.
 */
export type CommandContext = IoContext;

export function defaultContext(signal: AbortSignal): CommandContext {
  return processContext(signal);
}
