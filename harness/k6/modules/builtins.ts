/** The k6 JS modules the builtin engine serves, by import path. The only place they are registered. */
import { cryptoModule } from './crypto';
import { dataModule } from './data';
import { encodingModule } from './encoding';
import { executionModule } from './execution';
import { experimentalGrpcModule, grpcModule } from './grpc';
import { htmlModule } from './html';
import { httpModule } from './http';
import { k6Module } from './k6';
import { metricsModule } from './metrics';
import { redisModule } from './redis';
import { ModuleRegistry } from './registry';
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
    .register('k6/experimental/grpc', experimentalGrpcModule);
}
