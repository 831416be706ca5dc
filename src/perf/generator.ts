/**
 * The load generator: a closed and an open model over undici, measuring latency itself.
 *
 * Why undici and not autocannon: autocannon's programmatic API does build requests per
 * iteration (setupRequest) but it hands the response body to onResponse as a string decoded
 * as UTF-8 (a GBK/GB18030 platform's bytes are lost), gives the response no link to the request
 * that produced it nor its own timing (its histograms are whole milliseconds), has no think
 * time, and its rate limiting is a per-second token bucket, not a schedule of intended send
 * times. undici's dispatch() gives all of that directly and, measured on the bench machine, is
 * at least as fast as autocannon's client (bench/perf-generator.mjs compares with wrk).
 * (src/perf/autocannon.ts is the closed model on autocannon's client, bridging those gaps, for
 * a cross-check: RunStageOptions.engine = 'autocannon'.)
 *
 * Closed model: `users` virtual users, each with its own keep-alive connection (pipelining 1):
 * src/perf/raw's RawClient by default — the same dispatch()/handler contract at less CPU per
 * request than undici's Client, see docs/performance.md — or an undici Client (engine 'undici').
 * A user builds a request from the factory, sends it, waits for the whole response, checks it,
 * thinks (optional), repeats. Latency = response end − send.
 *
 * Open model (wrk2-style constant arrival rate): request k is due at t0 + k / rate
 * (src/perf/arrivals.ts). The scheduler is woken when the next request is due by a worker-thread
 * clock with sub-millisecond resolution (src/perf/waker.ts; Node timers alone wake 1–2 ms late
 * and send in bursts), and on every response it sends whatever fell due since. Every due request
 * goes to an idle connection at once (src/perf/open-pool.ts: raw clients; an undici Pool with
 * client 'undici'); latency = response end − INTENDED send time, so time a request spent waiting
 * for the generator or for a free connection is counted (coordinated omission corrected: a
 * stalled target cannot hide the requests it delayed). Connections open lazily, up to
 * rate × expectedLatency × 2 capped at maxConnections. Sends the scheduler had not made when the
 * window (plus a short grace) ended are `missed`.
 *
 * Both: warm-up first (same load, nothing recorded), then the measured window. A request
 * belongs to the window when its reference instant (send, or intended send) falls in it; every
 * such request is awaited until it completes or times out, so none is silently dropped.
 */
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { ArrivalSchedule, startArrivalClock } from './arrivals.js';
import { OpenPool } from './open-pool.js';
import type { Arrival } from './arrivals.js';
import { Exchange, dispatchOptions } from './exchange.js';
import type { ExchangeLimits, ExchangeOutcome, ExchangeOwner } from './exchange.js';
import { messageOf } from './errors.js';
import { LatencyHistogram } from './histogram.js';
import type { SeriesPoint } from './histogram.js';
import { StageRecorder } from './recorder.js';
import { SelfCheckMonitor } from './selfcheck.js';
import type { SelfCheckReport } from './selfcheck.js';
import type { ClosedStage, OpenStage, RequestFactory, RequestSpec, ResponseChecker, Target } from './types.js';
import { RawClient } from './raw/client.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_CONNECTIONS = 256;
export const DEFAULT_EXPECTED_LATENCY_MS = 1000;
export const DEFAULT_ERROR_BACKOFF_MS = 10;
/** how long past the window the open-model scheduler may still make overdue sends */
const OPEN_LATE_GRACE_MS = 250;
/** longest the open-model scheduler sends without yielding to I/O */
const TICK_BUDGET_MS = 5;

export interface GeneratorOptions {
  burnCpuMs?: number;
  errorBackoffMs?: number;
  signal?: AbortSignal;
  onSecond?: (p: SeriesPoint) => void;
  selfCheckSampleMs?: number;
  /** each closed-model user's HTTP client, src/perf/raw (default) or an undici Client; the open
   * model's connections: raw clients in an OpenPool (default) or an undici Pool */
  client?: 'raw' | 'undici';
}

/** Raw result of one model run, before thresholds and the self-check verdict. */
export interface GeneratorRun {
  recorder: StageRecorder;
  series: SeriesPoint[];
  selfCheck: SelfCheckReport;
  peakInFlight: number;
  peakQueued: number;
  connections: number;
  /** open model */
  scheduled?: number;
  issued?: number;
  missed?: number;
  scheduleLag?: LatencyHistogram;
  /** set when the run stopped for a reason other than its duration */
  abortReason?: string;
}

