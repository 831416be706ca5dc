/**
 * The load generator's contract, once per closed-model engine (raw, the default; undici;
 * autocannon): the same stage against the same loopback server must give the same counts,
 * error classes and latency semantics whichever HTTP client carries it. Then what only the
 * open model does (always an undici Pool), and the engine choice itself.
 */
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LatencyHistogram, RawClient, openConnections, runStage } from '../../src/perf/index.js';
import type { RequestFactory, RequestSpec, RunStageOptions } from '../../src/perf/index.js';
import { ACK_AA, ACK_AE, ackChecker, closedPort, trackedServers } from './server.js';

const server = trackedServers();

/** A synthetic message per request (never one replayed body); the warm-up flag travels in it so the server can tell. */
const factory: RequestFactory = ({ user, iteration, seq, warmup }) => ({
  path: '/hip',
  headers: { 'content-type': 'text/xml; charset=utf-8' },
  body: `<msg><id root="2.999.1" extension="${seq}"/><u>${user}</u><i>${iteration}</i><w>${warmup ? 1 : 0}</w></msg>`,
});

const ENGINES = ['raw', 'undici', 'autocannon'] as const;

describe.each(ENGINES)('closed model on the %s engine', (engine) => {
  const opts: RunStageOptions = { engine };
  // autocannon is loaded on first use; on a busy machine that alone can outlast a short warm-up
  beforeAll(() => {
    if (engine === 'autocannon') createRequire(import.meta.url)('autocannon');
  });

  it('builds every request anew, never reports below the server delay, and leaves warm-up out', async () => {
    const s = await server({ delayMs: 20 });
    const r = await runStage(
      { name: `${engine}-20ms`, model: 'closed', users: 4, durationS: 1, warmupS: 0.3, thresholds: ['p(50)>=20ms', 'errors<1%'] },
      { url: s.url },
      factory,
      ackChecker,
      opts,
    );
    expect(r.model).toBe('closed');
    expect(r.users).toBe(4);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.errorCount).toBe(0);
    expect(r.latency.count).toBe(r.requests);
    expect(r.latency.p50Ms).toBeGreaterThanOrEqual(20);
    expect(r.latency.minMs).toBeGreaterThanOrEqual(20 * 0.999); // HDR's lowest-equivalent of the min bucket
    expect(r.thresholds.map((t) => t.ok)).toEqual([true, true]);
    // every body distinct: the factory ran once per request, nothing replayed
    expect(new Set(s.bodies).size).toBe(s.bodies.length);
    // the server saw exactly the recorded requests plus the warm-up ones
    const warm = s.bodies.filter((b) => b.includes('<w>1</w>')).length;
    expect(warm).toBeGreaterThan(0);
    expect(s.count - warm).toBe(r.requests);
    const users = new Set(s.bodies.map((b) => /<u>(\d+)<\/u>/.exec(b)?.[1]));
    expect(users).toEqual(new Set(['0', '1', '2', '3']));
    expect(r.series.length).toBeGreaterThanOrEqual(1);
    expect(r.series.reduce((a, p) => a + p.count, 0)).toBe(r.requests);
    expect(r.generator.connections).toBe(4);
    expect(r.generator.peakInFlight).toBeLessThanOrEqual(4);
    expect(r.generator.peakQueued).toBe(0); // a virtual user owns its connection
  });

  it('records latency in microseconds', async () => {
    const s = await server({ delayMs: 2 });
    const r = await runStage({ name: `${engine}-us`, model: 'closed', users: 2, durationS: 0.5 }, { url: s.url }, factory, ackChecker, opts);
    const h = LatencyHistogram.decode(r.latencyHdr);
    const values = [10, 25, 50, 75, 90, 99].map((p) => h.percentileUs(p));
    expect(r.latency.count).toBe(r.requests);
    expect(values.some((v) => v % 1000 !== 0)).toBe(true);
    expect(r.requests).toBe(s.count);
  });

  it('applies think time between a user\'s requests', async () => {
    const s = await server({ delayMs: 0 });
    const r = await runStage({ name: `${engine}-think`, model: 'closed', users: 1, durationS: 1, thinkTimeMs: 100 }, { url: s.url }, factory, ackChecker, opts);
    // one user, ≥100 ms between sends: at most 11 requests fit in one second
    expect(r.requests).toBeLessThanOrEqual(11);
    expect(r.requests).toBeGreaterThan(0);
  });

  it('classifies 500s and AE acknowledgements exactly as the server sent them', async () => {
    const s = await server({
      behave: (n) =>
        n % 7 === 0
          ? { kind: 'reply', status: 500, body: 'boom' }
          : n % 5 === 0
            ? { kind: 'reply', status: 200, body: ACK_AE }
            : { kind: 'reply', status: 200, body: ACK_AA },
    });
    const r = await runStage({ name: `${engine}-errors`, model: 'closed', users: 3, durationS: 0.8, thresholds: ['errors<1%'] }, { url: s.url }, factory, ackChecker, opts);
    expect(r.requests).toBe(s.count);
    expect(s.tally['500']).toBeGreaterThan(0);
    expect(s.tally['AE']).toBeGreaterThan(0);
    expect(r.errors).toEqual({ 'http-status:500': s.tally['500'], 'ack-AE': s.tally['AE'] });
    expect(r.errorCount).toBe(s.tally['500']! + s.tally['AE']!);
    expect(r.errorExamples['http-status:500']).toContain('500');
    expect(r.thresholds[0]!.ok).toBe(false);
    expect(r.passed).toBe(false);
    // responses with an error status still took server time: they are in the latency histogram
    expect(r.latency.count).toBe(r.requests);
  });

  it('classifies a hung request as timeout, a dropped connection as connect-reset', async () => {
    const s = await server({
      behave: (n) => (n === 3 ? { kind: 'hang' } : n === 5 ? { kind: 'reset' } : { kind: 'reply', status: 200, body: ACK_AA }),
    });
    const r = await runStage({ name: `${engine}-timeouts`, model: 'closed', users: 2, durationS: 0.8 }, { url: s.url, timeoutMs: 300 }, factory, ackChecker, opts);
    expect(r.errors['timeout']).toBe(1);
    expect(r.errors['connect-reset']).toBe(1);
    expect(Object.keys(r.errors).sort()).toEqual(['connect-reset', 'timeout']);
    // the timeout counts as its full wait; the reset has no meaningful latency
    expect(r.latency.maxMs).toBeGreaterThanOrEqual(300);
    expect(r.latency.count).toBe(r.requests - 1);
  });

  it('counts refused connections without recording a latency for them', async () => {
    const port = await closedPort();
    const r = await runStage(
      { name: `${engine}-refused`, model: 'closed', users: 2, durationS: 0.5, thresholds: ['errors<1%', 'p(95)<3s'] },
      { url: `http://127.0.0.1:${port}` },
      factory,
      ackChecker,
      opts,
    );
    expect(r.requests).toBeGreaterThan(0);
    expect(r.errors).toEqual({ 'connect-refused': r.requests });
    expect(r.errorExamples['connect-refused']).toMatch(/ECONNREFUSED/);
    expect(r.latency.count).toBe(0);
    expect(r.thresholds).toEqual([
      { text: 'errors<1%', ok: false, actual: 1, expected: 0.01, detail: 'errors<1%: actual 100%' },
      { text: 'p(95)<3s', ok: false, actual: null, expected: 3000, detail: 'p(95)<3s: no latency samples' },
    ]);
    expect(r.passed).toBe(false);
  });

  it('classifies an oversized body and a throwing checker', async () => {
    const s = await server({ behave: () => ({ kind: 'reply', status: 200, body: 'x'.repeat(5000) }) });
    const r = await runStage({ name: `${engine}-big`, model: 'closed', users: 1, durationS: 0.3 }, { url: s.url, maxBodyBytes: 1000 }, factory, ackChecker, opts);
    expect(Object.keys(r.errors)).toEqual(['body-too-large']);
    const r2 = await runStage(
      { name: `${engine}-throw`, model: 'closed', users: 1, durationS: 0.3 },
      { url: s.url },
      factory,
      () => {
        throw new Error('checker bug');
      },
      opts,
    );
    expect(Object.keys(r2.errors)).toEqual(['checker-exception']);
    expect(r2.errorExamples['checker-exception']).toContain('checker bug');
  });

  it('ends invalid when the request factory throws', async () => {
    const s = await server();
    const r = await runStage(
      { name: `${engine}-bad-factory`, model: 'closed', users: 2, durationS: 1 },
      { url: s.url },
      (ctx) => {
        if (ctx.seq === 10) throw new Error('no template');
        return factory(ctx);
      },
      ackChecker,
      opts,
    );
    expect(r.valid).toBe(false);
    expect(r.passed).toBe(false);
    expect(r.invalidReason).toMatch(/request factory threw at request 10: no template/);
  });

  it('sends byte bodies exactly and never lets a header split the request', async () => {
    const s = await server();
    const r = await runStage(
      { name: `${engine}-bytes`, model: 'closed', users: 1, durationS: 0.5 },
      { url: s.url },
      () => ({ path: '/b', body: new Uint8Array(Buffer.from('<m>互通</m>', 'utf8')) }),
      ackChecker,
      opts,
    );
    expect(r.requests).toBe(s.count);
    expect(new Set(s.bodies)).toEqual(new Set(['<m>互通</m>']));
    const s2 = await server();
    const r2 = await runStage(
      { name: `${engine}-split`, model: 'closed', users: 1, durationS: 0.5 },
      { url: s2.url },
      ({ seq }): RequestSpec => ({ path: '/x', headers: seq === 3 ? { 'x-a': 'v\r\nX-Injected: 1' } : {} }),
      ackChecker,
      opts,
    );
    expect(s2.headers.some((h) => h['x-injected'] !== undefined)).toBe(false);
    if (engine === 'autocannon') {
      // autocannon's bytes are serialised in the factory's turn: the stage stops there
      expect(r2.valid).toBe(false);
      expect(r2.invalidReason).toMatch(/request factory threw at request 3: .*invalid request header "x-a"/);
    } else {
      // undici and raw refuse it in dispatch(): that one request fails, the stage goes on
      expect(r2.errors).toEqual({ 'transport:UND_ERR_INVALID_ARG': 1 });
      expect(r2.requests).toBe(s2.count + 1);
    }
  });

  it('ends at once when the caller aborts, marked invalid', async () => {
    const s = await server({ delayMs: 5 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const seconds: number[] = [];
    const r = await runStage({ name: `${engine}-aborted`, model: 'closed', users: 2, durationS: 30 }, { url: s.url }, factory, ackChecker, {
      ...opts,
      signal: ac.signal,
      onSecond: (p) => seconds.push(p.t),
    });
    expect(r.valid).toBe(false);
    expect(r.invalidReason).toMatch(/^stopped by the caller/);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.requests).toBe(s.count);
    expect(seconds).toEqual(r.series.map((p) => p.t));
  });

  it('marks the stage invalid when the generator is starved', async () => {
    const s = await server();
    const r = await runStage(
      { name: `${engine}-starved`, model: 'closed', users: 2, durationS: 1.5, thresholds: ['errors<1%'] },
      { url: s.url },
      factory,
      ackChecker,
      { ...opts, burnCpuMs: 60 },
    );
    expect(r.valid).toBe(false);
    expect(r.passed).toBe(false);
    // a 60 ms busy loop per request blocks the event loop for 60 ms at a time, whatever share of
    // a core the machine grants us; CPU saturation is usually flagged too
    expect(r.invalidReason).toMatch(/event-loop lag|event loop busy|CPU/);
    expect(r.generator.loopLagP99Ms).toBeGreaterThan(25);
  });
});

