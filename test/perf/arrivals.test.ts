import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { ArrivalSchedule, TimerClock, startArrivalClock } from '../../src/perf/arrivals.js';
import { PreciseWaker } from '../../src/perf/waker.js';
import type { Arrival } from '../../src/perf/arrivals.js';
import { runStage } from '../../src/perf/index.js';
import type { RequestFactory } from '../../src/perf/index.js';
import { ackChecker, startTestServer } from './server.js';
import type { TestServer } from './server.js';

/** A clock the test moves by hand. */
function fakeClock(start = 1000): { now: () => number; set: (t: number) => void } {
  let t = start;
  return { now: () => t, set: (x) => (t = x) };
}

/** Pumps until nothing is due, collecting what was sent. */
function drain(s: ArrivalSchedule, now: () => number, budgetMs = 1e9, send?: (a: Arrival) => boolean): Arrival[] {
  const out: Arrival[] = [];
  for (;;) {
    const r = s.pump(now, (a) => (out.push(a), send ? send(a) : true), budgetMs);
    if (r.kind !== 'yield') return out;
  }
}

describe('arrival schedule', () => {
  it('intends arrival k at exactly t0 + k/rate, and the window holds rate × duration of them', () => {
    const s = new ArrivalSchedule(1000, 300, 500, 2000, 250);
    expect(s.intervalMs).toBeCloseTo(1000 / 300, 12);
    expect(s.first).toBe(150); // 0.5 s of warm-up at 300/s
    expect(s.total).toBe(750);
    expect(s.scheduled).toBe(600);
    for (const k of [0, 1, 149, 150, 599, 749]) expect(s.intendedMs(k)).toBe(1000 + k * (1000 / 300));
    // computed from k, not accumulated: the last one is as exact as the first
    expect(s.intendedMs(749)).toBeCloseTo(1000 + 749 / 0.3, 9);
    expect(s.intendedMs(s.first)).toBeGreaterThanOrEqual(s.windowStartMs);
    expect(s.intendedMs(s.first - 1)).toBeLessThan(s.windowStartMs);
    expect(s.intendedMs(s.total - 1)).toBeLessThan(s.windowEndMs);
    expect(s.intendedMs(s.total)).toBeGreaterThanOrEqual(s.windowEndMs);
  });

  it('sends nothing early: an arrival goes out only once the clock reached its intended time', () => {
    const c = fakeClock(1000);
    const s = new ArrivalSchedule(1000, 100, 0, 1000, 250); // every 10 ms
    expect(drain(s, c.now).map((a) => a.k)).toEqual([0]);
    c.set(1009.999);
    expect(drain(s, c.now)).toEqual([]);
    expect(s.pump(c.now, () => true, 5)).toEqual({ kind: 'wait', nextMs: 1010 });
    c.set(1010);
    expect(drain(s, c.now).map((a) => a.k)).toEqual([1]);
  });

  it('a late clock sends every overdue arrival, in order, each with its own intended time', () => {
    const c = fakeClock(1000);
    const s = new ArrivalSchedule(1000, 200, 0, 1000, 250); // every 5 ms
    c.set(1000 + 47); // the generator woke 47 ms late
    const sent = drain(s, c.now);
    expect(sent.map((a) => a.k)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // the latency origin is the intended time, not the (late) moment of sending
    expect(sent.map((a) => a.intendedMs)).toEqual(sent.map((a) => 1000 + a.k * 5));
    expect(s.issued).toBe(10);
  });

  it('never drops or reorders arrivals across yields, whatever the clock does', () => {
    const c = fakeClock(0);
    const s = new ArrivalSchedule(0, 1000, 100, 900, 250);
    const sent: Arrival[] = [];
    const rounds: string[] = [];
    // an irregular clock: each read moves it 0.3 ms, and between rounds it jumps
    let reads = 0;
    const now = (): number => {
      reads++;
      c.set(c.now() + 0.3);
      return c.now();
    };
    for (let round = 0; round < 10_000; round++) {
      const r = s.pump(now, (a) => (sent.push(a), true), 2);
      rounds.push(r.kind);
      if (r.kind === 'done') break;
      if (r.kind === 'wait') c.set(r.nextMs + (round % 3) * 7);
    }
    expect(reads).toBeGreaterThan(0);
    expect(rounds).toContain('yield'); // the 2 ms budget was hit, and sending resumed after
    expect(rounds.at(-1)).toBe('done');
    expect(sent.map((a) => a.k)).toEqual(Array.from({ length: s.total }, (_, k) => k));
    expect(sent.filter((a) => !a.recorded).map((a) => a.k)).toEqual(Array.from({ length: s.first }, (_, k) => k));
    expect(s.issued).toBe(s.scheduled);
    expect(s.missed).toBe(0);
  });

  it('counts as missed exactly the window arrivals still unsent when the grace ran out', () => {
    const c = fakeClock(0);
    const s = new ArrivalSchedule(0, 100, 0, 1000, 250);
    c.set(400);
    expect(drain(s, c.now)).toHaveLength(41); // k = 0 … 40 (due at 0 … 400 ms)
    c.set(1000 + 250 + 1); // stalled past the window and its grace
    expect(s.pump(c.now, () => true, 5)).toEqual({ kind: 'done' });
    expect(s.scheduled).toBe(100);
    expect(s.issued).toBe(41);
    expect(s.missed).toBe(59);
  });

  it('an arrival the sender refused (factory threw) ends the schedule and is not counted as sent', () => {
    const c = fakeClock(0);
    const s = new ArrivalSchedule(0, 100, 0, 1000, 250);
    c.set(100);
    const sent = drain(s, c.now, 1e9, (a) => a.k !== 3);
    expect(sent.map((a) => a.k)).toEqual([0, 1, 2, 3]);
    expect(s.issued).toBe(3);
    expect(s.missed).toBe(97);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new ArrivalSchedule(0, 0, 0, 1000, 250)).toThrow(RangeError);
  });
});

