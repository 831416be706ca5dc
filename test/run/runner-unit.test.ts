/**
 * The runner against a small loopback platform (test/run/mini-platform.ts): the whole pipeline
 * without the reference platform, plus the pieces on their own (ordering, progress, exports).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { runPlan } from '../../src/run/index.js';
import { readRecord } from '../../src/run/record-io.js';
import { readJournal } from '../../src/run/journal.js';
import { orderCases } from '../../src/run/cases/ordering.js';
import { RunData } from '../../src/run/cases/data.js';
import { serviceCases } from '../../src/run/cases/service.js';
import { Progress } from '../../src/run/progress.js';
import { loadExport, mapColumns, parseCsv } from '../../src/run/dataset-export.js';
import { loadConfig } from '../../src/run/config.js';
import { startMiniPlatform, type MiniPlatform } from './mini-platform.js';

const SMALL = join(import.meta.dirname, 'fixtures', 'small-plan.yaml');
const catalog = loadCatalog();
let p: MiniPlatform;
let root: string;
beforeAll(async () => {
  p = await startMiniPlatform(catalog);
  root = mkdtempSync(join(tmpdir(), 'hutong-run-unit-'));
});
afterAll(async () => {
  await p.close();
  rmSync(root, { recursive: true, force: true });
});

describe('case order', () => {
  it('register before query before update; a status update before its query', () => {
    const cfg = loadConfig({ overrides: { target: 'http://127.0.0.1:1/x' }, env: {} });
    const codes = ['OrderFillerStatusInfoQuery', 'OrderFillerStatusInfoUpdate', 'OrderInfoQuery', 'OrderInfoUpdate', 'OrderInfoAdd'];
    const selected = codes.map((c) => ({ service: catalog.services.find((s) => s.code === c)!, required: true }));
    const ids = orderCases(serviceCases({ data: new RunData(catalog, 123456), cfg, selected })).map((c) => c.id);
    const at = (id: string) => ids.indexOf(id);
    // EMR-PL-32 OrderInfoAdd, 33 Update, 34 Query, 59 status update, 60 status query
    expect(at('EMR-PL-32-T01')).toBeLessThan(at('EMR-PL-34-T01'));
    expect(at('EMR-PL-34-T01')).toBeLessThan(at('EMR-PL-33-T01'));
    expect(at('EMR-PL-32-T01')).toBeLessThan(at('EMR-PL-59-T01'));
    expect(at('EMR-PL-59-T01')).toBeLessThan(at('EMR-PL-60-T01'));
    expect(new Set(ids).size).toBe(10);
  });

  it('test data derive from the seed alone and link the run\'s records', () => {
    const a = new RunData(catalog, 222222);
    const b = new RunData(catalog, 222222);
    expect(a.record('order')).toEqual(b.record('order'));
    expect(a.record('order').patientId).toBe(a.record('patient').patientId);
    expect(a.record('orderStatus').orderId).toBe(a.record('order').orderId);
    expect(a.updated('patient').patientId).toBe(a.record('patient').patientId);
    expect(a.updated('patient').telecom).not.toBe(a.record('patient').telecom);
    expect(new RunData(catalog, 333333).record('patient').patientId).not.toBe(a.record('patient').patientId);
  });
});

describe('progress', () => {
  it('live: one line per case with counts and an ETA; quiet: only the summary', () => {
    const lines: string[] = [];
    const live = new Progress({ live: true, write: (l) => lines.push(l) });
    live.start([{ area: 'service' }, { area: 'document' }], []);
    live.caseStart('EMR-PL-01-T01', 'service');
    live.caseEnd({ id: 'EMR-PL-01-T01', title: 't', area: 'service', result: 'fail', reason: 'because', findings: [], evidence: [], durationMs: 40 });
    live.caseStart('EMR-SD-01', 'document');
    expect(lines[0]).toMatch(/\[1\/2\] 交互服务 1\/1 EMR-PL-01-T01/);
    expect(lines[1]).toMatch(/EMR-PL-01-T01: fail — because/);
    expect(lines[2]).toMatch(/\[2\/2\] 共享文档 1\/1 EMR-SD-01 … \(pass 0, fail 1 ETA 1s\)/);
    const quiet: string[] = [];
    const q = Progress.forEnv({ quiet: true, env: {}, progress: (l) => quiet.push(l) });
    q.start([{ area: 'service' }], []);
    q.caseStart('X', 'service');
    expect(quiet).toEqual([]);
    expect(Progress.forEnv({ env: { CI: '1' } })).toBeInstanceOf(Progress);
  });
});

describe('dataset exports', () => {
  it('CSV per RFC 4180', () => {
    expect(parseCsv('a,"b ""q"", c"\r\n1,2\n\n3,"x\ny"\n')).toEqual([['a', 'b "q", c'], ['1', '2'], ['3', 'x\ny']]);
  });

  it('columns by DE id and by name; XLSX too', async () => {
    const ds = catalog.datasets.find((d) => d.id === 'WS445.01.01')!;
    const csv = join(root, 'e.csv');
    writeFileSync(csv, 'DE01.00.009.00,邮政编码,不相干\n12345678901234567,100000,x\n');
    const x = { file: csv, format: 'csv' as const, columns: 'auto' as const };
    const cols = mapColumns(await loadExport(x), x, catalog, ds);
    expect(cols.map((c) => c.de)).toEqual(['DE01.00.009.00', 'DE02.01.047.00']);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('导出');
    ws.addRow(['邮政编码', '建档日期时间']);
    ws.addRow(['100000', '20240101120000']);
    const xlsx = join(root, 'e.xlsx');
    await wb.xlsx.writeFile(xlsx);
    const xx = { file: xlsx, format: 'xlsx' as const, columns: 'name' as const };
    const t = await loadExport(xx);
    expect(t.rows[0]).toEqual(['100000', '20240101120000']);
    expect(mapColumns(t, xx, catalog, ds).map((c) => c.de)).toEqual(['DE02.01.047.00', 'DE06.00.218.00']);
  });
});

describe('runPlan against a loopback platform', () => {
  it('the small plan passes every case, with an export whose bad value fails its dataset', async () => {
    const csv = join(root, 'export.csv');
    writeFileSync(csv, '城乡居民健康档案编号,邮政编码\n12345678901234567,100000\n12345678901234567,12AB\n');
    const cfgFile = join(root, 'site.yaml');
    writeFileSync(cfgFile, `institution: 测试医院\ndatasetExports:\n  - file: ${csv}\n    dataset: WS445.01.01\n`);
    const out = join(root, 'ok');
    const lines: string[] = [];
    const r = await runPlan({ plan: SMALL, target: p.urls.soap11, config: cfgFile, out, perf: 'off', progress: (l) => lines.push(l) });
    const notPass = r.record.cases.filter((c) => c.result !== 'pass').map((c) => c.id);
    expect(notPass).toEqual(['EMR-DE-01']);
    const de01 = r.record.cases.find((c) => c.id === 'EMR-DE-01')!;
    expect(de01.findings.some((f) => f.rule === 'HT-DS-ELEMENT' && f.severity === 'error' && /12AB/.test(f.message))).toBe(true);
    expect(de01.evidence.some((e) => /export-1-WS445\.01\.01\.csv$/.test(e))).toBe(true);
    const cov = (de01 as unknown as { datasets: { seen: string[]; quality: { 一致性: number } }[] }).datasets[0]!;
    expect(cov.seen).toContain('DE02.01.047.00');
    expect(cov.quality.一致性).toBeLessThan(1);
    expect(r.exitCode).toBe(1);
    expect(r.record.institution).toBe('测试医院');
    expect(readRecord(out).runId).toBe(r.record.runId);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(readJournal(out).events.filter((e) => e.type === 'case-end')).toHaveLength(r.record.cases.length);
    expect(lines.some((l) => /\[1\/\d+\] 交互服务 1\/\d+ /.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^hutong run: 不通过/);
  }, 120_000);

  it('a platform that answers a query with HTTP 500 fails that query\'s cases only; the update does not re-query it', async () => {
    p.breakService.set('OrganizationInfoQuery', 'http-500');
    try {
      const r = await runPlan({ plan: SMALL, target: p.urls.http, binding: 'http', out: join(root, 'broken'), perf: 'off', quiet: true, progress: () => {} });
      const bad = r.record.cases.filter((c) => c.result !== 'pass').map((c) => c.id).sort();
      expect(bad).toEqual(['EMR-PL-07-F01', 'EMR-PL-07-T01']);
      const t = r.record.cases.find((c) => c.id === 'EMR-PL-07-T01')!;
      expect(t.findings.map((f) => f.rule)).toContain('HT-TX-STATUS');
      expect(r.exitCode).toBe(1);
    } finally {
      p.breakService.clear();
    }
  }, 120_000);
});
