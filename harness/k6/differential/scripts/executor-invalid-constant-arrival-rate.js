// Every rule of constant-arrival-rate and the base config broken at once: k6's one line, its order.
export const options = {
  scenarios: { car: { executor: 'constant-arrival-rate', rate: 0, timeUnit: '0s', duration: '0.5s', preAllocatedVUs: 2, maxVUs: 1, gracefulStop: '-1s', startTime: '-1s' } },
};
export default function () {}
