/**
 * The runner against the reference platform (src/platform), started here on a loopback port:
 * a full hospital-5a run passes every case; the record and the journal agree.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../src/platform/index.js';
import { readRecord, runPlan, validateRecord } from '../../src/run/index.js';
import { readJournal } from '../../src/run/journal.js';
import { runCli } from './cli-helper.js';

let platform: RunningPlatform;
let root: string;
beforeAll(async () => {
  platform = await startPlatform({ port: 0 });
  root = mkdtempSync(join(tmpdir(), 'hutong-run-'));
});
afterAll(async () => {
  await platform.close();
  rmSync(root, { recursive: true, force: true });
});

describe('hutong run against the reference platform', () => {
  it('hospital-5a over SOAP 1.1: exit 0, 通过, every case pass, evidence for every exchange', async () => {
    const out = join(root, 'r5a');
    const t0 = Date.now();
    const r = await runCli(['run', '--plan', 'hospital-5a', '--target', platform.urls.soap11, '--out', out, '--perf', 'off', '--quiet']);
    const ms = Date.now() - t0;
    const rec = readRecord(out);
    const notPass = rec.cases.filter((c) => c.result !== 'pass').map((c) => `${c.id}:${c.result}:${c.reason ?? c.findings.find((f) => f.severity === 'error')?.message ?? ''}`);
    expect(notPass).toEqual([]);
    expect(r.code).toBe(0);
    expect(rec.verdict).toBe('通过');
    expect(validateRecord(rec).ok).toBe(true);
    // 69 services × T01/F01, 53 documents, the WS 445 parts of 58 datasets
    expect(rec.cases.filter((c) => c.area === 'service')).toHaveLength(138);
    expect(rec.cases.filter((c) => c.area === 'document')).toHaveLength(53);
    expect(rec.cases.filter((c) => c.area === 'dataset').length).toBeGreaterThan(10);
    expect(rec.binding).toMatchObject({ kind: 'soap11', operation: 'HIPMessageServer', namespace: 'urn:hl7-org:v3' });
    expect(rec.tool.layers.length).toBeGreaterThan(0);
    expect(rec.assumptions.length).toBeGreaterThan(0);
    // every exchange's files exist; the evidence folder is owner-only
    const events = readJournal(out).events;
    const exchanges = events.filter((e) => e.type === 'exchange');
    expect(exchanges.length).toBeGreaterThan(300);
    for (const e of exchanges.slice(0, 50)) {
      if (e.type !== 'exchange') continue;
      expect(existsSync(join(out, e.request.file))).toBe(true);
      expect(e.response && existsSync(join(out, e.response.file))).toBe(true);
    }
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(statSync(join(out, 'evidence')).mode & 0o777).toBe(0o700);
    // dataset coverage and the four quality dimensions are in the dataset cases
    const ds = rec.cases.find((c) => c.id === 'EMR-DE-01') as unknown as { datasets: { seen: string[]; quality: Record<string, number | null> }[] };
    expect(ds.datasets[0]!.seen.length).toBeGreaterThan(5);
    expect(ds.datasets[0]!.quality.一致性).toBe(1);
    expect(Object.keys(ds.datasets[0]!.quality).sort()).toEqual(['一致性', '及时性', '完整性', '整合性'].sort());
    process.stdout.write(`hospital-5a against the reference platform: ${rec.cases.length} cases, ${exchanges.length} exchanges, ${ms} ms\n`);
  }, 180_000);

  it('regional-5a against the regional reference platform: 通过, EHR-* case ids', async () => {
    const regional = await startPlatform({ port: 0, kind: 'regional' });
    try {
      const out = join(root, 'regional');
      const r = await runPlan({ plan: 'regional-5a', target: regional.urls.soap11, out, perf: 'off', quiet: true, progress: () => {} });
      expect(r.record.cases.filter((c) => c.result !== 'pass').map((c) => c.id)).toEqual([]);
      expect(r.exitCode).toBe(0);
      expect(r.record.cases.every((c) => c.id.startsWith('EHR-'))).toBe(true);
      expect(r.record.cases.some((c) => c.area === 'dataset')).toBe(true);
    } finally {
      await regional.close();
    }
  }, 120_000);

  it('a target nobody listens on: exit 3, record.json says invalid', async () => {
    const out = join(root, 'unreachable');
    const r = await runCli(['run', '--plan', 'hospital-3', '--target', 'http://127.0.0.1:9/soap11', '--out', out, '--perf', 'off', '--quiet']);
    expect(r.code).toBe(3);
    const rec = readRecord(out);
    expect(rec.invalid?.reason).toMatch(/unreachable/);
    expect(rec.verdict).toBe('不通过');
  }, 60_000);

  it('usage and config errors exit 2 without a record', async () => {
    const r = await runCli(['run', '--plan', 'hospital-9', '--target', platform.urls.soap11, '--out', join(root, 'bad'), '--perf', 'off']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hospital-9/);
    expect(existsSync(join(root, 'bad', 'record.json'))).toBe(false);
    const r2 = await runCli(['run', '--plan', 'hospital-3', '--perf', 'off']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/target/);
  }, 60_000);
});
