// An unknown executor type.
export const options = { scenarios: { x: { executor: 'nope', vus: 1 } } };
export default function () {}
