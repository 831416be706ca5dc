/**
 * Generator self-check: a load generator that is itself the bottleneck measures its own
 * slowness and reports it as the target's. While a stage's measured window runs we watch the
 * generator process and afterwards judge whether its numbers can be trusted.
 *
 * Observed, sampled every sampleMs:
 *   - process CPU: process.cpuUsage() (user + system) over wall time, as a fraction of one
 *     core. Node runs the generator on one thread, so one core is its ceiling: near it,
 *     responses wait for the generator, not for the target.
 *   - event-loop utilisation (performance.eventLoopUtilization): the share of time the main
 *     thread was not idle. It catches the case CPU misses on a busy machine: a generator thread
 *     that never idles but is only granted half a core shows 50 % CPU and 100 % utilisation.
 *     (And CPU catches what utilisation misses: GC and libuv threads.)
 *   - event-loop lag: perf_hooks.monitorEventLoopDelay; its samples are the intervals between
 *     timer firings, so lag = interval − resolution. A late loop stamps completions late and
 *     over-states latency by the lag.
 *   - open model only: the achieved arrival rate (requests handed to the pool per second of the
 *     window) against the target rate.
 *
 * Rules (defaults; every bound can be overridden per run). The stage is INVALID when
 *   1. CPU >= maxCpuFraction (0.90 of one core) in more than hotShare (half) of the samples,
 *      i.e. for most of the stage (with no complete sample, the window's mean decides);
 *   2. event-loop utilisation >= maxLoopUtilization (0.90) in more than hotShare of the samples;
 *   3. event-loop lag p99 > maxLoopLagP99Ms (25 ms);
 *   4. open model: achieved rate < minRateRatio (0.95) × target rate.
 * An invalid stage carries every broken rule in its reason and never passes, whatever its
 * thresholds say.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks';

export interface SelfCheckRules {
  maxCpuFraction: number;
  maxLoopUtilization: number;
  /** share of samples above a bound that counts as "most of the stage" */
  hotShare: number;
  maxLoopLagP99Ms: number;
  minRateRatio: number;
  sampleMs: number;
}

export const DEFAULT_SELFCHECK_RULES: Readonly<SelfCheckRules> = Object.freeze({
  maxCpuFraction: 0.9,
  maxLoopUtilization: 0.9,
  hotShare: 0.5,
  maxLoopLagP99Ms: 25,
  minRateRatio: 0.95,
  sampleMs: 250,
});

const LOOP_RESOLUTION_MS = 10;

export interface SelfCheckReport {
  /** CPU fraction of one core, per sample */
  cpuSamples: number[];
  /** event-loop utilisation 0..1, per sample */
  loopSamples: number[];
  /** CPU fraction of one core over the whole window */
  cpuMean: number;
  /** event-loop utilisation over the whole window, 0..1 */
  loopUtilization: number;
  loopLagP99Ms: number;
  wallMs: number;
}

export interface RateObservation {
  targetRate: number;
  achievedRate: number;
}

export interface Verdict {
  valid: boolean;
  reasons: string[];
  /** share of samples with CPU at or above the bound */
  cpuHotShare: number;
  /** share of samples with event-loop utilisation at or above the bound */
  loopHotShare: number;
}

/** Watches the current process between start() and stop(). */
export class SelfCheckMonitor {
  private loop: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly cpuSamples: number[] = [];
  private readonly loopSamples: number[] = [];
  private startCpu: NodeJS.CpuUsage = process.cpuUsage();
  private lastCpu: NodeJS.CpuUsage = this.startCpu;
  private startWall = 0;
  private lastWall = 0;
  private startElu: EventLoopUtilization | undefined;
  private lastElu: EventLoopUtilization | undefined;

  constructor(private readonly sampleMs: number = DEFAULT_SELFCHECK_RULES.sampleMs) {}

