/**
 * Helpers for tests and benchmarks (never imported by the target's production code). The
 * harness's tests and benchmarks use freePort and startRedisServer from here too (through
 * harness/testing), so the target's tests need nothing outside target/.
 */
export { freePort } from './free-port';
export { startRedisServer, waitForPort, type RedisServerOptions, type StartedRedisServer } from './redis-server';
export { eventually, gatewayFor, request, sample, type JsonResponse } from './gateway-helpers';
