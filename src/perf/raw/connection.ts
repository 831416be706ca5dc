/**
 * One HTTP/1.1 connection of the raw client: one socket (net or tls), one request at a time
 * (pipelining 1), the bounded parser of parser.ts, and a deadline on every wait.
 *
 * A Connection is single-use: once its socket closed or could not be trusted any more (a parse
 * error, an abort mid-response, bytes nobody asked for, Connection: close, a body that ran to
 * the close) it is `dead` and the client opens a new one for the next request.
 *
 * Deadlines: connect (connectTimeoutMs), response head (the request's headersTimeout, from the
 * write) and the whole body (bodyTimeout, from the head) — totals, not idle timers, so a peer
 * dripping a byte at a time cannot stretch them. One lazily re-armed timer per connection: the
 * per-request cost is setting a number.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { ResponseParser } from './parser.js';
import type { ParserLimits, ParserSink } from './parser.js';
import type { RequestBytes } from './request.js';
import type { ResponseHeaders } from '../types.js';

const now = (): number => performance.now();
/** how long a connection may idle without the server saying (undici's keepAliveTimeout default) */
const DEFAULT_KEEP_ALIVE_MS = 4000;
/** a server's idle timeout minus this is when we stop reusing: never race its close */
const KEEP_ALIVE_MARGIN_MS = 1000;
/** one read's worth: a typical answer under load fits in one */
const READ_BUFFER_BYTES = 16 * 1024;


export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
  /** extra TLS options (CA, client certificate …); verification stays on unless they turn it off */
  tlsOptions?: tls.ConnectionOptions;
  connectTimeoutMs: number;
}

/** What a connection serves: the request's bytes and where its response goes. */
export interface Exchangeable {
  readonly bytes: RequestBytes;
  readonly isHead: boolean;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** the connection is ready to write; false when the request was aborted meanwhile */
  start(conn: Connection): boolean;
  head(status: number, headers: ResponseHeaders, statusText: string): void;
  data(chunk: Buffer): void;
  end(trailers: ResponseHeaders): void;
  fail(err: Error): void;
}

const enum Wait {
  None,
  Connect,
  Head,
  Body,
}

function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

export class Connection implements ParserSink {
  private socket: net.Socket | undefined;
  private connected = false;
  private current: Exchangeable | undefined;
  private readonly parser: ResponseParser;
  private wait = Wait.None;
  private deadline = 0;
  private timer: NodeJS.Timeout | undefined;
  /** when the timer fires (performance.now ms) */
  private timerAt = 0;
  private trailers: ResponseHeaders | undefined;
  /** plain TCP: where every read lands (see open) */
  private readBuffer: Buffer | undefined;
  /** cannot carry another request */
  dead = false;
  /** when the connection became idle (ms), and how long it may stay so before the server may close it */
  private idleSince = 0;
  private idleLimitMs = DEFAULT_KEEP_ALIVE_MS;
  /** when the current read arrived (ms): one clock read per read serves its deadlines */
  private readAt = 0;
  /** the last view of readBuffer handed to the parser (answers of a stage often have the same
   * length: one view serves them; it never leaves this connection) */
  private readView: Buffer | undefined;

