/**
 * 数据集 cases, one per WS 445 part of the plan (`EMR-DE-nn`, nn = the part: WS445.01.* →
 * EMR-DE-01). They run last and look only at what the platform gave back, read from the run's
 * evidence (so a resumed run judges the same bytes):
 *
 *   - documents retrieved by the EMR-SD cases: every entry of the template whose data element
 *     belongs to the dataset, located with the template's catalogue path;
 *   - records returned by the query T01 cases: every entity field that names a data element
 *     of the dataset;
 *   - dataset exports named in the site config (CSV/XLSX, columns = DE ids or names).
 *
 * Each value is checked against the dataset's definition of its element (WS 445 / WS 363:
 * representation format, and the value set when the element is coded and the catalogue
 * enumerates it). Per dataset the case reports which elements were seen and conform, and the
 * four data-quality dimensions (docs/run.md defines them precisely):
 *
 *   一致性 conforming values / values seen
 *   完整性 elements seen / elements the exchanged material can carry (placed by a plan document
 *          template or message field, or a column of an export)
 *   整合性 records whose patient identity equals the run's patient / records that carry one
 *   及时性 date/time values that are real, not after the moment they were read and not before
 *          the patient's birth / date/time values
 *
 * The case fails on a non-conforming value (HT-DS-ELEMENT), a broken link (HT-DS-INTEGRATION),
 * an illogical time (HT-DS-TIMELINESS), or when no element of its datasets was seen at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XmlAttribute, XmlElement } from 'libxml2-wasm';
import { checkValue } from '../../catalog/format.js';
import type { Catalog, DatasetDef, DatasetElement, DocumentTemplate, EntryTemplate, ServiceDef } from '../../catalog/types.js';
import type { Finding } from '../../findings/types.js';
import { extractRecords } from '../../samples/message.js';
import { unwrapResponse } from '../../transport/envelope.js';
import { finding } from '../../validate/rules.js';
import { withXml } from '../../xml/parse.js';
import { selectPath, type Selected } from '../../xml/path.js';
import type { CaseRecord } from '../record.js';
import type { DatasetExport } from '../config.js';
import { loadExport, mapColumns, type ExportTable } from '../dataset-export.js';
import { RETRIEVED } from './document.js';
import type { CaseContext, CaseSpec } from './types.js';

export interface Observation {
  de: string;
  value: string;
  /** where: a document, a message record or an export row */
  source: string;
  kind: 'document' | 'message' | 'export';
  /**
   * the definition that governs the place the value travelled in (the template entry, the
   * message field); the dataset element's when the place gives none, and for exports
   */
  format?: string;
  valueSet?: string;
  /** the value is about the run's patient (bounds 及时性 by the patient's birth) */
  aboutPatient: boolean;
}

export interface QualityDims {
  /** fractions 0..1; null when there was nothing to measure */
  一致性: number | null;
  完整性: number | null;
  整合性: number | null;
  及时性: number | null;
}

export interface DatasetCoverage {
  id: string;
  name: string;
  elements: number;
  /** elements the exchanged material can carry */
  placed: number;
  seen: string[];
  conform: string[];
  nonConform: string[];
  values: number;
  quality: QualityDims;
}

const SECTION_PATH = 'hl7:component/hl7:structuredBody/hl7:component/hl7:section';

export const partOf = (datasetId: string): string | undefined => /^WS445\.(\d{2})\./.exec(datasetId)?.[1];

/** the dataset case a sub-dataset belongs to: its own testPrefix (regional EHR-DE-nn), else EMR-DE-<WS 445 part> */
export function datasetCaseId(def: DatasetDef): string | undefined {
  if (def.testPrefix) return def.testPrefix;
  const p = partOf(def.id);
  return p ? `EMR-DE-${p}` : undefined;
}

function valuesOf(node: Selected, dataType: string): string[] {
  if (node instanceof XmlAttribute) return [node.value];
  const el = node as XmlElement;
  const a = (n: string) => el.attr(n)?.value ?? '';
  switch (dataType) {
    case 'CD': case 'CE': case 'CV': case 'CS': return [a('code')];
    case 'PQ': case 'INT': case 'REAL': case 'BL': case 'TS': case 'MO': case 'TEL': return [a('value')];
    case 'II': return [a('extension')];
    case 'IVL_TS': case 'IVL_PQ': {
      const out: string[] = [];
      for (const c of el.find('*')) if (c instanceof XmlElement && (c.name === 'low' || c.name === 'high')) out.push(c.attr('value')?.value ?? '');
      return out.length ? out : [a('value')];
    }
    default: return [el.content.trim()];
  }
}

