import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { diffRecords, diffRuns, parseNoise, type RunDiff } from '../../src/report/index.js';
import { makeRun } from './fixtures.js';
import { runCli } from '../helpers/cli.js';

const good = makeRun({ variant: 'pass', runId: 'run-a', hostile: false });
const bad = makeRun({ variant: 'faulty', runId: 'run-b', hostile: false, startedAt: '2026-12-02T08:00:00.000Z' });
afterAll(() => { rmSync(good.dir, { recursive: true, force: true }); rmSync(bad.dir, { recursive: true, force: true }); });

describe('diff of a passing and a faulty run', () => {
  const d: RunDiff = diffRuns(good.dir, bad.dir);

  it('lists exactly the cases that changed, and which of them regressed', () => {
    expect(d.cases.map((c) => `${c.id}:${c.from}>${c.to}:${c.regression}`)).toEqual([
      'EMR-PL-01-T01:pass>fail:true', 'EMR-PL-03-T01:pass>error:true', 'EMR-SD-01:pass>fail:true',
    ]);
  });

  it('lists new and removed findings by rule + case + xpath', () => {
    expect(d.findings.added.map((f) => `${f.caseId} ${f.rule} ${f.xpath ?? ''}`).sort()).toEqual([
      'EMR-PL-01-T01 HT-MSG-ACK-CODE /hl7:MCCI_IN000002UV01/hl7:acknowledgement/@typeCode',
      'EMR-SD-01 HT-TPL-ENTRY-MISSING /ClinicalDocument/recordTarget/patientRole/patient/name',
      'EMR-SD-01 HT-XSD-INVALID /ClinicalDocument/realmCode',
    ]);
    // HT-TPL-TITLE is in both runs (info in A, warning in B): same rule, case and xpath → not new
    expect(d.findings.removed).toEqual([]);
  });

  it('flags the latency regression beyond the noise band and not the unchanged stage', () => {
    const reg = d.perf.filter((p) => p.regression).map((p) => `${p.stage} ${p.metric}`);
    expect(reg).toContain('register-steady result');
    expect(reg).toContain('register-steady p50');
    expect(reg.some((r) => r.startsWith('query-steady'))).toBe(false);
    expect(d.exitCode).toBe(1);
  });

  it('the other way round is an improvement: exit 0', () => {
    const back = diffRuns(bad.dir, good.dir);
    expect(back.cases.map((c) => c.id)).toEqual(['EMR-PL-01-T01', 'EMR-PL-03-T01', 'EMR-SD-01']);
    expect(back.cases.every((c) => !c.regression)).toBe(true);
    expect(back.findings.removed).toHaveLength(3);
    expect(back.regressions).toEqual([]);
    expect(back.exitCode).toBe(0);
  });

  it('a run against itself has no change', () => {
    const same = diffRuns(good.dir, good.dir);
    expect(same.cases).toEqual([]);
    expect(same.findings).toEqual({ added: [], removed: [] });
    expect(same.exitCode).toBe(0);
  });
});

describe('noise band', () => {
  const withP95 = (v: number) => ({ ...good.record, performance: [{ ...good.record.performance[0]!, latency: { p95: v } }] });

  it('a latency increase inside the band is noise, beyond it a regression', () => {
    expect(diffRecords(withP95(100), withP95(109), { noisePct: 10 }).exitCode).toBe(0);
    expect(diffRecords(withP95(100), withP95(111), { noisePct: 10 }).exitCode).toBe(1);
    expect(diffRecords(withP95(100), withP95(111), { noisePct: 20 }).exitCode).toBe(0);
    // a fast platform's sub-millisecond jitter is not a regression whatever the percentage
    expect(diffRecords(withP95(0.4), withP95(0.9), { noisePct: 10 }).exitCode).toBe(0);
  });

  it('reads 10%, 10 and 0.1 as the same band', () => {
    expect(parseNoise('10%')).toBe(10);
    expect(parseNoise('10')).toBe(10);
    expect(parseNoise('0.1')).toBe(10);
    expect(() => parseNoise('ten')).toThrow(RangeError);
  });

  it('tolerates stages without any measurement', () => {
    const bare = { ...good.record, performance: [{ name: 'register-steady', result: 'pass' as const }] };
    expect(diffRecords(bare, good.record).exitCode).toBe(0);
  });
});

describe('hutong diff', () => {
  it('exits 1 on regressions and prints the changed cases', async () => {
    const r = await runCli(['diff', good.dir, bad.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('EMR-PL-01-T01');
    expect(r.stdout).toContain('回退');
  });

  it('--json prints the diff; 0 when B is better', async () => {
    const r = await runCli(['diff', bad.dir, good.dir, '--json', '--noise', '15%']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as RunDiff;
    expect(d.noisePct).toBe(15);
    expect(d.cases).toHaveLength(3);
  });

  it('exits 2 when a folder has no record', async () => {
    const r = await runCli(['diff', good.dir, '/nonexistent-hutong-run']);
    expect(r.code).toBe(2);
  });
});
