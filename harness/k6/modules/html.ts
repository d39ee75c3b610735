/**
 * `k6/html`: `parseHTML(src)` → k6's read-only Selection/Element API (implemented in ../html on
 * cheerio, shared with `Response.html()` of k6/http).
 */
import type { ModuleFactory } from '../types';
import { NodeType, parseHTML } from '../html';

export const htmlModule: ModuleFactory = () => {
  const exports = { parseHTML: (src: unknown) => parseHTML(src), NodeType };
  return { ...exports, default: exports };
};
