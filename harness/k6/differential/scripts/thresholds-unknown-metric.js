// A threshold on a metric that does not exist.
export const options = { iterations: 1, thresholds: { no_such_metric: ['count>0'] } };
export default function () {}
