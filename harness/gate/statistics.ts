/**
 * The statistics of a regression gate, pure and deterministic (no clock, no randomness): tests
 * on per-second windows (latency percentiles, throughput) and on counts (error and check rates).
 */

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface MannWhitneyResult {
  /** U of the candidate sample: pairs (c, b) with c > b, ties counting a half. */
  u: number;
  /** Cliff's delta, P(c > b) - P(c < b), in -1..1: the effect size. */
  delta: number;
  /** One-sided p-value that the candidate is stochastically greater than the baseline. */
  pGreater: number;
  /** One-sided p-value that it is smaller. */
  pLess: number;
}

/**
 * Mann-Whitney U of candidate vs baseline with the normal approximation, a tie correction and a
 * continuity correction (good from ~8 values per side; per-second windows of a 30 s run give 30).
 * Rank-based, so one slow second (a GC pause) moves it by one rank, not by its size.
 */
export function mannWhitneyU(candidate: readonly number[], baseline: readonly number[]): MannWhitneyResult {
  const n1 = candidate.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) return { u: Number.NaN, delta: Number.NaN, pGreater: 1, pLess: 1 };
  const all = [...candidate.map((v) => ({ v, c: true })), ...baseline.map((v) => ({ v, c: false }))].sort((a, b) => a.v - b.v);
  const n = n1 + n2;
  let rankSumC = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1; // average rank of the tie group (1-based)
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]!.c) rankSumC += rank;
    i = j + 1;
  }
  const u = rankSumC - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const delta = (2 * u) / (n1 * n2) - 1;
  if (variance <= 0) return { u, delta, pGreater: u > mean ? 0 : 1, pLess: u < mean ? 0 : 1 };
  const sd = Math.sqrt(variance);
  return { u, delta, pGreater: 1 - normalCdf((u - mean - 0.5) / sd), pLess: normalCdf((u - mean + 0.5) / sd) };
}

export interface ProportionTestResult {
  /** Candidate rate minus baseline rate. */
  diff: number;
  z: number;
  /** One-sided p-value that the candidate's rate is higher. */
  pGreater: number;
  pLess: number;
}

/** Two-proportion z-test (pooled variance): error rates and check failure rates from counts. */
export function twoProportionZ(candidateHits: number, candidateN: number, baselineHits: number, baselineN: number): ProportionTestResult {
  if (candidateN === 0 || baselineN === 0) return { diff: Number.NaN, z: Number.NaN, pGreater: 1, pLess: 1 };
  const p1 = candidateHits / candidateN;
  const p2 = baselineHits / baselineN;
  const pooled = (candidateHits + baselineHits) / (candidateN + baselineN);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / candidateN + 1 / baselineN));
  const diff = p1 - p2;
  if (se === 0) return { diff, z: 0, pGreater: diff > 0 ? 0 : 1, pLess: diff < 0 ? 0 : 1 };
  const z = diff / se;
  return { diff, z, pGreater: 1 - normalCdf(z), pLess: normalCdf(z) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The between-run noise of a statistic: the sample standard deviation of its per-run values over
 * their mean (coefficient of variation). 0 with fewer than two runs (no evidence of noise).
 */
export function relativeSpread(perRun: readonly number[]): number {
  const v = perRun.filter(Number.isFinite);
  if (v.length < 2) return 0;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (mean === 0) return 0;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
  return Math.sqrt(variance) / Math.abs(mean);
}

/** ln Γ(x) for x > 0 (Lanczos, g=7, 9 terms; relative error < 1e-13). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized incomplete beta I_x(a, b) (continued fraction, Numerical Recipes `betacf`). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // the fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) otherwise
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return (front * f) / a;
}

/** Student's t CDF with `df` degrees of freedom (df = 1 is the Cauchy distribution). */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

export interface BetweenRunsResult {
  /** Mean of the baseline runs' log values: the baseline's typical level. */
  logMean: number;
  /** Sample standard deviation of the baseline runs' log values (≈ their relative spread). */
  logSd: number;
  /** (log candidate - logMean) / (logSd · sqrt(1 + 1/k)), Student t with k - 1 degrees of freedom. */
  t: number;
  df: number;
  /** One-sided p-value that the candidate run is higher than a new run of the baseline would be. */
  pGreater: number;
  pLess: number;
}

/**
 * Is one candidate run's statistic (a whole-run p95, a run's requests per second) outside what the
 * baseline's own runs say a new run of the same code would give? A prediction-interval t-test on
 * logs: k baseline runs estimate the between-run spread (the noise that per-second windows of one
 * run cannot see), and t with k - 1 degrees of freedom pays for estimating it from few runs.
 * Logs, because run-to-run noise of latencies is multiplicative (a busier machine stretches
 * everything) and the gate's changes are relative. Needs k >= 2 positive values.
 */
export function betweenRunsTest(candidate: number, baselineRuns: readonly number[]): BetweenRunsResult {
  const logs = baselineRuns.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log);
  const k = logs.length;
  const none = { logMean: Number.NaN, logSd: Number.NaN, t: Number.NaN, df: Math.max(0, k - 1), pGreater: 1, pLess: 1 };
  if (k < 2 || !(candidate > 0)) return none;
  const logMean = logs.reduce((a, b) => a + b, 0) / k;
  const logSd = Math.sqrt(logs.reduce((a, b) => a + (b - logMean) ** 2, 0) / (k - 1));
  const diff = Math.log(candidate) - logMean;
  if (logSd === 0) return { logMean, logSd, t: diff === 0 ? 0 : Math.sign(diff) * Infinity, df: k - 1, pGreater: diff > 0 ? 0 : 1, pLess: diff < 0 ? 0 : 1 };
  const t = diff / (logSd * Math.sqrt(1 + 1 / k));
  return { logMean, logSd, t, df: k - 1, pGreater: 1 - studentTCdf(t, k - 1), pLess: studentTCdf(t, k - 1) };
}
