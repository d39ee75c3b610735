export { startToxiproxyServer } from './server';
export type { StartedToxiproxyServer, ToxiproxyServerOptions } from './server';
export { ApiErrors, ToxiproxyApiError } from './api-errors';
export { builtinToxics, ToxicRegistry } from './toxics';
export type { ToxicType, ToxicInstance, ToxicContext, Chunk } from './toxics';
