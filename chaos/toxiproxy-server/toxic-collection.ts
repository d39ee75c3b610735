import { ApiErrors, ToxiproxyApiError } from './api-errors';
import { goField, goKind, isPlainObject } from './go-json';
import type { ToxicRegistry } from './toxics';

export type StreamName = 'upstream' | 'downstream';

/** A toxic as the API sees it; serialised in Toxiproxy's field order by `toxicJson`. */
export interface ToxicWrapper {
  readonly name: string;
  readonly type: string;
  /** As given by the client (Toxiproxy accepts any case); `direction` is the parsed value. */
  readonly stream: string;
  readonly direction: StreamName;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

export function toxicJson(t: ToxicWrapper) {
  return { attributes: t.attributes, name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity };
}

/** Something carrying bytes in one direction that must follow the chain as it changes. */
export interface ChainListener {
  readonly direction: StreamName;
  sync(chain: readonly ToxicWrapper[]): void;
}

function typeError(value: unknown, field: string, goType: string): ToxiproxyApiError {
  return ToxiproxyApiError.join(
    `json: cannot unmarshal ${goKind(value)} into Go struct field ${field} of type ${goType}`,
    ApiErrors.BadRequestBody,
  );
}

/** Toxiproxy 2.4's Go struct per toxic type and its fields that are `int` rather than `int64`. */
const GO_TOXICS: Record<string, { struct: string; ints?: readonly string[] }> = {
  latency: { struct: 'LatencyToxic' },
  timeout: { struct: 'TimeoutToxic' },
  bandwidth: { struct: 'BandwidthToxic' },
  slow_close: { struct: 'SlowCloseToxic' },
  reset_peer: { struct: 'ResetToxic' },
  slicer: { struct: 'SlicerToxic', ints: ['average_size', 'size_variation', 'delay'] },
  limit_data: { struct: 'LimitDataToxic' },
};

function readAttributes(
  type: string,
  base: Readonly<Record<string, number>>,
  raw: unknown,
): Record<string, number> {
  const attrs = { ...base };
  if (raw === undefined || raw === null) return attrs;
  const go = GO_TOXICS[type] ?? { struct: 'NoopToxic' };
  if (!isPlainObject(raw)) throw typeError(raw, '.attributes', `toxics.${go.struct}`);
  for (const key of Object.keys(base)) {
    const v = goField(raw, key);
    if (v === undefined || v === null) continue;
    const goInt = go.ints?.includes(key) ? 'int' : 'int64';
    if (typeof v !== 'number') throw typeError(v, `${go.struct}.attributes.${key}`, goInt);
    if (!Number.isInteger(v)) {
      throw ToxiproxyApiError.join(
        `json: cannot unmarshal number ${v} into Go struct field ${go.struct}.attributes.${key} of type ${goInt}`,
        ApiErrors.BadRequestBody,
      );
    }
    attrs[key] = v;
  }
  return attrs;
}

function parseDirection(stream: string): StreamName | undefined {
  const s = stream.toLowerCase();
  return s === 'upstream' || s === 'downstream' ? s : undefined;
}

/**
 * The toxics of one proxy, one ordered chain per direction (like Toxiproxy's ToxicCollection).
 * Every change is pushed to the live links of that direction so existing connections feel it.
 */
export class ToxicCollection {
  #chains: Record<StreamName, ToxicWrapper[]> = { upstream: [], downstream: [] };
  #links = new Set<ChainListener>();

  constructor(private readonly registry: ToxicRegistry) {}

