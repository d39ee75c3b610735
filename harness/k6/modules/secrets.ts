/**
 * `k6/secrets` (k6 v1+): `secrets.get(key)` from the default source, `secrets.source(name).get(key)`
 * from a named one; both resolve to the value (Promises, as in k6). Sources come from
 * `--secret-source` (harness/k6/secrets); the values read are redacted from the logs there.
 */
import type { ModuleFactory, VUState } from '../types';
import { holdInit } from './init-promise';

export const secretsModule: ModuleFactory = (vu: VUState) => {
  const get = (source: string) => (key: unknown): Promise<string> =>
    holdInit(vu, vu.options.secrets ? vu.options.secrets.get(source, String(key)) : Promise.reject(new Error('no secret sources are configured')));
  const secrets = { get: get('default'), source: (name: unknown) => ({ get: get(String(name)) }) };
  // k6 has the default export only; the named ones are how the runtime guards the functions of `default`
  return { ...secrets, default: secrets };
};
