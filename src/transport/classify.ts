/**
 * Turning a failed exchange into one stable kind a report can count and explain.
 * Network errors arrive wrapped (undici errors with a `cause`, AggregateError from
 * happy-eyeballs connects), so every code in the chain is considered.
 */

export type TransportErrorKind =
  | 'timeout-connect'
  | 'timeout-headers'
  | 'timeout-body'
  | 'connect-refused'
  | 'connect-reset'
  | 'dns'
  | 'tls'
  | 'too-large'
  | 'http-status'
  | 'soap-fault'
  | 'no-body'
  | 'redirect'
  | 'bad-envelope'
  | 'protocol'
  | 'aborted'
  | 'other';

export interface TransportError {
  kind: TransportErrorKind;
  message: string;
  /** the underlying error code (ECONNRESET, UND_ERR_HEADERS_TIMEOUT, …) when there was one */
  code?: string;
  line?: number;
  column?: number;
}

/** Where the exchange was when it failed, and whether we aborted it ourselves. */
export interface FailureState {
  phase: 'connect' | 'headers' | 'body';
  abortedBy?: 'deadline' | 'too-large' | 'caller';
  timeoutMs: number;
}

function codesOf(e: unknown, out: { code: string; message: string; name: string }[] = [], depth = 0): { code: string; message: string; name: string }[] {
  if (!e || typeof e !== 'object' || depth > 5) return out;
  const o = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  out.push({
    code: typeof o.code === 'string' ? o.code : '',
    message: typeof o.message === 'string' ? o.message : String(e),
    name: typeof o.name === 'string' ? o.name : '',
  });
  if (o.cause) codesOf(o.cause, out, depth + 1);
  if (Array.isArray(o.errors)) for (const x of o.errors.slice(0, 4)) codesOf(x, out, depth + 1);
  return out;
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|ERR_TLS)/;

function kindOfCode(code: string, message: string): TransportErrorKind | undefined {
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT': return 'timeout-headers';
    case 'UND_ERR_BODY_TIMEOUT': return 'timeout-body';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT': return 'timeout-connect';
    case 'ECONNREFUSED': return 'connect-refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
    case 'EAI_NODATA': return 'dns';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET': return 'connect-reset';
    // The harness closed its own transport: not the platform's doing.
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED': return 'aborted';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
    case 'UND_ERR_HEADERS_OVERFLOW':
    case 'UND_ERR_INFO': return 'protocol';
    default:
      if (TLS_CODE.test(code)) return 'tls';
      if (code === 'EPROTO' && /ssl|tls/i.test(message)) return 'tls';
      if (code.startsWith('HPE_')) return 'protocol';
      return undefined;
  }
}

export function classifyError(e: unknown, state: FailureState): TransportError {
  const chain = codesOf(e);
  const first = chain.find((c) => c.code !== '') ?? chain[0];
  const code = first?.code || undefined;
  const detail = first?.message ?? String(e);
  const withCode = (kind: TransportErrorKind, message: string): TransportError => (code ? { kind, message, code } : { kind, message });

  if (state.abortedBy === 'too-large') return withCode('too-large', 'the response exceeded the byte limit');
  if (state.abortedBy === 'caller') return withCode('aborted', 'aborted by the caller');
  if (state.abortedBy === 'deadline') {
    const ms = state.timeoutMs;
    if (state.phase === 'connect') return withCode('timeout-connect', `no connection within the ${ms} ms budget`);
    if (state.phase === 'headers') return withCode('timeout-headers', `no response headers within the ${ms} ms budget`);
    return withCode('timeout-body', `the response body did not complete within the ${ms} ms budget`);
  }
  for (const c of chain) {
    const k = kindOfCode(c.code, c.message);
    if (k === 'timeout-headers' || k === 'timeout-body') {
      return { kind: k, message: `${k === 'timeout-headers' ? 'no response headers' : 'no body data'} within the configured timeout (${c.message})`, code: c.code };
    }
    if (k) return { kind: k, message: c.message, code: c.code };
    // llhttp does not always give a code; the error's name is stable.
    if (c.name === 'HTTPParserError') return c.code ? { kind: 'protocol', message: c.message, code: c.code } : { kind: 'protocol', message: c.message };
  }
  if (code === 'UND_ERR_ABORTED' || (e as { name?: string } | null)?.name === 'AbortError') return withCode('aborted', detail);
  return withCode('other', detail);
}
