/**
 * Every fault profile of the reference platform (FAULT_PROFILES) makes the run exit 1 and fail
 * exactly the cases the profile declares. Cases that did not fail themselves but depend on data
 * a failed case should have produced are `skip` with the reason (never `pass`, never hidden).
 * A small plan (test/run/fixtures/small-plan.yaml) keeps this quick: every service pattern,
 * queries at both catalogue parities, two documents.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import type { PlanDef } from '../../src/catalog/types.js';
import { FAULT_PROFILES, startPlatform } from '../../src/platform/index.js';
import { runPlan } from '../../src/run/index.js';
import { expectFailsExactly } from '../helpers/faults.js';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

const PLAN_FILE = join(import.meta.dirname, 'fixtures', 'small-plan.yaml');
const plan = parse(readFileSync(PLAN_FILE, 'utf8')) as PlanDef;
const catalog = loadCatalog();

let root: string;
beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'hutong-faults-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fault profiles', () => {
  it('the plan without faults passes, documents the platform already holds included', async () => {
    const p = await startPlatform({ port: 0 });
    try {
      await (p as { seeded?: Promise<unknown> }).seeded;
      const cfg = join(root, 'held.yaml');
      writeFileSync(cfg, 'documents:\n  held:\n    - { patientId: "SEED1P1" }\n');
      const r = await runPlan({ plan: PLAN_FILE, target: p.urls.soap11, config: cfg, out: join(root, 'none'), perf: 'off', quiet: true, progress: () => {} });
      expect(r.record.cases.filter((c) => c.result !== 'pass').map((c) => `${c.id}: ${c.reason ?? c.findings.find((f) => f.severity === 'error')?.message}`)).toEqual([]);
      const held = r.record.cases.find((c) => c.id === 'EMR-SD-HELD-01')!;
      expect(held.evidence.filter((e) => /retrieved-held-\d+\.xml$/.test(e)).length).toBeGreaterThan(1);
      expect(r.exitCode).toBe(0);
    } finally {
      await p.close();
    }
  }, 120_000);

  for (const profile of FAULT_PROFILES) {
    it(`${profile.name}: fails exactly ${profile.name === 'slow' ? '(no case: performance only)' : 'the declared cases'}`, async () => {
      const p = await startPlatform({ port: 0, faults: [profile.name], ...(profile.name === 'slow' ? { latencyMs: 50 } : {}) });
      try {
        const r = await runPlan({ plan: PLAN_FILE, target: p.urls.soap11, out: join(root, profile.name), perf: 'off', quiet: true, progress: () => {} });
        expectFailsExactly(r, profile, plan, catalog);
      } finally {
        await p.close();
      }
    }, 120_000);
  }
});
