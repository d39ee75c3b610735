/**
 * k6/html's DOM: `parseHTML(src)` → a read-only, jQuery-like Selection (k6 v0.48's API) on cheerio.
 *
 * Where k6 v0.48 surprises, it is matched (checked side by side with the real binary):
 * - `eq(-1)` / `get(-1)` count from the end; a Selection has no `length` (use `size()`).
 * - `data()` parses JSON values (`data-n="1.5"` → 1.5) and camel-cases keys with `ID` for a
 *   trailing `-id` segment (`data-user-id` → `userID`); `data('user-id')` and `data('userId')` both read it.
 * - forms: `serializeArray()` takes `input, select, textarea` with a name, not submit/button/
 *   image/reset/file, a checkbox or radio only when its `checked` attribute has a non-empty value;
 *   disabled fields are kept. `serialize()` is Go's `url.Values.Encode`: keys sorted, the last value
 *   of a repeated name only. A `select` without a selected option has the value "".
 * - `Element.toString()` is the href for `a`/`area`, `[object html.Node]` otherwise.
 * Callbacks (`each`, `map`, `filter`, `is`, `not`) may be async after the runtime's transform:
 * they are awaited in order and the method then returns a Promise (the transform awaits it).
 */
import { createRequire } from 'node:module';
import type * as cheerio from 'cheerio';
import type { AnyNode, Element as DomElement } from 'domhandler';

type Cheerio = cheerio.Cheerio<AnyNode>;

/** cheerio is loaded on first use (a script that parses no HTML does not pay for it). */
let cheerioLib: typeof cheerio | undefined;
const lib = (): typeof cheerio => (cheerioLib ??= createRequire(import.meta.url)('cheerio') as typeof cheerio);
type Fn = (...a: unknown[]) => unknown;

const isThenable = (v: unknown): v is Promise<unknown> => v !== null && typeof v === 'object' && typeof (v as Promise<unknown>).then === 'function';

/** Calls `fn(i)` for i in [0, n) in order; synchronous until a call returns a promise. */
function sequence(n: number, fn: (i: number) => unknown, done: (results: unknown[]) => unknown): unknown {
  const results: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const r = fn(i);
    if (isThenable(r)) {
      return (async () => {
        results.push(await r);
        for (let j = i + 1; j < n; j++) results.push(await fn(j));
        return done(results);
      })();
    }
    results.push(r);
  }
  return done(results);
}