/** values of the template's entries in one retrieved document, by data element id */
function documentObservations(xml: Buffer, t: DocumentTemplate, source: string): { obs: Observation[]; patient: { name?: string; idCard?: string } } {
  return withXml(xml, (doc) => {
    const root = doc.root;
    const obs: Observation[] = [];
    const take = (ctx: XmlElement, e: EntryTemplate) => {
      for (const n of selectPath(ctx, e.xpath)) {
        for (const v of valuesOf(n, e.dataType)) {
          if (v.trim() !== '') obs.push({ de: e.de, value: v.trim(), source, kind: 'document', format: e.format, ...(e.valueSet ? { valueSet: e.valueSet } : {}), aboutPatient: true });
        }
      }
    };
    for (const e of t.header.elements) take(root, e);
    const sections = selectPath(root, SECTION_PATH).filter((s): s is XmlElement => s instanceof XmlElement);
    for (const st of t.sections) {
      const s = sections.find((x) => selectPath(x, 'hl7:code/@code').some((c) => c instanceof XmlAttribute && c.value === st.code));
      if (s) for (const e of st.entries) take(s, e);
    }
    const pick = (p: string) => { const n = selectPath(root, p)[0]; return n ? (n instanceof XmlAttribute ? n.value : (n as XmlElement).content.trim()) : undefined; };
    const name = pick('hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name');
    const idCard = pick("hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:id[@root='2.16.156.10011.1.3']/@extension");
    return { obs, patient: { ...(name ? { name } : {}), ...(idCard ? { idCard } : {}) } };
  });
}

function templateCarries(t: DocumentTemplate, ds: DatasetDef): boolean {
  return t.datasets.includes(ds.id) || t.datasets.includes(ds.name);
}

/** why a value does not conform; `soft` when only an unverified value set says so (a warning, as in the terminology layer) */
function checkObservation(catalog: Catalog, el: DatasetElement, ob: Observation): { text: string; soft: boolean } | undefined {
  const value = ob.value;
  const format = ob.kind === 'export' ? el.format : ob.format;
  const valueSet = ob.kind === 'export' ? el.valueSet : ob.valueSet ?? (ob.kind === 'document' ? el.valueSet : undefined);
  if (format) {
    try {
      const c = checkValue(format, value);
      if (!c.ok) return { text: `取值“${value.slice(0, 40)}”不符合表示格式 ${format}：${c.reasonZh}`, soft: false };
    } catch {
      // a format the grammar cannot read is a catalogue matter, not the platform's
    }
  }
  const vs = valueSet ? catalog.valueSets.get(valueSet) : undefined;
  if (vs && vs.concepts.length > 0 && !vs.concepts.some((c) => c.code === value)) return { text: `代码“${value}”不在值域 ${vs.name}（${vs.oid}）中`, soft: !vs.verified };
  return undefined;
}

const DATE_TYPES = new Set(['D', 'DT', 'T']);

