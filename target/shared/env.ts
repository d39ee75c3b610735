/**
 * Reading configuration from an environment object (never `process.env` deep in the code):
 * each reader records a problem instead of throwing, so a config loader reports every bad
 * variable at once through one `InvalidConfigError`.
 */
import { InvalidConfigError } from './errors';

export type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  string(name: string, def: string): string {
    return this.raw(name) ?? def;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  /** An integer in [min, max]. */
  int(name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n)) {
      this.problems.push(`${name}: must be an integer, got "${v}"`);
      return def;
    }
    if (n < min || n > max) {
      this.problems.push(`${name}: must be between ${min} and ${max}, got ${n}`);
      return def;
    }
    return n;
  }

  bool(name: string, def: boolean): boolean {
    const v = this.raw(name)?.toLowerCase();
    if (v === undefined) return def;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    this.problems.push(`${name}: must be true or false, got "${v}"`);
    return def;
  }

  oneOf<T extends string>(name: string, def: T, valid: readonly T[]): T {
    const v = this.raw(name);
    if (v === undefined) return def;
    if (!(valid as readonly string[]).includes(v)) {
      this.problems.push(`${name}: must be one of ${valid.join(', ')}, got "${v}"`);
      return def;
    }
    return v as T;
  }

  redisUrl(name: string, def: string): string {
    const v = this.string(name, def);
    try {
      const u = new URL(v);
      if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') this.problems.push(`${name}: must be a redis:// or rediss:// URL, got "${v}"`);
    } catch {
      this.problems.push(`${name}: not a URL: "${v}"`);
    }
    return v;
  }

  check(cond: boolean, problem: string): void {
    if (!cond) this.problems.push(problem);
  }

  /** Throws one InvalidConfigError listing every problem found, if any. */
  done(what: string): void {
    if (this.problems.length) {
      throw new InvalidConfigError(`invalid ${what} configuration`, this.problems, { hint: 'see docs/target.md for every variable and its range' });
    }
  }
}
