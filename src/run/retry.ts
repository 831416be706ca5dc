/**
 * The site config's `retries`: an exchange that got no answer at all is sent again, a bounded
 * number of times, within the exchange's time budget (timeouts.totalMs for all its attempts).
 *
 * Only failures where nothing came back are retried: connection refused or reset before any
 * response, a connect timeout, no response headers in time. Anything the platform answered —
 * any HTTP status, a SOAP fault, an AE — is its answer and is judged, never retried. A TLS
 * handshake error, a DNS failure, a protocol error, a redirect are deterministic: another
 * attempt would say the same thing, so they are not retried either.
 *
 * Each attempt is a separate exchange for the caller to journal (evidence is never lost); the
 * attempt loop here only decides whether, and after how long, to try again.
 */
import type { Exchange } from '../transport/client.js';
import type { TransportErrorKind } from '../transport/classify.js';

/** failures that mean "no answer": worth another attempt */
export const RETRYABLE_KINDS: ReadonlySet<TransportErrorKind> = new Set<TransportErrorKind>(['connect-refused', 'connect-reset', 'timeout-connect', 'timeout-headers']);

/** the first backoff and its cap (ms): 200, 400, 600 … at most 1 000 */
export const BACKOFF_STEP_MS = 200;
export const BACKOFF_MAX_MS = 1000;

/** No response of any kind arrived, for a reason another attempt may not share. */
export function retryable(ex: Exchange): boolean {
  return ex.response === undefined && ex.error !== undefined && RETRYABLE_KINDS.has(ex.error.kind);
}

/** the wait before attempt `attempt + 1` (attempt counts from 1) */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_STEP_MS * attempt, BACKOFF_MAX_MS);
}

/** resolves true after `ms`, false at once when the signal aborts */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((done) => {
    const onAbort = (): void => { clearTimeout(t); done(false); };
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); done(true); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface Attempt<T> {
  exchange: Exchange;
  /** whatever the caller keeps per attempt (its journal event, evidence files) */
  extra: T;
  /** the wait before the next attempt, when there was one */
  waitedMs?: number;
}

export interface RetryOptions<T> {
  /** retries after the first attempt (site config `retries`, 0 = none) */
  retries: number;
  /** all attempts and waits of one exchange together (ms) */
  budgetMs: number;
  signal?: AbortSignal;
  /** one attempt, given the time left of the budget */
  attempt(timeoutMs: number, n: number): Promise<{ exchange: Exchange; extra: T }>;
  now?: () => number;
}

/** The attempts made, in order; the last one is the exchange's outcome. */
export async function withRetries<T>(o: RetryOptions<T>): Promise<Attempt<T>[]> {
  const now = o.now ?? Date.now;
  const deadline = now() + o.budgetMs;
  const max = 1 + Math.max(0, Math.floor(o.retries));
  const out: Attempt<T>[] = [];
  for (let n = 1; ; n++) {
    const left = Math.max(1, Math.min(o.budgetMs, deadline - now()));
    const a: Attempt<T> = await o.attempt(left, n);
    out.push(a);
    if (n >= max || !retryable(a.exchange) || o.signal?.aborted) return out;
    const wait = backoffMs(n);
    // an attempt needs some time of its own; none left in the budget: this is the outcome
    if (deadline - now() - wait < BACKOFF_STEP_MS) return out;
    a.waitedMs = wait;
    if (!(await sleep(wait, o.signal))) return out;
  }
}
