// per-vu-iterations: no VUs, no iterations, maxDuration under 1s.
export const options = { scenarios: { pvi: { executor: 'per-vu-iterations', vus: 0, iterations: 0, maxDuration: '100ms' } } };
export default function () {}
