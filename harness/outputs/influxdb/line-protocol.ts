/**
 * InfluxDB line protocol, the format of every write, of the spool and of `harness push`:
 *
 *   measurement,tag1=a,tag2=b field1=1.5,field2=3i 1732945200000000000
 *
 * Tags are sorted by key (one series identity for the same tag set, and what InfluxDB prefers);
 * empty tag values are left out (InfluxDB rejects them); non-finite numbers are left out (the
 * protocol has no NaN). Timestamps are nanoseconds, written as digit strings (beyond 2^53).
 */
export type FieldValue = number | { int: number } | string;

const escMeasurement = (s: string) => s.replace(/[\\, ]/g, (c) => `\\${c}`);
const escKey = (s: string) => s.replace(/[\\,= ]/g, (c) => `\\${c}`);
const escString = (s: string) => s.replace(/[\\"]/g, (c) => `\\${c}`);

/** One line; undefined when no field is writable (every value non-finite). */
export function encodeLine(measurement: string, tags: Readonly<Record<string, string>>, fields: Readonly<Record<string, FieldValue>>, timeNs: string): string | undefined {
  const f = encodeFields(fields);
  return f === undefined ? undefined : `${escapeMeasurement(measurement)}${encodeTags(tags)} ${f} ${timeNs}`;
}

/** `,k1=v1,k2=v2`: sorted by key, escaped, empty values left out (the series part of a line). Flat (see `flat`). */
export function encodeTags(tags: Readonly<Record<string, string>>): string {
  let out = '';
  for (const k of Object.keys(tags).sort()) {
    const v = tags[k];
    if (v === undefined || v === '') continue;
    out += `,${escKey(k)}=${escKey(v)}`;
  }
  return flat(out);
}

/**
 * A flat copy of a string built by concatenation, for strings cached and copied into many lines
 * (encoded tags, fields): V8 keeps `a + b` as a tree and walks it on every copy; flattened once,
 * a copy is a plain memcpy (measured: joining a batch of raw points 1.6x faster).
 */
export function flat(s: string): string {
  void Number(s); // ToNumber flattens a string in place in V8 (the trick of the flatstr package)
  return s;
}

/** `f1=1.5,f2=3i,f3="x"`, or undefined when no value is writable. */
export function encodeFields(fields: Readonly<Record<string, FieldValue>>): string | undefined {
  let line = '';
  for (const [k, v] of Object.entries(fields)) {
    let text: string;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) continue;
      text = String(v);
    } else if (typeof v === 'string') text = `"${escString(v)}"`;
    else {
      if (!Number.isFinite(v.int)) continue;
      text = `${Math.trunc(v.int)}i`;
    }
    line += `${line ? ',' : ''}${escKey(k)}=${text}`;
  }
  return line || undefined;
}

const measurements = new Map<string, string>();
/** Escaped measurement name (cached: a run has a few dozen metric names). */
export function escapeMeasurement(name: string): string {
  let e = measurements.get(name);
  if (e === undefined) {
    e = flat(escMeasurement(name));
    if (measurements.size < 10_000) measurements.set(name, e);
  }
  return e;
}

/** A string field value, quoted and escaped. */
export function stringField(v: string): string {
  return flat(`"${escString(v)}"`);
}

/**
 * Epoch milliseconds (a float with sub-ms digits, as the k6 JSON stream is decoded) to
 * nanoseconds, at microsecond resolution: a double near 1.7e12 ms holds about 0.2 µs, so the
 * µs digits are exact and the same sample always gets the same timestamp (idempotent replays).
 */
export function msToNs(ms: number): string {
  return `${Math.round(ms * 1000)}000`;
}

/** Whole seconds to nanoseconds. */
export function secondsToNs(s: number): string {
  return `${s}000000000`;
}
