/**
 * The open model's connections: up to `max` clients of one keep-alive connection each
 * (src/perf/raw's RawClient, pipelining 1). An arrival goes at once to an idle connection,
 * opening a new one while fewer than `max` exist; only when every connection is busy does it
 * wait, first come first served, for the next one to finish. Its latency is measured from its
 * intended send time either way (the generator's Exchange), so that wait is counted.
 *
 * Why not undici's Pool: the open model then runs on the same lean client as the closed model
 * (src/perf/raw: under half of undici's CPU per request, docs/performance.md), and the pool
 * itself is a stack of idle clients and a queue — a push and a pop per request. undici's Pool
 * stays selectable (RunStageOptions.engine 'undici') for a cross-check.
 *
 * Idle connections are reused last-in first-out, so a low rate keeps a few connections hot
 * instead of spreading over all of them (a connection the server closed while idle is reopened
 * by its client on the next request, and that arrival's latency includes the connect).
 */
import type { Dispatcher } from 'undici';
import type { ResponseHeaders } from './types.js';

/** What the pool needs of a client: undici's dispatch contract, and a way to end it. */
export interface PooledClient {
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  destroy(err?: Error | null): Promise<void>;
}

/** Forwards one request's callbacks and gives its client back to the pool exactly once. */
class Lease implements Dispatcher.DispatchHandler {
  private released = false;
  constructor(
    private readonly pool: OpenPool,
    private readonly client: PooledClient,
    private readonly handler: Dispatcher.DispatchHandler,
  ) {}

  /**
   * The handler first, then the connection: the finished request's bookkeeping (in flight,
   * on the wire) is closed before the next request starts on it. Arrivals the handler sends
   * meanwhile wait behind those already waiting (the pool knows a connection is being freed).
   */
  private finish(call: () => void): void {
    if (this.released) {
      call();
      return;
    }
    this.released = true;
    this.pool.freeing++;
    try {
      call();
    } finally {
      this.pool.freeing--;
      this.pool.release(this.client);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: ResponseHeaders, statusText?: string): void {
    this.handler.onResponseStart?.(controller, status, headers, statusText);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: ResponseHeaders): void {
    this.finish(() => this.handler.onResponseEnd?.(controller, trailers));
  }

  onResponseError(controller: Dispatcher.DispatchController, err: Error): void {
    this.finish(() => this.handler.onResponseError?.(controller, err));
  }
}

/** The controller a request that never reached a connection is failed with. */
function unsentController(reason: Error): Dispatcher.DispatchController {
  return { aborted: true, paused: false, reason, abort() {}, pause() {}, resume() {} };
}

function destroyedError(): Error {
  return Object.assign(new Error('the pool was destroyed'), { code: 'UND_ERR_DESTROYED' });
}

interface Waiting {
  opts: Dispatcher.DispatchOptions;
  handler: Dispatcher.DispatchHandler;
}

export class OpenPool {
  private readonly idle: PooledClient[] = [];
  private readonly all: PooledClient[] = [];
  /** FIFO: waiting[head …] (an array with a moving head: no O(n) shift per arrival) */
  private waiting: Waiting[] = [];
  private head = 0;
  private destroyed = false;
  /** connections whose request is finishing (their handler runs): each is about to be free */
  freeing = 0;

  constructor(
    private readonly make: () => PooledClient,
    readonly max: number,
  ) {
    if (!(max >= 1)) throw new RangeError('an open pool needs at least one connection');
  }

  /** clients opened so far */
  get size(): number {
    return this.all.length;
  }

  /** arrivals waiting for a free connection */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /** true when the request went to a connection at once, false when it waits for one */
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.destroyed) {
      const err = destroyedError();
      handler.onResponseError?.(unsentController(err), err);
      return false;
    }
    let c = this.idle.pop();
    // a connection being freed takes the next waiting arrival: open a new one only for more
    if (!c && this.queued >= this.freeing && this.all.length < this.max) {
      c = this.make();
      this.all.push(c);
    }
    if (!c) {
      this.waiting.push({ opts, handler });
      return false;
    }
    this.start(c, opts, handler);
    return true;
  }

  private start(c: PooledClient, opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    c.dispatch(opts, new Lease(this, c, handler));
  }

  /** A client's request finished: the oldest waiting arrival goes on it, else it idles. */
  release(c: PooledClient): void {
    if (this.destroyed) return;
    if (this.head < this.waiting.length) {
      const w = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as unknown as Waiting;
      if (this.head === this.waiting.length) {
        this.waiting = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      this.start(c, w.opts, w.handler);
      return;
    }
    this.idle.push(c);
  }

  /** Fails whatever waits or is in flight and closes every connection. */
  async destroy(err?: Error): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    const reason = err ?? destroyedError();
    const waiting = this.waiting.slice(this.head);
    this.waiting = [];
    this.head = 0;
    for (const w of waiting) w.handler.onResponseError?.(unsentController(reason), reason);
    await Promise.all(this.all.map((c) => c.destroy(reason).catch(() => undefined)));
  }
}
