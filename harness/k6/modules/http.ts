/**
 * `k6/http` for the builtin engine: a ModuleFactory instantiated once per VU realm. Request
 * functions return Promises (the runtime's transform awaits them, so scripts see k6's synchronous
 * API); `asyncRequest` returns its Promise to the script, as in k6. The work is done by `http/k6-http.ts`; per-VU state (client, cookie jar, response
 * callback) lives in `vu.slots` under 'k6/http' (a K6Http with `close()` for VU disposal).
 */
import type { ModuleFactory, VUState } from '../types';
import { keepRunAlive } from './pending';
import { CookieJar, ExpectedStatuses, INIT_JAR_ERROR, K6Http, expectedStatuses, file, urlTemplate } from '../http';

export const httpModule: ModuleFactory = (vu: VUState) => {
  const h = K6Http.of(vu);
  const exports = {
    request: (method: unknown, url: unknown, body?: unknown, params?: unknown) => h.request(String(method), url, body, params),
    get: (url: unknown, params?: unknown) => h.request('GET', url, null, params),
    head: (url: unknown, params?: unknown) => h.request('HEAD', url, null, params),
    post: (url: unknown, body?: unknown, params?: unknown) => h.request('POST', url, body, params),
    put: (url: unknown, body?: unknown, params?: unknown) => h.request('PUT', url, body, params),
    patch: (url: unknown, body?: unknown, params?: unknown) => h.request('PATCH', url, body, params),
    del: (url: unknown, body?: unknown, params?: unknown) => h.request('DELETE', url, body, params),
    options: (url: unknown, body?: unknown, params?: unknown) => h.request('OPTIONS', url, body, params),
    /** Returns a Promise (not blocking, as in k6); the run waits for it to settle. */
    asyncRequest: (method: unknown, url: unknown, body?: unknown, params?: unknown) => keepRunAlive(vu, Promise.resolve(h.request(String(method), url, body, params))),
    batch: (requests: unknown) => h.batch(requests),
    url: urlTemplate,
    file,
    expectedStatuses,
    setResponseCallback: (cb: unknown) => {
      if (cb !== null && cb !== undefined && !(cb instanceof ExpectedStatuses))
        throw new Error('unsupported response callback: only http.expectedStatuses(...) or null is supported');
      h.callback = (cb as ExpectedStatuses | null | undefined) ?? null;
    },
    cookieJar: () => {
      if (vu.inInit) throw new Error(INIT_JAR_ERROR);
      return h.jar;
    },
    CookieJar,
    TLS_1_0: 'tls1.0',
    TLS_1_1: 'tls1.1',
    TLS_1_2: 'tls1.2',
    TLS_1_3: 'tls1.3',
    OCSP_STATUS_GOOD: 'good',
    OCSP_STATUS_REVOKED: 'revoked',
    OCSP_STATUS_SERVER_FAILED: 'server_failed',
    OCSP_STATUS_UNKNOWN: 'unknown',
    OCSP_REASON_UNSPECIFIED: 'unspecified',
    OCSP_REASON_KEY_COMPROMISE: 'key_compromise',
    OCSP_REASON_CA_COMPROMISE: 'ca_compromise',
    OCSP_REASON_AFFILIATION_CHANGED: 'affiliation_changed',
    OCSP_REASON_SUPERSEDED: 'superseded',
    OCSP_REASON_CESSATION_OF_OPERATION: 'cessation_of_operation',
    OCSP_REASON_CERTIFICATE_HOLD: 'certificate_hold',
    OCSP_REASON_REMOVE_FROM_CRL: 'remove_from_crl',
    OCSP_REASON_PRIVILEGE_WITHDRAWN: 'privilege_withdrawn',
    OCSP_REASON_AA_COMPROMISE: 'aa_compromise',
  };
  return { ...exports, default: exports };
};

export default httpModule;
