import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { XMLParser } from 'fast-xml-parser';
import { renderReports } from '../../src/report/index.js';
import { HOSTILE, makeRun, secretRegistry } from './fixtures.js';

let faulty: { dir: string; files: string[] };
let passing: { dir: string; files: string[] };

beforeAll(async () => {
  const f = makeRun({ variant: 'faulty' });
  const p = makeRun({ variant: 'pass' });
  faulty = { dir: f.dir, files: await renderReports(f.dir, { secrets: secretRegistry() }) };
  passing = { dir: p.dir, files: await renderReports(p.dir, { secrets: secretRegistry(), lang: 'en' }) };
});
afterAll(() => {
  rmSync(faulty.dir, { recursive: true, force: true });
  rmSync(passing.dir, { recursive: true, force: true });
});

const cellText = (v: ExcelJS.CellValue): string => (v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v));

describe('renderReports', () => {
  it('writes the four files beside record.json', () => {
    expect(faulty.files.map((f) => f.slice(faulty.dir.length + 1))).toEqual(['record.html', 'record.xlsx', 'junit.xml', 'summary.md']);
  });

  it('renders only the formats asked for', async () => {
    const { dir } = makeRun({ variant: 'pass', hostile: false });
    try {
      const files = await renderReports(dir, { formats: ['md'] });
      expect(files).toEqual([join(dir, 'summary.md')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('record.xlsx', () => {
  it('reads back as the signed form: header block, one row per case, performance, 结论, signatures', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(faulty.dir, 'record.xlsx'));
    const ws = wb.getWorksheet('测试记录');
    expect(ws).toBeDefined();
    const rows: string[][] = [];
    ws!.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= 5; c++) cells.push(cellText(row.getCell(c).value));
      rows.push(cells);
    });
    const byLabel = (label: string) => rows.find((r) => r[0] === label);
    expect(byLabel('申请机构')?.[1]).toBe('测试人民医院');
    expect(byLabel('申请等级')?.[1]).toBe('5a');
    expect(byLabel('测试日期')?.[1]).toMatch(/^2026-12-0[12]$/);
    expect(byLabel('测试人员')?.[1]).toBe('王测评');
    expect(byLabel('工具版本')?.[1]).toContain('hutong 0.1.0');

    const head = rows.findIndex((r) => r.join('|') === '编号|名称|测试内容|结果|说明');
    expect(head).toBeGreaterThan(0);
    const caseRows = rows.slice(head + 1, head + 1 + 7);
    expect(caseRows.map((r) => r[0])).toEqual(['EMR-PL-01-T01', 'EMR-PL-01-F01', 'EMR-PL-02-T01', 'EMR-PL-03-T01', 'EMR-PL-40-T01', 'EMR-SD-01', 'EMR-DE-01']);
    expect(caseRows.map((r) => r[3])).toEqual(['不通过', '通过', '通过', '错误', '未测', '不通过', '通过']);
    expect(caseRows[0]![4]).toContain('HT-MSG-ACK-CODE (WS/T 846.1-2024 §6.2)');
    expect(caseRows[5]![2]).toContain('共享文档');

    const perf = rows.findIndex((r) => r[0] === '性能测试');
    expect(perf).toBeGreaterThan(head);
    expect(rows[perf + 2]![0]).toBe('register-steady');
    expect(rows[perf + 2]![3]).toBe('不通过');
    expect(rows[perf + 3]![0]).toBe('query-steady');

    expect(byLabel('结论')?.[1]).toBe('不通过');
    expect(byLabel('测试人员签字')?.[2]).toBe('日期');
    expect(rows.findIndex((r) => r[0] === '测试人员签字')).toBeGreaterThan(rows.findIndex((r) => r[0] === '结论'));

    const fs = wb.getWorksheet('问题明细')!;
    const rules: string[] = [];
    fs.eachRow((row, n) => { if (n > 1) rules.push(`${cellText(row.getCell(1).value)} ${cellText(row.getCell(2).value)} ${cellText(row.getCell(6).value)}`); });
    expect(rules).toContain('EMR-SD-01 HT-TPL-ENTRY-MISSING /ClinicalDocument/recordTarget/patientRole/patient/name');
  });

  it('is in English with --lang en', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(passing.dir, 'record.xlsx'));
    const ws = wb.getWorksheet('Record')!;
    const firsts: string[] = [];
    ws.eachRow((row) => firsts.push(cellText(row.getCell(1).value)));
    expect(firsts).toContain('Institution');
    expect(firsts).toContain('Tester signature');
  });
});

