// constant-arrival-rate with a duration under 1s: k6 refuses it (exit 104) like constant-vus.
export const options = { scenarios: { car: { executor: 'constant-arrival-rate', rate: 10, duration: '500ms', preAllocatedVUs: 1 } } };
export default function () {}
