import type { HttpResponseData, HttpTimings } from '../types';

/**
 * k6's request error codes and messages (k6 v0.48 `lib/netext/httpext/error_codes.go`), mapped
 * from Node's socket/DNS/TLS errors. A failed request gets status 0, `error` = the message and
 * `error_code` = the code; an HTTP status >= 400 gets error_code 1000 + status and no `error`.
 */
export const K6ErrorCode = {
  Default: 1000,
  NetNonTCP: 1010,
  InvalidURL: 1020,
  RequestTimeout: 1050,
  DefaultDNS: 1100,
  DNSNoSuchHost: 1101,
  DefaultTCP: 1200,
  TCPBrokenPipe: 1201,
  NetUnknownErrno: 1202,
  TCPDial: 1210,
  TCPDialTimeout: 1211,
  TCPDialRefused: 1212,
  TCPDialUnknownErrno: 1213,
  TCPResetByPeer: 1220,
  DefaultTLS: 1300,
  TLSHeader: 1301,
  X509UnknownAuthority: 1310,
  X509Hostname: 1311,
  ResponseDecompression: 1701,
} as const;

/** An error already in k6's terms (code + k6's message). */
/** What a request that got no response reports (k6: status 0, the error and its code, nothing else); `timings` up to the failure. */
export function failedResponseData(url: string, e: { code: number; message: string; detail?: string }, timings: HttpTimings = noTimings()): HttpResponseData {
  return {
    url,
    status: 0,
    statusText: '',
    proto: '',
    headers: {},
    setCookies: [],
    body: Buffer.alloc(0),
    timings,
    remoteIP: '',
    remotePort: 0,
    bytesSent: 0,
    bytesReceived: 0,
    error: e.message,
    errorCode: e.code,
    errorDetail: e.detail,
  };
}

/** A fresh object each time: a script may write to `res.timings`. */
const noTimings = (): HttpTimings => ({ blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 });

export class K6RequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly original?: unknown,
    /** Go's full wording where k6 logs it (Request Failed, `throw`), when it differs from `message`. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'K6RequestError';
  }
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/**
 * Maps a Node error to k6's code and message.
 * @param phase where it happened: while dialing (DNS/TCP connect), TLS handshake, or on an established connection.
 */
export function k6ErrorFor(err: unknown, phase: 'dial' | 'tls' | 'read' | 'write', conn?: { local: string; remote: string }): K6RequestError {
  if (err instanceof K6RequestError) return err;
  const e = err as NodeJS.ErrnoException & { code?: string; address?: string; port?: number };
  const code = e?.code ?? '';
  const msg = e?.message ?? String(err);
  switch (code) {
    case 'ECONNREFUSED':
      // k6's error is the short form; its Request Failed warning quotes Go's dial error.
      return new K6RequestError(K6ErrorCode.TCPDialRefused, 'dial: connection refused', err, e.address ? `dial tcp ${e.address}:${e.port}: connect: connection refused` : undefined);
    case 'ECONNRESET': {
      // The failing syscall when Node names it (a reset after the request went out fails the read, as in Go).
      const op = e.syscall === 'read' || e.syscall === 'write' ? e.syscall : phase === 'dial' ? 'read' : phase;
      const detail = conn ? `${op} tcp ${conn.local}->${conn.remote}: ${op}: connection reset by peer` : undefined;
      return new K6RequestError(K6ErrorCode.TCPResetByPeer, `${op}: connection reset by peer`, err, detail);
    }
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      // TLS spoken to a server that is not (typically plain HTTP): Go's record-header error, and
      // the transport's wording when the answer was HTTP.
      return new K6RequestError(K6ErrorCode.TLSHeader, 'tls: first record does not look like a TLS handshake', err, 'http: server gave HTTP response to HTTPS client');
    case 'EPIPE':
      return new K6RequestError(K6ErrorCode.TCPBrokenPipe, 'write: broken pipe', err);
    case 'ENOTFOUND':
      return new K6RequestError(K6ErrorCode.DNSNoSuchHost, 'lookup: no such host', err);
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'ENODATA':
      return new K6RequestError(K6ErrorCode.DefaultDNS, msg, err);
    case 'ETIMEDOUT':
      return phase === 'dial'
        ? new K6RequestError(K6ErrorCode.TCPDialTimeout, 'dial: i/o timeout', err)
        : new K6RequestError(K6ErrorCode.RequestTimeout, 'request timeout', err);
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new K6RequestError(K6ErrorCode.X509Hostname, "x509: certificate doesn't match hostname", err);
    case 'ERR_INVALID_URL':
      return new K6RequestError(K6ErrorCode.InvalidURL, msg, err);
  }
  if (UNKNOWN_AUTHORITY.has(code)) return new K6RequestError(K6ErrorCode.X509UnknownAuthority, 'x509: unknown authority', err, 'x509: certificate signed by unknown authority');
  if (phase === 'tls' || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return new K6RequestError(K6ErrorCode.DefaultTLS, msg, err);
  if (phase === 'dial') {
    if (code.startsWith('E')) return new K6RequestError(K6ErrorCode.TCPDialUnknownErrno, `dial: unknown errno error with msg \`${msg}\``, err);
    return new K6RequestError(K6ErrorCode.TCPDial, msg, err);
  }
  if (code.startsWith('E')) return new K6RequestError(K6ErrorCode.DefaultTCP, `${phase}: ${msg}`, err);
  return new K6RequestError(K6ErrorCode.Default, msg, err);
}
