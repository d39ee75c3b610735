// ramping-vus whose startVUs and stage targets are all 0, with a negative stage duration.
export const options = { scenarios: { rvu: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '-1s', target: 0 }] } } };
export default function () {}
