/**
 * One request/response on an undici dispatcher, timed by us.
 *
 * undici's low-level dispatch() with a handler is used instead of request()/fetch(): no stream
 * or promise per request, the body arrives as Buffers we keep as bytes (the checker sees the
 * exact octets, whatever charset the platform uses), and we learn the moment the request is
 * written to a socket (onRequestStart) to separate pool queueing from server time.
 *
 * Latency is measured from a reference instant chosen by the model (the actual send in the
 * closed model, the intended send in the open model) to the end of the response body, in µs
 * rounded up, so it never under-states.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { BodyTooLargeError, RequestTimeoutError, classifyTransportError, hasLatency, messageOf } from './errors.js';
import type { ErrorClass } from './errors.js';
import type { RequestSpec, ResponseChecker, ResponseHeaders } from './types.js';
import { decodeContentCoding } from './content-coding.js';

export interface ExchangeOutcome {
  endMs: number;
  /** undefined for failures whose duration means nothing (refused, reset …) */
  latencyUs: number | undefined;
  errorClass: ErrorClass | null;
  message: string | undefined;
  /** true when the target answered with an HTTP response */
  responded: boolean;
}

export interface ExchangeLimits {
  timeoutMs: number;
  maxBodyBytes: number;
}

type Controller = Dispatcher.DispatchController;

/** Who an Exchange reports to (the generator's Engine): one object for every request, no closure per request. */
export interface ExchangeOwner {
  /** the request was written to a connection (once) */
  exchangeWritten(ex: Exchange): void;
  /** the exchange finished; its outcome is the exchange itself (ExchangeOutcome) */
  exchangeDone(ex: Exchange): void;
}

/** headers before onResponseStart (shared, never written: the checker is not called before a head) */
const NO_HEADERS: ResponseHeaders = Object.freeze({});

/**
 * The handler for one request. finish() runs exactly once, whichever comes first: the response
 * end, a transport error, or expire() from the generator's deadline sweep. Once finished, the
 * exchange is also its outcome (the fields of ExchangeOutcome): nothing else is allocated for it.
 */
export class Exchange implements Dispatcher.DispatchHandler, ExchangeOutcome {
  private controller: Controller | undefined = undefined;
  private status = 0;
  private headers: ResponseHeaders = NO_HEADERS;
  /** the body: its first piece, and the others (rare: a body in several reads) */
  private first: Buffer | undefined = undefined;
  private rest: Buffer[] | undefined = undefined;
  private bytes = 0;
  private done = false;
  /** the request was written to a socket */
  written = false;
  // the outcome, set by finish()
  endMs = 0;
  latencyUs: number | undefined = undefined;
  errorClass: ErrorClass | null = null;
  message: string | undefined = undefined;
  responded = false;

  constructor(
    /** latency origin, performance.now() ms */
    readonly refMs: number,
    readonly deadlineMs: number,
    private readonly limits: ExchangeLimits,
    private readonly checker: ResponseChecker,
    private readonly owner: ExchangeOwner,
    /** in the measured window (the owner records it) */
    readonly recorded: boolean,
    /** called by the owner once the exchange is done (the model's next step) */
    readonly after: ((o: ExchangeOutcome) => void) | undefined,
  ) {}

  get finished(): boolean {
    return this.done;
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    // it waited in the pool past its deadline and was already counted as a timeout
    if (this.done) {
      controller.abort(new RequestTimeoutError(this.limits.timeoutMs));
      return;
    }
    if (!this.written) {
      this.written = true;
      this.owner.exchangeWritten(this);
    }
  }

  onResponseStart(_c: Controller, statusCode: number, headers: ResponseHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.done) return;
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBodyBytes) {
      const err = new BodyTooLargeError(this.limits.maxBodyBytes);
      this.fail(performance.now(), err);
      controller.abort(err);
      return;
    }
    if (this.first === undefined) this.first = chunk;
    else (this.rest ??= []).push(chunk);
  }

  onResponseEnd(): void {
    if (this.done) return;
    const endMs = performance.now();
    const latencyUs = (endMs - this.refMs) * 1000;
    // a response that came after the deadline the sweep had not yet enforced is still a timeout
    if (endMs > this.deadlineMs) {
      this.finish(endMs, latencyUs, 'timeout', new RequestTimeoutError(this.limits.timeoutMs).message, true);
      return;
    }
    const first = this.first;
    let body = first === undefined ? EMPTY : this.rest === undefined ? first : Buffer.concat([first, ...this.rest]);
    this.first = undefined;
    this.rest = undefined;
    const coding = this.headers['content-encoding'];
    if (coding !== undefined && this.checker.needsBody !== false) {
      // bounded by the body limit: a decompression bomb is body-too-large, never memory
      try {
        body = decodeContentCoding(body, coding, this.limits.maxBodyBytes);
      } catch (err) {
        const cls = classifyTransportError(err);
        this.finish(endMs, latencyUs, cls, messageOf(err), true);
        return;
      }
    }
    let errorClass: ErrorClass | null;
    let message: string | undefined;
    try {
      errorClass = this.checker(this.status, this.headers, body);
      if (errorClass !== null) message = `HTTP ${this.status}, ${errorClass}`;
    } catch (err) {
      errorClass = 'checker-exception';
      message = messageOf(err);
    }
    this.finish(endMs, latencyUs, errorClass, message, true);
  }

  onResponseError(_c: Controller, err: Error): void {
    this.error(err);
  }

  /** A failure outside undici's callbacks (e.g. dispatch() itself threw). */
  error(err: unknown): void {
    if (this.done) return;
    this.fail(performance.now(), err);
  }

  /** Called by the deadline sweep. */
  expire(nowMs: number): void {
    if (this.done) return;
    const err = new RequestTimeoutError(this.limits.timeoutMs);
    this.fail(nowMs, err);
    this.controller?.abort(err);
  }

  private fail(endMs: number, err: unknown): void {
    const errorClass = classifyTransportError(err);
    const latencyUs = hasLatency(errorClass) ? (endMs - this.refMs) * 1000 : undefined;
    this.finish(endMs, latencyUs, errorClass, messageOf(err), false);
  }

  private finish(endMs: number, latencyUs: number | undefined, errorClass: ErrorClass | null, message: string | undefined, responded: boolean): void {
    if (this.done) return;
    this.done = true;
    this.first = undefined;
    this.rest = undefined;
    this.endMs = endMs;
    this.latencyUs = latencyUs;
    this.errorClass = errorClass;
    this.message = message;
    this.responded = responded;
    this.owner.exchangeDone(this);
  }
}

/** an empty body (every empty response may share it: checkers get it read-only in practice) */
const EMPTY = Buffer.alloc(0);

/** Dispatch options for a request spec. */
export function dispatchOptions(spec: RequestSpec, timeoutMs: number): Dispatcher.DispatchOptions {
  const body = spec.body;
  return {
    method: (spec.method ?? (body === undefined ? 'GET' : 'POST')) as Dispatcher.HttpMethod,
    path: spec.path,
    headers: spec.headers ?? {},
    body: body ?? null,
    // undici's own timeouts are a backstop; the generator's sweep enforces timeoutMs
    headersTimeout: timeoutMs + 1000,
    bodyTimeout: timeoutMs + 1000,
  };
}
