/**
 * Latency histograms: HdrHistogram in microseconds, 3 significant digits, 1 µs … 60 s.
 *
 * The pure-JS build of hdr-histogram-js is used, not the WebAssembly one: recording is a few
 * hundred nanoseconds per value in JS, which is noise next to a request's own cost (tens of µs
 * of generator CPU at the very least), and the JS build needs no async initialisation and no
 * destroy() bookkeeping (a forgotten WasmHistogram.destroy() leaks wasm memory).
 *
 * Percentiles come from HdrHistogram's getValueAtPercentile, which answers with the highest
 * value equivalent to the bucket's: within 0.1 % and never below what was recorded, so a
 * percentile can only over-state latency, never under-state it (max included; min is the one
 * exception, see minMs). Values above 60 s are recorded
 * as 60 s and counted in `clamped`.
 *
 * Histograms travel between worker threads or processes as HdrHistogram's standard
 * compressed base64 encoding (the same one the Java and C implementations read).
 */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export const LATENCY_MAX_US = 60_000_000;
const DIGITS = 3;

export interface LatencySummary {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  stddevMs: number;
}

function build(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: LATENCY_MAX_US,
    numberOfSignificantValueDigits: DIGITS,
    useWebAssembly: false,
  });
}

const usToMs = (us: number): number => Math.round(us) / 1000;

export class LatencyHistogram {
  /** values recorded above LATENCY_MAX_US (stored as the maximum) */
  clamped = 0;

  private constructor(private readonly h: Histogram) {}

  static create(): LatencyHistogram {
    return new LatencyHistogram(build());
  }

  /** Decodes HdrHistogram's compressed base64 (see encode). The clamp count does not travel. */
  static decode(base64: string): LatencyHistogram {
    const decoded = hdr.decodeFromCompressedBase64(base64, 32, false);
    // re-home into our fixed range so merges and clamping behave the same everywhere
    const out = LatencyHistogram.create();
    out.h.add(decoded);
    return out;
  }

  /** Records one latency in microseconds; fractions are rounded up, values below 1 µs count as 1 µs. */
  recordUs(us: number): void {
    let v = Math.ceil(us);
    if (!(v >= 1)) v = 1; // also catches NaN
    if (v > LATENCY_MAX_US) {
      v = LATENCY_MAX_US;
      this.clamped++;
    }
    this.h.recordValue(v);
  }

  /** Adds every value of other into this one. */
  add(other: LatencyHistogram): this {
    this.h.add(other.h);
    this.clamped += other.clamped;
    return this;
  }

  reset(): void {
    this.h.reset();
    this.clamped = 0;
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Latency at percentile p (0 < p <= 100) in µs; 0 when empty. */
  percentileUs(p: number): number {
    return this.h.totalCount ? this.h.getValueAtPercentile(p) : 0;
  }

  percentileMs(p: number): number {
    return usToMs(this.percentileUs(p));
  }

  /**
   * min and max are read through the buckets like every percentile (p0, p100), not from the raw
   * extremes HdrHistogram also tracks: raw extremes do not survive a merge, and a raw max could
   * sit below the p99.9 of the same histogram. HdrHistogram answers p0 with the low edge of
   * the bucket (up to 0.1 % below the recorded minimum) and p100 with the high edge.
   */
  get minMs(): number {
    return this.percentileMs(0);
  }

  get maxMs(): number {
    return this.percentileMs(100);
  }

  get meanMs(): number {
    return this.h.totalCount ? usToMs(this.h.mean) : 0;
  }

  get stddevMs(): number {
    return this.h.totalCount ? usToMs(this.h.stdDeviation) : 0;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      minMs: this.minMs,
      meanMs: this.meanMs,
      p50Ms: this.percentileMs(50),
      p90Ms: this.percentileMs(90),
      p95Ms: this.percentileMs(95),
      p99Ms: this.percentileMs(99),
      p999Ms: this.percentileMs(99.9),
      maxMs: this.maxMs,
      stddevMs: this.stddevMs,
    };
  }

  /** HdrHistogram V2 compressed encoding, base64. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }
}

/** Histogram of the union of the inputs (inputs are left untouched). */
export function mergeHistograms(parts: readonly (LatencyHistogram | string)[]): LatencyHistogram {
  const out = LatencyHistogram.create();
  for (const p of parts) out.add(typeof p === 'string' ? LatencyHistogram.decode(p) : p);
  return out;
}

/** One second of a stage, for charts. Latency fields are null when the second had no samples. */
export interface SeriesPoint {
  /** whole seconds since the measured window began */
  t: number;
  /** requests sent (closed model) or handed to the connection pool (open model) in this second */
  sent: number;
  /** requests that completed in this second, errors included */
  count: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/**
 * Per-second series. Completions arrive in time order, so one histogram is kept for the current
 * second and folded into a point when the clock moves on: memory stays constant however long
 * the stage runs.
 */
export class LatencySeries {
  private readonly points: SeriesPoint[] = [];
  private readonly current = LatencyHistogram.create();
  private currentSecond = 0;
  private currentCount = 0;
  private currentErrors = 0;
  private readonly sent: number[] = [];

  constructor(
    private readonly originMs: number,
    private readonly onPoint?: (p: SeriesPoint) => void,
  ) {}

  private secondOf(atMs: number): number {
    return Math.max(0, Math.floor((atMs - this.originMs) / 1000));
  }

  private roll(to: number): void {
    while (this.currentSecond < to) {
      const point: SeriesPoint = {
        t: this.currentSecond,
        sent: this.sent[this.currentSecond] ?? 0,
        count: this.currentCount,
        errors: this.currentErrors,
        p50Ms: this.current.count ? this.current.percentileMs(50) : null,
        p99Ms: this.current.count ? this.current.percentileMs(99) : null,
      };
      this.points.push(point);
      this.onPoint?.(point);
      if (this.current.count) this.current.reset();
      this.currentCount = 0;
      this.currentErrors = 0;
      this.currentSecond++;
    }
  }

  /** Closes the seconds that ended before atMs even when nothing completed in them. */
  advance(atMs: number): void {
    const s = this.secondOf(atMs);
    if (s > this.currentSecond) this.roll(s);
  }

  noteSent(atMs: number): void {
    const s = this.secondOf(atMs);
    this.sent[s] = (this.sent[s] ?? 0) + 1;
  }

  /** latencyUs undefined: the request ended without a latency sample (e.g. connection refused). */
  noteCompleted(atMs: number, latencyUs: number | undefined, isError: boolean): void {
    const s = this.secondOf(atMs);
    if (s > this.currentSecond) this.roll(s);
    this.currentCount++;
    if (isError) this.currentErrors++;
    if (latencyUs !== undefined) this.current.recordUs(latencyUs);
  }

  /** Closes the series at endMs (seconds without completions become zero points). */
  finish(endMs: number): SeriesPoint[] {
    const last = Math.max(this.secondOf(endMs - 1), this.sent.length - 1, this.currentSecond);
    this.roll(last + 1);
    // late sends (open model catching up) may land after their second was closed
    for (const p of this.points) p.sent = this.sent[p.t] ?? 0;
    return this.points;
  }
}
