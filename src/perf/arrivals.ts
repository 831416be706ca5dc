/**
 * The open model's arrival schedule and the clock that wakes the scheduler.
 *
 * Arrival k is due at exactly t0 + k × (1000 / rate) ms (computed from k, never accumulated, so
 * the intended send times are uniform however long the stage runs). The warm-up holds arrivals
 * [0, first), the measured window [first, total). pump() sends every arrival that is due, in
 * order, none skipped: an arrival the generator could not send on time is sent late (its
 * latency, measured from its intended time, carries the lateness) and, once the window plus a
 * grace has passed, the ones never sent are `missed`. Pure apart from the clock it is given, so
 * its properties are tested with a fake clock (test/perf/arrivals.test.ts).
 */
import { PreciseWaker } from './waker.js';

export interface Arrival {
  /** 0-based sequence number, in schedule order */
  k: number;
  /** the intended send time, ms (the generator's performance.now clock) */
  intendedMs: number;
  /** false for warm-up arrivals */
  recorded: boolean;
}

export type PumpResult =
  /** nothing more is due now: wake at nextMs */
  | { kind: 'wait'; nextMs: number }
  /** still behind after the time budget: yield to I/O and pump again at once */
  | { kind: 'yield' }
  /** every arrival was sent, the grace ran out, or send() asked to stop */
  | { kind: 'done' };

export class ArrivalSchedule {
  readonly intervalMs: number;
  /** first arrival of the measured window */
  readonly first: number;
  /** arrivals in warm-up plus window */
  readonly total: number;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  /** next arrival to send */
  next = 0;
  /** measured-window arrivals sent */
  issued = 0;

  constructor(
    readonly t0: number,
    readonly rate: number,
    warmupMs: number,
    durationMs: number,
    /** how long past the window overdue arrivals may still be sent */
    readonly graceMs: number,
  ) {
    if (!(rate > 0)) throw new RangeError('rate must be > 0');
    this.intervalMs = 1000 / rate;
    this.windowStartMs = t0 + warmupMs;
    this.windowEndMs = this.windowStartMs + durationMs;
    // the window holds the k with t0 + k·interval in [windowStart, windowEnd)
    this.first = Math.ceil(warmupMs / this.intervalMs - 1e-9);
    this.total = Math.ceil((warmupMs + durationMs) / this.intervalMs - 1e-9);
  }

  intendedMs(k: number): number {
    return this.t0 + k * this.intervalMs;
  }

  /** measured-window arrivals */
  get scheduled(): number {
    return this.total - this.first;
  }

  /** measured-window arrivals never sent */
  get missed(): number {
    return Math.max(0, this.scheduled - this.issued);
  }

  /**
   * Sends every arrival due by clock(), in order, through send (false = stop the stage). Gives
   * up the thread after budgetMs of sending so that responses are read in between.
   */
  pump(clock: () => number, send: (a: Arrival) => boolean, budgetMs: number): PumpResult {
    let t = clock();
    const yieldAt = t + budgetMs;
    const lastSendMs = this.windowEndMs + this.graceMs;
    while (this.next < this.total) {
      const intendedMs = this.intendedMs(this.next);
      if (intendedMs > t) return { kind: 'wait', nextMs: intendedMs };
      if (t > lastSendMs) return { kind: 'done' };
      const a: Arrival = { k: this.next, intendedMs, recorded: this.next >= this.first };
      this.next++;
      if (!send(a)) return { kind: 'done' };
      if (a.recorded) this.issued++;
      t = clock();
      if (t >= yieldAt) return this.next < this.total ? { kind: 'yield' } : { kind: 'done' };
    }
    return { kind: 'done' };
  }
}

/** Wakes the scheduler when the next arrival is due; see startArrivalClock. */
export interface ArrivalClock {
  /** true when sub-millisecond (the worker clock); false: Node timers, 1 ms floor */
  readonly precise: boolean;
  /** the schedule to follow (once, before the first next()) */
  follow(sched: ArrivalSchedule): void;
  /** after each round of sends that left arrivals: k is the next to send, due at atMs */
  next(k: number, atMs: number): void;
  close(): Promise<void>;
}

/** The Node-timer clock: used when no worker thread can be started. */
export class TimerClock implements ArrivalClock {
  readonly precise = false;
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly onWake: () => void,
    private readonly clock: () => number,
  ) {}

  follow(): void {}

  next(_k: number, atMs: number): void {
    // a pending timer is never later than atMs (due times only grow): it fires, finds nothing
    // or something due, and arms again
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onWake();
    }, Math.max(0, atMs - this.clock()));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The clock: the precise worker clock (src/perf/waker.ts) when a worker thread can start, else
 * (or if the worker dies) Node timers. onWake runs on this thread. Start it before the
 * schedule's t0: a worker takes tens of ms to come up.
 */
export async function startArrivalClock(onWake: () => void, clock: () => number, precise = true): Promise<ArrivalClock> {
  const timers = new TimerClock(onWake, clock);
  if (!precise) return timers;
  let dead = false;
  let followed: ArrivalSchedule | undefined;
  let w: PreciseWaker;
  try {
    w = await PreciseWaker.start(onWake, () => {
      // the worker died: carry on with timers from the next unsent arrival
      dead = true;
      const s = followed;
      if (s && s.next < s.total) timers.next(s.next, s.intendedMs(s.next));
    });
  } catch {
    // no worker threads here (resource limits …): millisecond timers still keep the schedule
    return timers;
  }
  return {
    get precise() {
      return !dead;
    },
    follow(sched) {
      followed = sched;
      w.follow(sched.t0, sched.intervalMs);
    },
    next(k, atMs) {
      // the timer as well: on a busy machine the worker itself may wait for a core, and
      // whichever wakes us first sends (a spurious wake-up finds nothing due and costs little)
      timers.next(k, atMs);
      if (!dead) w.next(k);
    },
    async close() {
      await timers.close();
      await w.close();
    },
  };
}
