/** Test helpers shared by every test and benchmark (never bundled into the CLI). */
// freePort and startRedisServer live with the target's test helpers (target/ imports nothing of ours outside it).
export { freePort } from '../../target/testing/free-port';
export { startRedisServer, waitForPort, type RedisServerOptions, type StartedRedisServer } from '../../target/testing/redis-server';
export { pidAlive, portOpen, groupMembers, groupAlive, waitGroupGone } from './processes';
export { captureContext, throwawayProject, type CapturedContext } from './command-context';
export { HANDOFF_MS, withLoopTimeline, type LoopTimeline } from './loop-timeline';
export { runHarness, startHarness, type HarnessResult, type RunningHarness, type SpawnHarnessOptions } from './spawn-harness';
export { startDelayServer, type DelayServer } from './delay-server';
