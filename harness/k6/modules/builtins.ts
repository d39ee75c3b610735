/**
 * The k6 JS modules the builtin engine serves, by import path. The only place they are registered.
 * harness/k6/surface/declared-surface.test.ts proves this against every module @types/k6 declares.
 */
import { cryptoModule } from './crypto';
import { csvModule } from './csv';
import { dataModule } from './data';
import { encodingModule } from './encoding';
import { executionModule } from './execution';
import { fsModule } from './fs';
import { experimentalGrpcModule, grpcModule } from './grpc';
import { htmlModule } from './html';
import { httpModule } from './http';
import { k6Module } from './k6';
import { metricsModule } from './metrics';
import { redisModule } from './redis';
import { RUN_WITH_REAL_K6 } from './refused';
import { ModuleRegistry } from './registry';
import { secretsModule } from './secrets';
import { streamsModule } from './streams';
import { timersModule } from './timers';
import { websocketsModule } from './websockets';
import { wsModule } from './ws';

export function createBuiltinRegistry(): ModuleRegistry {
  return new ModuleRegistry()
    .register('k6', k6Module)
    .register('k6/http', httpModule)
    .register('k6/metrics', metricsModule)
    .register('k6/execution', executionModule)
    .register('k6/data', dataModule)
    .register('k6/encoding', encodingModule)
    .register('k6/crypto', cryptoModule)
    .register('k6/html', htmlModule)
    .register('k6/ws', wsModule)
    .register('k6/net/grpc', grpcModule)
    .register('k6/experimental/timers', timersModule)
    .register('k6/experimental/websockets', websocketsModule)
    .register('k6/experimental/redis', redisModule)
    .register('k6/experimental/grpc', experimentalGrpcModule)
    // k6 v1 names of modules promoted from k6/experimental/* (the old names stay: v0.48 scripts)
    .register('k6/timers', timersModule)
    .register('k6/websockets', websocketsModule)
    // k6 v1+ modules
    .register('k6/secrets', secretsModule)
    .register('k6/experimental/fs', fsModule)
    .register('k6/experimental/csv', csvModule)
    .register('k6/experimental/streams', streamsModule)
    // declared by @types/k6 but not served: refused at the import with file:line and a hint
    .refuse('k6/browser', `${RUN_WITH_REAL_K6}; the browser module drives Chromium`)
    .refuse('k6/experimental/browser', `it is k6/browser since k6 v0.52; ${RUN_WITH_REAL_K6}`);
}
