// constant-vus without VUs or duration.
export const options = { scenarios: { cvu: { executor: 'constant-vus', vus: 0 } } };
export default function () {}
