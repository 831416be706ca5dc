/**
 * Dataset exports (site config `datasetExports`): a CSV or XLSX table the hospital exports
 * from its data centre, one row per record, columns named by WS 363 data element id
 * (DE02.01.039.00) or by the element's Chinese name (as WS 445 or the WS 363 dictionary spells
 * it, aliases included). The dataset cases check each cell like any other value they see.
 *
 * Hostile input: at most MAX_BYTES read, MAX_ROWS rows, MAX_COLS columns; CSV per RFC 4180
 * (quoted fields, doubled quotes, CRLF or LF); GBK/GB18030 decoded with iconv-lite.
 */
import { readFileSync, statSync } from 'node:fs';
import iconv from 'iconv-lite';
import type { Catalog, DatasetDef } from '../catalog/types.js';
import type { DatasetExport } from './config.js';

export const MAX_BYTES = 50 * 1024 * 1024;
export const MAX_ROWS = 100_000;
export const MAX_COLS = 1_000;

export interface ExportTable {
  header: string[];
  rows: string[][];
}

export interface MappedColumn {
  index: number;
  header: string;
  de: string;
}

const DE_ID = /^DE\d{2}\.\d{2}\.\d{3}\.\d{2}$/;

/** RFC 4180 CSV, tolerant of LF line ends and a trailing newline. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < t.length) {
    const c = t[i]!;
    if (quoted) {
      if (c === '"') {
        if (t[i + 1] === '"') { cell += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      cell += c; i++; continue;
    }
    if (c === '"' && cell === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(cell); cell = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      row.push(cell); cell = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      if (rows.length > MAX_ROWS) throw new Error(`more than ${MAX_ROWS} rows`);
      i += c === '\r' && t[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    cell += c; i++;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${v.getUTCFullYear()}${p(v.getUTCMonth() + 1)}${p(v.getUTCDate())}`;
  }
  if (typeof v === 'object') {
    const o = v as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return String(o.text);
    if (o.result !== undefined) return cellText(o.result);
    return '';
  }
  return String(v);
}

/** Read an export into header + rows (strings). Throws on an unreadable or oversized file. */
export async function loadExport(x: DatasetExport): Promise<ExportTable> {
  const size = statSync(x.file).size;
  if (size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
  let rows: string[][];
  if (x.format === 'csv') {
    const buf = readFileSync(x.file);
    const enc = x.encoding ?? 'utf-8';
    rows = parseCsv(enc === 'utf-8' ? buf.toString('utf8') : iconv.decode(buf, enc));
  } else {
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(x.file);
    const ws = x.sheet !== undefined ? wb.getWorksheet(x.sheet) : wb.worksheets[0];
    if (!ws) throw new Error(x.sheet !== undefined ? `no sheet "${x.sheet}"` : 'the workbook has no sheet');
    rows = [];
    ws.eachRow({ includeEmpty: false }, (r) => {
      if (rows.length > MAX_ROWS) return;
      const vals = Array.isArray(r.values) ? r.values.slice(1) : [];
      rows.push(vals.map(cellText));
    });
    if (rows.length > MAX_ROWS) throw new Error(`more than ${MAX_ROWS} rows`);
  }
  const header = (rows[0] ?? []).map((h) => h.trim());
  if (header.length > MAX_COLS) throw new Error(`more than ${MAX_COLS} columns`);
  return { header, rows: rows.slice(1) };
}

/** Columns of the table that name elements of `def` (by DE id or name, as `x.columns` says). */
export function mapColumns(table: ExportTable, x: DatasetExport, catalog: Catalog, def: DatasetDef): MappedColumn[] {
  const out: MappedColumn[] = [];
  const ids = new Set(def.elements.map((e) => e.de));
  const byName = new Map<string, string>();
  for (const e of def.elements) {
    byName.set(e.name, e.de);
    const d = catalog.dataElements.get(e.de);
    if (d) for (const n of [d.name, ...d.aliases]) if (!byName.has(n)) byName.set(n, e.de);
  }
  table.header.forEach((h, index) => {
    const idMatch = /(DE\d{2}\.\d{2}\.\d{3}\.\d{2})/.exec(h)?.[1];
    if (x.columns !== 'name' && (DE_ID.test(h) || idMatch) && ids.has(idMatch ?? h)) { out.push({ index, header: h, de: idMatch ?? h }); return; }
    if (x.columns !== 'de') { const de = byName.get(h); if (de) out.push({ index, header: h, de }); }
  });
  return out;
}
