import { describe, expect, it } from 'vitest';
import { DEFAULT_SELFCHECK_RULES, SelfCheckMonitor, judge } from '../../src/perf/selfcheck.js';
import type { SelfCheckReport } from '../../src/perf/selfcheck.js';

const healthy: SelfCheckReport = {
  cpuSamples: [0.3, 0.35, 0.4, 0.32],
  loopSamples: [0.2, 0.25, 0.3, 0.2],
  cpuMean: 0.34,
  loopUtilization: 0.24,
  loopLagP99Ms: 3,
  wallMs: 1000,
};
const rules = { ...DEFAULT_SELFCHECK_RULES };

describe('self-check rules', () => {
  it('accepts a healthy generator', () => {
    expect(judge(healthy, rules, { targetRate: 100, achievedRate: 99 })).toMatchObject({ valid: true, reasons: [] });
  });

  it('rejects CPU at 90 % of a core for most of the stage, not for a moment', () => {
    const brief = { ...healthy, cpuSamples: [0.95, 0.3, 0.3, 0.3] };
    expect(judge(brief, rules).valid).toBe(true);
    const half = { ...healthy, cpuSamples: [0.95, 0.95, 0.3, 0.3] };
    expect(judge(half, rules).valid).toBe(true); // half is not most
    const most = { ...healthy, cpuSamples: [0.9, 0.95, 1.2, 0.3] };
    const v = judge(most, rules);
    expect(v.valid).toBe(false);
    expect(v.cpuHotShare).toBe(0.75);
    expect(v.reasons[0]).toMatch(/CPU at or above 90% of one core in 75% of the stage/);
  });

  it('falls back to the mean when the window was too short for a sample', () => {
    expect(judge({ ...healthy, cpuSamples: [], cpuMean: 0.97 }, rules).valid).toBe(false);
    expect(judge({ ...healthy, cpuSamples: [], cpuMean: 0.5 }, rules).valid).toBe(true);
  });

  it('rejects a saturated event loop even when the machine grants little CPU', () => {
    const v = judge({ ...healthy, cpuSamples: [0.5, 0.5, 0.5], cpuMean: 0.5, loopSamples: [1, 1, 0.99], loopUtilization: 1 }, rules);
    expect(v.valid).toBe(false);
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toMatch(/event loop busy/);
  });

  it('rejects event-loop lag beyond the bound', () => {
    expect(judge({ ...healthy, loopLagP99Ms: 25 }, rules).valid).toBe(true);
    const v = judge({ ...healthy, loopLagP99Ms: 40 }, rules);
    expect(v.valid).toBe(false);
    expect(v.reasons[0]).toMatch(/lag p99 40 ms exceeds 25 ms/);
  });

  it('rejects an open model below 95 % of its rate', () => {
    expect(judge(healthy, rules, { targetRate: 200, achievedRate: 190 }).valid).toBe(true);
    const v = judge(healthy, rules, { targetRate: 200, achievedRate: 189.9 });
    expect(v.valid).toBe(false);
    expect(v.reasons[0]).toMatch(/achieved arrival rate 189.9\/s is below 95% of the target 200\/s/);
  });

  it('lists every broken rule', () => {
    const v = judge(
      { cpuSamples: [1, 1], loopSamples: [1, 1], cpuMean: 1, loopUtilization: 1, loopLagP99Ms: 100, wallMs: 500 },
      rules,
      { targetRate: 100, achievedRate: 10 },
    );
    expect(v.reasons).toHaveLength(4);
  });

  it('honours overridden bounds', () => {
    expect(judge({ ...healthy, loopLagP99Ms: 40 }, { ...rules, maxLoopLagP99Ms: 50 }).valid).toBe(true);
  });
});

describe('self-check monitor', () => {
  it('sees a busy generator thread', async () => {
    const m = new SelfCheckMonitor(50);
    m.start();
    const end = Date.now() + 300;
    await new Promise<void>((resolve) => {
      const spin = () => {
        const t = Date.now();
        while (Date.now() - t < 40) {
          // busy
        }
        if (Date.now() < end) setImmediate(spin);
        else resolve();
      };
      spin();
    });
    const r = m.stop();
    expect(r.cpuSamples.length).toBeGreaterThan(0);
    expect(r.loopSamples.length).toBe(r.cpuSamples.length);
    expect(r.loopUtilization).toBeGreaterThan(0.5);
    expect(r.loopLagP99Ms).toBeGreaterThan(0);
  });

  it('reports nothing when stopped before it started', () => {
    expect(new SelfCheckMonitor().stop()).toMatchObject({ cpuSamples: [], wallMs: 0 });
  });
});
