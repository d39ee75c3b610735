export { builtinToxics } from './builtins';
export { ToxicRegistry } from './registry';
export { NoopToxic, sleep } from './toxic';
export type { Chunk, ToxicContext, ToxicInstance, ToxicType } from './toxic';