function realTime(type: string, v: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?/.exec(v);
  if (type === 'T' || !m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  const d = new Date(t);
  if (d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!) return undefined;
  return t;
}

interface Caches {
  docs: Map<string, { obs: Observation[]; patient: { name?: string; idCard?: string } }>;
  records: Map<string, Record<string, string>[]>;
}

export interface DatasetCaseInputs {
  catalog: Catalog;
  datasets: { def: DatasetDef; required: boolean; skip?: string }[];
  /** plan document templates, in plan order */
  templates: DocumentTemplate[];
  /** query services of the plan whose T01 responses are read */
  queries: ServiceDef[];
  exports: DatasetExport[];
  /** cases that must run first */
  after: string[];
  /** the run's patient, for 整合性 */
  patient: { patientId?: string; name?: string; idCard?: string; birthDate?: string };
}

function responseFiles(rec: CaseRecord | undefined): string[] {
  return (rec?.evidence ?? []).filter((f) => /-response\.xml$/.test(f));
}

export function datasetCases(inp: DatasetCaseInputs): CaseSpec[] {
  const parts = new Map<string, { def: DatasetDef; required: boolean; skip?: string }[]>();
  for (const d of inp.datasets) {
    const p = datasetCaseId(d.def);
    if (!p) continue;
    const list = parts.get(p) ?? [];
    list.push(d);
    parts.set(p, list);
  }
  // each retrieved document / response is read once per run, whatever the number of datasets
  const cache: Caches = { docs: new Map(), records: new Map() };
  const out: CaseSpec[] = [];
  for (const [part, list] of [...parts].sort((a, b) => a[0].localeCompare(b[0]))) {
    const id = part;
    const required = list.some((d) => d.required && d.skip === undefined);
    const std = list[0]!.def.standard || 'WS 445';
    out.push({
      id, title: `${std} 数据集（${list.map((d) => d.def.name).join('、')}）`, area: 'dataset', required, needs: [], after: inp.after,
      run: async (ctx, o) => {
        const active = list.filter((d) => d.skip === undefined);
        if (active.length === 0) { o.forced = 'skip'; o.reason = `site config skips ${list.map((d) => d.def.id).join(', ')}`; return; }
        const tables = new Map<number, ExportTable | Error>();
        for (const [i, x] of inp.exports.entries()) {
          try { tables.set(i, await loadExport(x)); } catch (err) { tables.set(i, err instanceof Error ? err : new Error(String(err))); }
        }
        const coverage: (DatasetCoverage & { excluded: string[] })[] = [];
        for (const { def } of active) coverage.push(judgeDataset(ctx, inp, cache, def, id, tables, o.add.bind(o), (f) => o.addEvidence(f)));
        o.extra.datasets = coverage.map(({ excluded: _x, ...c }) => c);
        if (coverage.every((c) => c.seen.length === 0)) {
          const ex = [...new Set(coverage.flatMap((c) => c.excluded))].sort();
          if (ex.length) { o.forced = 'skip'; o.reason = `依赖的用例未通过 needs ${ex.join(', ')} (fail): 这些数据集没有其他来源`; }
          else o.fail('没有在调阅的文档、查询结果或数据集导出中见到这些数据集的任何数据元');
        }
      },
    });
  }
  return out;
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : Math.round((a / b) * 10_000) / 10_000;
}

function judgeDataset(ctx: CaseContext, inp: DatasetCaseInputs, cache: Caches, def: DatasetDef, caseId: string, tables: Map<number, ExportTable | Error>, add: (...f: Finding[]) => void, evidence: (f: string) => void): DatasetCoverage & { excluded: string[] } {
  const byDe = new Map(def.elements.map((e) => [e.de, e] as const));
  const wanted = new Set(byDe.keys());
  const placed = new Set<string>();
  const obs: Observation[] = [];
  let records = 0;
  let linked = 0;
  const excluded = new Set<string>();

  // documents
  for (const t of inp.templates) {
    if (!templateCarries(t, def) && ![...t.header.elements, ...t.sections.flatMap((s) => s.entries)].some((e) => wanted.has(e.de))) continue;
    for (const e of [...t.header.elements, ...t.sections.flatMap((s) => s.entries)]) if (wanted.has(e.de)) placed.add(e.de);
    const rec = ctx.results.get(t.testPrefix);
    // one defect, one failing case: what a failed case exchanged is judged there, not here
    if (rec && rec.result !== 'pass') { excluded.add(rec.id); continue; }
    const file = rec?.evidence.find((f) => f.endsWith(`/${RETRIEVED(t.code)}`));
    if (!file) continue;
    try {
      let r = cache.docs.get(file);
      if (!r) {
        r = documentObservations(readFileSync(join(ctx.runDir, file)), t, file);
        cache.docs.set(file, r);
      }
      obs.push(...r.obs.filter((o) => wanted.has(o.de)));
      if (r.patient.name !== undefined || r.patient.idCard !== undefined) {
        records++;
        const v = ctx.data.visit.patient;
        if ((r.patient.name === undefined || r.patient.name === v.name) && (r.patient.idCard === undefined || r.patient.idCard === v.idCard)) linked++;
        else add(finding('HT-DS-INTEGRATION', { dataset: def.name, source: file, reason: `患者 ${r.patient.name ?? ''}/${r.patient.idCard ?? ''} ≠ ${v.name}/${v.idCard}` }));
      }
    } catch (err) {
      add(finding('HT-DS-ELEMENT', { dataset: def.name, name: '（文档）', de: '-', reason: `无法读取 ${file}：${(err as Error).message}` }));
    }
  }

  // query responses
  for (const q of inp.queries) {
    const entity = ctx.catalog.entities.get(q.entity);
    if (!entity) continue;
    const fields = entity.fields.filter((f) => f.de && wanted.has(f.de));
    if (fields.length === 0) continue;
    for (const f of fields) placed.add(f.de!);
    const qrec = ctx.results.get(`${q.caseId}-T01`);
    if (qrec && qrec.result !== 'pass') { excluded.add(qrec.id); continue; }
    for (const file of responseFiles(qrec)) {
      let recs = cache.records.get(file);
      if (!recs) {
        recs = [];
        try {
          const u = unwrapResponse(ctx.binding, readFileSync(join(ctx.runDir, file), 'utf8'));
          if (u.kind === 'message') recs = extractRecords(q, entity, u.v3xml);
        } catch { recs = []; }
        cache.records.set(file, recs);
      }
      for (const r of recs) {
        const aboutPatient = r.patientId !== undefined && r.patientId === inp.patient.patientId;
        for (const f of fields) {
          const v = r[f.name];
          if (v) obs.push({ de: f.de!, value: v, source: file, kind: 'message', ...(f.format ? { format: f.format } : {}), ...(f.valueSet ? { valueSet: f.valueSet } : {}), aboutPatient: aboutPatient || q.entity === 'patient' });
        }
        if (r.patientId !== undefined && inp.patient.patientId) {
          records++;
          if (r.patientId === inp.patient.patientId) linked++;
          else add(finding('HT-DS-INTEGRATION', { dataset: def.name, source: file, reason: `patientId ${r.patientId} ≠ ${inp.patient.patientId}` }));
        }
      }
    }
  }

  // exports named in the site config
  inp.exports.forEach((x, i) => {
    if (x.dataset !== undefined && x.dataset !== def.id && x.dataset !== def.name) return;
    const table = tables.get(i);
    if (table instanceof Error || table === undefined) {
      add(finding('HT-DS-ELEMENT', { dataset: def.name, name: '（导出文件）', de: '-', reason: `无法读取导出文件 ${x.file}：${table?.message ?? '未读取'}` }));
      return;
    }
    const columns = mapColumns(table, x, ctx.catalog, def);
    if (columns.length === 0) return;
    try { evidence(ctx.evidence(caseId, `export-${i + 1}-${def.id}.${x.format}`, readFileSync(x.file))); } catch { /* already kept */ }
    for (const c of columns) placed.add(c.de);
    table.rows.forEach((row, n) => {
      for (const c of columns) { const v = row[c.index]?.trim(); if (v) obs.push({ de: c.de, value: v, source: `${x.file}#${n + 2}`, kind: 'export', aboutPatient: false }); }
    });
  });

  // judge every value
  const seen = new Set<string>();
  const bad = new Set<string>();
  let conformValues = 0;
  let times = 0;
  let timely = 0;
  const now = Date.now();
  const birth = inp.patient.birthDate ? realTime('D', inp.patient.birthDate) : undefined;
  const reported = new Set<string>();
  for (const ob of obs) {
    const el = byDe.get(ob.de);
    if (!el) continue;
    seen.add(ob.de);
    const problem = checkObservation(ctx.catalog, el, ob);
    if (problem) {
      if (!problem.soft) bad.add(ob.de);
      else conformValues++;
      // an unverified value set is said once per element, not once per value
      const k = problem.soft ? `${ob.de}|soft` : `${ob.de}|${problem.text}`;
      if (!reported.has(k)) {
        reported.add(k);
        add(finding('HT-DS-ELEMENT', { dataset: def.name, name: el.name, de: el.de, reason: `${problem.text}（${ob.source}）${problem.soft ? '；该值域未经核实，仅作提示' : ''}` }, problem.soft ? { severity: 'warning' } : {}));
      }
    } else conformValues++;
    if (DATE_TYPES.has(el.type) && el.type !== 'T') {
      times++;
      const t = realTime(el.type, ob.value);
      const ok = t !== undefined && t <= now && (birth === undefined || !ob.aboutPatient || t >= birth);
      if (ok) timely++;
      else add(finding('HT-DS-TIMELINESS', { dataset: def.name, name: el.name, de: el.de, value: ob.value, reason: t === undefined ? '不是真实日期' : t > now ? '晚于读取时间' : '早于患者出生日期' }));
    }
  }
  const notSeen = [...placed].filter((d) => !seen.has(d));
  if (notSeen.length) add(finding('HT-DS-NOT-SEEN', { dataset: def.name, count: notSeen.length }));
  if (excluded.size) add(finding('HT-DS-SOURCES', { dataset: def.name, cases: [...excluded].sort().join(', ') }));
  const cov: DatasetCoverage & { excluded: string[] } = {
    excluded: [...excluded].sort(),
    id: def.id, name: def.name, elements: def.elements.length, placed: placed.size,
    seen: [...seen].sort(), conform: [...seen].filter((d) => !bad.has(d)).sort(), nonConform: [...bad].sort(), values: obs.length,
    quality: {
      一致性: ratio(conformValues, obs.length),
      完整性: ratio([...placed].filter((d) => seen.has(d)).length, placed.size),
      整合性: ratio(linked, records),
      及时性: ratio(timely, times),
    },
  };
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  add(finding('HT-DS-QUALITY', {
    dataset: def.name, seen: cov.seen.length, placed: cov.placed, elements: cov.elements,
    consistency: pct(cov.quality.一致性), completeness: pct(cov.quality.完整性), integration: pct(cov.quality.整合性), timeliness: pct(cov.quality.及时性),
  }));
  return cov;
}
