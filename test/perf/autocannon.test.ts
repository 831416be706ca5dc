/**
 * The closed model on autocannon (engine: 'autocannon'): the same semantics as the undici
 * engine (test/perf/generator.test.ts), checked against the test server's own counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LatencyHistogram, runStage } from '../../src/perf/index.js';
import type { RequestFactory, RequestSpec, RunStageOptions } from '../../src/perf/index.js';
import { ACK_AA, ACK_AE, ackChecker, closedPort, startTestServer } from './server.js';
import type { TestServer } from './server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const s = await startTestServer(...args);
  servers.push(s);
  return s;
}

const AC: RunStageOptions = { engine: 'autocannon' };

/** A synthetic message per request; the warm-up flag travels in the body so the server can tell. */
const factory: RequestFactory = ({ user, iteration, seq, warmup }) => ({
  path: '/hip',
  headers: { 'content-type': 'text/xml; charset=utf-8' },
  body: `<msg><id root="2.999.1" extension="${seq}"/><u>${user}</u><i>${iteration}</i><w>${warmup ? 1 : 0}</w></msg>`,
});


describe('closed model on autocannon', () => {
  it('builds every request anew, never reports below the server delay, and leaves warm-up out', async () => {
    const s = await server({ delayMs: 20 });
    const r = await runStage(
      { name: 'ac-20ms', model: 'closed', users: 4, durationS: 1, warmupS: 0.3, thresholds: ['p(50)>=20ms', 'errors<1%'] },
      { url: s.url },
      factory,
      ackChecker,
      AC,
    );
    expect(r.requests).toBeGreaterThan(0);
    expect(r.errorCount).toBe(0);
    expect(r.latency.count).toBe(r.requests);
    expect(r.latency.minMs).toBeGreaterThanOrEqual(20 * 0.999);
    expect(r.thresholds.map((t) => t.ok)).toEqual([true, true]);
    // every body distinct: the factory ran once per request, nothing replayed
    expect(new Set(s.bodies).size).toBe(s.bodies.length);
    // the server saw exactly the recorded requests plus the warm-up ones
    const warm = s.bodies.filter((b) => b.includes('<w>1</w>')).length;
    expect(warm).toBeGreaterThan(0);
    expect(s.count - warm).toBe(r.requests);
    const users = new Set(s.bodies.map((b) => /<u>(\d+)<\/u>/.exec(b)?.[1]));
    expect(users).toEqual(new Set(['0', '1', '2', '3']));
    expect(r.series.reduce((a, p) => a + p.count, 0)).toBe(r.requests);
    expect(r.generator.connections).toBe(4);
    expect(r.generator.peakInFlight).toBeLessThanOrEqual(4);
    expect(r.generator.peakQueued).toBe(0);
  });

  it('records latency in microseconds, not autocannon\'s whole milliseconds', async () => {
    const s = await server({ delayMs: 2 });
    const r = await runStage({ name: 'ac-us', model: 'closed', users: 2, durationS: 0.5 }, { url: s.url }, factory, ackChecker, AC);
    const h = LatencyHistogram.decode(r.latencyHdr);
    const values: number[] = [];
    for (const p of [10, 25, 50, 75, 90, 99]) values.push(h.percentileUs(p));
    expect(r.latency.count).toBe(r.requests);
    expect(values.some((v) => v % 1000 !== 0)).toBe(true);
    expect(r.requests).toBe(s.count);
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
    const r = await runStage({ name: 'ac-errors', model: 'closed', users: 3, durationS: 0.8, thresholds: ['errors<1%'] }, { url: s.url }, factory, ackChecker, AC);
    expect(r.requests).toBe(s.count);
    expect(s.tally['500']).toBeGreaterThan(0);
    expect(s.tally['AE']).toBeGreaterThan(0);
    expect(r.errors).toEqual({ 'http-status:500': s.tally['500'], 'ack-AE': s.tally['AE'] });
    expect(r.errorCount).toBe(s.tally['500']! + s.tally['AE']!);
    expect(r.errorExamples['http-status:500']).toContain('500');
    expect(r.passed).toBe(false);
    expect(r.latency.count).toBe(r.requests);
  });

  it('classifies a hung request as timeout, a dropped connection as connect-reset', async () => {
    const s = await server({
      behave: (n) => (n === 3 ? { kind: 'hang' } : n === 5 ? { kind: 'reset' } : { kind: 'reply', status: 200, body: ACK_AA }),
    });
    const r = await runStage({ name: 'ac-timeouts', model: 'closed', users: 2, durationS: 0.8 }, { url: s.url, timeoutMs: 300 }, factory, ackChecker, AC);
    expect(r.errors['timeout']).toBe(1);
    expect(r.errors['connect-reset']).toBe(1);
    expect(Object.keys(r.errors).sort()).toEqual(['connect-reset', 'timeout']);
    expect(r.latency.maxMs).toBeGreaterThanOrEqual(300);
    expect(r.latency.count).toBe(r.requests - 1);
  });

  it('counts refused connections without recording a latency for them', async () => {
    const port = await closedPort();
    const r = await runStage(
      { name: 'ac-refused', model: 'closed', users: 2, durationS: 0.5, thresholds: ['errors<1%'] },
      { url: `http://127.0.0.1:${port}` },
      factory,
      ackChecker,
      AC,
    );
    expect(r.requests).toBeGreaterThan(0);
    expect(r.errors).toEqual({ 'connect-refused': r.requests });
    expect(r.errorExamples['connect-refused']).toMatch(/ECONNREFUSED/);
    expect(r.latency.count).toBe(0);
    expect(r.passed).toBe(false);
  });

  it('classifies an oversized body and a throwing checker', async () => {
    const s = await server({ behave: () => ({ kind: 'reply', status: 200, body: 'x'.repeat(5000) }) });
    const r = await runStage({ name: 'ac-big', model: 'closed', users: 1, durationS: 0.3 }, { url: s.url, maxBodyBytes: 1000 }, factory, ackChecker, AC);
    expect(Object.keys(r.errors)).toEqual(['body-too-large']);
    const r2 = await runStage(
      { name: 'ac-throw', model: 'closed', users: 1, durationS: 0.3 },
      { url: s.url },
      factory,
      () => {
        throw new Error('checker bug');
      },
      AC,
    );
    expect(Object.keys(r2.errors)).toEqual(['checker-exception']);
    expect(r2.errorExamples['checker-exception']).toContain('checker bug');
  });

  it('ends invalid when the request factory throws', async () => {
    const s = await server();
    const r = await runStage(
      { name: 'ac-bad-factory', model: 'closed', users: 2, durationS: 1 },
      { url: s.url },
      (ctx) => {
        if (ctx.seq === 10) throw new Error('no template');
        return factory(ctx);
      },
      ackChecker,
      AC,
    );
    expect(r.valid).toBe(false);
    expect(r.invalidReason).toMatch(/request factory threw at request 10: no template/);
  });

  it('sends byte bodies exactly and refuses a header that would split the request', async () => {
    const s = await server();
    const bytes = Buffer.from('<m>互通</m>', 'utf8');
    const r = await runStage(
      { name: 'ac-bytes', model: 'closed', users: 1, durationS: 0.3 },
      { url: s.url },
      () => ({ path: '/b', body: new Uint8Array(bytes) }),
      ackChecker,
      AC,
    );
    expect(r.requests).toBe(s.count);
    expect(new Set(s.bodies)).toEqual(new Set(['<m>互通</m>']));
    const s2 = await server();
    const r2 = await runStage(
      { name: 'ac-split', model: 'closed', users: 1, durationS: 0.5 },
      { url: s2.url },
      ({ seq }): RequestSpec => ({ path: '/x', headers: seq === 3 ? { 'x-a': 'v\r\nX-Injected: 1' } : {} }),
      ackChecker,
      AC,
    );
    expect(r2.valid).toBe(false);
    expect(r2.invalidReason).toMatch(/request factory threw at request 3: invalid request header "x-a"/);
  });

  it('keeps the undici engine for a stage with think time', async () => {
    const s = await server({ delayMs: 0 });
    const r = await runStage({ name: 'ac-think', model: 'closed', users: 1, durationS: 1, thinkTimeMs: 100 }, { url: s.url }, factory, ackChecker, AC);
    expect(r.requests).toBeLessThanOrEqual(11);
    expect(r.requests).toBeGreaterThan(0);
  });
});
