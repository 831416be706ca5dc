/**
 * The contract of the load generator: what a stage is, what the caller supplies (a target, a
 * request factory and a response checker) and what comes back.
 */
import type { ErrorClass } from './errors.js';
import type { LatencySummary, SeriesPoint } from './histogram.js';
import type { SelfCheckRules } from './selfcheck.js';

export type { ErrorClass } from './errors.js';
export type { LatencySummary, SeriesPoint } from './histogram.js';

interface StageCommon {
  name: string;
  /** measured window, seconds */
  durationS: number;
  /** load applied before the measured window and not recorded, seconds (default 0) */
  warmupS?: number;
  /** threshold texts, see thresholds.ts (e.g. "p(95)<3s", "errors<0.1%") */
  thresholds?: string[];
}

/** Closed model: N virtual users, each sends, waits for the answer, optionally thinks, repeats. */
export interface ClosedStage extends StageCommon {
  model: 'closed';
  users: number;
  /** pause after each response: a fixed ms, or [min, max] uniformly at random (default 0) */
  thinkTimeMs?: number | [number, number];
}

/** Open model: requests arrive at a constant rate whatever the target does (wrk2-style). */
export interface OpenStage extends StageCommon {
  model: 'open';
  /** requests per second */
  rate: number;
  /** latency the pool is sized for: connections = rate × expectedLatency × 2 (default 1000 ms) */
  expectedLatencyMs?: number;
  /** cap on connections (default 256) */
  maxConnections?: number;
}

export type Stage = ClosedStage | OpenStage;

export interface Target {
  /** origin (and nothing else is used): http://host:port */
  url: string;
  /** per-request timeout in ms (default 30 000) */
  timeoutMs?: number;
  /** response bodies above this many bytes fail as body-too-large (default 16 MiB) */
  maxBodyBytes?: number;
}

export interface RequestContext {
  /** virtual user, 0-based (closed model); always 0 in the open model */
  user: number;
  /** per-user iteration, 0-based (closed); the request's sequence number (open) */
  iteration: number;
  /** stage-wide sequence number, 0-based, unique per request */
  seq: number;
  /** true while warming up (the request will not be recorded) */
  warmup: boolean;
}

export interface RequestSpec {
  /** default POST when there is a body, GET otherwise */
  method?: string;
  /** path (and query) on the target's origin, starting with "/" */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Builds the request for one user iteration; called once per request, never replayed. */
export type RequestFactory = (ctx: RequestContext) => RequestSpec;

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/**
 * Judges one response: null when acceptable, otherwise its error class (see errors.ts). The body
 * has its Content-Encoding (gzip, deflate, br) undone first (src/perf/content-coding.ts), unless
 * the checker says `needsBody: false` (it looks at the status and headers only).
 */
export type ResponseChecker = ((status: number, headers: ResponseHeaders, body: Buffer) => ErrorClass | null) & { readonly needsBody?: boolean };

export interface RunStageOptions {
  /**
   * Busy-loop this many ms of generator CPU per request, before sending. Exists only to prove
   * the self-check: a starved generator must mark its own stage invalid.
   */
  burnCpuMs?: number;
  /** overrides of the self-check rules (see selfcheck.ts) */
  selfCheck?: Partial<SelfCheckRules>;
  /**
   * Closed model: after a transport failure without a response (refused, reset …) a user waits
   * this long before its next request (default 10 ms), so an unreachable target yields an
   * error count rather than a generator spinning on instant failures.
   */
  errorBackoffMs?: number;
  /** stop early: the stage ends as if its duration had elapsed and is marked invalid */
  signal?: AbortSignal;
  /** called once per finished second of the measured window (progress display) */
  onSecond?: (point: SeriesPoint) => void;
  /**
   * Load engine of the closed model (default 'raw'): 'raw' gives each user src/perf/raw's lean
   * HTTP/1.1 client, 'undici' an undici Client, 'autocannon' runs the model on autocannon's
   * client (src/perf/autocannon.ts; a stage with think time falls back to 'raw', autocannon has
   * none). Open-model stages: raw clients in src/perf/open-pool.ts (default, and for
   * 'autocannon') or an undici Pool ('undici'). See docs/performance.md.
   */
  engine?: 'raw' | 'undici' | 'autocannon';
}

export interface ThresholdOutcome {
  /** the threshold, canonical text: "p(95)<3s" */
  text: string;
  ok: boolean;
  /** canonical unit: ms (latency), fraction (errors), requests/s (rps); null when unmeasurable */
  actual: number | null;
  /** the bound, same unit as actual */
  expected: number;
  /** for people: "p(95)<3s: actual 2.412s" or "p(95)<3s: no latency samples" */
  detail: string;
}

export interface GeneratorHealth {
  /** mean generator process CPU over the measured window, % of one core */
  cpuPct: number;
  /** event-loop lag p99 over the measured window, ms (lateness beyond the timer's resolution) */
  loopLagP99Ms: number;
  /** event-loop utilisation over the measured window, 0..1 (the generator thread's busy share) */
  loopUtilization: number;
  /** share of self-check samples at or above the CPU bound, 0..1 */
  cpuHotShare: number;
  /** share of self-check samples at or above the event-loop utilisation bound, 0..1 */
  loopHotShare: number;
  /** open model: requests handed to the connection pool per second of the window */
  achievedRate?: number;
  /** open model: p99 of (handed to the pool − intended send time), ms */
  scheduleLagP99Ms?: number;
  /** most requests on connections at once (written, not yet finished) */
  peakInFlight: number;
  /**
   * most requests in flight beyond the connection count at once, i.e. waiting for a free
   * connection (open model: arrivals the capped pool could not serve at once; the wait is in
   * their latency). A closed-model user owns its connection, so this is 0 there.
   */
  peakQueued: number;
  /** connections the generator was allowed (users, or the open model's pool size) */
  connections: number;
}

export interface StageResult {
  name: string;
  model: 'closed' | 'open';
  users?: number;
  rate?: number;
  durationS: number;
  warmupS: number;
  /** requests of the measured window: started in it (closed), due in it and sent (open; see missed) */
  requests: number;
  /** requests that ended in an error, all classes together */
  errorCount: number;
  errors: Record<ErrorClass, number>;
  /** first message seen per error class, so counts explain themselves */
  errorExamples: Record<ErrorClass, string>;
  /**
   * latency of every request that got a response (any status, any checker verdict) or timed out;
   * failures with no meaningful time (refused, reset, dns) are only counted in errors
   */
  latency: LatencySummary;
  /** the latency histogram, HdrHistogram compressed base64 (mergeable across stages/processes) */
  latencyHdr: string;
  /** requests completed within the measured window per second of it */
  rps: number;
  /** open model: intended sends the generator never made (it fell behind) */
  missed?: number;
  series: SeriesPoint[];
  thresholds: ThresholdOutcome[];
  /** false when the generator could not be trusted (see selfcheck.ts); an invalid stage never passes */
  valid: boolean;
  invalidReason?: string;
  /** valid and every threshold ok */
  passed: boolean;
  generator: GeneratorHealth;
}
