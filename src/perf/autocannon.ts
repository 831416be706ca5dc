/**
 * The closed model on autocannon's client (raw sockets, its own HTTP parser), timed by us.
 *
 * Same inputs and outputs as runClosed in generator.ts: one autocannon connection per virtual
 * user, pipelining 1, the RequestFactory called once per request (in the client's 'request'
 * event, just before autocannon writes it), the ResponseChecker once per response (autocannon's
 * onResponse), warm-up excluded, our µs
 * HDR recorder, the per-second series and the self-check monitor.
 *
 * Why we time requests ourselves: autocannon's result histograms hold whole milliseconds. Its
 * per-response duration (pipelinedRequestsQueue: process.hrtime() at insertRequest) is sub-ms,
 * but after a connection error its queue keeps the lost entry, so the next response would be
 * timed from the wrong start. We keep one pending request per user and take performance.now()
 * after the factory returned (the closed model's send instant, as in runClosed) and when the
 * response is complete.
 *
 * Where autocannon differs and how it is bridged:
 *  - no think time: runStage runs stages with think time on the default (raw) engine;
 *  - its timeout is whole seconds (≥ 1 s) per connection: our own deadline sweep enforces the
 *    target's timeoutMs and then fires autocannon's reconnect timer at once;
 *  - a connection error reconnects and resends at once (an unreachable target would spin):
 *    the user is paused for errorBackoffMs through the client's rate gate, as in runClosed;
 *  - a connection the server closed is re-opened silently: the request that was on it is
 *    classified connect-reset when the client sends its next one;
 *  - the response body reaches onResponse as a UTF-8-decoded string: the checker sees it
 *    re-encoded as UTF-8, exact for UTF-8 platforms, NOT for GBK/GB18030 bodies (use the
 *    undici engine there); the body limit is checked after the body was received;
 *  - https: autocannon connects with rejectUnauthorized: false (certificates not verified).
 * To stop issuing at the window's end without cutting in-flight requests, a user is paused
 * through the same rate gate when its response arrives (before autocannon sends the next).
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { RequestTimeoutError, classifyTransportError, hasLatency, messageOf } from './errors.js';
import type { ErrorClass } from './errors.js';
import { DEFAULT_ERROR_BACKOFF_MS, burn, closedWindow } from './generator.js';
import type { GeneratorOptions, GeneratorRun } from './generator.js';
import type { SeriesPoint } from './histogram.js';
import { StageRecorder } from './recorder.js';
import { SelfCheckMonitor } from './selfcheck.js';
import type { SelfCheckReport } from './selfcheck.js';
import { serializeRequest } from './raw/request.js';
import type { ClosedStage, RequestFactory, ResponseChecker, ResponseHeaders, Target } from './types.js';

/** The part of autocannon's (untyped) client we use; see node_modules/autocannon/lib/httpClient.js. */
interface AcClient {
  on(ev: 'request' | 'timeout', fn: () => void): void;
  on(ev: 'response', fn: (status: number, bytes: number, durationMs: number) => void): void;
  on(ev: 'connError', fn: (err: unknown) => void): void;
  /** requests written so far on this client (before the current one, inside 'request') */
  reqsMade: number;
  /** rate gate: with rate set and reqsMadeThisSecond ≥ rate, _doRequest sends nothing */
  rate: number | undefined;
  reqsMadeThisSecond: number;
  paused?: boolean;
  _doRequest(): void;
  destroy(): void;
  destroyed: boolean;
  pipelinedRequests: { clear(): void };
  /** what _doRequest writes: currentRequest.requestBuffer (set by us in the 'request' event) */
  requestIterator: { currentRequest: { requestBuffer: Buffer } };
  timeoutTicker: { reschedule(ms: number): void };
}

interface AcInstance {
  stop(): void;
}

type AcOptions = Record<string, unknown>;
type AcFn = (opts: AcOptions, cb: (err: unknown, result: unknown) => void) => AcInstance;

const require = createRequire(import.meta.url);
let acFn: AcFn | undefined;
function autocannon(): AcFn {
  acFn ??= require('autocannon') as AcFn;
  return acFn;
}

const now = (): number => performance.now();

interface Pending {
  /** latency origin: after the factory returned (ms, performance.now clock) */
  ref: number;
  recorded: boolean;
  /** false: sent after the stage stopped (a reconnect resend), never recorded */
  counted: boolean;
}

interface User {
  u: number;
  iteration: number;
  client: AcClient | undefined;
  pending: Pending | undefined;
  backoff: NodeJS.Timeout | undefined;
}

/**
 * The request's bytes are built by us (raw/request.ts, shared with the raw client) rather than
 * by autocannon's setupRequest/requestBuilder: that path copies the whole client options object
 * per request and cost more CPU than the socket write itself (measured with --cpu-prof).
 */
