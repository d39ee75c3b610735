/**
 * Threshold expressions, k6 v0.48 grammar (`metrics/thresholds_parser.go`):
 *
 * ```
 * assertion          -> aggregation_method whitespace* operator whitespace* float
 * aggregation_method -> trend | rate | gauge | counter
 * counter            -> "count" | "rate"
 * gauge              -> "value"
 * rate               -> "rate"
 * trend              -> "avg" | "min" | "max" | "med" | percentile
 * percentile         -> "p(" float ")"            (0 ≤ float ≤ 100)
 * operator           -> ">" | ">=" | "<=" | "<" | "==" | "===" | "!="
 * float              -> "-"? digit+ ("." digit+)? (("e"|"E") ("+"|"-")? digit+)?
 * whitespace         -> " "
 * ```
 *
 * Scanning is k6's: the input is split at the first occurrence of the first operator found in
 * the order `<=`, `<`, `>=`, `>`, `===`, `==`, `!=`; both sides are then trimmed and parsed.
 * `==` and `===` mean the same (values are floats). Errors quote the input:
 * `failed parsing threshold "p(95)<abc": right-hand side "abc" is not a number`.
 */
export type AggregationMethod = 'value' | 'count' | 'rate' | 'avg' | 'min' | 'med' | 'max' | 'p';
export type ThresholdOperator = '<=' | '<' | '>=' | '>' | '===' | '==' | '!=';

export interface ThresholdExpression {
  method: AggregationMethod;
  /** The N of `p(N)`. */
  percentile?: number;
  operator: ThresholdOperator;
  value: number;
}

const OPERATORS: readonly ThresholdOperator[] = ['<=', '<', '>=', '>', '===', '==', '!='];
const METHODS: readonly AggregationMethod[] = ['value', 'count', 'rate', 'avg', 'min', 'med', 'max'];
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export class ThresholdParseError extends Error {
  constructor(readonly input: string, readonly reason: string) {
    super(`failed parsing threshold ${JSON.stringify(input)}: ${reason}`);
    this.name = 'ThresholdParseError';
  }
}

export function parseThresholdExpression(input: string): ThresholdExpression {
  let lhs: string | undefined;
  let operator: ThresholdOperator | undefined;
  let rhs = '';
  for (const op of OPERATORS) {
    const at = input.indexOf(op);
    if (at !== -1) {
      lhs = input.slice(0, at).trim();
      operator = op;
      rhs = input.slice(at + op.length).trim();
      break;
    }
  }
  if (lhs === undefined || operator === undefined) {
    throw new ThresholdParseError(input, `malformed threshold expression: no operator (one of ${OPERATORS.join(' ')})`);
  }
  let method: AggregationMethod;
  let percentile: number | undefined;
  if ((METHODS as readonly string[]).includes(lhs)) {
    method = lhs as AggregationMethod;
  } else if (lhs.startsWith('p(') && lhs.endsWith(')')) {
    const inner = lhs.slice(2, -1);
    if (!FLOAT.test(inner)) throw new ThresholdParseError(input, `left-hand side: malformed percentile value ${JSON.stringify(inner)}`);
    percentile = Number(inner);
    if (percentile < 0 || percentile > 100) {
      throw new ThresholdParseError(input, `left-hand side: percentile ${inner} is out of range 0..100`);
    }
    method = 'p';
  } else {
    throw new ThresholdParseError(
      input,
      `left-hand side: unknown aggregation method ${JSON.stringify(lhs)}; valid: ${METHODS.join(', ')}, p(N)`,
    );
  }
  if (!FLOAT.test(rhs)) throw new ThresholdParseError(input, `right-hand side ${JSON.stringify(rhs)} is not a number`);
  return { method, percentile, operator, value: Number(rhs) };
}

/** Key the value is looked up under in the evaluated sink (`p(95)`, `avg`, …), formatted as Go's %g. */
export function sinkKey(e: ThresholdExpression): string {
  return e.method === 'p' ? `p(${e.percentile})` : e.method;
}

export function compare(lhs: number, op: ThresholdOperator, rhs: number): boolean {
  switch (op) {
    case '>': return lhs > rhs;
    case '>=': return lhs >= rhs;
    case '<=': return lhs <= rhs;
    case '<': return lhs < rhs;
    case '==':
    case '===': return lhs === rhs;
    case '!=': return lhs !== rhs;
  }
}

/** Aggregation methods each metric type supports (k6 `supportedAggregationMethods`). */
export const SUPPORTED_METHODS: Record<'counter' | 'gauge' | 'rate' | 'trend', readonly AggregationMethod[]> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p'],
};
