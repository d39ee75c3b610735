/**
 * Secret sources for `k6/secrets` (`--secret-source`, k6 v1+), with the redaction k6 applies:
 * every value a script has read is replaced by `***SECRET_REDACTED***` in log lines. The
 * harness goes further than k6 (which redacts logs only): sample tags and metadata (so `--out`,
 * the summary, its export and the reports) and everything the end-of-test summary writes go
 * through the same `redact`, the one home of the redaction.
 *
 * Source specs as k6's flag: `TYPE[=CONFIG]`, CONFIG a comma list where `name=N` names the source
 * (default: its type), `default` makes it the default one, and the rest configures the type:
 *   file=PATH | file=filename=PATH   KEY=VALUE lines (k6's file source)
 *   env[=prefix=P]                   environment variables P+KEY (default prefix K6_SECRET_);
 *                                    the harness's addition: k6 itself has no env source
 * A single source is the default one (as in k6).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger, Sample, SampleSink, SecretStore, Tags } from '../types';

export const REDACTED = '***SECRET_REDACTED***';

interface Source {
  get(key: string): string | undefined;
}

export class SecretStoreImpl implements SecretStore {
  private readonly seen = new Set<string>();
  private redactRe: RegExp | null = null;

  constructor(private readonly sources: ReadonlyMap<string, Source>) {}

  async get(source: string, key: string): Promise<string> {
    if (this.sources.size === 0) throw new Error('no secret sources are configured');
    const s = this.sources.get(source);
    if (!s) throw new Error(`no secret source with name "${source}" is configured`);
    const v = s.get(String(key));
    if (v === undefined) throw new Error('no value');
    if (v.trim() !== '' && !this.seen.has(v)) {
      this.seen.add(v);
      // longest first, so a secret containing another is redacted whole
      const alts = [...this.seen].sort((a, b) => b.length - a.length).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.redactRe = new RegExp(alts.join('|'), 'g');
      this.redactedTags = new WeakMap();
    }
    return v;
  }

  // tag objects are shared and immutable (VU memos): each is redacted once per set of secrets
  private redactedTags = new WeakMap<object, Tags>();

  /** `text` with every secret read so far redacted. */
  redact(text: string): string {
    return this.redactRe ? text.replace(this.redactRe, REDACTED) : text;
  }

  /**
   * A sink that redacts tag and metadata values before `inner` sees them: metrics, thresholds,
   * the group/check tree, outputs. Samples pass untouched until a secret has been read.
   */
  redactingSink(inner: SampleSink): SampleSink {
    const fix = (s: Sample): Sample => {
      if (!this.redactRe) return s;
      const tags = this.redactTags(s.tags);
      const metadata = s.metadata && this.redactTags(s.metadata);
      return tags === s.tags && metadata === s.metadata ? s : { ...s, tags, metadata };
    };
    const sink: SampleSink = { push: (s) => inner.push(fix(s)) };
    if (inner.pushMany) sink.pushMany = (ss) => inner.pushMany!(this.redactRe ? ss.map(fix) : ss);
    return sink;
  }

  private redactTags<T extends Record<string, string>>(tags: T): T {
    const cached = this.redactedTags.get(tags);
    if (cached) return cached as T;
    let out: Record<string, string> | undefined;
    for (const k in tags) {
      const v = tags[k];
      if (typeof v !== 'string') continue;
      const r = this.redact(v);
      if (r !== v) (out ??= { ...tags })[k] = r;
    }
    const result = (out ?? tags) as T;
    this.redactedTags.set(tags, result);
    return result;
  }

  /** A logger that redacts messages and string fields before `inner` sees them. */
  redactingLogger(inner: Logger): Logger {
    const fields = (f?: Record<string, unknown>) =>
      f && Object.fromEntries(Object.entries(f).map(([k, v]) => [this.redact(k), typeof v === 'string' ? this.redact(v) : v]));
    return {
      debug: (m, f) => inner.debug(this.redact(m), fields(f)),
      info: (m, f) => inner.info(this.redact(m), fields(f)),
      warn: (m, f) => inner.warn(this.redact(m), fields(f)),
      error: (m, f) => inner.error(this.redact(m), fields(f)),
    };
  }
}

/**
 * Builds the store from `--secret-source` specs; problems (unknown type, unreadable file, two
 * defaults, a duplicate name) are pushed to `problems` (exit 104 by the caller).
 */
export function createSecretStore(specs: readonly string[], ctx: { cwd: string; env: Record<string, string | undefined> }, problems: string[]): SecretStoreImpl {
  const sources = new Map<string, Source>();
  let explicitDefault: Source | null = null;
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const type = eq < 0 ? spec : spec.slice(0, eq);
    const parts = eq < 0 ? [] : spec.slice(eq + 1).split(',');
    let name = type;
    let isDefault = false;
    const rest: string[] = [];
    for (const p of parts) {
      if (p === 'default') isDefault = true;
      else if (p.startsWith('name=')) name = p.slice(5);
      else if (p !== '') rest.push(p);
    }
    let src: Source | null;
    try {
      src = type === 'file' ? fileSource(rest, ctx.cwd) : type === 'env' ? envSource(rest, ctx.env) : null;
    } catch (e) {
      problems.push(`--secret-source ${spec}: ${(e as Error).message}`);
      continue;
    }
    if (!src) {
      problems.push(`--secret-source ${spec}: no secret source for type "${type}"; valid: file, env (url and cloud need real k6)`);
      continue;
    }
    if (sources.has(name)) problems.push(`--secret-source ${spec}: secret source for name "${name}" already registered`);
    sources.set(name, src);
    if (isDefault) {
      if (explicitDefault) problems.push(`--secret-source ${spec}: can't have two secret sources that are default ones`);
      explicitDefault = src;
    }
  }
  if (explicitDefault) sources.set('default', explicitDefault);
  else if (sources.size === 1) sources.set('default', [...sources.values()][0]!);
  return new SecretStoreImpl(sources);
}

function fileSource(config: string[], cwd: string): Source {
  let filename = '';
  for (const kv of config) {
    const eq = kv.indexOf('=');
    if (eq < 0) filename = kv;
    else if (kv.slice(0, eq) === 'filename') filename = kv.slice(eq + 1);
    else throw new Error(`unknown configuration key for file secret source "${kv.slice(0, eq)}"`);
  }
  if (!filename) throw new Error('the file source needs a file: --secret-source file=secrets.txt');
  const values = new Map<string, string>();
  const text = fs.readFileSync(path.resolve(cwd, filename), 'utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`parsing "${line.replace(/./g, '*')}", needs =`);
    values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return { get: (k) => values.get(k) };
}

function envSource(config: string[], env: Record<string, string | undefined>): Source {
  let prefix = 'K6_SECRET_';
  for (const kv of config) {
    const eq = kv.indexOf('=');
    if (eq > 0 && kv.slice(0, eq) === 'prefix') prefix = kv.slice(eq + 1);
    else throw new Error(`unknown configuration key for env secret source "${kv}"`);
  }
  return { get: (k) => env[prefix + k] };
}
