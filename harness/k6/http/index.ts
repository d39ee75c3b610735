/** The HTTP layer of the builtin k6 engine: import surface for modules/ and the runtime. */
export { Http1Client, type Http1ClientOptions } from './http1-client';
export { K6Http, INIT_REQUEST_ERROR, INIT_BATCH_ERROR, INIT_JAR_ERROR } from './k6-http';
export { K6Response, type K6RequestInfo } from './response';
export { CookieJar, parseSetCookie, type ResponseCookie, type CookieSetOptions } from './cookie-jar';
export { K6ErrorCode, K6RequestError, k6ErrorFor } from './errors';
export { ExpectedStatuses, expectedStatuses, K6Url, urlTemplate, K6File, file, parseTimeout, encodeBody, cleanURL } from './params';
export { ResponseParser, canonicalHeaderName, HttpParseError, type ParsedResponse } from './response-parser';