  /** Upstream first, then downstream, each in insertion order (as Toxiproxy lists them). */
  list(): ToxicWrapper[] {
    return [...this.#chains.upstream, ...this.#chains.downstream];
  }

  chain(direction: StreamName): readonly ToxicWrapper[] {
    return this.#chains[direction];
  }

  get(name: string): ToxicWrapper | undefined {
    return this.list().find((t) => t.name === name);
  }

  attach(link: ChainListener): () => void {
    this.#links.add(link);
    link.sync(this.#chains[link.direction]);
    return () => this.#links.delete(link);
  }

  /** `POST /proxies/{proxy}/toxics` with its decoded JSON body. */
  add(body: unknown): ToxicWrapper {
    if (body === null) body = {}; // Go decodes `null` into a struct as a no-op
    if (!isPlainObject(body)) {
      throw ToxiproxyApiError.join(
        `json: cannot unmarshal ${goKind(body)} into Go value of type toxics.ToxicWrapper`,
        ApiErrors.BadRequestBody,
      );
    }
    const str = (key: string, def: string): string => {
      const v = goField(body, key);
      if (v === undefined || v === null) return def;
      if (typeof v !== 'string') throw typeError(v, `ToxicWrapper.${key}`, 'string');
      return v;
    };
    const name = str('name', '');
    const type = str('type', '');
    const stream = str('stream', 'downstream');
    const tox = goField(body, 'toxicity');
    if (tox !== undefined && tox !== null && typeof tox !== 'number') throw typeError(tox, 'ToxicWrapper.toxicity', 'float32');
    // The first decoding pass reads attributes into a NoopToxic (any object fits).
    const rawAttributes = goField(body, 'attributes');
    if (rawAttributes !== undefined && rawAttributes !== null && !isPlainObject(rawAttributes)) {
      throw typeError(rawAttributes, 'ToxicWrapper.attributes', 'toxics.NoopToxic');
    }
    const direction = parseDirection(stream);
    if (!direction) throw ApiErrors.InvalidStream;
    const toxicType = this.registry.get(type);
    if (!toxicType) throw ApiErrors.InvalidToxicType;
    const finalName = name || `${type}_${stream}`;
    if (this.get(finalName)) throw ApiErrors.ToxicAlreadyExists;
    const wrapper: ToxicWrapper = {
      name: finalName,
      type,
      stream,
      direction,
      toxicity: typeof tox === 'number' ? tox : 1,
      attributes: readAttributes(type, toxicType.defaults, goField(body, 'attributes')),
    };
    this.#chains[direction] = [...this.#chains[direction], wrapper];
    this.#notify(direction);
    return wrapper;
  }

  /** `POST /proxies/{proxy}/toxics/{toxic}` (2.4 has no PATCH): merges attributes, may change toxicity. */
  update(name: string, body: unknown): ToxicWrapper {
    const old = this.get(name);
    if (!old) throw ApiErrors.ToxicNotFound;
    if (body === null) body = {};
    if (!isPlainObject(body)) {
      throw ToxiproxyApiError.join(`json: cannot unmarshal ${goKind(body)} into Go value of type struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }`, ApiErrors.BadRequestBody);
    }
    const tox = goField(body, 'toxicity');
    if (tox !== undefined && tox !== null && typeof tox !== 'number') throw typeError(tox, '.toxicity', 'float32');
    const updated: ToxicWrapper = {
      ...old,
      toxicity: typeof tox === 'number' ? tox : old.toxicity,
      attributes: readAttributes(old.type, old.attributes, goField(body, 'attributes')),
    };
    this.#chains[old.direction] = this.#chains[old.direction].map((t) => (t === old ? updated : t));
    this.#notify(old.direction);
    return updated;
  }

  remove(name: string): void {
    const old = this.get(name);
    if (!old) throw ApiErrors.ToxicNotFound;
    this.#chains[old.direction] = this.#chains[old.direction].filter((t) => t !== old);
    this.#notify(old.direction);
  }

  reset(): void {
    this.#chains = { upstream: [], downstream: [] };
    this.#notify('upstream');
    this.#notify('downstream');
  }

  #notify(direction: StreamName): void {
    for (const link of this.#links) if (link.direction === direction) link.sync(this.#chains[direction]);
  }
}