export { serializeRequest };

function lowerHeaders(h: Record<string, string | string[]>): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

export async function runClosedAutocannon(
  stage: ClosedStage,
  target: Target,
  factory: RequestFactory,
  checker: ResponseChecker,
  opts: GeneratorOptions = {},
): Promise<GeneratorRun> {
  const { origin, limits, users, t0, windowStart, windowEnd } = closedWindow(stage, target);
  const backoffMs = opts.errorBackoffMs ?? DEFAULT_ERROR_BACKOFF_MS;
  const recorder = new StageRecorder(windowStart, windowEnd, opts.onSecond);
  const monitor = new SelfCheckMonitor(opts.selfCheckSampleMs);
  let selfCheck: SelfCheckReport | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, ms: number): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, Math.max(0, ms));
    timers.add(t);
  };

  const state: User[] = [];
  const host = new URL(origin).host;
  let seq = 0;
  let onWire = 0;
  let peakOnWire = 0;
  let stopped = false;
  let abortReason: string | undefined;
  let drained: (() => void) | undefined;
  /** the checker's verdict, from onResponse to the client's 'response' event (same tick) */
  let verdict: { endMs: number; errorClass: ErrorClass | null; message: string | undefined } | undefined;

  const pause = (c: AcClient): void => {
    c.rate = 1;
    c.reqsMadeThisSecond = Number.POSITIVE_INFINITY;
  };
  const resume = (c: AcClient): void => {
    c.rate = 0;
    c.reqsMadeThisSecond = 0;
    c.paused = false;
    if (!c.destroyed) c._doRequest();
  };

  const checkDrained = (): void => {
    if (stopped && drained && state.every((s) => s.pending === undefined)) {
      const d = drained;
      drained = undefined;
      d();
    }
  };

  const stop = (reason?: string): void => {
    if (reason && !abortReason) abortReason = reason;
    if (!stopped) {
      stopped = true;
      for (const s of state) {
        if (s.client) pause(s.client);
        if (s.backoff) clearTimeout(s.backoff);
        s.backoff = undefined;
      }
    }
    checkDrained();
  };

  const finish = (s: User, endMs: number, latencyUs: number | undefined, errorClass: ErrorClass | null, message: string | undefined): void => {
    const p = s.pending;
    if (!p) return;
    s.pending = undefined;
    onWire--;
    if (p.recorded && p.counted) recorder.record(endMs, latencyUs, errorClass, message);
    checkDrained();
  };

  const failPending = (s: User, endMs: number, err: unknown): void => {
    const p = s.pending;
    if (!p) return;
    const cls = classifyTransportError(err);
    finish(s, endMs, hasLatency(cls) ? (endMs - p.ref) * 1000 : undefined, cls, messageOf(err));
  };

  const connectionClosed = (): Error => Object.assign(new Error('the connection closed before a complete response'), { code: 'ECONNRESET' });

  const onResponse = (status: number, body: string, _ctx: unknown, headers: Record<string, string | string[]>): void => {
    const endMs = now();
    const bytes = Buffer.from(body, 'utf8');
    let errorClass: ErrorClass | null;
    let message: string | undefined;
    if (bytes.length > limits.maxBodyBytes) {
      errorClass = 'body-too-large';
      message = `response body larger than ${limits.maxBodyBytes} bytes`;
    } else {
      try {
        errorClass = checker(status, lowerHeaders(headers), bytes);
        if (errorClass !== null) message = `HTTP ${status}, ${errorClass}`;
      } catch (err) {
        errorClass = 'checker-exception';
        message = messageOf(err);
      }
    }
    verdict = { endMs, errorClass, message };
  };

  const setupClient = (client: AcClient): void => {
    const s: User = { u: state.length, iteration: 0, client, pending: undefined, backoff: undefined };
    state.push(s);
    if (stopped) pause(client);
    // emitted by _doRequest right before it writes currentRequest.requestBuffer: build it here
    client.on('request', () => {
      const t = now();
      if (s.pending) {
        // a reconnect resend: the previous request's connection is gone
        if (t - s.pending.ref >= limits.timeoutMs) finish(s, t, (t - s.pending.ref) * 1000, 'timeout', new RequestTimeoutError(limits.timeoutMs).message);
        else failPending(s, t, connectionClosed());
      }
      if (++onWire > peakOnWire) peakOnWire = onWire;
      if (stopped || t >= windowEnd) {
        // a resend after a reconnect once the stage is over: the last bytes again, unrecorded
        s.pending = { ref: t, recorded: false, counted: false };
        return;
      }
      const ctx = { user: s.u, iteration: s.iteration++, seq: seq++, warmup: t < windowStart };
      let buf: Buffer;
      try {
        buf = serializeRequest(factory(ctx), host);
      } catch (err) {
        s.pending = { ref: t, recorded: false, counted: false };
        stop(`the request factory threw at request ${ctx.seq}: ${messageOf(err)}`);
        return;
      }
      burn(opts.burnCpuMs ?? 0);
      client.requestIterator.currentRequest.requestBuffer = buf;
      const ref = now();
      // as in runClosed: a request belongs to the window when it was started in it
      s.pending = { ref, recorded: !ctx.warmup, counted: true };
      if (!ctx.warmup) recorder.noteSent(ref);
    });
    client.on('response', () => {
      const v = verdict;
      verdict = undefined;
      const p = s.pending;
      if (p && v) {
        if (v.endMs > p.ref + limits.timeoutMs) finish(s, v.endMs, (v.endMs - p.ref) * 1000, 'timeout', new RequestTimeoutError(limits.timeoutMs).message);
        else finish(s, v.endMs, (v.endMs - p.ref) * 1000, v.errorClass, v.message);
      }
      // runs before autocannon sends the next request: the place to stop issuing
      if (stopped || now() >= windowEnd) pause(client);
    });
    client.on('connError', (err) => {
      failPending(s, now(), err);
      client.pipelinedRequests.clear();
      pause(client);
      if (stopped) return;
      if (s.backoff) clearTimeout(s.backoff);
      s.backoff = setTimeout(() => {
        s.backoff = undefined;
        if (!stopped && now() < windowEnd) resume(client);
      }, backoffMs);
    });
    client.on('timeout', () => {
      // autocannon's own (whole-second) timer: only ever a backstop behind our sweep
      const p = s.pending;
      if (p && now() - p.ref >= limits.timeoutMs) finish(s, now(), (now() - p.ref) * 1000, 'timeout', new RequestTimeoutError(limits.timeoutMs).message);
    });
  };

  const sweep = setInterval(
    () => {
      const t = now();
      for (const s of state) {
        const p = s.pending;
        if (!p || t - p.ref < limits.timeoutMs) continue;
        finish(s, t, (t - p.ref) * 1000, 'timeout', new RequestTimeoutError(limits.timeoutMs).message);
        // drop the hung connection and reconnect (autocannon's timeout path), now
        s.client?.timeoutTicker.reschedule(1);
      }
    },
    Math.max(5, Math.min(100, limits.timeoutMs / 4)),
  );
  const ticker = setInterval(() => recorder.series.advance(now()), 1000);
  later(() => monitor.start(), windowStart - now());
  later(() => {
    selfCheck = monitor.stop();
  }, windowEnd - now());
  later(() => stop(), windowEnd - now());
  const onAbort = (): void => stop('stopped by the caller');
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const totalS = (windowEnd - t0) / 1000;
  let ended: Promise<void> = Promise.resolve();
  let instance: AcInstance | undefined;
  try {
    ended = new Promise<void>((resolve) => {
      instance = autocannon()(
        {
          url: origin,
          connections: users,
          pipelining: 1,
          // autocannon must never end the run itself: we stop it once everything drained
          duration: totalS + limits.timeoutMs / 1000 + 60,
          timeout: Math.max(1, Math.ceil(limits.timeoutMs / 1000) + 1),
          sampleInt: 50,
          // no setupRequest: the 'request' listener sets each request's bytes (serializeRequest)
          requests: [{ method: 'GET', path: '/', onResponse }],
          setupClient,
          skipAggregateResult: true,
        },
        (err) => {
          if (err) stop(`autocannon refused the run: ${messageOf(err)}`);
          resolve();
        },
      );
    });
  } catch (err) {
    stop(`autocannon could not start: ${messageOf(err)}`);
  }
  if (opts.signal?.aborted) onAbort();

  await new Promise<void>((resolve) => {
    drained = resolve;
    checkDrained();
  });
  for (const t of timers) clearTimeout(t);
  timers.clear();
  clearInterval(sweep);
  clearInterval(ticker);
  for (const s of state) if (s.backoff) clearTimeout(s.backoff);
  opts.signal?.removeEventListener('abort', onAbort);
  selfCheck ??= monitor.stop();
  const series: SeriesPoint[] = recorder.series.finish(Math.max(now(), windowEnd));
  if (instance) {
    instance.stop();
    // autocannon destroys its clients on its next sample tick (sampleInt); bounded wait
    let guard: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise<void>((r) => (guard = setTimeout(r, 2000)))]);
    if (guard) clearTimeout(guard);
    for (const s of state) s.client?.destroy();
  }
  const run: GeneratorRun = {
    recorder,
    series,
    selfCheck,
    peakInFlight: peakOnWire,
    peakQueued: 0,
    connections: users,
  };
  if (abortReason) run.abortReason = abortReason;
  return run;
}