describe('engine choice', () => {
  it('runs the closed model on the raw client unless asked otherwise', async () => {
    const s = await server();
    const raw = vi.spyOn(RawClient.prototype, 'dispatch');
    const r = await runStage({ name: 'default', model: 'closed', users: 1, durationS: 0.3 }, { url: s.url }, factory, ackChecker);
    expect(r.requests).toBeGreaterThan(0);
    expect(raw).toHaveBeenCalledTimes(s.count);
    raw.mockClear();
    await runStage({ name: 'undici', model: 'closed', users: 1, durationS: 0.3 }, { url: s.url }, factory, ackChecker, { engine: 'undici' });
    expect(raw).not.toHaveBeenCalled();
  });

  it('rejects a bad threshold before sending anything', async () => {
    const s = await server();
    await expect(runStage({ name: 'x', model: 'closed', users: 1, durationS: 1, thresholds: ['p95<3s'] }, s.url, factory)).rejects.toThrow(
      /column 2 expected "p\("/,
    );
    expect(s.count).toBe(0);
  });
});

describe('open model', () => {
  it('keeps the arrival rate and never reports a p50 below the server delay', async () => {
    const s = await server({ delayMs: 20 });
    const r = await runStage(
      { name: 'open-20ms', model: 'open', rate: 100, durationS: 1, warmupS: 0.2, thresholds: ['p(50)>=20ms', 'rps>=50'] },
      { url: s.url },
      factory,
      ackChecker,
    );
    expect(r.model).toBe('open');
    expect(r.rate).toBe(100);
    // exactly rate × duration requests belong to the window
    expect(r.requests + (r.missed ?? 0)).toBe(100);
    expect(r.latency.p50Ms).toBeGreaterThanOrEqual(20);
    expect(r.errorCount).toBe(0);
    expect(new Set(s.bodies).size).toBe(s.bodies.length);
    expect(r.generator.connections).toBe(200); // 100/s × 1 s expected latency × 2
    expect(r.generator.peakInFlight).toBeLessThanOrEqual(r.generator.connections);
    expect(r.generator.peakQueued).toBe(0);
    expect(r.series.reduce((a, p) => a + p.sent, 0)).toBe(r.generator.achievedRate! * r.durationS);
  });

  it('shows a one-off 300 ms stall in p99 (coordinated omission corrected)', async () => {
    const s = await server({ delayMs: 2, stallAfterMs: 500, stallMs: 300 });
    const r = await runStage({ name: 'stall', model: 'open', rate: 200, durationS: 1.5 }, { url: s.url }, factory, ackChecker);
    // requests due during the stall waited for its end: their latency is counted from when they
    // were due, so ~60 of ~300 samples spread over 0–300 ms and the slowest 1 % are near 300 ms
    expect(r.latency.maxMs).toBeGreaterThanOrEqual(300);
    expect(r.latency.p99Ms).toBeGreaterThanOrEqual(250);
    expect(r.latency.p90Ms).toBeGreaterThanOrEqual(100);
  });

  it('sizes the pool to rate × expected latency × 2, capped', () => {
    expect(openConnections({ name: 'a', model: 'open', rate: 10, durationS: 1 })).toBe(20);
    expect(openConnections({ name: 'a', model: 'open', rate: 10, durationS: 1, expectedLatencyMs: 100 })).toBe(2);
    expect(openConnections({ name: 'a', model: 'open', rate: 1, durationS: 1, expectedLatencyMs: 1 })).toBe(1);
    expect(openConnections({ name: 'a', model: 'open', rate: 5000, durationS: 1 })).toBe(256);
    expect(openConnections({ name: 'a', model: 'open', rate: 5000, durationS: 1, maxConnections: 64 })).toBe(64);
  });

  it('counts the wait for a free connection in the latency', async () => {
    const s = await server({ delayMs: 100 });
    // 20 arrivals in 0.5 s, 2 connections, 100 ms each: the last one, due at 475 ms, cannot
    // finish before 20 / 2 × 100 ms = 1 s, so its latency is at least 525 ms
    const r = await runStage({ name: 'queued', model: 'open', rate: 40, durationS: 0.5, maxConnections: 2 }, { url: s.url }, factory, ackChecker);
    expect(r.requests).toBe(20);
    expect(r.generator.connections).toBe(2);
    expect(r.generator.peakInFlight).toBeLessThanOrEqual(2);
    expect(r.generator.peakQueued).toBeGreaterThan(0);
    expect(r.latency.maxMs).toBeGreaterThanOrEqual(525);
    expect(r.errorCount).toBe(0);
  });

  it('marks the stage invalid when the generator is starved', async () => {
    const s = await server();
    const r = await runStage(
      { name: 'starved-open', model: 'open', rate: 100, durationS: 1, thresholds: ['errors<1%'] },
      { url: s.url },
      factory,
      ackChecker,
      { burnCpuMs: 30 }, // 100/s × 30 ms = 3 s of CPU per second: cannot keep up
    );
    expect(r.valid).toBe(false);
    expect(r.passed).toBe(false);
    expect(r.missed).toBeGreaterThan(0);
    expect(r.invalidReason).toMatch(/achieved arrival rate/);
    expect(r.generator.achievedRate).toBeLessThan(95);
  });
});
