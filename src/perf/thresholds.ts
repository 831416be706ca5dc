/**
 * Pass/fail thresholds for a load stage, in the k6 style people already write.
 *
 * Grammar (whitespace allowed between tokens; everything is lowercase):
 *
 *   threshold := metric op number unit?
 *   metric    := "avg" | "min" | "max" | "med"            latency of the stage
 *              | "p(" number ")"                          latency percentile, 0 < N <= 100,
 *                                                         fractional allowed: p(99.9)
 *              | "errors"                                 error rate = errored requests / requests
 *              | "rps"                                    achieved requests per second
 *   op        := "<" | "<=" | ">" | ">=" | "=="
 *   number    := digit+ ("." digit+)?                     no sign, no exponent
 *   unit      := "ms" | "s" | "us" | "µs"                 latency metrics; none means ms (as in k6)
 *              | "%"                                      errors only; none means a fraction 0..1
 *                                                         rps takes no unit
 *
 * Examples: `avg<1000ms`, `p(95)<3s`, `p(99.9) <= 250`, `errors<0.1%`, `errors<0.001`, `rps>=200`.
 *
 * Values are held in one canonical unit per metric so that evaluation never converts twice:
 * milliseconds for latency, a fraction 0..1 for errors, requests/s for rps.
 */

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';
export type LatencyStat = 'avg' | 'min' | 'max' | 'med' | 'p';
export type ThresholdMetric = LatencyStat | 'errors' | 'rps';
export type ThresholdUnit = 'ms' | 's' | 'us' | '%' | '';

export interface Threshold {
  /** canonical text, e.g. "p(95)<3s" (the input with whitespace removed and µs written us) */
  text: string;
  metric: ThresholdMetric;
  /** only for metric "p" */
  percentile?: number;
  op: ThresholdOp;
  /** the bound in the canonical unit: ms (latency), fraction (errors), requests/s (rps) */
  value: number;
  /** the unit as written, used only to print results the way the user wrote them */
  unit: ThresholdUnit;
}

/** What a threshold is evaluated against. Latency values in ms. */
export interface ThresholdStats {
  /** number of latency samples; latency thresholds fail when it is 0 */
  latencyCount: number;
  avgMs: number;
  minMs: number;
  maxMs: number;
  /** latency at percentile p (0 < p <= 100), ms */
  percentileMs(p: number): number;
  requests: number;
  errors: number;
  rps: number;
}

export interface ThresholdResult {
  ok: boolean;
  /** measured value in the canonical unit (NaN when there was nothing to measure) */
  actual: number;
  /** the bound in the canonical unit */
  expected: number;
  /** e.g. "p(95)<3s: actual 2.412s" */
  text: string;
}

export class ThresholdSyntaxError extends Error {
  constructor(
    readonly input: string,
    /** 0-based offset into input */
    readonly position: number,
    /** what the parser would have accepted at position */
    readonly expected: string,
  ) {
    super(`threshold "${input}": at column ${position + 1} expected ${expected}, found ${describe(input, position)}`);
    this.name = 'ThresholdSyntaxError';
  }
}

function describe(input: string, pos: number): string {
  if (pos >= input.length) return 'end of input';
  return JSON.stringify(input.slice(pos, pos + 8));
}

const LATENCY_STATS: readonly LatencyStat[] = ['avg', 'min', 'max', 'med'];
const OPS: readonly ThresholdOp[] = ['<=', '>=', '==', '<', '>']; // two-character ops first

class Cursor {
  pos = 0;
  constructor(readonly s: string) {}
  skipWs(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }
  startsWith(t: string): boolean {
    return this.s.startsWith(t, this.pos);
  }
  fail(expected: string, at = this.pos): never {
    throw new ThresholdSyntaxError(this.s, at, expected);
  }
  number(what: string): { value: number; text: string } {
    const m = /^[0-9]+(\.[0-9]+)?/.exec(this.s.slice(this.pos));
    if (!m) this.fail(what);
    this.pos += m[0].length;
    return { value: Number(m[0]), text: m[0] };
  }
}

