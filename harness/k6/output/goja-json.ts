/**
 * `JSON.stringify(value, null, gap)` as goja (k6 v0.48's JS engine) writes it, including its
 * indentation bug: after an empty object `{}` or empty array `[]`, goja forgets to restore the
 * indent, so every later nested object/array in the same parent is indented one `gap` deeper.
 * That is why k6's `summary-export.json` shows a group's checks indented 4 extra spaces after
 * `"groups": {}`. Keys are written in insertion order.
 */
export function gojaStringify(value: unknown, gap: number | string = ''): string {
  const g = typeof gap === 'number' ? ' '.repeat(Math.min(10, Math.max(0, gap))) : gap.slice(0, 10);
  let indent = '';
  let out = '';

  const str = (holder: unknown, key: string, input: unknown): boolean => {
    let v = input;
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
    }
    if (v === null) { out += 'null'; return true; }
    switch (typeof v) {
      case 'boolean': out += v ? 'true' : 'false'; return true;
      case 'number': out += Number.isFinite(v) ? String(v) : 'null'; return true;
      case 'string': out += JSON.stringify(v); return true;
      case 'bigint': throw new TypeError('Do not know how to serialize a BigInt');
      case 'object':
        if (Array.isArray(v)) ja(v);
        else jo(v as Record<string, unknown>);
        return true;
      default: return false; // undefined, function, symbol
    }
  };

  const ja = (arr: unknown[]): void => {
    const stepback = indent;
    if (g) indent += g;
    if (arr.length === 0) { out += '[]'; return; } // goja: indent not restored
    out += '[';
    let sep = ',';
    if (g) { out += `\n${indent}`; sep = `,\n${indent}`; }
    for (let i = 0; i < arr.length; i++) {
      if (!str(arr, String(i), arr[i])) out += 'null';
      if (i < arr.length - 1) out += sep;
    }
    if (g) { out += `\n${stepback}`; indent = stepback; }
    out += ']';
  };

  const jo = (obj: Record<string, unknown>): void => {
    const stepback = indent;
    if (g) indent += g;
    out += '{';
    const mark = out.length;
    let sep = ',';
    if (g) { out += `\n${indent}`; sep = `,\n${indent}`; }
    let empty = true;
    for (const k of Object.keys(obj)) {
      const off = out.length;
      if (!empty) out += sep;
      out += JSON.stringify(k) + (g ? ': ' : ':');
      if (str(obj, k, obj[k])) empty = false;
      else out = out.slice(0, off);
    }
    if (empty) out = out.slice(0, mark); // goja: indent not restored
    else if (g) { out += `\n${stepback}`; indent = stepback; }
    out += '}';
  };

  if (!str({ '': value }, '', value)) return undefined as unknown as string;
  return out;
}