const now = (): number => performance.now();

export function burn(ms: number): void {
  if (!(ms > 0)) return;
  const end = now() + ms;
  while (now() < end) {
    // deliberately empty: generator starvation for the self-check proof
  }
}

export function originOf(target: Target): string {
  const u = new URL(target.url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`target ${target.url}: only http and https are supported`);
  return u.origin;
}

export function limitsOf(target: Target): ExchangeLimits {
  return {
    timeoutMs: target.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBodyBytes: target.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
}

/**
 * In-flight bookkeeping shared by both models: the deadline sweep, peak concurrency, the
 * self-check window and the end-of-stage drain.
 */
class Engine implements ExchangeOwner {
  /** issued and not finished, in issue order (queued in the pool or on a connection) */
  readonly inflight = new Set<Exchange>();
  /** written to a connection and not finished */
  onWire = 0;
  peakOnWire = 0;
  peakQueued = 0;
  stopped = false;
  abortReason: string | undefined;
  readonly recorder: StageRecorder;
  readonly monitor: SelfCheckMonitor;
  private selfCheck: SelfCheckReport | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sweep: NodeJS.Timeout;
  private readonly ticker: NodeJS.Timeout;
  private drained: (() => void) | undefined;
  private readonly onAbort = (): void => this.stop('stopped by the caller');

  constructor(
    readonly t0: number,
    /** connections the dispatcher may open: beyond this many in flight, requests queue */
    readonly connections: number,
    readonly windowStart: number,
    readonly windowEnd: number,
    readonly limits: ExchangeLimits,
    readonly checker: ResponseChecker,
    readonly opts: GeneratorOptions,
  ) {
    this.recorder = new StageRecorder(windowStart, windowEnd, opts.onSecond);
    this.monitor = new SelfCheckMonitor(opts.selfCheckSampleMs);
    this.later(() => this.monitor.start(), windowStart - now());
    this.later(() => {
      this.selfCheck = this.monitor.stop();
    }, windowEnd - now());
    this.sweep = setInterval(() => this.expireOverdue(), Math.max(5, Math.min(100, limits.timeoutMs / 4)));
    this.ticker = setInterval(() => this.recorder.series.advance(now()), 1000);
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (opts.signal?.aborted) this.onAbort();
  }

  /** A tracked timer: cleared when the stage ends. */
  later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms));
    this.timers.add(t);
  }

  stop(reason?: string): void {
    if (reason && !this.abortReason) this.abortReason = reason;
    this.stopped = true;
    this.checkDrained();
  }

  /**
   * One request. `after` runs once it is done (a function per user or per model, never per
   * request); `sentMs`, when the caller has just read the clock, is handed to a raw client so
   * that it does not read it again.
   */
  send(dispatcher: Pick<Dispatcher, 'dispatch'> | RawClient, spec: RequestSpec, refMs: number, recorded: boolean, after?: (o: ExchangeOutcome) => void, sentMs?: number): void {
    const ex = new Exchange(refMs, refMs + this.limits.timeoutMs, this.limits, this.checker, this, recorded, after);
    this.inflight.add(ex);
    const queued = this.inflight.size - this.connections;
    if (queued > this.peakQueued) this.peakQueued = queued;
    try {
      if (sentMs !== undefined && dispatcher instanceof RawClient) dispatcher.dispatch(dispatchOptions(spec, this.limits.timeoutMs), ex, sentMs);
      else dispatcher.dispatch(dispatchOptions(spec, this.limits.timeoutMs), ex);
    } catch (err) {
      ex.error(err);
    }
  }

  exchangeWritten(): void {
    if (++this.onWire > this.peakOnWire) this.peakOnWire = this.onWire;
  }

  exchangeDone(ex: Exchange): void {
    this.inflight.delete(ex);
    if (ex.written) this.onWire--;
    if (ex.recorded) this.recorder.record(ex.endMs, ex.latencyUs, ex.errorClass, ex.message);
    ex.after?.(ex);
    this.checkDrained();
  }

  /** Deadlines grow in insertion order (refs are monotonic), so the sweep stops at the first live one. */
  private expireOverdue(): void {
    const t = now();
    for (const ex of this.inflight) {
      if (ex.deadlineMs > t) break;
      ex.expire(t);
    }
  }

  private checkDrained(): void {
    if (this.stopped && this.inflight.size === 0 && this.drained) {
      const d = this.drained;
      this.drained = undefined;
      d();
    }
  }

  /** Resolves once stopped and nothing is in flight (the sweep guarantees the latter ends). */
  whenDrained(): Promise<void> {
    return new Promise((resolve) => {
      this.drained = resolve;
      this.checkDrained();
    });
  }

  finish(): { series: SeriesPoint[]; selfCheck: SelfCheckReport } {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    clearInterval(this.sweep);
    clearInterval(this.ticker);
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    // stopped before the window ended (abort): close the monitor now
    this.selfCheck ??= this.monitor.stop();
    const series = this.recorder.series.finish(Math.max(now(), this.windowEnd));
    return { series, selfCheck: this.selfCheck };
  }
}

