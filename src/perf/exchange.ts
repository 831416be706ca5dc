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

/**
 * The handler for one request. finish() runs exactly once, whichever comes first: the response
 * end, a transport error, or expire() from the generator's deadline sweep.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  private controller: Controller | undefined;
  private status = 0;
  private headers: ResponseHeaders = {};
  private chunks: Buffer[] = [];
  private bytes = 0;
  private done = false;
  /** when the request was written to a socket (ms, performance.now clock) */
  writtenAtMs: number | undefined;

  constructor(
    /** latency origin, performance.now() ms */
    readonly refMs: number,
    readonly deadlineMs: number,
    private readonly limits: ExchangeLimits,
    private readonly checker: ResponseChecker,
    private readonly onDone: (ex: Exchange, o: ExchangeOutcome) => void,
    private readonly onWritten?: (ex: Exchange) => void,
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
    if (this.writtenAtMs === undefined) {
      this.writtenAtMs = performance.now();
      this.onWritten?.(this);
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
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.done) return;
    const endMs = performance.now();
    const latencyUs = (endMs - this.refMs) * 1000;
    // a response that came after the deadline the sweep had not yet enforced is still a timeout
    if (endMs > this.deadlineMs) {
      this.finish({ endMs, latencyUs, errorClass: 'timeout', message: new RequestTimeoutError(this.limits.timeoutMs).message, responded: true });
      return;
    }
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    let errorClass: ErrorClass | null;
    let message: string | undefined;
    try {
      errorClass = this.checker(this.status, this.headers, body);
      if (errorClass !== null) message = `HTTP ${this.status}, ${errorClass}`;
    } catch (err) {
      errorClass = 'checker-exception';
      message = messageOf(err);
    }
    this.finish({ endMs, latencyUs, errorClass, message, responded: true });
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
    this.finish({ endMs, latencyUs, errorClass, message: messageOf(err), responded: false });
  }

  private finish(o: ExchangeOutcome): void {
    if (this.done) return;
    this.done = true;
    this.chunks = [];
    this.onDone(this, o);
  }
}

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