  start(): void {
    this.loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loop.enable();
    this.startCpu = this.lastCpu = process.cpuUsage();
    this.startWall = this.lastWall = performance.now();
    this.startElu = this.lastElu = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.sample(false), this.sampleMs);
    this.timer.unref();
  }

  private sample(final: boolean): void {
    const now = performance.now();
    const wall = now - this.lastWall;
    // a trailing sliver of a sample says little; leave it out rather than let it vote
    if (final && wall < this.sampleMs / 2) return;
    const d = process.cpuUsage(this.lastCpu);
    const elu = performance.eventLoopUtilization();
    this.cpuSamples.push(wall > 0 ? (d.user + d.system) / 1000 / wall : 0);
    this.loopSamples.push(performance.eventLoopUtilization(elu, this.lastElu).utilization);
    this.lastCpu = process.cpuUsage();
    this.lastWall = now;
    this.lastElu = elu;
  }

  stop(): SelfCheckReport {
    if (this.startWall === 0) {
      // never started (the stage ended before its measured window)
      return { cpuSamples: [], loopSamples: [], cpuMean: 0, loopUtilization: 0, loopLagP99Ms: 0, wallMs: 0 };
    }
    if (this.timer) clearInterval(this.timer);
    this.sample(true);
    const wallMs = performance.now() - this.startWall;
    const d = process.cpuUsage(this.startCpu);
    let loopLagP99Ms = 0;
    if (this.loop) {
      this.loop.disable();
      if (this.loop.count > 0) loopLagP99Ms = Math.max(0, this.loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS);
    }
    return {
      cpuSamples: this.cpuSamples,
      loopSamples: this.loopSamples,
      cpuMean: wallMs > 0 ? (d.user + d.system) / 1000 / wallMs : 0,
      loopUtilization: performance.eventLoopUtilization(this.startElu).utilization,
      loopLagP99Ms: Math.round(loopLagP99Ms * 1000) / 1000,
      wallMs,
    };
  }
}

const pct = (f: number): string => `${Math.round(f * 1000) / 10}%`;

function hotShare(samples: readonly number[], mean: number, bound: number): number {
  if (!samples.length) return mean >= bound ? 1 : 0;
  return samples.filter((x) => x >= bound).length / samples.length;
}

/** Applies the rules above. Pure, so the rules can be tested without starving anything. */
export function judge(report: SelfCheckReport, rules: SelfCheckRules, rate?: RateObservation): Verdict {
  const reasons: string[] = [];
  const cpuHot = hotShare(report.cpuSamples, report.cpuMean, rules.maxCpuFraction);
  if (cpuHot > rules.hotShare) {
    reasons.push(
      `generator CPU at or above ${pct(rules.maxCpuFraction)} of one core in ${pct(cpuHot)} of the stage ` +
        `(mean ${pct(report.cpuMean)}): the generator, not the target, was the bottleneck`,
    );
  }
  const loopHot = hotShare(report.loopSamples, report.loopUtilization, rules.maxLoopUtilization);
  if (loopHot > rules.hotShare) {
    reasons.push(
      `generator event loop busy at or above ${pct(rules.maxLoopUtilization)} in ${pct(loopHot)} of the stage ` +
        `(mean ${pct(report.loopUtilization)}): the generator thread was saturated`,
    );
  }
  if (report.loopLagP99Ms > rules.maxLoopLagP99Ms) {
    reasons.push(
      `generator event-loop lag p99 ${report.loopLagP99Ms} ms exceeds ${rules.maxLoopLagP99Ms} ms: ` +
        `response times were stamped late`,
    );
  }
  if (rate && rate.targetRate > 0 && rate.achievedRate < rules.minRateRatio * rate.targetRate) {
    reasons.push(
      `achieved arrival rate ${Math.round(rate.achievedRate * 10) / 10}/s is below ${pct(rules.minRateRatio)} ` +
        `of the target ${rate.targetRate}/s: the generator could not keep the schedule`,
    );
  }
  return { valid: reasons.length === 0, reasons, cpuHotShare: cpuHot, loopHotShare: loopHot };
}