export function parseThreshold(input: string): Threshold {
  const c: Cursor = new Cursor(input); // explicit type: lets c.fail() (never) narrow
  c.skipWs();
  const metricAt = c.pos;

  let metric: ThresholdMetric | undefined;
  let percentile: number | undefined;
  let metricText = '';
  if (c.startsWith('p(')) {
    c.pos += 2;
    c.skipWs();
    const numAt = c.pos;
    const n = c.number('a percentile number, e.g. p(95) or p(99.9)');
    if (!(n.value > 0 && n.value <= 100)) c.fail('a percentile in (0, 100]', numAt);
    c.skipWs();
    if (!c.startsWith(')')) c.fail('")"');
    c.pos += 1;
    metric = 'p';
    percentile = n.value;
    metricText = `p(${n.text})`;
  } else {
    for (const m of [...LATENCY_STATS, 'errors', 'rps'] as const) {
      if (c.startsWith(m)) {
        metric = m;
        metricText = m;
        c.pos += m.length;
        break;
      }
    }
    if (!metric) {
      if (/^p[0-9]/.test(input.slice(c.pos))) c.fail('"p(" (percentiles are written p(95))', c.pos + 1);
      c.fail('a metric: avg, min, max, med, p(N), errors or rps', metricAt);
    }
  }

  c.skipWs();
  const op = OPS.find((o) => c.startsWith(o));
  if (!op) c.fail('an operator: <, <=, >, >= or ==');
  c.pos += op.length;

  c.skipWs();
  const numAt = c.pos;
  const n = c.number('a number (digits, optional decimal part, no sign)');

  c.skipWs();
  const unitAt = c.pos;
  let unit: ThresholdUnit = '';
  for (const u of ['ms', 'us', 'µs', 's', '%'] as const) {
    if (c.startsWith(u)) {
      unit = u === 'µs' ? 'us' : u;
      c.pos += u.length;
      break;
    }
  }

  let value: number;
  if (metric === 'errors') {
    if (unit !== '' && unit !== '%') c.fail('"%" or no unit (a fraction) for errors', unitAt);
    value = unit === '%' ? n.value / 100 : n.value;
    if (value > 1) c.fail(unit === '%' ? 'a percentage of at most 100%' : 'a fraction in [0, 1] (or write a percentage with %)', numAt);
  } else if (metric === 'rps') {
    if (unit !== '') c.fail('no unit for rps (requests per second)', unitAt);
    value = n.value;
  } else {
    if (unit === '%') c.fail('a latency unit: ms, s or us (no unit means ms)', unitAt);
    value = unit === 's' ? n.value * 1000 : unit === 'us' ? n.value / 1000 : n.value;
  }

  c.skipWs();
  if (c.pos < input.length) c.fail(unit === '' ? 'a unit (ms, s, us, %) or end of input' : 'end of input');

  const t: Threshold = { text: `${metricText}${op}${n.text}${unit}`, metric, op, value, unit };
  if (percentile !== undefined) t.percentile = percentile;
  return t;
}

/** Parses every threshold; the first bad one throws (with its own position). */
export function parseThresholds(inputs: readonly string[]): Threshold[] {
  return inputs.map(parseThreshold);
}

function compare(actual: number, op: ThresholdOp, bound: number): boolean {
  switch (op) {
    case '<':
      return actual < bound;
    case '<=':
      return actual <= bound;
    case '>':
      return actual > bound;
    case '>=':
      return actual >= bound;
    case '==':
      return actual === bound;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Prints a canonical value in the unit the threshold was written in. */
function format(t: Threshold, canonical: number): string {
  if (t.metric === 'errors') return t.unit === '%' ? `${round(canonical * 100, 4)}%` : `${round(canonical, 6)}`;
  if (t.metric === 'rps') return `${round(canonical, 1)}`;
  if (t.unit === 's') return `${round(canonical / 1000, 4)}s`;
  if (t.unit === 'us') return `${round(canonical * 1000, 0)}us`;
  return `${round(canonical, 3)}ms`;
}

function actualOf(t: Threshold, s: ThresholdStats): number {
  switch (t.metric) {
    case 'avg':
      return s.latencyCount ? s.avgMs : NaN;
    case 'min':
      return s.latencyCount ? s.minMs : NaN;
    case 'max':
      return s.latencyCount ? s.maxMs : NaN;
    case 'med':
      return s.latencyCount ? s.percentileMs(50) : NaN;
    case 'p':
      return s.latencyCount ? s.percentileMs(t.percentile ?? 100) : NaN;
    case 'errors':
      return s.requests ? s.errors / s.requests : NaN;
    case 'rps':
      return s.rps;
  }
}

/**
 * A threshold with nothing to measure (no latency samples, no requests) fails: a stage that
 * produced no evidence must not pass on an empty comparison.
 */
export function evaluate(t: Threshold, stats: ThresholdStats): ThresholdResult {
  const actual = actualOf(t, stats);
  if (Number.isNaN(actual)) {
    const what = t.metric === 'errors' ? 'no requests' : 'no latency samples';
    return { ok: false, actual, expected: t.value, text: `${t.text}: ${what}` };
  }
  const ok = compare(actual, t.op, t.value);
  return { ok, actual, expected: t.value, text: `${t.text}: actual ${format(t, actual)}` };
}
