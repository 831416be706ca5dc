/**
 * What every report renders from: record.json (checked by readRecord) and the evidence files it
 * names, read once, scrubbed of secrets and (with --mask) of personal data, before any renderer
 * sees a byte. Performance entries are read defensively: src/perf adds its measurements as
 * open-ended properties, so every number here may be absent or of another spelling.
 */
import { lstatSync, openSync, readSync, closeSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { readRecord } from '../run/record-io.js';
import { judge, type CaseRecord, type PerformanceRecord, type RunRecord, type VerdictReason } from '../run/record.js';
import { defaultSecrets, type SecretRegistry } from '../run/secrets.js';
import { decodeXmlBytes } from '../xml/index.js';
import { loadCatalog } from '../catalog/index.js';
import { DEFAULT_NAME_CONTEXTS, Masker, nameContextsFromCatalog, runSalt } from './mask.js';
import { SecretScrubber } from './scrub.js';
import type { Lang } from './i18n.js';

/** Evidence shown per file; the rest is named, not embedded (reports stay openable). */
export const EVIDENCE_MAX_BYTES = 256 * 1024;
/** Evidence files embedded per case. */
export const EVIDENCE_MAX_FILES = 24;

export interface EvidenceView {
  /** path relative to the run folder, as the record names it */
  path: string;
  role: 'request' | 'response' | 'other';
  text?: string;
  bytes: number;
  truncated: boolean;
  /** why it could not be read */
  error?: string;
}

export interface LatencyView { min?: number; mean?: number; p50?: number; p90?: number; p95?: number; p99?: number; p999?: number; max?: number }
export interface SeriesView { t: number; requests?: number; errors?: number; p50?: number; p99?: number }

export interface PerfView {
  name: string;
  service?: string;
  result: PerformanceRecord['result'];
  required: boolean;
  reason?: string;
  thresholds: { expr: string; pass: boolean; actual?: string; assumed?: boolean }[];
  model?: string;
  users?: number;
  rate?: number;
  durationS?: number;
  requests?: number;
  errorCount?: number;
  errors: Record<string, number>;
  rps?: number;
  latency: LatencyView;
  series: SeriesView[];
  latencyHdr?: string;
}

export interface ReportInput {
  runDir: string;
  record: RunRecord;
  reasons: VerdictReason[];
  perf: PerfView[];
  /** evidence of the cases that did not pass, by case id */
  evidence: Map<string, EvidenceView[]>;
  lang: Lang;
  masked: boolean;
  scrubber: SecretScrubber;
  masker?: Masker;
  /** scrub (and mask) a string that did not come through the loader */
  clean(s: string): string;
}

export interface LoadOptions {
  lang?: Lang;
  mask?: boolean;
  secrets?: SecretRegistry;
}

export function loadReportInput(runDir: string, opts: LoadOptions = {}): ReportInput {
  const dir = resolve(runDir);
  const scrubber = new SecretScrubber(opts.secrets ?? defaultSecrets);
  const raw = readRecord(dir);
  let record = scrubber.deep(raw);

  const evidence = new Map<string, EvidenceView[]>();
  for (const c of record.cases) {
    if (c.result === 'pass' && !c.findings.some((f) => f.severity !== 'info')) continue;
    evidence.set(c.id, c.evidence.slice(0, EVIDENCE_MAX_FILES).map((p) => readEvidence(dir, p, scrubber)));
  }

  let masker: Masker | undefined;
  if (opts.mask) {
    let contexts: readonly string[] = DEFAULT_NAME_CONTEXTS;
    try { contexts = nameContextsFromCatalog(loadCatalog()); } catch { /* defaults cover CDA and the V3 entities */ }
    masker = new Masker(runSalt(dir), contexts);
    for (const views of evidence.values()) for (const v of views) if (v.text) masker.learnXml(v.text);
    const m = masker;
    record = m.deep(record);
    for (const views of evidence.values()) for (const v of views) if (v.text) v.text = m.text(v.text);
  }

  const { reasons } = judge(record.cases, record.performance);
  const clean = (s: string): string => (masker ? masker.text(scrubber.text(s)) : scrubber.text(s));
  return {
    runDir: dir, record, reasons, perf: record.performance.map(perfView), evidence,
    lang: opts.lang ?? 'zh', masked: !!opts.mask, scrubber, ...(masker ? { masker } : {}), clean,
  };
}

function roleOf(path: string): EvidenceView['role'] {
  if (/-request\.[a-z]+$/i.test(path)) return 'request';
  if (/-response\.[a-z]+$/i.test(path)) return 'response';
  return 'other';
}

/** Read one evidence file, refusing anything outside the run folder (links included). */
export function readEvidence(runDir: string, rel: string, scrubber: SecretScrubber): EvidenceView {
  const view: EvidenceView = { path: rel, role: roleOf(rel), bytes: 0, truncated: false };
  try {
    const full = resolve(runDir, rel);
    const root = realpathSync(runDir);
    if (!full.startsWith(resolve(runDir) + sep)) throw new Error('outside the run folder');
    const st = lstatSync(full);
    if (!st.isFile()) throw new Error(st.isSymbolicLink() ? 'a symbolic link (not followed)' : 'not a file');
    if (!realpathSync(full).startsWith(root + sep)) throw new Error('outside the run folder');
    view.bytes = st.size;
    const n = Math.min(st.size, EVIDENCE_MAX_BYTES);
    const buf = Buffer.alloc(n);
    const fd = openSync(full, 'r');
    try { readSync(fd, buf, 0, n, 0); } finally { closeSync(fd); }
    view.truncated = st.size > n;
    let text: string;
    try { text = decodeXmlBytes(buf).text; } catch { text = buf.toString('utf8'); }
    view.text = scrubber.text(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    view.error = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message;
  }
  return view;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** One performance entry in a fixed shape; accepts p50 and p50Ms spellings, requests/count/sent. */
export function perfView(p: PerformanceRecord): PerfView {
  const lat = obj(p.latency);
  const pick = (k: string): number | undefined => num(lat[k]) ?? num(lat[`${k}Ms`]);
  const latency: LatencyView = {};
  for (const k of ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const) {
    const v = pick(k);
    if (v !== undefined) latency[k] = v;
  }
  const series: SeriesView[] = [];
  if (Array.isArray(p.series)) {
    for (const s of p.series.slice(0, 100_000)) {
      const o = obj(s);
      const t = num(o.t);
      if (t === undefined) continue;
      const point: SeriesView = { t };
      const requests = num(o.requests) ?? num(o.count) ?? num(o.sent);
      const errors = num(o.errors);
      const p50 = num(o.p50) ?? num(o.p50Ms);
      const p99 = num(o.p99) ?? num(o.p99Ms);
      if (requests !== undefined) point.requests = requests;
      if (errors !== undefined) point.errors = errors;
      if (p50 !== undefined) point.p50 = p50;
      if (p99 !== undefined) point.p99 = p99;
      series.push(point);
    }
  }
  const errors: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj(p.errors))) { const n = num(v); if (n) errors[k] = n; }
  const thresholds = (Array.isArray(p.thresholds) ? p.thresholds : []).map((t) => {
    const o = obj(t);
    const actual = o.actual;
    return {
      expr: str(o.expr) ?? str(o.text) ?? '?',
      pass: o.pass === true || o.ok === true,
      ...(actual !== undefined && actual !== null ? { actual: typeof actual === 'number' ? String(Math.round(actual * 1000) / 1000) : String(actual) } : {}),
      ...(o.assumed === true ? { assumed: true } : {}),
    };
  });
  const v: PerfView = { name: p.name, result: p.result, required: p.required !== false, thresholds, errors, latency, series };
  const set = <K extends keyof PerfView>(k: K, val: PerfView[K] | undefined): void => { if (val !== undefined) v[k] = val; };
  set('service', p.service);
  set('reason', p.reason);
  set('model', str(p.model));
  set('users', num(p.users));
  set('rate', num(p.rate));
  set('durationS', num(p.durationS));
  set('requests', num(p.requests));
  set('errorCount', num(p.errorCount));
  set('rps', num(p.rps));
  set('latencyHdr', str(p.latencyHdr));
  return v;
}

/** Cases in record order grouped by area (areas in CASE_AREAS order, empty ones left out). */
export function casesByArea(record: RunRecord): [CaseRecord['area'], CaseRecord[]][] {
  const order: CaseRecord['area'][] = ['service', 'document', 'dataset', 'performance'];
  return order.map((a) => [a, record.cases.filter((c) => c.area === a)] as [CaseRecord['area'], CaseRecord[]]).filter(([, cs]) => cs.length > 0);
}

/** The first findings of a case as "rule clause: message" lines (JUnit/Markdown/XLSX). */
export function findingLines(c: CaseRecord, lang: Lang, max = 3): string[] {
  const fs = [...c.findings].sort((a, b) => sevRank(a.severity) - sevRank(b.severity)).slice(0, max);
  return fs.map((f) => {
    const msg = lang === 'en' ? f.messageEn ?? f.message : f.message;
    return `${f.rule}${f.clause ? ` (${f.clause})` : ''}: ${msg}`;
  });
}

const sevRank = (s: string): number => (s === 'error' ? 0 : s === 'warning' ? 1 : 2);

