/**
 * What one stage's measured window collected: the latency histogram, error classes with a first
 * example each, the per-second series and the counts rps is computed from.
 */
import type { ErrorClass } from './errors.js';
import { LatencyHistogram, LatencySeries } from './histogram.js';
import type { SeriesPoint } from './histogram.js';

export class StageRecorder {
  readonly latency = LatencyHistogram.create();
  readonly errors: Record<ErrorClass, number> = {};
  readonly examples: Record<ErrorClass, string> = {};
  readonly series: LatencySeries;
  requests = 0;
  errorCount = 0;
  /** completions at or before the end of the measured window */
  completedInWindow = 0;

  constructor(
    readonly windowStartMs: number,
    readonly windowEndMs: number,
    onSecond?: (p: SeriesPoint) => void,
  ) {
    this.series = new LatencySeries(windowStartMs, onSecond);
  }

  noteSent(atMs: number): void {
    this.series.noteSent(atMs);
  }

  /** latencyUs undefined: a failure whose duration says nothing about the target */
  record(endMs: number, latencyUs: number | undefined, errorClass: ErrorClass | null, message?: string): void {
    this.requests++;
    if (endMs <= this.windowEndMs) this.completedInWindow++;
    if (errorClass !== null) {
      this.errorCount++;
      this.errors[errorClass] = (this.errors[errorClass] ?? 0) + 1;
      if (this.examples[errorClass] === undefined) this.examples[errorClass] = message ?? errorClass;
    }
    if (latencyUs !== undefined) this.latency.recordUs(latencyUs);
    this.series.noteCompleted(endMs, latencyUs, errorClass !== null);
  }
}
