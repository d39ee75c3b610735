import { parseRfc3339 } from './go-format';
import type { MetricInfo, Sample, Tags } from './types';

/** One line of the k6 JSON stream, decoded. */
export type StreamRecord = { type: 'Metric'; metric: MetricInfo } | { type: 'Point'; sample: Sample };

/**
 * The one decoder of a k6 JSON stream line (the streaming reader and every test use it).
 * Returns undefined for a blank line, a line cut short by a killed engine, or an unknown type.
 *
 * Point lines in the exact shape k6 and the built-in engine write them take a fast path (see
 * `fastPoint`); anything else (Metric lines, other key orders, escapes, whitespace, metadata)
 * goes through `JSON.parse`, and both give the same record (decode-line.test.ts proves it over
 * recorded k6 streams and mutations of them).
 */
export function decodeLine(line: string): StreamRecord | undefined {
  return fastPoint(line, 0, line.length) ?? slowLine(line);
}

/**
 * Every line of `text` (separated by `\n`; the part after the last `\n` is a line too), decoded,
 * appended to `out`. With `only`, just the Point records of those metrics: a fast-path line of
 * another metric is dropped once its name is read, before its time and tags are parsed (what a
 * reader that counts a few metrics, such as the live stats line, would otherwise pay for every
 * line of the stream).
 */
export function decodeLines(text: string, out: StreamRecord[], only?: ReadonlySet<string>): void {
  let start = 0;
  for (;;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const fast = fastPoint(text, start, end, only);
      if (fast !== SKIPPED) {
        const r = fast ?? slowLine(text.slice(start, end));
        if (r !== undefined && (only === undefined || (r.type === 'Point' && only.has(r.sample.metric)))) out.push(r);
      }
    }
    if (end >= text.length) return;
    start = end + 1;
  }
}

/** The reference: `JSON.parse` and checks, what every line decoded on the fast path must equal (tests compare them). */
export function decodeLineSlow(line: string): StreamRecord | undefined {
  return slowLine(line);
}

/** The fast path alone: undefined where it declines (tests check that it takes k6's lines). */
export function decodePointFast(line: string): StreamRecord | undefined {
  return fastPoint(line, 0, line.length);
}

function slowLine(line: string): StreamRecord | undefined {
  if (line.trim() === '') return undefined;
  let obj: { type?: unknown; metric?: unknown; data?: Record<string, unknown> };
  try {
    obj = JSON.parse(line);
  } catch {
    return undefined;
  }
  const d = obj?.data;
  if (typeof obj?.metric !== 'string' || d === null || typeof d !== 'object') return undefined;
  if (obj.type === 'Metric') {
    // k6 writes every field; streams from other writers may omit some
    const m = d as Partial<MetricInfo>;
    if (typeof m.name !== 'string' || typeof m.type !== 'string') return undefined;
    return { type: 'Metric', metric: { ...m, name: m.name, type: m.type, contains: m.contains ?? 'default', thresholds: m.thresholds ?? [], submetrics: m.submetrics ?? null } };
  }
  if (obj.type !== 'Point' || typeof d.time !== 'string') return undefined;
  const time = pointTime(d.time);
  if (time === undefined) return undefined;
  const sample: Sample = { metric: obj.metric, time, value: d.value as number, tags: (d.tags as Tags | null) ?? {} };
  if (d.metadata) sample.metadata = d.metadata as Record<string, string>;
  return { type: 'Point', sample };
}

/** Engines stamp a request's samples (and a batch's) with one time: consecutive lines repeat it. */
let lastTimeText = '';
let lastTime: number | undefined;
function pointTime(text: string): number | undefined {
  if (text === lastTimeText) return lastTime;
  let t: number | undefined;
  try {
    t = parseRfc3339(text);
  } catch {
    const d = Date.parse(text);
    t = Number.isNaN(d) ? undefined : d;
  }
  lastTimeText = text;
  lastTime = t;
  return t;
}