/** Go-style QueryEscape (space → +), as `url.Values.Encode` writes. */
const queryEscape = (s: string) => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** `data-user-id` → `userID` (k6's camel-casing), `data-api-key` → `apiKey`. */
function dataKey(attr: string): string {
  return attr
    .split('-')
    .map((p, i) => (i === 0 ? p : p === 'id' ? 'ID' : p.charAt(0).toUpperCase() + p.slice(1)))
    .join('');
}

function parseData(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)) return Number(v);
  if (/^[[{]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

/** Hides the host-side fields from the script (`JSON.stringify(sel)` is `{"url":""}` in k6). */
function hide(o: object, ...keys: string[]): void {
  for (const k of keys) Object.defineProperty(o, k, { enumerable: false });
}

export class Selection {
  /** The document's URL (`res.html()`: the response URL; `parseHTML`: ""). */
  readonly url: string;
  constructor(
    /** @internal */ readonly $: cheerio.CheerioAPI,
    /** @internal */ readonly sel: Cheerio,
    url = '',
  ) {
    this.url = url;
    hide(this, '$', 'sel');
  }

  private wrap(c: Cheerio): Selection {
    return new Selection(this.$, c, this.url);
  }

  private nodes(): AnyNode[] {
    return this.sel.toArray();
  }

  attr(name: unknown): string | undefined {
    return this.sel.attr(String(name));
  }
  children(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.children() : this.sel.children(String(selector)));
  }
  closest(selector: unknown): Selection {
    return this.wrap(this.sel.closest(String(selector)));
  }
  contents(): Selection {
    return this.wrap(this.sel.contents());
  }
  data(key?: unknown): unknown {
    const el = this.nodes().find((n) => n.type === 'tag') as DomElement | undefined;
    if (!el) return undefined;
    const all: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(el.attribs)) if (k.startsWith('data-')) all[dataKey(k.slice(5))] = parseData(v);
    if (key === undefined) return all;
    const k = String(key);
    return all[k.includes('-') ? dataKey(k) : k] ?? all[k.replace(/Id$/, 'ID')];
  }
  each(fn: unknown): unknown {
    const els = this.nodes();
    return sequence(els.length, (i) => (fn as Fn)(i, newElement(this.$, els[i])), () => this);
  }
  eq(index: unknown): Selection {
    return this.wrap(this.sel.eq(Number(index)));
  }
  filter(selector: unknown): unknown {
    if (typeof selector === 'function') {
      const els = this.nodes();
      return sequence(els.length, (i) => selector(i, newElement(this.$, els[i])), (keep) => this.wrap(this.$(els.filter((_, i) => keep[i]))));
    }
    if (selector instanceof Selection) return this.wrap(this.sel.filter(selector.sel));
    return this.wrap(this.sel.filter(String(selector)));
  }
  find(selector: unknown): Selection {
    return this.wrap(this.sel.find(String(selector)));
  }
  first(): Selection {
    return this.wrap(this.sel.first());
  }
  get(index: unknown): Element | undefined {
    const els = this.nodes();
    let i = Number(index);
    if (i < 0) i += els.length;
    return els[i] ? newElement(this.$, els[i]) : undefined;
  }
  has(selector: unknown): Selection {
    return this.wrap(this.sel.has(String(selector)));
  }
  html(): string | undefined {
    return this.sel.html() ?? '';
  }
  is(selector: unknown): unknown {
    if (typeof selector === 'function') {
      const els = this.nodes();
      return sequence(els.length, (i) => selector(i, newElement(this.$, els[i])), (r) => r.some(Boolean));
    }
    if (selector instanceof Selection) return this.sel.is(selector.sel);
    return this.sel.is(String(selector));
  }
  last(): Selection {
    return this.wrap(this.sel.last());
  }
  map(fn: unknown): unknown {
    const els = this.nodes();
    return sequence(els.length, (i) => (fn as Fn)(i, this.wrap(this.$(els[i]))), (r) => r);
  }
  next(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.next() : this.sel.next(String(selector)));
  }
  nextAll(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.nextAll() : this.sel.nextAll(String(selector)));
  }
  nextUntil(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.nextUntil() : this.sel.nextUntil(String(selector)));
  }
  not(selector: unknown): unknown {
    if (typeof selector === 'function') {
      const els = this.nodes();
      return sequence(els.length, (i) => selector(i, newElement(this.$, els[i])), (drop) => this.wrap(this.$(els.filter((_, i) => !drop[i]))));
    }
    return this.wrap(this.sel.not(String(selector)));
  }
  parent(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.parent() : this.sel.parent(String(selector)));
  }
  parents(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.parents() : this.sel.parents(String(selector)));
  }
  parentsUntil(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.parentsUntil() : this.sel.parentsUntil(String(selector)));
  }
  prev(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.prev() : this.sel.prev(String(selector)));
  }
  prevAll(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.prevAll() : this.sel.prevAll(String(selector)));
  }
  prevUntil(selector?: unknown): Selection {
    return this.wrap(selector === undefined ? this.sel.prevUntil() : this.sel.prevUntil(String(selector)));
  }
  serialize(): string {
    const values = new Map<string, string[]>();
    for (const { name, value } of this.serializeArray()) values.set(name, Array.isArray(value) ? value : [value]);
    return [...values.keys()]
      .sort()
      .flatMap((k) => values.get(k)!.map((v) => `${queryEscape(k)}=${queryEscape(v)}`))
      .join('&');
  }
  serializeArray(): { name: string; value: string | string[] }[] {
    const fields = this.sel.find('input,select,textarea').add(this.sel.filter('input,select,textarea')).toArray() as DomElement[];
    const out: { name: string; value: string | string[] }[] = [];
    for (const el of fields) {
      const name = el.attribs.name;
      if (!name) continue;
      const type = (el.attribs.type ?? '').toLowerCase();
      if (['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && !el.attribs.checked) continue;
      out.push({ name, value: fieldValue(this.$, el) });
    }
    return out;
  }
  serializeObject(): Record<string, string | string[]> {
    const o: Record<string, string | string[]> = {};
    for (const { name, value } of this.serializeArray()) o[name] = value;
    return o;
  }
  size(): number {
    return this.sel.length;
  }
  slice(start: unknown, end?: unknown): Selection {
    return this.wrap(end === undefined ? this.sel.slice(Number(start)) : this.sel.slice(Number(start), Number(end)));
  }
  text(): string {
    return this.sel.text();
  }
  toArray(): Selection[] {
    return this.nodes().map((n) => this.wrap(this.$(n)));
  }
  val(): string | string[] | undefined {
    const el = this.nodes()[0];
    if (!el || el.type !== 'tag') return undefined;
    return fieldValue(this.$, el as DomElement);
  }
}

/** The value a form field submits (a multiple select: every selected option). */
function fieldValue($: cheerio.CheerioAPI, el: DomElement): string | string[] {
  const tag = el.name.toLowerCase();
  if (tag === 'select') {
    const selected = $(el).find('option').toArray().filter((o) => (o as DomElement).attribs.selected !== undefined) as DomElement[];
    const values = selected.map((o) => o.attribs.value ?? $(o).text());
    return el.attribs.multiple !== undefined ? values : (values[0] ?? '');
  }
  if (tag === 'textarea') return $(el).text();
  return el.attribs.value ?? '';
}

const NODE_NAMES: Record<string, string> = { text: '#text', comment: '#comment', root: '#document', directive: '#doctype', cdata: '#cdata-section' };

/** A DOM node as k6's Element: every property is a method (`el.id()`, `el.nodeName()`). */
export class Element {
  constructor(
    /** @internal */ readonly $: cheerio.CheerioAPI,
    /** @internal */ readonly node: AnyNode,
  ) {
    hide(this, '$', 'node');
  }

  private get el(): DomElement | undefined {
    return this.node.type === 'tag' || this.node.type === 'script' || this.node.type === 'style' ? (this.node as DomElement) : undefined;
  }
  private wrapAll(ns: AnyNode[]): Element[] {
    return ns.map((n) => newElement(this.$, n));
  }
  private wrapOne(n: AnyNode | null | undefined): Element | undefined {
    return n ? newElement(this.$, n) : undefined;
  }

  attributes(): Record<string, { name: string; value: string; ownerElement: Element; localName(): string; namespaceURI(): string; prefix(): string }> {
    const out: ReturnType<Element['attributes']> = {};
    for (const [name, value] of Object.entries(this.el?.attribs ?? {})) out[name] = attribute(this, name, value);
    return out;
  }
  childElementCount(): number {
    return this.children().length;
  }
  childNodes(): Element[] {
    return this.wrapAll(((this.node as DomElement).children ?? []) as AnyNode[]);
  }
  children(): Element[] {
    return this.wrapAll((((this.node as DomElement).children ?? []) as AnyNode[]).filter((n) => n.type === 'tag' || n.type === 'script' || n.type === 'style'));
  }
  classList(): string[] {
    return (this.el?.attribs.class ?? '').split(/\s+/).filter(Boolean);
  }
  className(): string | undefined {
    return this.el?.attribs.class;
  }
  contains(other: unknown): boolean {
    return other instanceof Element && lib().contains(this.node as DomElement, other.node);
  }
  firstChild(): Element | undefined {
    return this.childNodes()[0];
  }
  firstElementChild(): Element | undefined {
    return this.children()[0];
  }
  getAttribute(name: unknown): string | undefined {
    return this.el?.attribs[String(name).toLowerCase()];
  }
  getAttributeNode(name: unknown): ReturnType<Element['attributes']>[string] | undefined {
    const v = this.getAttribute(name);
    return v === undefined ? undefined : attribute(this, String(name).toLowerCase(), v);
  }
  getElementsByClassName(name: unknown): Element[] {
    return this.querySelectorAll('.' + String(name).trim().split(/\s+/).join('.'));
  }
  getElementsByTagName(name: unknown): Element[] {
    return this.querySelectorAll(String(name));
  }
  hasAttribute(name: unknown): boolean {
    return this.getAttribute(name) !== undefined;
  }
  hasAttributes(): boolean {
    return Object.keys(this.el?.attribs ?? {}).length > 0;
  }
  hasChildNodes(): boolean {
    return this.childNodes().length > 0;
  }
  id(): string {
    return this.el?.attribs.id ?? '';
  }
  innerHTML(): string | undefined {
    return this.$(this.node).html() ?? undefined;
  }
  isDefaultNamespace(): boolean {
    return true;
  }
  isEqualNode(other: unknown): boolean {
    return other instanceof Element && this.$.html(other.node) === this.$.html(this.node);
  }
  isSameNode(other: unknown): boolean {
    return other instanceof Element && other.node === this.node;
  }
  lang(): string | undefined {
    return this.$(this.node).closest('[lang]').attr('lang');
  }
  lastChild(): Element | undefined {
    return this.childNodes().at(-1);
  }
  lastElementChild(): Element | undefined {
    return this.children().at(-1);
  }
  matches(selector: unknown): boolean {
    return this.$(this.node).is(String(selector));
  }
  namespaceURI(): string {
    return 'http://www.w3.org/1999/xhtml';
  }
  nextElementSibling(): Element | undefined {
    return this.wrapOne(this.$(this.node).next()[0]);
  }
  nextSibling(): Element | undefined {
    return this.wrapOne(this.node.next);
  }
  nodeName(): string {
    return this.el ? this.el.name.toLowerCase() : (NODE_NAMES[this.node.type] ?? this.node.type);
  }
  nodeType(): number | undefined {
    return this.node.nodeType;
  }
  nodeValue(): string | undefined {
    return 'data' in this.node ? String(this.node.data) : undefined;
  }
  ownerDocument(): Element | undefined {
    let n: AnyNode = this.node;
    while (n.parent) n = n.parent;
    return n === this.node ? undefined : newElement(this.$, n);
  }
  parentElement(): Element | undefined {
    const p = this.node.parent;
    return p && p.type !== 'root' ? newElement(this.$, p) : undefined;
  }
  parentNode(): Element | undefined {
    return this.wrapOne(this.node.parent);
  }
  previousElementSibling(): Element | undefined {
    return this.wrapOne(this.$(this.node).prev()[0]);
  }
  previousSibling(): Element | undefined {
    return this.wrapOne(this.node.prev);
  }
  /** k6 v0.48 returns the whole matched set's text here (`querySelector('li').textContent()` is every li's). */
  querySelector(selector: unknown): Element | undefined {
    const found = this.$(this.node).find(String(selector));
    return found.length ? new QueryResult(this.$, found) : undefined;
  }
  querySelectorAll(selector: unknown): Element[] {
    return this.wrapAll(this.$(this.node).find(String(selector)).toArray());
  }
  textContent(): string {
    return this.$(this.node).text();
  }
  toString(): string {
    return '[object html.Node]';
  }
}

/** What k6's `querySelector` returns: the first element, but `textContent()` of every match. */
class QueryResult extends Element {
  constructor($: cheerio.CheerioAPI, private readonly all: Cheerio) {
    super($, all[0]);
    hide(this, 'all');
  }
  override textContent(): string {
    return this.all.text();
  }
}

function attribute(owner: Element, name: string, value: string) {
  const [prefix, local] = name.includes(':') ? name.split(':', 2) : ['', name];
  return { name, value, ownerElement: owner, localName: () => local, namespaceURI: () => '', prefix: () => prefix };
}

/** `a` / `area`: the URL parts of `href` (relative hrefs have empty host parts, as in k6). */
class HrefElement extends Element {
  private url(): URL | null {
    try {
      return new URL(this.getAttribute('href') ?? '');
    } catch {
      return null;
    }
  }
  href(): string {
    return this.getAttribute('href') ?? '';
  }
  hash(): string {
    return this.url()?.hash ?? '';
  }
  host(): string {
    return this.url()?.host ?? '';
  }
  hostname(): string {
    return this.url()?.hostname ?? '';
  }
  origin(): string {
    return this.url()?.origin ?? '';
  }
  password(): string {
    return this.url()?.password ?? '';
  }
  pathname(): string {
    const u = this.url();
    return u ? u.pathname : (this.getAttribute('href') ?? '').split(/[?#]/)[0];
  }
  port(): string {
    return this.url()?.port ?? '';
  }
  /** `http`, without the colon (k6 v0.48). */
  protocol(): string {
    return (this.url()?.protocol ?? '').replace(/:$/, '');
  }
  search(): string {
    return this.url()?.search ?? '';
  }
  username(): string {
    return this.url()?.username ?? '';
  }
  rel(): string {
    return this.getAttribute('rel') ?? '';
  }
  target(): string {
    return this.getAttribute('target') ?? '';
  }
  text(): string {
    return this.textContent();
  }
  override toString(): string {
    return this.href();
  }
}

/** input, select, textarea, button, option: the form-field accessors k6 scripts use. */
class FormFieldElement extends Element {
  name(): string {
    return this.getAttribute('name') ?? '';
  }
  type(): string {
    const t = this.getAttribute('type');
    return t ?? (this.nodeName() === 'button' ? 'submit' : this.nodeName() === 'input' ? 'text' : this.nodeName());
  }
  /** The `value` attribute (k6 v0.48: a textarea's `value()` is "" while `val()` is its text). */
  value(): string | string[] {
    if (this.nodeName() === 'select') return fieldValue(this.$, this.node as DomElement);
    if (this.nodeName() === 'option') return this.getAttribute('value') ?? this.textContent();
    return this.getAttribute('value') ?? '';
  }
  checked(): boolean {
    return this.hasAttribute('checked');
  }
  disabled(): boolean {
    return this.hasAttribute('disabled');
  }
  selected(): boolean {
    return this.hasAttribute('selected');
  }
  multiple(): boolean {
    return this.hasAttribute('multiple');
  }
  required(): boolean {
    return this.hasAttribute('required');
  }
  options(): Element[] {
    return this.querySelectorAll('option');
  }
  selectedIndex(): number {
    return this.options().findIndex((o) => o.hasAttribute('selected'));
  }
  selectedOptions(): Element[] {
    return this.options().filter((o) => o.hasAttribute('selected'));
  }
  label(): string {
    return this.getAttribute('label') ?? this.textContent();
  }
}

function newElement($: cheerio.CheerioAPI, node: AnyNode): Element {
  if (node.type === 'tag') {
    const name = (node as DomElement).name.toLowerCase();
    if (name === 'a' || name === 'area') return new HrefElement($, node);
    if (name === 'input' || name === 'select' || name === 'textarea' || name === 'button' || name === 'option') return new FormFieldElement($, node);
  }
  return new Element($, node);
}

export function parseHTML(src: unknown, url = ''): Selection {
  const $ = lib().load(String(src ?? ''));
  return new Selection($, $.root(), url);
}

export const NodeType = { ElementNode: 1, TextNode: 3, CommentNode: 8, DocumentNode: 9, DoctypeNode: 10 } as const;
