/**
 * Regional plans end to end: `hutong run --plan regional-5a` against the reference platform
 * started as a regional one (WS/T 790 services, WS/T 483 documents) passes with EHR-PL/SD/DE case
 * ids, and every fault profile of a regional platform fails exactly the cases it declares for a
 * regional plan (FAULT_PROFILES failsCases with plan.kind 'regional'). The fault runs use a
 * small regional plan written here: every regional service (every pattern, queries at both
 * parities of the regional catalogue order), three documents (EHR-SD-5 has no verified coded
 * element, so wrong-code leaves it alone), their datasets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadCatalog } from '../../src/catalog/index.js';
import type { PlanDef } from '../../src/catalog/types.js';
import { FAULT_PROFILES, startPlatform } from '../../src/platform/index.js';
import { readRecord, runPlan } from '../../src/run/index.js';
import { runCli } from './cli-helper.js';
import { expectFailsExactly } from '../helpers/faults.js';

const catalog = loadCatalog();
const regionalCodes = (catalog.regionalServices ?? []).map((s) => s.code);
const plan: PlanDef = {
  id: 'regional-testsmall', kind: 'regional', level: '4a', title: '区域测试用小计划',
  services: regionalCodes,
  documents: ['EHR-SD-1', 'EHR-SD-5', 'EHR-SD-12'],
  datasets: ['WS365.01.01', 'WS365.05.01', 'WS365.12.01'],
  assumptions: [],
  source: { standard: 'hutong test fixture', verified: false },
} as PlanDef;

let root: string;
let planFile: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hutong-regional-'));
  planFile = join(root, 'regional-small.yaml');
  writeFileSync(planFile, stringify(plan));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('hutong run, regional plans', () => {
  it('regional-5a against a regional platform (CLI, SOAP 1.1): exit 0 通过, every case passes, EHR-PL/SD/DE ids (EHR-SD-n: the WS/T 483 testPrefix)', async () => {
    const p = await startPlatform({ port: 0, kind: 'regional', seedVisits: 0 });
    try {
      const out = join(root, 'r5a');
      const r = await runCli(['run', '--plan', 'regional-5a', '--target', p.urls.soap11, '--out', out, '--perf', 'off', '--quiet']);
      const rec = readRecord(join(out, 'record.json'));
      expect(rec.cases.filter((c) => c.result !== 'pass').map((c) => `${c.id}: ${c.reason ?? c.findings.find((f) => f.severity === 'error')?.message}`)).toEqual([]);
      expect(r.code, r.stderr).toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/通过/);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/不通过/);
      const ids = rec.cases.map((c) => c.id);
      const r5a = catalog.plans.find((x) => x.id === 'regional-5a')!;
      const svc = (catalog.regionalServices ?? []).filter((s) => r5a.services.includes(s.code));
      expect(ids.filter((id) => id.startsWith('EHR-PL-')).sort()).toEqual(svc.flatMap((s) => [`${s.caseId}-T01`, `${s.caseId}-F01`]).sort());
      expect(ids.filter((id) => id.startsWith('EHR-SD-')).sort()).toEqual(catalog.documents.filter((d) => r5a.documents.includes(d.code)).map((d) => d.testPrefix).sort());
      expect(ids.some((id) => id.startsWith('EHR-DE-'))).toBe(true);
      expect(ids.filter((id) => !/^EHR-(PL-\d{2}-[TF]01|SD-\d{1,2}|DE-\d{2})$/.test(id))).toEqual([]);
    } finally {
      await p.close();
    }
  }, 240_000);

  it('the small regional plan names regional services only and fault profiles declare EHR ids', () => {
    expect(plan.services.length).toBe(19);
    const all = FAULT_PROFILES.flatMap((f) => f.failsCases(plan, catalog));
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((id) => !id.startsWith('EHR-'))).toEqual([]);
    // the regional catalogue order decides the parity sets: the appointment query is at position 4 there
    expect(FAULT_PROFILES.find((f) => f.name === 'malformed-xml')!.failsCases(plan, catalog)).toContain('EHR-PL-19-T01');
  });

  for (const profile of FAULT_PROFILES.filter((f) => f.name !== 'slow')) {
    it(`${profile.name}: a regional platform fails exactly the declared cases of a regional plan`, async () => {
      const p = await startPlatform({ port: 0, kind: 'regional', seedVisits: 0, faults: [profile.name] });
      try {
        const r = await runPlan({ plan: planFile, target: p.urls.soap11, out: join(root, profile.name), perf: 'off', quiet: true, progress: () => {} });
        const declared = expectFailsExactly(r, profile, plan, catalog);
        expect(declared.length).toBeGreaterThan(0);
        expect(r.exitCode).toBe(1);
      } finally {
        await p.close();
      }
    }, 120_000);
  }

  it('hutong serve --list-faults --plan regional-5a names EHR case ids', async () => {
    const r = await runCli(['serve', '--list-faults', '--plan', 'regional-5a', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { profiles: { name: string; failsCases: string[] }[] };
    const ids = j.profiles.flatMap((x) => x.failsCases);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id) => !id.startsWith('EHR-'))).toEqual([]);
  }, 60_000);
});
