import { parse } from 'acorn';
import { simple } from 'acorn-walk';
import type { Node } from 'acorn';

/**
 * Every `thresholds: { ... }` object literal of a compiled script, read statically (the harness
 * never executes scenario code): what the scenario declares, for the threshold pre-check and for
 * the run directory's `thresholds.json` (the report's abortOnFail for submetrics, which k6 writes
 * on no Metric line). Entries that are not literals (computed at init time) are left out; a
 * script that does not parse yields none (the engine reports the syntax).
 */
export function scriptThresholds(bundleSource: string): unknown[] {
  let ast: Node;
  try {
    ast = parse(bundleSource, { ecmaVersion: 'latest', sourceType: 'module' });
  } catch {
    return [];
  }
  const found: unknown[] = [];
  simple(ast, {
    Property(node) {
      const p = node as unknown as { key: { type: string; name?: string; value?: unknown }; value: Node; computed: boolean };
      const key = p.key.type === 'Identifier' ? p.key.name : p.key.value;
      if (p.computed || key !== 'thresholds' || p.value.type !== 'ObjectExpression') return;
      const value = literal(p.value);
      if (value !== NOT_LITERAL) found.push(value);
    },
  });
  return found;
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
