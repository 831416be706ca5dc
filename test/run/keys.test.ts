/**
 * Site config `keys:`: the expert's key sets replace the run's own data for a service. Against
 * the reference platform (src/platform) with its deterministic seed data: the query T01 asks
 * for the seeded patient's key and must get that patient back; the F01 asks for the given absent
 * key and must get a clean "no result". Swapping the two keys makes both cases fail, so the
 * cases really judge the given keys and not the run's own registered patient.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../src/platform/index.js';
import { loadCatalog } from '../../src/catalog/index.js';
import { runPlan } from '../../src/run/index.js';
import { RunData, runSeed } from '../../src/run/cases/data.js';
import { readJournal, type ExchangeEvent } from '../../src/run/journal.js';
import { hashSeed } from '../../src/samples/synth.js';
import { sampleVisit } from '../../src/samples/visit.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'patient-plan.yaml');
const QUERY_T01 = 'EMR-PL-04-T01';
const QUERY_F01 = 'EMR-PL-04-F01';
// src/platform/seed.ts: with seed 1 the first seeded patient is SEED1P1, of sample visit
// hashSeed('hutong-platform-seed', 1, 0) % 1e6
const SEEDED = 'SEED1P1';
const seededName = sampleVisit(hashSeed('hutong-platform-seed', 1, 0) % 1_000_000).patient.name;
const ABSENT = 'HTKEYSABSENT0001';

let platform: RunningPlatform;
let root: string;
let n = 0;
beforeAll(async () => {
  platform = await startPlatform({ port: 0, seed: 1 });
  root = mkdtempSync(join(tmpdir(), 'hutong-keys-'));
});
afterAll(async () => {
  await platform.close();
  rmSync(root, { recursive: true, force: true });
});

async function run(t01: string, f01: string) {
  const out = join(root, `run-${++n}`);
  const cfg = join(root, `site-${n}.yaml`);
  writeFileSync(cfg, `keys:\n  PatientInfoQuery:\n    T01: { patientId: "${t01}" }\n    F01: { patientId: "${f01}" }\n`);
  const r = await runPlan({ plan: PLAN, target: platform.urls.soap11, config: cfg, out, perf: 'off', quiet: true, progress: () => undefined, env: {} });
  const exchange = (id: string): { request: string; response: string } => {
    const e = readJournal(out).events.find((x): x is ExchangeEvent => x.type === 'exchange' && x.caseId === id);
    if (!e?.response) throw new Error(`${id}: no answered exchange`);
    return { request: readFileSync(join(out, e.request.file), 'utf8'), response: readFileSync(join(out, e.response.file), 'utf8') };
  };
  return { ...r, exchange };
}

describe('site config keys', () => {
  it('query T01 asks for the given existing key and gets its record; F01 asks for the given absent key and gets none', async () => {
    const r = await run(SEEDED, ABSENT);
    const byId = new Map(r.record.cases.map((c) => [c.id, c] as const));
    const explain = (id: string) => `${byId.get(id)?.result} ${JSON.stringify(byId.get(id)?.findings.filter((f) => f.severity === 'error').map((f) => f.message))}`;
    expect(byId.get(QUERY_T01)?.result, explain(QUERY_T01)).toBe('pass');
    expect(byId.get(QUERY_F01)?.result, explain(QUERY_F01)).toBe('pass');
    expect(r.record.verdict).toBe('通过');

    const t = r.exchange(QUERY_T01);
    expect(t.request).toContain(SEEDED);
    // the run's own patient (registered by EMR-PL-01-T01) is not what was asked for
    const own = new RunData(loadCatalog(), runSeed(r.record.runId)).record('patient').patientId!;
    expect(r.exchange('EMR-PL-01-T01').request).toContain(own);
    expect(t.request).not.toContain(own);
    expect(t.response).toContain(SEEDED);
    expect(t.response).toContain(seededName);
    const f = r.exchange(QUERY_F01);
    expect(f.request).toContain(ABSENT);
    expect(f.response).not.toContain(seededName);
  }, 120_000);

  it('swapped keys: T01 with an absent key and F01 with an existing one both fail', async () => {
    const r = await run(ABSENT, SEEDED);
    const t01 = r.record.cases.find((c) => c.id === QUERY_T01)!;
    const f01 = r.record.cases.find((c) => c.id === QUERY_F01)!;
    expect(t01.result).toBe('fail');
    expect(f01.result).toBe('fail');
    expect(f01.findings.filter((x) => x.severity === 'error').map((x) => x.rule)).toContain('HT-MSG-QUERY-UNEXPECTED');
    expect(r.exchange(QUERY_T01).request).toContain(ABSENT);
    expect(r.exchange(QUERY_F01).response).toContain(seededName);
    expect(r.record.verdict).toBe('不通过');
  }, 120_000);
});