  constructor(
    private readonly endpoint: Endpoint,
    limits: ParserLimits,
    /** a request finished (answered or failed): the client may send the next one */
    private readonly onFree: (conn: Connection) => void,
  ) {
    this.parser = new ResponseParser(limits);
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /**
   * Idle for so long that the server may be closing it right now: a request written then would
   * meet the close and fail as a reset that the platform did not cause. Such a connection is
   * retired (the client opens a new one), as undici does with the Keep-Alive timeout hint.
   */
  stale(t: number): boolean {
    if (this.dead || this.current || !this.connected) return false;
    if (t - this.idleSince < this.idleLimitMs) return false;
    this.kill();
    return true;
  }

  /** t: now (performance.now ms), from the caller that already read the clock */
  send(req: Exchangeable, t: number): void {
    if (this.dead || this.current) throw new Error('raw connection: send on a busy or dead connection');
    this.current = req;
    if (this.connected) this.write(req, t);
    else if (!this.socket) this.open(t);
  }

  /**
   * The request on this connection is abandoned (timeout, body limit, caller). Once any of it
   * was written the socket cannot be trusted (a late answer would be taken for the next
   * request's); before that the connection stays clean and usable.
   */
  abort(req: Exchangeable, written: boolean): void {
    if (this.current !== req) return;
    this.current = undefined;
    if (written) this.kill();
  }

  /** Fail what is in flight with err and close. */
  destroy(err: Error): void {
    const req = this.current;
    this.current = undefined;
    this.kill();
    if (req) {
      req.fail(err);
      this.onFree(this);
    }
  }

  private open(t: number): void {
    const ep = this.endpoint;
    this.arm(Wait.Connect, ep.connectTimeoutMs, t);
    let socket: net.Socket;
    if (ep.tls) {
      socket = tls.connect({ host: ep.host, port: ep.port, ALPNProtocols: ['http/1.1'], ...(net.isIP(ep.host) ? {} : { servername: ep.host }), ...ep.tlsOptions });
      socket.on('data', (chunk: Buffer) => {
        if (this.socket === socket) this.onData(chunk);
      });
    } else {
      // reads land in one buffer of this connection, straight from libuv (no Buffer allocated
      // per read, no stream machinery): the body pieces are copied out (onBody)
      this.readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
      socket = net.connect({
        host: ep.host,
        port: ep.port,
        onread: {
          buffer: this.readBuffer,
          callback: (n: number, buf: Uint8Array): boolean => {
            if (this.socket !== socket) return true;
            let view = this.readView;
            if (view === undefined || view.length !== n) view = this.readView = (buf as Buffer).subarray(0, n);
            this.onData(view);
            return true;
          },
        },
      });
    }
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on(ep.tls ? 'secureConnect' : 'connect', () => {
      if (this.socket !== socket || this.dead) return;
      this.connected = true;
      this.wait = Wait.None;
      const req = this.current;
      if (req) this.write(req, now());
    });
    socket.on('end', () => {
      if (this.socket === socket) this.onPeerEnd();
    });
    socket.on('error', (err: Error) => {
      if (this.socket === socket) this.destroy(err);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.destroy(coded('the connection closed before a complete response', 'ECONNRESET'));
    });
  }

  private write(req: Exchangeable, t: number): void {
    if (!req.start(this)) {
      // aborted before a byte was written: the connection is still clean
      if (this.current === req) this.current = undefined;
      this.onFree(this);
      return;
    }
    this.parser.reset(req.isHead);
    this.arm(Wait.Head, req.headersTimeoutMs, t);
    const socket = this.socket!;
    const b = req.bytes;
    if (typeof b === 'string') socket.write(b);
    else {
      socket.cork();
      socket.write(b[0]);
      socket.write(b[1]);
      socket.uncork();
    }
  }

  private onData(chunk: Buffer): void {
    const req = this.current;
    if (!req) {
      // bytes nobody asked for (an unsolicited response): nothing on this connection can be trusted
      this.kill();
      return;
    }
    this.readAt = now();
    let used: number;
    try {
      used = this.parser.feed(chunk, this);
    } catch (err) {
      if (this.current === req) this.destroy(err as Error);
      return;
    }
    if (this.current !== req || !this.parser.done) return;
    // complete: settle the connection before the handler runs (it may send the next request here)
    this.current = undefined;
    this.wait = Wait.None;
    this.idleSince = this.readAt;
    const hint = this.parser.keepAliveMs;
    this.idleLimitMs = hint === undefined ? DEFAULT_KEEP_ALIVE_MS : Math.max(0, hint - KEEP_ALIVE_MARGIN_MS);
    if (used < chunk.length || this.parser.closeAfter) this.kill();
    const trailers = this.trailers ?? {};
    this.trailers = undefined;
    req.end(trailers);
    this.onFree(this);
  }

  private onPeerEnd(): void {
    const req = this.current;
    if (!req) {
      this.kill();
      return;
    }
    if (this.parser.untilClose) {
      this.parser.end(this);
      this.current = undefined;
      this.kill();
      const trailers = this.trailers ?? {};
      this.trailers = undefined;
      req.end(trailers);
      this.onFree(this);
      return;
    }
    const msg = this.parser.idle ? 'the server closed the connection without answering' : 'the connection closed before a complete response';
    this.destroy(coded(msg, 'ECONNRESET'));
  }

  // ParserSink: straight to the request (the parser calls these inside feed)
  onHead(status: number, headers: ResponseHeaders, statusText: string): void {
    const req = this.current;
    if (!req) return;
    this.arm(Wait.Body, req.bodyTimeoutMs, this.readAt);
    req.head(status, headers, statusText);
  }

  onBody(chunk: Buffer): void {
    // a view of the shared read buffer would be overwritten by the next read
    this.current?.data(this.readBuffer ? Buffer.from(chunk) : chunk);
  }

  onBodyRange(chunk: Buffer, start: number, end: number): void {
    const req = this.current;
    if (!req) return;
    if (this.readBuffer) {
      // copied straight out of the shared read buffer (no view made first). Node's pool, not a
      // slab of our own per connection: 32 connections' slabs walked through more cache and
      // measured ~7 % more CPU per request (bench/perf-cpu.mjs --base)
      const copy = Buffer.allocUnsafe(end - start);
      chunk.copy(copy, 0, start, end);
      req.data(copy);
    } else req.data(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
  }

  onEnd(trailers: ResponseHeaders): void {
    this.trailers = trailers;
  }

  private kill(): void {
    if (!this.dead) {
      this.dead = true;
      this.parser.halt();
    }
    this.wait = Wait.None;
    const s = this.socket;
    if (s && !s.destroyed) s.destroy();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // a request sent after death (never: the client checks dead) would otherwise hang
    if (this.current) this.destroy(coded('the connection is closed', 'ECONNRESET'));
  }

  /** The timer only moves earlier: a later deadline is picked up when it fires (no timer churn per request). */
  private arm(wait: Wait, ms: number, t: number): void {
    this.wait = wait;
    this.deadline = t + ms;
    if (this.timer && this.timerAt <= this.deadline) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(t);
  }

  private schedule(t: number): void {
    const ms = Math.max(1, Math.ceil(this.deadline - t) + 1);
    this.timerAt = t + ms;
    this.timer = setTimeout(this.onTimer, ms);
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (this.wait === Wait.None || this.dead) return;
    const t = now();
    if (t < this.deadline) {
      this.schedule(t);
      return;
    }
    const err =
      this.wait === Wait.Connect
        ? // the same class as the undici engine's connect timeout (errors.ts: connect-timeout)
          coded(`could not connect within ${this.endpoint.connectTimeoutMs} ms`, 'UND_ERR_CONNECT_TIMEOUT')
        : coded(this.wait === Wait.Head ? 'no response head in time' : 'response body not complete in time', 'ETIMEDOUT');
    this.destroy(err);
  };
}
