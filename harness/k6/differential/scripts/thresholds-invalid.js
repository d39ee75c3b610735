// An invalid threshold expression: exit 104 (k6's invalid-config code).
export const options = { iterations: 1, thresholds: { http_req_duration: ['p(95)<abc'] } };
export default function () {}
