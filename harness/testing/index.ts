/** Test helpers shared by every test and benchmark (never bundled into the CLI). */
export { freePort } from './free-port';
export { startRedisServer, waitForPort, type RedisServerOptions, type StartedRedisServer } from './redis-server';
export { pidAlive, portOpen, groupMembers, groupAlive, waitGroupGone } from './processes';
export { captureContext, throwawayProject, type CapturedContext } from './command-context';
