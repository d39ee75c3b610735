import { JsonOutput } from './json-output';
import { OutputRegistry } from './registry';

/** The registry with every built-in output. (influxdb joins in a later issue: `.register('influxdb', …)`.) */
export function builtinOutputs(): OutputRegistry {
  return new OutputRegistry().register('json', (p) => new JsonOutput(p));
}