function buildRequest(factory: RequestFactory, engine: Engine, ctx: Parameters<RequestFactory>[0]): RequestSpec | undefined {
  try {
    return factory(ctx);
  } catch (err) {
    engine.stop(`the request factory threw at request ${ctx.seq}: ${messageOf(err)}`);
    return undefined;
  }
}

/** What every closed-model engine settles first: where, how many users, and the measured window (ms, performance.now clock). */
export function closedWindow(stage: ClosedStage, target: Target): { origin: string; limits: ExchangeLimits; users: number; t0: number; windowStart: number; windowEnd: number } {
  const t0 = now();
  const windowStart = t0 + (stage.warmupS ?? 0) * 1000;
  return {
    origin: originOf(target),
    limits: limitsOf(target),
    users: Math.max(1, Math.floor(stage.users)),
    t0,
    windowStart,
    windowEnd: windowStart + stage.durationS * 1000,
  };
}

export async function runClosed(
  stage: ClosedStage,
  target: Target,
  factory: RequestFactory,
  checker: ResponseChecker,
  opts: GeneratorOptions = {},
): Promise<GeneratorRun> {
  const { origin, limits, users, t0, windowStart, windowEnd } = closedWindow(stage, target);
  const engine = new Engine(t0, users, windowStart, windowEnd, limits, checker, opts);
  const connectTimeoutMs = Math.min(limits.timeoutMs, 10_000);
  const clients = Array.from({ length: users }, () =>
    opts.client === 'undici'
      ? new Client(origin, { pipelining: 1, connect: { timeout: connectTimeoutMs } })
      : new RawClient(origin, { connectTimeoutMs, maxBodyBytes: limits.maxBodyBytes }),
  );
  const iteration = new Array<number>(users).fill(0);
  const backoffMs = opts.errorBackoffMs ?? DEFAULT_ERROR_BACKOFF_MS;
  let seq = 0;

  const think = (): number => {
    const tt = stage.thinkTimeMs;
    if (tt === undefined) return 0;
    if (typeof tt === 'number') return tt;
    return tt[0] + Math.random() * (tt[1] - tt[0]);
  };

  const burnMs = opts.burnCpuMs ?? 0;
  /** start: now, or the end of the user's previous response when it follows at once (one clock read less per request) */
  const next = (u: number, start: number): void => {
    if (engine.stopped || start >= windowEnd) return;
    const recorded = start >= windowStart;
    const ctx = { user: u, iteration: iteration[u]!++, seq: seq++, warmup: !recorded };
    const spec = buildRequest(factory, engine, ctx);
    if (!spec) return;
    if (burnMs > 0) burn(burnMs);
    const ref = now();
    if (recorded) engine.recorder.noteSent(ref);
    engine.send(clients[u]!, spec, ref, recorded, afters[u], ref);
  };
  // one completion callback per user, made once (not a closure per request)
  const afters = Array.from({ length: users }, (_, u) => {
    const again = (): void => next(u, now());
    return (o: ExchangeOutcome): void => {
      const pause = o.responded ? think() : Math.max(think(), backoffMs);
      // errors go through a timer: a dispatcher failing synchronously must not recurse
      if (pause > 0 || !o.responded) engine.later(again, pause);
      else next(u, o.endMs);
    };
  });

  engine.later(() => engine.stop(), windowEnd - now());
  for (let u = 0; u < users; u++) next(u, now());
  await engine.whenDrained();
  const { series, selfCheck } = engine.finish();
  await Promise.all(clients.map((c) => c.destroy().catch(() => undefined)));
  const run: GeneratorRun = {
    recorder: engine.recorder,
    series,
    selfCheck,
    peakInFlight: engine.peakOnWire,
    peakQueued: engine.peakQueued,
    connections: users,
  };
  if (engine.abortReason) run.abortReason = engine.abortReason;
  return run;
}

