import type { VU } from '../types';
import type { ScenarioVU } from '../executors/types';

/** A VU in the buffer with its iteration counters (per scenario for `__ITER`, and per instance). */
export class BufferedVU implements ScenarioVU {
  readonly iterationsInScenario = new Map<string, number>();
  iterationInInstance = 0;
  constructor(
    readonly id: number,
    readonly vu: VU,
    /** `exec.vu.idInTest`: the id among every instance's VUs (the segment's striped VU number). */
    readonly idInTest: number = id,
  ) {}
}

/**
 * Initialised VUs shared by every scenario (k6's VU buffer). Ids are 1-based in initialisation
 * order. Scenarios take VUs with `get()` and give them back with `put()`, so scenarios that do not
 * overlap reuse the same VUs.
 */
export class VUBuffer {
  private readonly idle: BufferedVU[] = [];
  private readonly all: BufferedVU[] = [];
  private nextId = 1;
  constructor(
    private readonly factory: (id: number) => Promise<VU>,
    private readonly onInitialized: (count: number) => void = () => {},
    /** Called once per new VU, in id order: its test-wide id (the identity without segments). */
    private readonly nextIdInTest: (id: number) => number = (id) => id,
  ) {}

  get initialized(): number {
    return this.all.length;
  }

  /** Initialises `n` VUs, `concurrency` at a time; rejects with the first init error. */
  async init(n: number, concurrency = 8, signal?: AbortSignal): Promise<void> {
    let left = n;
    const worker = async () => {
      while (left > 0 && !signal?.aborted) {
        left--;
        this.idle.push(await this.create());
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
    // keep ids in order for get(): lowest id first
    this.idle.sort((a, b) => b.id - a.id);
  }

  private async create(): Promise<BufferedVU> {
    const id = this.nextId++;
    const idInTest = this.nextIdInTest(id);
    const vu = new BufferedVU(id, await this.factory(id), idInTest);
    this.all.push(vu);
    this.onInitialized(this.all.length);
    return vu;
  }

  /** An idle VU (lowest id first), or a newly initialised one. */
  async get(): Promise<BufferedVU> {
    return this.idle.pop() ?? (await this.create());
  }

  /** Always initialises a new VU (arrival-rate executors beyond preAllocatedVUs). */
  async getNew(): Promise<BufferedVU> {
    return this.create();
  }

  put(vu: BufferedVU): void {
    this.idle.push(vu);
    this.idle.sort((a, b) => b.id - a.id);
  }

  async disposeAll(): Promise<void> {
    await Promise.allSettled(this.all.map((v) => v.vu.dispose()));
  }
}
