// ramping-arrival-rate with timeUnit 0: k6 v0.48 accepts it, then panics (division by zero).
export const options = { scenarios: { rar: { executor: 'ramping-arrival-rate', timeUnit: '0s', preAllocatedVUs: 1, stages: [{ duration: '1s', target: 1 }] } } };
export default function () {}
