// shared-iterations: fewer iterations than VUs (0), maxDuration under 1s.
export const options = { scenarios: { si: { executor: 'shared-iterations', vus: 2, iterations: 0, maxDuration: '10ms' } } };
export default function () {}
