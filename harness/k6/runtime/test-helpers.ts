/**
 * Test-only helpers for runtime/ and modules/ tests: in-memory metrics and logs, option and
 * iteration-context builders. Not imported by production code.
 */
import type { IterationContext, Logger, MetricDef, MetricRegistry, MetricType, RuntimeOptions, Sample, SampleSink, ValueType } from '../types';

export class MemoryRegistry implements MetricRegistry {
  private readonly defs = new Map<string, MetricDef>();
  getOrCreate(name: string, type: MetricType, contains: ValueType = 'default'): MetricDef {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/.test(name)) throw new Error(`Invalid metric name: '${name}'`);
    const d = this.defs.get(name);
    if (d) {
      if (d.type !== type || d.contains !== contains) throw new Error(`metric '${name}' already exists with another type`);
      return d;
    }
    const def = { name, type, contains };
    this.defs.set(name, def);
    return def;
  }
  get(name: string) {
    return this.defs.get(name);
  }
  all() {
    return [...this.defs.values()];
  }
}

export class MemorySink implements SampleSink {
  readonly samples: Sample[] = [];
  push(s: Sample) {
    this.samples.push(s);
  }
  of(metric: string): Sample[] {
    return this.samples.filter((s) => s.metric === metric);
  }
}

export class MemoryLogger implements Logger {
  readonly lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  debug(msg: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'debug', msg, fields });
  }
  info(msg: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'error', msg, fields });
  }
}

export const K6_DEFAULT_SYSTEM_TAGS = [
  'proto', 'subproto', 'status', 'method', 'url', 'name', 'group', 'check', 'error', 'error_code', 'tls_version', 'scenario', 'service', 'expected_response',
];

export function testOptions(cwd: string, over: Partial<RuntimeOptions> = {}): RuntimeOptions & { sink: MemorySink; logger: MemoryLogger; metrics: MemoryRegistry } {
  return {
    filename: 'script.js',
    cwd,
    env: {},
    tags: {},
    systemTags: new Set(K6_DEFAULT_SYSTEM_TAGS),
    userAgent: 'k6/0.48.0 (https://k6.io/)',
    logger: new MemoryLogger(),
    metrics: new MemoryRegistry(),
    sink: new MemorySink(),
    ...over,
  } as RuntimeOptions & { sink: MemorySink; logger: MemoryLogger; metrics: MemoryRegistry };
}

export function iterationContext(over: Partial<IterationContext> = {}): IterationContext {
  const scenario = { name: 'default', executor: 'per-vu-iterations', startTime: Date.now(), progress: 0, iterationInInstance: 0, iterationInTest: 0 };
  const instance = { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 1, vusInitialized: 1, currentTestRunDuration: 0 };
  return {
    exec: 'default',
    scenario,
    instance,
    env: {},
    tags: { scenario: 'default' },
    iteration: 0,
    vuIterationInInstance: 0,
    signal: new AbortController().signal,
    data: undefined,
    ...over,
  };
}
