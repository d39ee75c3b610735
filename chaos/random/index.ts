export { SeededRng, randomSeed } from './seeded-rng';
export type { Rng } from './seeded-rng';
