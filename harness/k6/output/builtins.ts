import { JsonOutput } from './json-output';
import { K6OutputRegistry } from './registry';

/** The registry with every built-in output. (influxdb joins in a later issue: `.register('influxdb', …)`.) */
export function builtinOutputs(): K6OutputRegistry {
  return new K6OutputRegistry().register('json', (p) => new JsonOutput(p));
}
