/**
 * RawClient: the part of undici's Dispatcher the load generator uses — dispatch(opts, handler)
 * with the DispatchHandler callbacks (onRequestStart, onResponseStart, onResponseData,
 * onResponseEnd, onResponseError) and a DispatchController per request (abort) — on one
 * keep-alive HTTP/1.1 connection at a time (connection.ts), pipelining 1, like the undici
 * Client the closed model gives each virtual user.
 *
 * Why: per request undici's Client costs the generator more CPU than a small loopback server
 * costs the server (bench/perf-generator.mjs), so the generator, not the platform, was the
 * limit of a closed-model stage. This client does only what the generator needs: one request
 * string written in one socket write, a response parsed with a few native searches, the body
 * handed over as views of the read buffers.
 *
 * Not supported (refused with UND_ERR_INVALID_ARG, never sent): stream or form bodies, upgrade
 * and CONNECT. Redirects are never followed (the generator checks the status). A dispatch while
 * a request is in flight waits in a queue (the closed model never does that).
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type tls from 'node:tls';
import { Connection } from './connection.js';
import type { Endpoint, Exchangeable } from './connection.js';
import { DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_HEADER_COUNT } from './parser.js';
import type { ParserLimits } from './parser.js';
import { InvalidRequestError, requestBytes } from './request.js';
import type { HeaderInput, RequestBytes } from './request.js';
import type { ResponseHeaders } from '../types.js';

export interface RawClientOptions {
  /** default 10 000 ms */
  connectTimeoutMs?: number;
  /** status line + headers (and a trailer section), bytes; default 64 KiB */
  maxHeaderBytes?: number;
  /** header lines per response; default 256 */
  maxHeaderCount?: number;
  /** a body announced or grown beyond this fails as body-too-large; default 16 MiB */
  maxBodyBytes?: number;
  /** https only: extra TLS options (ca, cert, key …) */
  tls?: tls.ConnectionOptions;
}

const DEFAULT_TIMEOUT_MS = 300_000;

function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** One request: the handler's controller and what the connection serves. */
class RawRequest implements Dispatcher.DispatchController, Exchangeable {
  /** the connection it was handed to */
  conn: Connection | undefined;
  written = false;
  settled = false;
  private inStart = false;
  private abortReason: Error | null = null;

  constructor(
    private readonly client: RawClient,
    private readonly handler: Dispatcher.DispatchHandler,
    readonly bytes: RequestBytes,
    readonly isHead: boolean,
    readonly headersTimeoutMs: number,
    readonly bodyTimeoutMs: number,
  ) {}

  get aborted(): boolean {
    return this.abortReason !== null;
  }

  get reason(): Error | null {
    return this.abortReason;
  }

  // no back-pressure: the body limit bounds what a response can hold
  get paused(): boolean {
    return false;
  }
  pause(): void {}
  resume(): void {}

  abort(reason: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.abortReason = reason;
    if (this.conn) this.conn.abort(this, this.written);
    else this.client.unqueue(this);
    this.tellError(reason);
    // start() reports the abort to the connection itself
    if (!this.inStart) this.client.pump();
  }

  start(): boolean {
    if (this.settled) return false;
    this.inStart = true;
    try {
      this.handler.onRequestStart?.(this, {});
    } catch (err) {
      this.abort(err as Error);
    } finally {
      this.inStart = false;
    }
    if (this.settled) return false;
    this.written = true;
    return true;
  }

  head(status: number, headers: ResponseHeaders, statusText: string): void {
    if (this.settled) return;
    try {
      this.handler.onResponseStart?.(this, status, headers as Record<string, string | string[]>, statusText);
    } catch (err) {
      this.abort(err as Error);
    }
  }

  data(chunk: Buffer): void {
    if (this.settled) return;
    try {
      this.handler.onResponseData?.(this, chunk);
    } catch (err) {
      this.abort(err as Error);
    }
  }

  end(trailers: ResponseHeaders): void {
    if (this.settled) return;
    this.settled = true;
    // a handler that throws once its request is settled has nobody left to tell: never crash the generator for it
    try {
      this.handler.onResponseEnd?.(this, trailers as Record<string, string | string[]>);
    } catch {
      // deliberately ignored, see above
    }
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.tellError(err);
  }

  private tellError(err: Error): void {
    try {
      this.handler.onResponseError?.(this, err);
    } catch {
      // deliberately ignored: the request is settled (see end)
    }
  }
}

