// handleSummary that throws: the error is logged and the default summary is not printed.
export const options = { iterations: 1 };
export default function () {}
export function handleSummary() {
  throw new Error('summary boom');
}
