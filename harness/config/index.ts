export { defineConfig, GATE_DEFAULTS, GATE_SERIES_TOLERANCES, type GateConfig, type GateTolerances, type GateSeriesTolerances, type HarnessConfig, type UserConfig, type RuntimeChoice, type EngineChoice, type OutputName } from './schema';
export { resolveConfig, redactConfig, defaults, LOCAL_INFLUX_TOKEN, type ConfigFlags, type ResolvedConfig, type ResolveInput } from './resolve-config';
export { loadConfigFile, CONFIG_FILES } from './load-config-file';
export { readComposeImages, parseComposeImages } from './compose-images';
export { readComposeFile, parseComposeFile, profileServices, composeImages, interpolate, type ComposeFile, type ComposeService, type ComposePort, type ComposeVolume } from './compose-file';

import { loadConfigFile } from './load-config-file';
import { resolveConfig, type ConfigFlags, type ResolvedConfig } from './resolve-config';

/** Loads `harness.config.*` from `cwd` and resolves it with env and flags (the usual entry). */
export async function loadConfig(o: { cwd: string; env: Record<string, string | undefined>; flags?: ConfigFlags; configFile?: string }): Promise<ResolvedConfig & { file?: string }> {
  const { file, config } = await loadConfigFile(o.cwd, o.configFile);
  return { ...resolveConfig({ cwd: o.cwd, env: o.env, file: config, flags: o.flags }), file };
}
