import { InfraError } from '../../harness/errors';

/** Every control call gets a deadline: a hung Toxiproxy or runtime must not hang the experiment. */
export async function withTimeout<T>(what: string, ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new InfraError(`${what}: no answer within ${ms} ms`, { hint: 'is Toxiproxy / the target still running? `harness reap` resets leftovers' })), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
