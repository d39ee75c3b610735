/** An exact non-negative-denominator fraction (k6 uses Go's big.Rat for segment bounds). */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  constructor(num: bigint, den: bigint = 1n) {
    if (den === 0n) throw new Error('division by zero');
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num < 0n ? -num : num, den);
    this.num = g > 1n ? num / g : num;
    this.den = g > 1n ? den / g : den;
  }

  static readonly ZERO = new Rational(0n);
  static readonly ONE = new Rational(1n);

  /**
   * Parses `1/3`, `0.25`, `2`, `1e-1` (Go big.Rat's SetString forms) or an integer percentage
   * `25%`; undefined for anything else.
   */
  static parse(s: string): Rational | undefined {
    const pct = /^([+-]?\d+)%$/.exec(s);
    if (pct) return new Rational(BigInt(pct[1]), 100n);
    const frac = /^([+-]?\d+)\/(\d+)$/.exec(s);
    if (frac) return BigInt(frac[2]) === 0n ? undefined : new Rational(BigInt(frac[1]), BigInt(frac[2]));
    const dec = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (!dec || (dec[2] === '' && !dec[3])) return undefined;
    const digits = `${dec[2]}${dec[3] ?? ''}` || '0';
    const exp = Number(dec[4] ?? 0) - (dec[3]?.length ?? 0);
    if (Math.abs(exp) > 60) return undefined;
    let num = BigInt(digits);
    let den = 1n;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den = 10n ** BigInt(-exp);
    return new Rational(dec[1] === '-' ? -num : num, den);
  }

  add(o: Rational): Rational {
    return new Rational(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o: Rational): Rational {
    return new Rational(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  mul(o: Rational): Rational {
    return new Rational(this.num * o.num, this.den * o.den);
  }

  cmp(o: Rational): number {
    const d = this.num * o.den - o.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }

  equals(o: Rational): boolean {
    return this.cmp(o) === 0;
  }

  toNumber(): number {
    return Number(this.num) / Number(this.den);
  }

  /** Go's RatString: `1/3`, or `2` for an integer. */
  toString(): string {
    return this.den === 1n ? String(this.num) : `${this.num}/${this.den}`;
  }

  /** Go's FloatString(2), used in k6's error messages. */
  toFixed2(): string {
    return this.toNumber().toFixed(2);
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
