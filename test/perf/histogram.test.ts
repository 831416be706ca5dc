import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LATENCY_MAX_US, LatencyHistogram, LatencySeries, mergeHistograms } from '../../src/perf/histogram.js';

const PERCENTILES = [0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

function of(values: readonly number[]): LatencyHistogram {
  const h = LatencyHistogram.create();
  for (const v of values) h.recordUs(v);
  return h;
}

function fingerprint(h: LatencyHistogram) {
  return { summary: h.summary(), percentiles: PERCENTILES.map((p) => h.percentileUs(p)), clamped: h.clamped };
}

const latencies = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: LATENCY_MAX_US }), fc.double({ min: 0, max: 5_000, noNaN: true })),
  { maxLength: 300 },
);

describe('latency histogram', () => {
  it('merging histograms equals the histogram of the union (also through base64)', () => {
    fc.assert(
      fc.property(fc.array(latencies, { minLength: 1, maxLength: 5 }), (parts) => {
        const union = of(parts.flat());
        const merged = mergeHistograms(parts.map(of));
        const viaWire = mergeHistograms(parts.map((p) => of(p).encode()));
        expect(fingerprint(merged)).toEqual(fingerprint(union));
        expect(fingerprint(viaWire)).toEqual({ ...fingerprint(union), clamped: 0 }); // the wire format has no clamp count
      }),
      { numRuns: 60 },
    );
  });

  it('never reports a percentile below what was recorded', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1_000_000, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const h = of(values);
        const sorted = [...values].sort((a, b) => a - b);
        for (const p of PERCENTILES) {
          const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
          const exact = sorted[rank - 1]!;
          const got = h.percentileUs(p);
          expect(got).toBeGreaterThanOrEqual(exact);
          expect(got).toBeLessThanOrEqual(Math.ceil(exact) * 1.001 + 1); // 3 significant digits
        }
        expect(h.maxMs * 1000).toBeGreaterThanOrEqual(Math.ceil(sorted.at(-1)!) - 0.5);
      }),
      { numRuns: 100 },
    );
  });

  it('rounds fractions of a microsecond up and clamps beyond 60 s', () => {
    const h = of([0, 0.2, 20_000.4]);
    expect(h.count).toBe(3);
    expect(h.percentileUs(1)).toBe(1);
    expect(h.percentileUs(100)).toBeGreaterThanOrEqual(20_001);
    const c = of([LATENCY_MAX_US + 1, 90_000_000, 5]);
    expect(c.clamped).toBe(2);
    expect(c.count).toBe(3);
    expect(c.maxMs).toBeGreaterThanOrEqual(60_000);
  });

  it('summarises in milliseconds', () => {
    const h = of(Array.from({ length: 1000 }, (_, i) => (i + 1) * 1000)); // 1..1000 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.minMs).toBe(1);
    expect(s.p50Ms).toBeGreaterThanOrEqual(500);
    expect(s.p50Ms).toBeLessThan(501);
    expect(s.p99Ms).toBeGreaterThanOrEqual(990);
    expect(s.p999Ms).toBeGreaterThanOrEqual(999);
    expect(s.maxMs).toBeGreaterThanOrEqual(1000);
    expect(s.meanMs).toBeCloseTo(500.5, 0);
    expect(s.stddevMs).toBeCloseTo(288.7, 0);
  });

  it('is empty-safe', () => {
    const h = LatencyHistogram.create();
    expect(h.summary()).toEqual({ count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, stddevMs: 0 });
    expect(LatencyHistogram.decode(h.encode()).count).toBe(0);
  });
});

describe('per-second series', () => {
  it('buckets completions and sends by second, with empty seconds as zero points', () => {
    const points: number[] = [];
    const s = new LatencySeries(1000, (p) => points.push(p.t));
    s.noteSent(1000);
    s.noteSent(1999);
    s.noteCompleted(1010, 10_000, false);
    s.noteCompleted(1500, 30_000, true);
    s.noteSent(3100);
    s.noteCompleted(3200, 5_000, false);
    s.noteCompleted(3300, undefined, true); // a failure with no latency
    const series = s.finish(4000);
    expect(series).toEqual([
      { t: 0, sent: 2, count: 2, errors: 1, p50Ms: expect.closeTo(10, 1), p99Ms: expect.closeTo(30, 1) },
      { t: 1, sent: 0, count: 0, errors: 0, p50Ms: null, p99Ms: null },
      { t: 2, sent: 1, count: 2, errors: 1, p50Ms: expect.closeTo(5, 1), p99Ms: expect.closeTo(5, 1) },
    ]);
    expect(points).toEqual([0, 1, 2]);
  });
});