describe('junit.xml', () => {
  const parse = (file: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(readFileSync(file, 'utf8')) as {
    testsuites: { '@tests': string; '@failures': string; '@errors': string; '@skipped': string; '@time': string; testsuite: Suite[] };
  };
  interface Suite { '@name': string; '@tests': string; '@failures': string; '@errors': string; '@skipped': string; '@time': string; testcase: Tc[] }
  interface Tc { '@name': string; '@classname': string; '@time': string; failure?: { '@message': string; '@type': string }; error?: { '@message': string }; skipped?: { '@message': string } }

  it('has the common JUnit shape: suites per area, a testcase per case id, counts that add up', () => {
    const doc = parse(join(faulty.dir, 'junit.xml'));
    const root = doc.testsuites;
    for (const a of ['@tests', '@failures', '@errors', '@skipped', '@time']) expect(root[a as '@tests']).toMatch(/^\d+(\.\d+)?$/);
    const suites = root.testsuite;
    expect(suites.map((s) => s['@name'])).toEqual(['service', 'document', 'dataset', 'performance']);
    let tests = 0;
    for (const s of suites) {
      for (const a of ['@tests', '@failures', '@errors', '@skipped', '@time']) expect(s[a as '@tests']).toMatch(/^\d+(\.\d+)?$/);
      expect(Number(s['@tests'])).toBe(s.testcase.length);
      expect(Number(s['@failures'])).toBe(s.testcase.filter((t) => t.failure).length);
      expect(Number(s['@errors'])).toBe(s.testcase.filter((t) => t.error).length);
      expect(Number(s['@skipped'])).toBe(s.testcase.filter((t) => t.skipped !== undefined).length);
      for (const t of s.testcase) {
        expect(t['@classname']).toBe(s['@name']);
        expect(t['@time']).toMatch(/^\d+\.\d{3}$/);
      }
      tests += s.testcase.length;
    }
    expect(Number(root['@tests'])).toBe(tests);
    const all = suites.flatMap((s) => s.testcase);
    const ids = all.filter((t) => t['@classname'] !== 'performance').map((t) => t['@name']);
    expect(ids).toEqual(['EMR-PL-01-T01', 'EMR-PL-01-F01', 'EMR-PL-02-T01', 'EMR-PL-03-T01', 'EMR-PL-40-T01', 'EMR-SD-01', 'EMR-DE-01']);
    const tc = (id: string) => all.find((t) => t['@name'] === id)!;
    expect(tc('EMR-PL-01-T01').failure?.['@message']).toMatch(/^HT-MSG-ACK-CODE \(WS\/T 846\.1-2024 §6\.2\): 应答码为 AE/);
    expect(tc('EMR-SD-01').failure?.['@type']).toBe('HT-XSD-INVALID');
    expect(tc('EMR-PL-03-T01').error?.['@message']).toContain('connection reset');
    expect(tc('EMR-PL-40-T01').skipped?.['@message']).toBe('本级别不要求');
    expect(tc('EMR-PL-02-T01').failure).toBeUndefined();
    expect(tc('register-steady').failure).toBeDefined();
  });

  it('has no failure for a passing run', () => {
    const root = parse(join(passing.dir, 'junit.xml')).testsuites;
    expect(root['@failures']).toBe('0');
    expect(root['@errors']).toBe('0');
    expect(root['@skipped']).toBe('1');
  });
});

describe('summary.md', () => {
  it('names the verdict, the counts and every case that did not pass', () => {
    const md = readFileSync(join(faulty.dir, 'summary.md'), 'utf8');
    expect(md).toMatch(/^## ❌ .*\*\*不通过\*\*/);
    expect(md).toContain('| **合计** | **3** | **2** | **1** | **1** |');
    for (const id of ['EMR-PL-01-T01', 'EMR-PL-03-T01', 'EMR-PL-40-T01', 'EMR-SD-01']) expect(md).toContain(`| \`${id}\` |`);
    expect(md).not.toContain('`EMR-PL-02-T01`');
    // hostile text cannot open HTML in a PR comment
    expect(md).not.toMatch(/(?<!\\)<(script|img)/);
    expect(md).toContain('\\<script\\>');
  });
});

describe('record.html (static checks)', () => {
  const html = () => readFileSync(join(faulty.dir, 'record.html'), 'utf8');

  it('is self-contained: a CSP meta tag, no URL to load anything from', () => {
    const h = html();
    expect(h).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[^"]+script-src &#39;sha256-/);
    expect(h).not.toMatch(/<(link|img|iframe|object|embed|audio|video|source)\b/i);
    expect(h).not.toMatch(/<[a-z][^>]*\s(src|srcset|xlink:href)=/i);
    expect(h).not.toMatch(/url\(|@import/i);
    for (const m of h.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    expect(h.match(/<script>/g)?.length).toBe(1);
  });

  it('escapes hostile text from the record and the evidence', () => {
    const h = html();
    expect(h).not.toContain(HOSTILE.script);
    expect(h).not.toContain('<img src=x');
    expect(h).not.toContain('</pre></details><script>');
    expect(h).toContain('&lt;script&gt;window.__pwned=3&lt;/script&gt;');
  });

  it('holds the summary, the failed cases with clause, XPath, hint and both halves of the exchange', () => {
    const h = html();
    for (const s of ['申请机构', '测试人民医院', '王测评', 'hutong 0.1.0', '结论：不通过', '假设（非官方数值）']) expect(h).toContain(s);
    expect(h).toContain('id="c-EMR-PL-01-T01"');
    expect(h).toContain('WS/T 846.1-2024 §6.2');
    expect(h).toContain('/hl7:MCCI_IN000002UV01/hl7:acknowledgement/@typeCode');
    expect(h).toContain('检查平台对合规注册请求的处理');
    expect(h).toContain('01-PatientInfoRegister-request.xml');
    expect(h).toContain('01-PatientInfoRegister-response.xml');
    // the V3 payload inside the CDATA is shown as highlighted XML, not as one opaque string
    expect(h).toContain('<span class="x-t">&lt;PRPA_IN201311UV02 <span class="x-a">xmlns=</span><span class="x-v">&quot;urn:hl7-org:v3&quot;</span>');
    // passing cases carry no evidence block
    expect(h).not.toContain('id="c-EMR-PL-02-T01"');
  });

  it('draws the performance charts from the data', () => {
    const h = html();
    expect(h.match(/<svg class="chart"/g)?.length).toBe(5); // percentiles, throughput, latency over time, 2 histograms
    expect(h).toContain('register-steady p99:');
  });
});

describe('hutong report', () => {
  it('writes the chosen formats, in English, and exits 0', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const { dir } = makeRun({ variant: 'faulty', hostile: false });
    try {
      const r = await runCli(['report', dir, '--format', 'html,junit', '--lang', 'en']);
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual([join(dir, 'record.html'), join(dir, 'junit.xml')]);
      const h = readFileSync(join(dir, 'record.html'), 'utf8');
      expect(h).toContain('<html lang="en">');
      expect(h).toContain('Verdict');
      expect(h).toContain('acknowledgement AE, expected AA');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on an unknown format or a folder without a record', async () => {
    const { runCli } = await import('../helpers/cli.js');
    expect((await runCli(['report', faulty.dir, '--format', 'pdf'])).code).toBe(2);
    const r = await runCli(['report', '/nonexistent-hutong-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no record.json');
  });
});

describe('defensive reading', () => {
  it('accepts both spellings of the perf engine and survives entries with nothing measured', async () => {
    const { perfView } = await import('../../src/report/index.js');
    const v = perfView({ name: 's', result: 'pass', latency: { p50Ms: 3, p99: 9, p95: 'fast' }, series: [{ t: 0, count: 5, p50Ms: 2 }, { t: 'x' }, null], rps: Number.NaN, errors: { timeout: 2, bogus: 'x' } });
    expect(v.latency).toEqual({ p50: 3, p99: 9 });
    expect(v.series).toEqual([{ t: 0, requests: 5, p50: 2 }]);
    expect(v.rps).toBeUndefined();
    expect(v.errors).toEqual({ timeout: 2 });
    expect(perfView({ name: 'bare', result: 'skip' })).toMatchObject({ name: 'bare', latency: {}, series: [], thresholds: [] });
  });

  it('renders every format for a run without measurements, with a skipped stage, marked invalid', async () => {
    const { writeRecord } = await import('../../src/run/record-io.js');
    const { SecretRegistry } = await import('../../src/run/secrets.js');
    const { dir, record } = makeRun({ variant: 'pass', hostile: false });
    try {
      const odd = {
        ...record, verdict: '不通过' as const, invalid: { reason: 'target unreachable' },
        performance: [{ name: 'odd', result: 'skip' as const, reason: 'not run', latency: 'n/a', series: 'none', thresholds: [{ expr: 'p(95)<3s', pass: false }] }],
      };
      writeRecord(dir, odd, new SecretRegistry());
      const files = await renderReports(dir);
      expect(files).toHaveLength(4);
      const h = readFileSync(join(dir, 'record.html'), 'utf8');
      expect(h).toContain('本次运行无效');
      expect(h).toContain('target unreachable');
      expect(h).not.toContain('<svg');
      expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<testcase name="odd" classname="performance" time="0.000"><skipped message="not run"/>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('evidence outside the run folder', () => {
  it('is named, never read: a symbolic link out of the folder and a missing file', async () => {
    const { symlinkSync, writeFileSync: wf, mkdtempSync: mk } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { writeRecord } = await import('../../src/run/record-io.js');
    const { SecretRegistry } = await import('../../src/run/secrets.js');
    const outside = mk(join(tmpdir(), 'hutong-outside-'));
    wf(join(outside, 'secret.txt'), 'OUTSIDE-CONTENT-8812');
    const { dir, record } = makeRun({ variant: 'faulty', hostile: false });
    try {
      symlinkSync(join(outside, 'secret.txt'), join(dir, 'evidence', 'EMR-SD-01', 'link.xml'));
      const cases = record.cases.map((c) => (c.id === 'EMR-SD-01' ? { ...c, evidence: [...c.evidence, 'evidence/EMR-SD-01/link.xml', 'evidence/EMR-SD-01/gone.xml'] } : c));
      writeRecord(dir, { ...record, cases }, new SecretRegistry());
      await renderReports(dir, { formats: ['html'] });
      const h = readFileSync(join(dir, 'record.html'), 'utf8');
      expect(h).not.toContain('OUTSIDE-CONTENT-8812');
      expect(h).toContain('evidence/EMR-SD-01/link.xml');
      expect(h).toContain('证据文件不可读: a symbolic link (not followed)');
      expect(h).toContain('证据文件不可读: missing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