export class RawClient {
  private readonly endpoint: Endpoint;
  private readonly hostHeader: string;
  private readonly limits: ParserLimits;
  private conn: Connection | undefined;
  private readonly queue: RawRequest[] = [];
  private closing: (() => void) | undefined;
  private closed = false;
  private destroyed = false;

  constructor(origin: string | URL, opts: RawClientOptions = {}) {
    const u = typeof origin === 'string' ? new URL(origin) : origin;
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidRequestError(`raw client: only http and https, not ${u.protocol}`);
    const secure = u.protocol === 'https:';
    this.endpoint = {
      host: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
      port: u.port ? Number(u.port) : secure ? 443 : 80,
      tls: secure,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      ...(opts.tls ? { tlsOptions: opts.tls } : {}),
    };
    this.hostHeader = u.host;
    this.limits = {
      maxHeaderBytes: opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
      maxHeaderCount: opts.maxHeaderCount ?? DEFAULT_MAX_HEADER_COUNT,
      maxBodyBytes: opts.maxBodyBytes ?? 16 * 1024 * 1024,
    };
  }

  /**
   * undici's dispatch. nowMs: the caller's clock reading of this instant (performance.now ms),
   * when it has one, spares the client a reading of its own.
   */
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler, nowMs?: number): boolean {
    let req: RawRequest;
    try {
      if (this.destroyed || this.closed) throw coded(`the client is ${this.destroyed ? 'destroyed' : 'closed'}`, this.destroyed ? 'UND_ERR_DESTROYED' : 'UND_ERR_CLOSED');
      if (opts.upgrade || opts.method === 'CONNECT') throw new InvalidRequestError('raw client: upgrade and CONNECT are not supported');
      const headers = opts.headers;
      if (headers !== null && headers !== undefined && (typeof headers !== 'object' || Array.isArray(headers) || Symbol.iterator in headers)) {
        throw new InvalidRequestError('raw client: headers must be a plain object');
      }
      const body = opts.body;
      if (body !== null && body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
        throw new InvalidRequestError('raw client: the body must be a string or bytes');
      }
      const bytes = requestBytes(opts.method, opts.path, this.hostHeader, headers as HeaderInput, body);
      req = new RawRequest(this, handler, bytes, opts.method === 'HEAD', opts.headersTimeout || DEFAULT_TIMEOUT_MS, opts.bodyTimeout || DEFAULT_TIMEOUT_MS);
    } catch (err) {
      const failed = new RawRequest(this, handler, '', false, 0, 0);
      failed.fail(err as Error);
      return false;
    }
    // the closed model's case: nothing queued, the connection free — straight to it
    if (this.queue.length === 0 && !(this.conn && !this.conn.dead && this.conn.busy)) this.sendNow(req, nowMs ?? performance.now());
    else {
      this.queue.push(req);
      this.pump();
    }
    return true;
  }

  private sendNow(req: RawRequest, t: number): void {
    if (!this.conn || this.conn.dead || this.conn.stale(t)) this.conn = new Connection(this.endpoint, this.limits, this.onFree);
    req.conn = this.conn;
    this.conn.send(req, t);
  }

  private readonly onFree = (): void => this.pump();

  /** Send the next queued request when the connection is free (a dead one is replaced). */
  pump(): void {
    while (this.queue.length > 0) {
      if (this.conn && !this.conn.dead && this.conn.busy) return;
      const req = this.queue.shift()!;
      if (req.settled) continue;
      this.sendNow(req, performance.now());
    }
    if (this.closing && !(this.conn && !this.conn.dead && this.conn.busy)) {
      const done = this.closing;
      this.closing = undefined;
      this.conn?.destroy(coded('the client is closed', 'UND_ERR_CLOSED'));
      done();
    }
  }

  unqueue(req: RawRequest): void {
    const i = this.queue.indexOf(req);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** Let what was dispatched finish, then close the connection. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      this.closing = resolve;
      this.pump();
    });
  }

  /** Fail whatever is queued or in flight and close the connection now. */
  destroy(err?: Error | null): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    this.destroyed = true;
    this.closed = true;
    const reason = err ?? coded('the client was destroyed', 'UND_ERR_DESTROYED');
    for (const req of this.queue.splice(0)) req.fail(reason);
    this.conn?.destroy(reason);
    const done = this.closing;
    this.closing = undefined;
    done?.();
    return Promise.resolve();
  }
}