/*
 * The fast path: the Point line exactly as k6 v0.48 `output/json` and our encoder write it,
 *
 *   {"metric":NAME,"type":"Point","data":{"time":"YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z","value":NUMBER,"tags":OBJECT}}
 *
 * read in place in the batch text (no line string, no JSON.parse of the line): NAME without a
 * backslash or control character, NUMBER matched against JSON's grammar, OBJECT the rest of the
 * line but its last two `}` and JSON.parse'd only the first time its text is seen. What is
 * accepted is valid JSON with exactly these keys, so JSON.parse would give the same record;
 * anything else returns undefined and takes the slow path. Engines repeat themselves, and each
 * part is checked against what it most likely is with one slice compared by `===` (a native
 * compare; startsWith and charCodeAt loops are several times slower): the line's head against
 * the metric that followed the last one, the time against the last time, the tags against the
 * last few tag sets.
 */
const HEAD = '{"metric":"';
const TYPE_POINT = '","type":"Point","data":{"time":"';
const VALUE = '","value":';
const TAGS = ',"tags":';
const BRACE_CLOSE = 0x7d; // }

/** From the time's closing quote: the value (JSON's number grammar) up to the tags' `{`. */
const VALUE_AND_TAGS = /","value":-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?,"tags":\{/y;

/** fastPoint's answer for a well-formed Point line of a metric outside `only`. */
const SKIPPED: unique symbol = Symbol('skipped');

function fastPoint(text: string, start: number, end: number): StreamRecord | undefined;
function fastPoint(text: string, start: number, end: number, only: ReadonlySet<string> | undefined): StreamRecord | typeof SKIPPED | undefined;
function fastPoint(text: string, start: number, end: number, only?: ReadonlySet<string>): StreamRecord | typeof SKIPPED | undefined {
  if (text.charCodeAt(end - 1) !== BRACE_CLOSE || text.charCodeAt(end - 2) !== BRACE_CLOSE) return undefined;
  const name = pointHead(text, start, end);
  if (name === undefined) return undefined;
  if (only !== undefined && !only.has(name.name)) return SKIPPED;
  const timeStart = start + name.head.length;
  const timeEnd = text.indexOf('"', timeStart);
  if (timeEnd < 0 || timeEnd >= end) return undefined;
  const time = fastTime(text, timeStart, timeEnd);
  if (time === undefined) return undefined;
  VALUE_AND_TAGS.lastIndex = timeEnd;
  if (!VALUE_AND_TAGS.test(text) || VALUE_AND_TAGS.lastIndex > end) return undefined;
  const tagsStart = VALUE_AND_TAGS.lastIndex - 1;
  const tags = internTags(text, tagsStart, end - 2);
  if (tags === undefined) return undefined;
  return { type: 'Point', sample: { metric: name.name, time, value: Number(text.slice(timeEnd + VALUE.length, tagsStart - TAGS.length)), tags } };
}

/**
 * Metric names by their raw text (a run has a few dozen), validated and copied once, with the
 * line's head up to the time (`{"metric":"<name>","type":"Point","data":{"time":"`). Engines
 * write a request's metrics in the same order every time, so the head of the name that followed
 * the last one is tried first: one compare checks the structure and names the metric.
 */
interface Name {
  name: string;
  head: string;
  next: Name | undefined;
}
const names = new Map<string, Name>();
let lastName: Name = { name: '', head: '\u0000', next: undefined };

