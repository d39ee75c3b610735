/** Tiny DOM builder: text is always set as text (tag values such as endpoint names are never HTML). */
export function h(tag: string, attrs: Record<string, string> = {}, children: Node | string | Array<Node | string> = []): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of Array.isArray(children) ? children : [children]) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

export function fmtNum(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function fmtPct(r: number): string {
  return `${(r * 100).toFixed(r > 0 && r < 0.001 ? 3 : 2)}%`;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)}m${((ms % 60_000) / 1000).toFixed(0)}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)}ms`;
}

/** A threshold's observed value: as is, up to 4 decimals. */
export function fmtValue(v: number): string {
  return String(Math.round(v * 10_000) / 10_000);
}