describe('arrival clocks', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  // "never before" is a correctness property (a schedule sent early would under-state latency);
  // how late a wake-up comes depends on the machine and is not asserted
  for (const precise of [true, false]) {
    it(`${precise ? 'the worker clock' : 'the timer clock'} wakes for every unsent arrival, never before it is due`, async () => {
      let s!: ArrivalSchedule;
      const woke: number[] = [];
      let done!: () => void;
      const finished = new Promise<void>((r) => (done = r));
      const clock = await startArrivalClock(
        () => {
          const t = performance.now();
          const r = s.pump(() => t, (a) => (woke.push(t - a.intendedMs), true), 5);
          if (r.kind === 'wait') clock.next(s.next, r.nextMs);
          else done();
        },
        () => performance.now(),
        precise,
      );
      closers.push(() => clock.close());
      expect(clock.precise).toBe(precise);
      // 30 arrivals, 2 ms apart; a grace long enough that a busy machine misses none
      s = new ArrivalSchedule(performance.now() + 5, 500, 0, 60, 60_000);
      clock.follow(s);
      clock.next(0, s.intendedMs(0));
      await finished;
      expect(woke).toHaveLength(30);
      expect(Math.min(...woke)).toBeGreaterThanOrEqual(0);
      expect(s.issued).toBe(30);
    });
  }

  it('the worker clock skips an arrival the main thread already sent and wakes for the next, not before it is due', async () => {
    const wakes: number[] = [];
    let woke!: () => void;
    const first = new Promise<void>((r) => (woke = r));
    const w: PreciseWaker = await PreciseWaker.start(() => {
      wakes.push(performance.now());
      w.next(1000); // handled: the next arrival is 10 s away
      woke();
    });
    closers.push(() => w.close());
    const t0 = performance.now() + 20;
    w.follow(t0, 10); // arrival k due at t0 + 10k
    w.next(0);
    w.next(3); // 0, 1, 2 were sent by the main thread itself (e.g. on responses)
    await first;
    await new Promise((r) => setTimeout(r, 5));
    expect(wakes).toHaveLength(1);
    expect(wakes[0]).toBeGreaterThanOrEqual(t0 + 30);
  });

  it('the timer clock keeps one timer: arming again while one is pending adds none', async () => {
    let wakes = 0;
    let woke!: () => void;
    const first = new Promise<void>((r) => (woke = r));
    const c = new TimerClock(() => (wakes++, woke()), () => performance.now());
    const t = performance.now();
    c.next(0, t + 5);
    c.next(1, t + 10);
    c.next(2, t + 15);
    await first;
    // Node fires timers in expiry order: had the later armings made timers, they would have
    // fired before this one
    await new Promise((r) => setTimeout(r, 20));
    expect(wakes).toBe(1);
    await c.close();
  });
});

describe('open model: generator lateness is in the latency', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('arrivals due while the generator itself was stalled count their wait from their intended time', async () => {
    const s = await startTestServer({ delayMs: 1 });
    servers.push(s);
    // arrival 40 (window k = 0 … 199 at 200/s, 5 ms apart) stalls the generator thread 100 ms:
    // arrivals 41 … 59 were due during the stall and go out late, arrival 41 about 95 ms late
    const factory: RequestFactory = ({ seq }) => {
      if (seq === 40) {
        const end = performance.now() + 100;
        while (performance.now() < end) {
          // the stall
        }
      }
      return { path: '/hip', headers: { 'content-type': 'text/xml' }, body: `<msg><id extension="${seq}"/></msg>` };
    };
    const r = await runStage({ name: 'stall-gen', model: 'open', rate: 200, durationS: 1 }, { url: s.url }, factory, ackChecker);
    expect(r.requests + (r.missed ?? 0)).toBe(200);
    expect(r.errorCount).toBe(0);
    expect(r.latency.maxMs).toBeGreaterThanOrEqual(95);
    // ~19 of 200 were late by 5–95 ms: the p90 carries it
    expect(r.latency.p90Ms).toBeGreaterThanOrEqual(3);
    expect(r.generator.scheduleLagP99Ms).toBeGreaterThanOrEqual(80);
    // each arrival sent once: no duplicates, none lost between the schedule and the server
    const ids = s.bodies.map((b) => Number(/extension="(\d+)"/.exec(b)?.[1]));
    expect(ids).toHaveLength(r.requests);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((k) => k >= 0 && k < 200)).toBe(true);
  });
});
