// constant-arrival-rate without rate, duration and preAllocatedVUs.
export const options = { scenarios: { car: { executor: 'constant-arrival-rate' } } };
export default function () {}
