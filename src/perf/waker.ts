/**
 * A sub-millisecond alarm clock for the open model's arrival scheduler.
 *
 * Why: Node's timers have a 1 ms floor and fire on the loop's millisecond clock, so a scheduler
 * that sleeps with setTimeout wakes 1–2 ms after the arrival it waits for and then sends every
 * arrival that fell due meanwhile at once. At 9 000 req/s that is batches of ~10–20 requests,
 * each up to 1–2 ms late: latency measured from the intended send time (as it must be) grows by
 * that lateness, and the server sees bursts instead of a steady rate. Measured on the bench
 * machine (loopback, 9 000 req/s): lateness p50 0.6 ms, p90 1.4 ms with timers.
 *
 * How: a worker thread knows the schedule (arrival k is due at t0 + k·interval) and the next
 * arrival the main thread has not sent yet (a shared Int32). It sleeps in Atomics.wait with a
 * fractional-millisecond timeout (a futex wait: microsecond resolution plus the kernel's timer
 * slack, ~50 µs) until that arrival is due. If the main thread has sent it meanwhile (it sends
 * whatever is due whenever it is awake anyway, e.g. on a response), the worker just sleeps on
 * to the next one; otherwise it sets a flag and Atomics.notify()s it. The main thread waits on
 * the flag with Atomics.waitAsync, which resolves on its event loop as soon as it is notified
 * (libuv wakes from its poll at once). The main thread is never blocked and nothing spins.
 *
 * The worker's code is a string (eval) so the same module works from dist/ and under vitest
 * (which runs the .ts sources, where no worker .js file exists).
 */
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

/** Atomics.waitAsync (V8, Node >= 16) is not in the ES2023 lib the project compiles against */
type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number) => WaitAsyncResult }).waitAsync;

/** Int32 slots of the shared buffer */
const FLAG = 0; // 1 = arrival NEXT is due and unsent (the main thread waits on this)
const NEXT = 1; // the next arrival the main thread will send; -1 = no schedule yet
const STOP = 2; // 1 = the worker ends
/** Float64 slots from byte 16: t0 on the monotonic hrtime clock (ms), interval (ms) */
const F64_OFFSET = 16;
/** the worker fires this long after the due instant, so that the main thread's clock (read a
 * few µs later, converted through an offset measured to ~1 µs) surely sees the arrival due */
const FIRE_AFTER_MS = 0.002;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const i32 = new Int32Array(workerData.sab);
const f64 = new Float64Array(workerData.sab, ${F64_OFFSET}, 2);
// the schedule is on process.hrtime's monotonic clock (the same in every thread); this
// thread's performance.now() has its own origin, so convert once
const origin = Number(process.hrtime.bigint()) / 1e6 - performance.now();
for (;;) {
  if (Atomics.load(i32, ${STOP}) === 1) break;
  const k = Atomics.load(i32, ${NEXT});
  if (k < 0) { Atomics.wait(i32, ${NEXT}, k); continue; }
  const t = performance.now() + origin;
  const left = f64[0] + k * f64[1] + ${FIRE_AFTER_MS} - t;
  // NEXT moving on (sent by the main thread) needs no notify: we re-read it when we wake
  if (left > 0) { Atomics.wait(i32, ${NEXT}, k, left); continue; }
  // k is due and unsent: wake the main thread (once: it clears FLAG when it runs)
  if (Atomics.compareExchange(i32, ${FLAG}, 0, 1) === 0) Atomics.notify(i32, ${FLAG});
  // and look again when k + 1 is due: by then k is sent, or the main thread is busy and the
  // flag still stands
  Atomics.wait(i32, ${NEXT}, k, Math.max(0.001, f64[0] + (k + 1) * f64[1] + ${FIRE_AFTER_MS} - t));
}
`;

/**
 * Wakes the main thread when arrival next() is due and the main thread has not sent it.
 * onWake runs on the main thread, at or after the due instant (never before).
 */
export class PreciseWaker {
  private readonly sab = new SharedArrayBuffer(32);
  private readonly i32 = new Int32Array(this.sab);
  private readonly f64 = new Float64Array(this.sab, F64_OFFSET, 2);
  private readonly worker: Worker;
  private closed = false;
  /** the worker waits untimed for the first NEXT; afterwards it never needs a notify */
  private started = false;
  /** hrtime ms − this thread's performance.now() ms (both monotonic: a constant) */
  private readonly hrOffset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  private readonly fire = (): void => {
    if (this.closed) return;
    Atomics.store(this.i32, FLAG, 0);
    this.listen();
    this.onWake();
  };

  private constructor(private readonly onWake: () => void) {
    this.i32[NEXT] = -1;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sab: this.sab } });
  }

  /**
   * Starts the worker and resolves once it runs (a worker takes tens of ms to start; the caller
   * does this before its schedule begins). Rejects when no worker can be started. onDead runs if
   * the worker ends unasked later (the caller then falls back to timers).
   */
  static async start(onWake: () => void, onDead?: () => void): Promise<PreciseWaker> {
    const w = new PreciseWaker(onWake);
    await new Promise<void>((resolve, reject) => {
      w.worker.once('online', () => resolve());
      w.worker.once('error', reject);
    });
    // once running, the alarm never keeps the process alive on its own (the generator's own
    // timers and sockets do); while starting it must, or an idle process would exit under us
    w.worker.unref();
    w.worker.on('error', () => undefined);
    w.worker.once('exit', () => {
      if (!w.closed) {
        w.closed = true;
        onDead?.();
      }
    });
    w.listen();
    return w;
  }

  private listen(): void {
    const r = waitAsync(this.i32, FLAG, 0);
    if (r.async) void r.value.then(this.fire);
    // the flag was already set (the worker fired between two waits)
    else queueMicrotask(this.fire);
  }

  /** The schedule: arrival k is due at t0Ms + k·intervalMs (this thread's performance.now clock). */
  follow(t0Ms: number, intervalMs: number): void {
    this.f64[0] = t0Ms + this.hrOffset;
    this.f64[1] = intervalMs;
  }

  /**
   * The next arrival this thread will send (call after every round of sends). A store: the
   * worker is notified only the first time (it sleeps with a timeout afterwards).
   */
  next(k: number): void {
    if (this.closed) return;
    Atomics.store(this.i32, NEXT, k);
    if (!this.started) {
      this.started = true;
      Atomics.notify(this.i32, NEXT);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.i32, STOP, 1);
    Atomics.notify(this.i32, NEXT);
    // release the pending waitAsync so its promise does not linger
    Atomics.store(this.i32, FLAG, 1);
    Atomics.notify(this.i32, FLAG);
    await this.worker.terminate().catch(() => undefined);
  }
}
