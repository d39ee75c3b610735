import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InvalidConfigError } from '../errors';

/**
 * compose.yml, the one place image tags and the observability services are written, read once
 * here: `harness up --observability` builds its containers from the services of a profile, and
 * the config reads image defaults (STYLE.md §15). Only the part of the Compose file format we use
 * is understood: `image`, `command`, `environment` (map or list), `volumes` (short syntax), `ports` (short
 * syntax), `profiles`, `depends_on` (list or map), with `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}` and `$$` interpolation as Compose does it.
 */
export interface ComposeService {
  name: string;
  image?: string;
  /** `command` (list, or a string split on whitespace as Compose does without a shell); empty: the image's CMD. */
  command: string[];
  environment: Record<string, string>;
  volumes: ComposeVolume[];
  ports: ComposePort[];
  profiles: string[];
  dependsOn: string[];
}

/** `./grafana:/etc/grafana/provisioning:ro`; `source` as written (relative to the project). */
export interface ComposeVolume {
  source: string;
  target: string;
  readOnly: boolean;
}

/** `127.0.0.1:8086:8086`: host IP, host port, container port (tcp). */
export interface ComposePort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

export interface ComposeReadOptions {
  /** `ignore`: readers of one field (image tags) are not failed by constructs they do not use. */
  problems?: 'throw' | 'ignore';
}

export function readComposeFile(cwd: string, env: Record<string, string | undefined> = {}, o: ComposeReadOptions = {}): ComposeFile | undefined {
  let text: string;
  try {
    text = readFileSync(join(cwd, 'compose.yml'), 'utf8');
  } catch {
    return undefined;
  }
  return parseComposeFile(text, env, o);
}

/** Parses and interpolates with `env`; a construct outside the subset above is an InvalidConfigError naming it. */
export function parseComposeFile(text: string, env: Record<string, string | undefined> = {}, o: ComposeReadOptions = {}): ComposeFile {
  const doc = parse(text) as { services?: Record<string, Record<string, unknown> | null> } | null;
  const problems: string[] = [];
  const services: Record<string, ComposeService> = {};
  for (const [name, raw] of Object.entries(doc?.services ?? {})) {
    const svc = raw ?? {};
    const at = `compose.yml services.${name}`;
    const str = (v: unknown, where: string): string => {
      if (typeof v === 'string') return interpolate(v, env, `${at}.${where}`, problems);
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      problems.push(`${at}.${where}: expected a string`);
      return '';
    };
    const environment: Record<string, string> = {};
    const envRaw = svc.environment;
    if (Array.isArray(envRaw)) {
      for (const item of envRaw) {
        const s = str(item, 'environment');
        const eq = s.indexOf('=');
        if (eq > 0) environment[s.slice(0, eq)] = s.slice(eq + 1);
        else problems.push(`${at}.environment: "${s}" has no value (pass-through variables are not supported)`);
      }
    } else if (envRaw && typeof envRaw === 'object') {
      for (const [k, v] of Object.entries(envRaw)) environment[k] = v === null ? '' : str(v, `environment.${k}`);
    }
    const volumes: ComposeVolume[] = [];
    for (const v of asList(svc.volumes)) {
      const parts = str(v, 'volumes').split(':');
      if (parts.length < 2 || parts.length > 3) problems.push(`${at}.volumes: "${parts.join(':')}" is not SOURCE:TARGET[:ro]`);
      else volumes.push({ source: parts[0], target: parts[1], readOnly: parts[2] === 'ro' });
    }
    const ports: ComposePort[] = [];
    for (const p of asList(svc.ports)) {
      const s = str(p, 'ports');
      const m = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\d+):(\d+)(?:\/tcp)?$/.exec(s);
      if (!m) problems.push(`${at}.ports: "${s}" is not [IP:]HOST:CONTAINER`);
      else ports.push({ hostIp: m[1] ?? '0.0.0.0', hostPort: Number(m[2]), containerPort: Number(m[3]) });
    }
    const dependsOn = Array.isArray(svc.depends_on) ? svc.depends_on.map(String) : svc.depends_on && typeof svc.depends_on === 'object' ? Object.keys(svc.depends_on) : [];
    const command = Array.isArray(svc.command) ? svc.command.map((c, i) => str(c, `command[${i}]`)) : svc.command === undefined || svc.command === null ? [] : str(svc.command, 'command').split(/\s+/).filter(Boolean);
    services[name] = {
      name,
      image: svc.image === undefined ? undefined : str(svc.image, 'image'),
      command,
      environment,
      volumes,
      ports,
      profiles: asList(svc.profiles).map(String),
      dependsOn,
    };
  }
  if (problems.length && o.problems !== 'ignore') throw new InvalidConfigError('compose.yml uses what the harness cannot read', problems, { hint: 'keep compose.yml to the subset in harness/config/compose-file.ts' });
  return { services };
}

/** The services of one profile, dependencies first (as `docker compose --profile P up` starts them). */
export function profileServices(file: ComposeFile, profile: string): ComposeService[] {
  const chosen = Object.values(file.services).filter((s) => s.profiles.includes(profile));
  const order: ComposeService[] = [];
  const visit = (s: ComposeService, path: string[]) => {
    if (order.includes(s)) return;
    if (path.includes(s.name)) throw new InvalidConfigError(`compose.yml: depends_on cycle ${[...path, s.name].join(' -> ')}`, []);
    for (const d of s.dependsOn) {
      const dep = chosen.find((c) => c.name === d);
      if (dep) visit(dep, [...path, s.name]);
    }
    order.push(s);
  };
  for (const s of chosen) visit(s, []);
  return order;
}

/** Image references by service name (services without `image` are left out). */
export function composeImages(file: ComposeFile | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, svc] of Object.entries(file?.services ?? {})) if (svc.image) out[name] = svc.image;
  return out;
}

/** Compose's interpolation: `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `$VAR`, `$$`. */
export function interpolate(value: string, env: Record<string, string | undefined>, where = 'value', problems: string[] = []): string {
  return value.replace(/\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*)|(\{[^}]*\}?))/g, (whole, braced, colon, def, bare, bad) => {
    if (whole === '$$') return '$';
    if (bad !== undefined) {
      problems.push(`${where}: cannot interpolate "${whole}" (only \${VAR}, \${VAR:-default}, \${VAR-default})`);
      return whole;
    }
    const name = braced ?? bare;
    const v = env[name];
    if (def !== undefined) return (colon ? v === undefined || v === '' : v === undefined) ? def : v!;
    return v ?? '';
  });
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}