export function openConnections(stage: OpenStage): number {
  const cap = Math.max(1, Math.floor(stage.maxConnections ?? DEFAULT_MAX_CONNECTIONS));
  const expected = stage.expectedLatencyMs ?? DEFAULT_EXPECTED_LATENCY_MS;
  return Math.min(cap, Math.max(1, Math.ceil(((stage.rate * expected) / 1000) * 2)));
}

export async function runOpen(
  stage: OpenStage,
  target: Target,
  factory: RequestFactory,
  checker: ResponseChecker,
  opts: GeneratorOptions = {},
): Promise<GeneratorRun> {
  if (!(stage.rate > 0)) throw new Error(`stage ${stage.name}: open model needs a rate > 0`);
  const origin = originOf(target);
  const limits = limitsOf(target);
  const connections = openConnections(stage);
  const connectTimeoutMs = Math.min(limits.timeoutMs, 10_000);
  // raw clients by default (src/perf/open-pool.ts says why not undici's Pool), undici on request
  const pool =
    opts.client === 'undici'
      ? new Pool(origin, { connections, pipelining: 1, connect: { timeout: connectTimeoutMs } })
      : new OpenPool(() => new RawClient(origin, { connectTimeoutMs, maxBodyBytes: limits.maxBodyBytes }), connections);
  let tick = (): void => undefined;
  // started before the schedule (a worker thread takes tens of ms to come up)
  const clock = await startArrivalClock(() => tick(), now);
  const warmupMs = (stage.warmupS ?? 0) * 1000;
  const sched = new ArrivalSchedule(now(), stage.rate, warmupMs, stage.durationS * 1000, OPEN_LATE_GRACE_MS);
  clock.follow(sched);
  const engine = new Engine(sched.t0, connections, sched.windowStartMs, sched.windowEndMs, limits, checker, opts);
  const scheduleLag = LatencyHistogram.create();

  const send = (a: Arrival): boolean => {
    const spec = buildRequest(factory, engine, { user: 0, iteration: a.k, seq: a.k, warmup: !a.recorded });
    if (!spec) return false;
    burn(opts.burnCpuMs ?? 0);
    if (a.recorded) {
      const t = now();
      scheduleLag.recordUs((t - a.intendedMs) * 1000);
      engine.recorder.noteSent(t);
    }
    // latency from the INTENDED send time: lateness of ours or of the pool is counted
    engine.send(pool, spec, a.intendedMs, a.recorded, onCompleted);
    return true;
  };
  let pumping = false;
  tick = (): void => {
    // re-entered from a send that failed synchronously: the running round carries on
    if (engine.stopped || pumping) return;
    pumping = true;
    const r = sched.pump(now, send, TICK_BUDGET_MS);
    pumping = false;
    // far behind: let responses in before the rest, or they would wait for the whole backlog
    if (r.kind === 'yield') setImmediate(tick);
    else if (r.kind === 'wait') clock.next(sched.next, r.nextMs);
    else engine.stop();
  };
  // awake anyway for a response: send what fell due since (spares the clock a wake-up)
  const onCompleted = (): void => {
    if (!pumping && sched.next < sched.total && sched.intendedMs(sched.next) <= now()) tick();
  };

  tick();
  await engine.whenDrained();
  const { series, selfCheck } = engine.finish();
  await Promise.all([clock.close(), pool.destroy().catch(() => undefined)]);
  const run: GeneratorRun = {
    recorder: engine.recorder,
    series,
    selfCheck,
    peakInFlight: engine.peakOnWire,
    peakQueued: engine.peakQueued,
    connections,
    scheduled: sched.scheduled,
    issued: sched.issued,
    missed: sched.missed,
    scheduleLag,
  };
  if (engine.abortReason) run.abortReason = engine.abortReason;
  return run;
}
