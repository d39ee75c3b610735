import { gatewayBench } from './gateway-bench';
import { gateBench } from './gate-bench';
import { engineBench } from './engine-bench';
import { influxdbBench } from './influxdb-bench';
import { reportBench } from './report-bench';
import { runnersBench } from './runners-bench';
import { toxiproxyBench } from './toxiproxy-bench';
import type { BenchSuite } from './types';
import { vuMemoryBench } from './vu-memory-bench';

/** Every benchmark suite, in the order they run. Add new suites here. */
export const suites: BenchSuite[] = [gatewayBench, engineBench, influxdbBench, reportBench, toxiproxyBench, gateBench, vuMemoryBench, runnersBench];
