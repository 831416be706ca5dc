/**
 * Error classes: every failed request lands in exactly one named class, so an error count
 * explains itself ("412 × http-status:503, 3 × timeout") instead of being one opaque number.
 *
 * Classes produced by the generator itself (transport level):
 *   timeout            no complete response within the request timeout (counted from the
 *                      request's start, or from its intended send time in the open model)
 *   connect-refused    ECONNREFUSED: nothing listening
 *   connect-timeout    the TCP connection could not be opened in time
 *   connect-reset      the peer reset or closed the connection before a complete response
 *                      (ECONNRESET, EPIPE, undici "other side closed")
 *   dns                the host name did not resolve
 *   invalid-http       the response was not valid HTTP/1.1 (parser error, length mismatch)
 *   body-too-large     the response body exceeded the generator's limit (also once decoded:
 *                      a decompression bomb, see content-coding.ts)
 *   invalid-encoding   a Content-Encoding that could not be undone (corrupt, unknown, too many)
 *   checker-exception  the caller's checker threw (a harness bug, surfaced rather than hidden)
 *   transport:<code>   anything else, by its error code
 *
 * Classes produced by checkers (the caller's transport + acknowledgement check), by convention:
 *   http-status:NNN    e.g. http-status:500
 *   soap-fault         a SOAP Fault in the response
 *   ack-AE, ack-AR     an HL7 V3 acknowledgement with that typeCode
 *   invalid-body       the body could not be understood (not XML, no payload …)
 */

export type ErrorClass = string;

/** Marker used when the generator aborts a request that ran out of time. */
export class RequestTimeoutError extends Error {
  readonly code = 'HUTONG_PERF_TIMEOUT';
  constructor(ms: number) {
    super(`no complete response within ${ms} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** Marker used when the response body grows past the generator's limit. */
export class BodyTooLargeError extends Error {
  readonly code = 'HUTONG_PERF_BODY_TOO_LARGE';
  constructor(limit: number) {
    super(`response body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  // happy-eyeballs connects fail with an AggregateError carrying the per-address errors
  if (Array.isArray(e.errors) && e.errors.length) return codeOf(e.errors[0]);
  if (e.cause) return codeOf(e.cause);
  return undefined;
}

/** Transport-level class of an error raised while sending or receiving. */
export function classifyTransportError(err: unknown): ErrorClass {
  const code = codeOf(err);
  switch (code) {
    case 'HUTONG_PERF_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNREFUSED':
      return 'connect-refused';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect-timeout';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'connect-reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    case 'HUTONG_PERF_BODY_TOO_LARGE':
      return 'body-too-large';
    case 'HUTONG_PERF_BAD_ENCODING':
      return 'invalid-encoding';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_INFO':
      return 'invalid-http';
    default:
      if (code?.startsWith('HPE_')) return 'invalid-http';
      return `transport:${code ?? (err instanceof Error ? err.name : 'unknown')}`;
  }
}

/** Timeouts have a meaningful latency (at least the timeout); other transport failures do not. */
export function hasLatency(cls: ErrorClass): boolean {
  return cls === 'timeout' || cls === 'body-too-large' || cls === 'invalid-http' || cls === 'invalid-encoding';
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const code = codeOf(err);
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message || String(code ?? err.name);
  }
  return String(err);
}
