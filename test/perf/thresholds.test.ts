import { describe, expect, it } from 'vitest';
import { ThresholdSyntaxError, evaluate, parseThreshold } from '../../src/perf/thresholds.js';
import type { ThresholdStats } from '../../src/perf/thresholds.js';

describe('threshold grammar', () => {
  it.each([
    ['avg<1000ms', { metric: 'avg', op: '<', value: 1000, unit: 'ms', text: 'avg<1000ms' }],
    ['p(95)<3s', { metric: 'p', percentile: 95, op: '<', value: 3000, unit: 's', text: 'p(95)<3s' }],
    [' p( 99.9 ) <= 250 ', { metric: 'p', percentile: 99.9, op: '<=', value: 250, unit: '', text: 'p(99.9)<=250' }],
    ['p(100)==0.5s', { metric: 'p', percentile: 100, op: '==', value: 500, unit: 's' }],
    ['med>1500us', { metric: 'med', op: '>', value: 1.5, unit: 'us' }],
    ['min>=800µs', { metric: 'min', op: '>=', value: 0.8, unit: 'us', text: 'min>=800us' }],
    ['max<60s', { metric: 'max', op: '<', value: 60000, unit: 's' }],
    ['errors<0.1%', { metric: 'errors', op: '<', value: 0.001, unit: '%' }],
    ['errors<=0.02', { metric: 'errors', op: '<=', value: 0.02, unit: '' }],
    ['errors==0', { metric: 'errors', op: '==', value: 0 }],
    ['rps>=200', { metric: 'rps', op: '>=', value: 200, unit: '', text: 'rps>=200' }],
  ])('parses %j', (input, expected) => {
    expect(parseThreshold(input)).toMatchObject(expected);
  });

  it.each([
    // input, 0-based position, text the error must name
    ['', 0, 'a metric'],
    ['latency<3s', 0, 'a metric'],
    ['P(95)<3s', 0, 'a metric'],
    ['p95<3s', 1, '"p("'],
    ['p(95<3s', 4, '")"'],
    ['p()<3s', 2, 'a percentile number'],
    ['p(0)<3s', 2, 'a percentile in (0, 100]'],
    ['p(100.1)<3s', 2, 'a percentile in (0, 100]'],
    ['p(-5)<3s', 2, 'a percentile number'],
    ['avg 1000ms', 4, 'an operator'],
    ['avg=1000ms', 3, 'an operator'],
    ['avg!=1000ms', 3, 'an operator'],
    ['avg<', 4, 'a number'],
    ['avg<-1ms', 4, 'a number'],
    ['avg<1e3ms', 5, 'a unit (ms, s, us, %) or end of input'],
    ['avg<1.ms', 5, 'a unit'],
    ['avg<10m', 6, 'a unit'],
    ['avg<3%', 5, 'a latency unit'],
    ['avg<3sec', 6, 'end of input'],
    ['avg<3s and more', 7, 'end of input'],
    ['errors<5', 7, 'a fraction in [0, 1]'],
    ['errors<101%', 7, 'a percentage of at most 100%'],
    ['errors<1ms', 8, '"%" or no unit'],
    ['rps>=200/s', 8, 'a unit (ms, s, us, %) or end of input'],
    ['rps>=200ms', 8, 'no unit for rps'],
  ])('rejects %j at column %i', (input, position, expected) => {
    let err: unknown;
    try {
      parseThreshold(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ThresholdSyntaxError);
    const e = err as ThresholdSyntaxError;
    expect(e.position).toBe(position);
    expect(e.expected).toContain(expected);
    expect(e.message).toContain(`column ${position + 1}`);
    expect(e.message).toContain(JSON.stringify(input));
  });

  it('names what it found', () => {
    expect(() => parseThreshold('p(95)<3sx')).toThrow(/expected end of input, found "x"/);
    expect(() => parseThreshold('avg<')).toThrow(/found end of input/);
  });
});

describe('threshold evaluation', () => {
  // latencies 1..100 ms, p(N) = N ms
  const stats: ThresholdStats = {
    latencyCount: 100,
    avgMs: 50.5,
    minMs: 1,
    maxMs: 100,
    percentileMs: (p) => Math.ceil(p),
    requests: 1000,
    errors: 1,
    rps: 200,
  };
  const ev = (s: string, st: ThresholdStats = stats) => evaluate(parseThreshold(s), st);

  it('compares in canonical units whatever unit was written', () => {
    expect(ev('p(95)<0.1s')).toMatchObject({ ok: true, actual: 95, expected: 100 });
    expect(ev('p(95)<95ms').ok).toBe(false);
    expect(ev('p(95)<=95000us').ok).toBe(true);
    expect(ev('p(99.9)<100ms')).toMatchObject({ ok: false, actual: 100 });
    expect(ev('med==50ms').ok).toBe(true);
    expect(ev('avg<1000ms')).toMatchObject({ ok: true, actual: 50.5 });
    expect(ev('min>=1ms').ok).toBe(true);
    expect(ev('max<100ms').ok).toBe(false);
    expect(ev('errors<0.1%')).toMatchObject({ ok: false, actual: 0.001, expected: 0.001 });
    expect(ev('errors<=0.1%').ok).toBe(true);
    expect(ev('errors<0.01').ok).toBe(true);
    expect(ev('rps>=200').ok).toBe(true);
    expect(ev('rps>200').ok).toBe(false);
  });

  it('prints the actual value the way the threshold was written', () => {
    expect(ev('p(95)<3s').text).toBe('p(95)<3s: actual 0.095s');
    expect(ev('avg<1000ms').text).toBe('avg<1000ms: actual 50.5ms');
    expect(ev('med<60000us').text).toBe('med<60000us: actual 50000us');
    expect(ev('errors<0.1%').text).toBe('errors<0.1%: actual 0.1%');
    expect(ev('rps>=200').text).toBe('rps>=200: actual 200');
  });

  it('fails when there is nothing to measure', () => {
    const empty: ThresholdStats = { ...stats, latencyCount: 0, requests: 0, errors: 0, rps: 0 };
    expect(ev('p(95)<3s', empty)).toMatchObject({ ok: false, text: 'p(95)<3s: no latency samples' });
    expect(ev('avg>0ms', empty).ok).toBe(false);
    expect(ev('errors<1%', empty)).toMatchObject({ ok: false, text: 'errors<1%: no requests' });
    expect(Number.isNaN(ev('errors<1%', empty).actual)).toBe(true);
  });
});
