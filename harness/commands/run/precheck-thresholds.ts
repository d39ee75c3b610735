import { parse } from 'acorn';
import { simple } from 'acorn-walk';
import type { Node } from 'acorn';
import { InvalidConfigError } from '../../errors';
import { parseThresholdsConfig } from '../../../vocabulary';

/**
 * Validates a compiled script's `thresholds` before anything starts (k6 only parses them once
 * the test begins, which for `harness run` would be after the stack is up). Reads every
 * `thresholds: { ... }` object literal in the bundle statically, the harness never executes
 * scenario code; entries that are not literals (computed at init time) are left to the engine,
 * which validates them again at its start. Throws InvalidConfigError (104) listing every problem.
 */
export function precheckThresholds(bundleSource: string, scriptLabel: string): { checked: number; literals: unknown[] } {
  let ast: Node;
  try {
    ast = parse(bundleSource, { ecmaVersion: 'latest', sourceType: 'module' });
  } catch {
    return { checked: 0, literals: [] }; // the engine reports syntax it cannot load
  }
  const problems: string[] = [];
  let checked = 0;
  const literals: unknown[] = [];
  simple(ast, {
    Property(node) {
      const p = node as unknown as { key: { type: string; name?: string; value?: unknown }; value: Node; computed: boolean };
      const key = p.key.type === 'Identifier' ? p.key.name : p.key.value;
      if (p.computed || key !== 'thresholds' || p.value.type !== 'ObjectExpression') return;
      const value = literal(p.value);
      if (value === NOT_LITERAL) return;
      checked += 1;
      literals.push(value);
      problems.push(...parseThresholdsConfig(value).problems);
    },
  });
  if (problems.length) {
    throw new InvalidConfigError(`invalid thresholds in ${scriptLabel}; nothing was started`, problems, {
      hint: 'threshold grammar: <aggregation> <op> <number>, e.g. "p(95)<200", "rate<0.01", "count>0" (see docs/cli.md)',
    });
  }
  return { checked, literals };
}

const NOT_LITERAL = Symbol('not literal');

function literal(n: Node): unknown {
  const node = n as unknown as Record<string, unknown> & { type: string };
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'TemplateLiteral': {
      const t = node as unknown as { expressions: unknown[]; quasis: Array<{ value: { cooked: string } }> };
      return t.expressions.length ? NOT_LITERAL : t.quasis.map((q) => q.value.cooked).join('');
    }
    case 'UnaryExpression': {
      const u = node as unknown as { operator: string; argument: Node };
      const v = literal(u.argument);
      return u.operator === '-' && typeof v === 'number' ? -v : NOT_LITERAL;
    }
    case 'ArrayExpression': {
      const out: unknown[] = [];
      for (const el of (node as unknown as { elements: Array<Node | null> }).elements) {
        if (!el || el.type === 'SpreadElement') return NOT_LITERAL;
        const v = literal(el);
        if (v === NOT_LITERAL) return NOT_LITERAL;
        out.push(v);
      }
      return out;
    }
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const prop of (node as unknown as { properties: Array<Record<string, unknown> & { type: string }> }).properties) {
        if (prop.type !== 'Property' || prop.computed) return NOT_LITERAL;
        const k = prop.key as { type: string; name?: string; value?: unknown };
        const key = k.type === 'Identifier' ? k.name : String(k.value);
        const v = literal(prop.value as Node);
        if (v === NOT_LITERAL) return NOT_LITERAL;
        out[key!] = v;
      }
      return out;
    }
    default:
      return NOT_LITERAL;
  }
}
