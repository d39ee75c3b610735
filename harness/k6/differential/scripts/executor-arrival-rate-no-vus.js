// constant-arrival-rate with preAllocatedVUs 0 and no maxVUs: k6 accepts it and runs nothing (exit 0).
export const options = { scenarios: { car: { executor: 'constant-arrival-rate', rate: 2, duration: '1s', preAllocatedVUs: 0 } } };
export default function () {}
