/**
 * record.xlsx: the 定量测试记录 laid out like the paper form an expert signs — a header block
 * (申请机构, 申请等级, 测试日期, 测试人员, 工具版本 …), one row per case (编号, 名称, 测试内容,
 * 结果, 说明), the performance table, the overall 结论 and the signature cells. A second
 * sheet lists every finding with clause, XPath and fix hint.
 */
import type ExcelJS from 'exceljs';
import { areaText, caseContent, formatDate, resultText, severityText, t, verdictText } from './i18n.js';
import { findingLines, type ReportInput } from './model.js';

export const RECORD_SHEET = { zh: '测试记录', en: 'Record' } as const;
export const FINDINGS_SHEET = { zh: '问题明细', en: 'Findings' } as const;

const THIN = { style: 'thin' as const, color: { argb: 'FF9CA3AF' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const HEAD_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFE5E7EB' } };

/** Cell text: Excel refuses control characters and cells over 32 767 characters. */
const cell = (s: string | undefined): string => (s ?? '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ' ').slice(0, 32_000);

export async function renderXlsx(input: ReportInput): Promise<Buffer> {
  const { record: r, lang } = input;
  const s = t(lang);
  // loaded on first use: exceljs is half a second of start-up for every command that never writes a workbook
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = `hutong ${r.tool.version}`;
  wb.created = new Date(r.finishedAt);
  const ws = wb.addWorksheet(RECORD_SHEET[lang], { pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = [{ width: 20 }, { width: 28 }, { width: 44 }, { width: 10 }, { width: 56 }];

  const title = ws.addRow([cell(s.title)]);
  ws.mergeCells(title.number, 1, title.number, 5);
  title.font = { bold: true, size: 14 };
  title.alignment = { horizontal: 'center' };
  ws.addRow([]);

  const header: [string, string][] = [
    [s.institution, r.institution ?? ''],
    [s.level, r.level],
    [s.date, formatDate(r.startedAt, false)],
    [s.expert, r.expert ?? ''],
    [s.tool, `hutong ${r.tool.version}${r.tool.catalogVersion ? ` (${s.catalog} ${r.tool.catalogVersion})` : ''}`],
    [s.plan, r.plan],
    [s.target, r.target],
    [s.runId, r.runId],
  ];
  for (const [k, v] of header) {
    const row = ws.addRow([cell(k), cell(v)]);
    ws.mergeCells(row.number, 2, row.number, 5);
    row.getCell(1).font = { bold: true };
    row.getCell(1).fill = HEAD_FILL;
    for (let c = 1; c <= 5; c++) row.getCell(c).border = BORDER;
  }
  ws.addRow([]);

  const caseHead = ws.addRow([s.id, s.name, s.content, s.result, s.note]);
  styleHead(caseHead, 5);
  for (const c of r.cases) {
    const note = [c.reason, ...findingLines(c, lang, 3)].filter(Boolean).join('\n');
    const row = ws.addRow([cell(c.id), cell(`${c.title}${c.required === false ? ` (${s.optional})` : ''}`), cell(`${areaText(lang, c.area)}: ${caseContent(lang, c.id, c.area)}`), resultText(lang, c.result === 'pass' ? 'pass' : c.result === 'skip' ? 'skip' : c.result === 'error' ? 'error' : 'fail'), cell(note)]);
    row.alignment = { vertical: 'top', wrapText: true };
    row.getCell(4).font = { bold: true, color: { argb: c.result === 'pass' ? 'FF15803D' : 'FFB91C1C' } };
    for (let i = 1; i <= 5; i++) row.getCell(i).border = BORDER;
  }
  ws.addRow([]);

  const perfTitle = ws.addRow([s.performance]);
  perfTitle.font = { bold: true };
  if (input.perf.length === 0) {
    ws.addRow([s.perfNone]);
  } else {
    const ph = ws.addRow([s.stage, `${s.service} / ${s.users}`, `${s.requests} / ${s.errors} / ${s.rps} / p50 / p95 / p99 (ms)`, s.result, s.thresholds]);
    styleHead(ph, 5);
    for (const p of input.perf) {
      const load = p.users !== undefined ? `${p.users} VU` : p.rate !== undefined ? `${p.rate}/s` : '';
      const n = (v: number | undefined): string => (v === undefined ? '—' : String(Math.round(v * 10) / 10));
      const nums = `${n(p.requests)} / ${n(p.errorCount)} / ${n(p.rps)} / ${n(p.latency.p50)} / ${n(p.latency.p95)} / ${n(p.latency.p99)}`;
      const th = p.thresholds.map((x) => `${x.pass ? '✓' : '✗'} ${x.expr}${x.actual !== undefined ? ` (${x.actual})` : ''}`).join('\n');
      const row = ws.addRow([cell(p.name), cell([p.service, load].filter(Boolean).join(' / ')), nums, resultText(lang, p.result === 'invalid' ? 'invalid' : p.result), cell([th, p.reason].filter(Boolean).join('\n'))]);
      row.alignment = { vertical: 'top', wrapText: true };
      for (let i = 1; i <= 5; i++) row.getCell(i).border = BORDER;
    }
  }
  ws.addRow([]);

  const sum = r.summary;
  const concl = ws.addRow([s.conclusion, verdictText(lang, r.verdict), cell(`${resultText(lang, 'pass')} ${sum.pass} · ${resultText(lang, 'fail')} ${sum.fail} · ${resultText(lang, 'error')} ${sum.error} · ${resultText(lang, 'skip')} ${sum.skip}${r.invalid ? ` · ${s.invalidRun}: ${r.invalid.reason}` : ''}`)]);
  ws.mergeCells(concl.number, 3, concl.number, 5);
  concl.font = { bold: true, size: 12 };
  concl.getCell(2).font = { bold: true, size: 12, color: { argb: r.verdict === '通过' ? 'FF15803D' : 'FFB91C1C' } };
  for (let i = 1; i <= 5; i++) concl.getCell(i).border = BORDER;
  ws.addRow([]);
  for (const label of [s.signature, s.reviewer]) {
    const row = ws.addRow([label, '', s.signDate, '', '']);
    row.height = 30;
    row.getCell(1).font = { bold: true };
    row.getCell(3).font = { bold: true };
    row.getCell(2).border = { bottom: THIN };
    ws.mergeCells(row.number, 4, row.number, 5);
    row.getCell(4).border = { bottom: THIN };
  }

  const fs = wb.addWorksheet(FINDINGS_SHEET[lang]);
  fs.columns = [{ width: 18 }, { width: 26 }, { width: 8 }, { width: 22 }, { width: 60 }, { width: 48 }, { width: 48 }];
  styleHead(fs.addRow([s.id, s.rule, s.severity, s.clause, s.message, 'XPath', s.hint]), 7);
  for (const c of r.cases) {
    for (const f of c.findings.slice(0, 500)) {
      const row = fs.addRow([cell(c.id), cell(f.rule), severityText(lang, f.severity), cell(f.clause), cell(lang === 'en' ? f.messageEn ?? f.message : f.message), cell(f.xpath), cell(lang === 'en' ? f.hintEn ?? f.hint : f.hint)]);
      row.alignment = { vertical: 'top', wrapText: true };
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function styleHead(row: ExcelJS.Row, n: number): void {
  row.font = { bold: true };
  for (let i = 1; i <= n; i++) {
    row.getCell(i).fill = HEAD_FILL;
    row.getCell(i).border = BORDER;
  }
}