function pointHead(text: string, start: number, end: number): Name | undefined {
  const guess = lastName.next;
  if (guess !== undefined && text.slice(start, start + guess.head.length) === guess.head) return (lastName = guess);
  if (text.slice(start, start + HEAD.length) !== HEAD) return undefined;
  const nameStart = start + HEAD.length;
  const nameEnd = text.indexOf('"', nameStart);
  if (nameEnd < 0 || nameEnd >= end || text.slice(nameEnd, nameEnd + TYPE_POINT.length) !== TYPE_POINT) return undefined;
  const raw = text.slice(nameStart, nameEnd);
  let n = names.get(raw);
  if (n === undefined) {
    if (raw.includes('\\')) return undefined; // escapes: the slow path decodes them
    let name: string;
    try {
      name = JSON.parse(`"${raw}"`) as string; // rejects control characters as JSON.parse would; a fresh copy
    } catch {
      return undefined;
    }
    if (names.size >= 10_000) names.clear();
    names.set(name, (n = { name, head: `${HEAD}${name}${TYPE_POINT}`, next: undefined }));
    void Number(n.head); // flattened once (ToNumber flattens a string in place in V8): compared on every line
  }
  lastName.next = n;
  lastName = n;
  return n;
}

/** The second the last times fell in: `YYYY-MM-DDTHH:MM:SS` and its epoch ms. */
let secText = '';
let secMs = NaN;
/** The last time text and its value: `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` only (what k6 writes); the same float as `parseRfc3339`. */
let lastText = '';
let lastMs = NaN;
function fastTime(text: string, start: number, end: number): number | undefined {
  const whole = text.slice(start, end);
  if (whole === lastText) return lastMs; // a request's samples share their time
  const ms = parseTime(text, start, end);
  if (ms !== undefined) {
    lastText = whole; // a slice: keeps one batch text alive, no more
    lastMs = ms;
  }
  return ms;
}

function parseTime(text: string, start: number, end: number): number | undefined {
  const len = end - start;
  if (len < 20 || len > 30 || len === 21 || text.charCodeAt(end - 1) !== 0x5a) return undefined; // Z
  const sec = text.slice(start, start + 19);
  if (sec !== secText) {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(sec)) return undefined;
    const ms = Date.parse(`${sec}Z`);
    if (Number.isNaN(ms)) return undefined;
    secText = sec;
    secMs = ms;
  }
  if (len === 20) return secMs;
  if (text.charCodeAt(start + 19) !== 0x2e) return undefined; // .
  let frac = 0;
  for (let i = start + 20; i < end - 1; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return undefined;
    frac = frac * 10 + d;
  }
  // as parseRfc3339: the fraction padded to ns (an exact integer), then / 1e6
  return secMs + (frac * POW10[30 - len]) / 1e6;
}
/** 10^(9 - digits) by the time text's length (21 + digits + 1 = 22..30 characters). */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/*
 * Tag sets by their text: a run has few distinct ones, so each is parsed once and every sample
 * with that text shares one frozen object (consumers may key caches by its identity). The last
 * few are compared in place (no hashing, no substring); the rest are looked up in a map.
 */
const tagSets = new Map<string, { text: string; tags: Tags }>();
const RECENT = 4;
const recent: Array<{ text: string; tags: Tags }> = Array.from({ length: RECENT }, () => ({ text: '', tags: {} }));
let recentNext = 0;

function internTags(text: string, start: number, end: number): Tags | undefined {
  if (text.charCodeAt(start) !== 0x7b) return undefined; // {
  const raw = text.slice(start, end);
  for (let i = 0; i < RECENT; i++) {
    const r = recent[i];
    if (r.text === raw) return r.tags;
  }
  let set = tagSets.get(raw);
  if (set === undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined; // e.g. `{...},"metadata":{...}`: the slow path
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    for (const k in parsed) if (typeof (parsed as Record<string, unknown>)[k] !== 'string') return undefined;
    // its own copy of the text: a slice would keep the whole batch text alive
    set = { text: Buffer.from(raw, 'utf8').toString('utf8'), tags: Object.freeze(parsed as Tags) };
    if (tagSets.size >= 50_000) tagSets.clear(); // unbounded tag values (e.g. a vu or iter tag)
    tagSets.set(set.text, set);
  }
  recent[recentNext] = set;
  recentNext = (recentNext + 1) % RECENT;
  return set.tags;
}
