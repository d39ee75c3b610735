import http from 'k6/http';

export const options = {
  scenarios: {
    ingest: { executor: 'constant-arrival-rate', rate: 0, duration: 'soon' },
    other: { executor: 'constant-vus-typo', vus: 1 },
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/health`);
}
