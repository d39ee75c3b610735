// ramping-arrival-rate: negative startRate, timeUnit, stage duration and target; maxVUs below preAllocatedVUs.
export const options = {
  scenarios: { rar: { executor: 'ramping-arrival-rate', startRate: -1, timeUnit: '-1s', preAllocatedVUs: 1, maxVUs: 0, stages: [{ duration: '-1s', target: -1 }] } },
};
export default function () {}
