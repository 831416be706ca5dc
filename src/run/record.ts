/**
 * record.json: what one run of the quantitative test established. Everything downstream
 * (HTML/XLSX/JUnit reports, diff, history) reads this file and nothing else, so the shape is a
 * contract: schemas/record.schema.json checks it, and it only ever grows (new optional fields).
 *
 * ## Verdict rules (decideVerdict)
 *
 * The verdict is 通过 only when everything the level requires was shown to work:
 *
 *  V1  A required case (`required` absent or true) counts as passed only when its result is
 *      `pass`. `fail` and `error` make the run 不通过, and so does `skip`: a case that was not
 *      run has not been shown to work, whatever the reason (excluded in the site config,
 *      missing keys, an earlier failure it depended on).
 *  V2  A case labelled `pass` that carries an error-severity finding counts as failed: the
 *      label cannot hide an error (validateRecord also rejects such a record as inconsistent).
 *  V3  An optional case (`required: false`, e.g. a service beyond the level) never changes the
 *      verdict; its findings are still reported.
 *  V4  A required performance stage counts as passed only when its result is `pass`. `invalid`
 *      (the load generator, not the platform, was the bottleneck; nothing measured) and `skip`
 *      never pass.
 *  V5  A run with nothing required in it (no required case and no required stage) is 不通过:
 *      an empty run demonstrates nothing.
 *  V6  A run that could not be judged carries `invalid: {reason}`; its verdict is 不通过 and its
 *      exit code 3 (exitCodeFor), whatever its cases say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Finding, LayerManifest } from '../findings/types.js';
import type { LevelCode, SourceRef } from '../catalog/types.js';
import { PROJECT_ROOT } from '../version.js';

export type Verdict = '通过' | '不通过';
export type CaseArea = 'dataset' | 'document' | 'service' | 'performance';
export type CaseResult = 'pass' | 'fail' | 'error' | 'skip';
export type BindingKind = 'soap11' | 'soap12' | 'http';

export const CASE_AREAS: readonly CaseArea[] = ['service', 'document', 'dataset', 'performance'];
export const CASE_RESULTS: readonly CaseResult[] = ['pass', 'fail', 'error', 'skip'];

export interface CaseRecord {
  /** stable id: EMR-PL-nn-T01 / EMR-PL-nn-F01, EMR-SD-nn, EMR-DE-nn, … */
  id: string;
  title: string;
  area: CaseArea;
  result: CaseResult;
  /** false for a case the level does not require; absent means required */
  required?: boolean;
  /** why the case errored or was skipped */
  reason?: string;
  findings: Finding[];
  /** evidence files, relative to the run folder (evidence/<caseId>/…) */
  evidence: string[];
  startedAt?: string;
  durationMs?: number;
}

export interface ThresholdResult {
  /** the threshold as written in the plan, e.g. "p(95)<3s" */
  expr: string;
  pass: boolean;
  actual?: number | string;
  assumed?: boolean;
}

/** One performance stage; src/perf adds its measurements as further properties. */
export interface PerformanceRecord {
  name: string;
  service?: string;
  result: 'pass' | 'fail' | 'invalid' | 'skip';
  required?: boolean;
  reason?: string;
  thresholds?: ThresholdResult[];
  [measurement: string]: unknown;
}

export interface Assumption {
  figure: string;
  value: string;
  source: SourceRef;
}

export interface ResultCounts {
  pass: number;
  fail: number;
  error: number;
  skip: number;
}

export interface RecordSummary extends ResultCounts {
  byArea: Record<CaseArea, ResultCounts>;
}

/** How messages travelled; never header values (they may be credentials). */
export interface RecordBinding {
  kind: BindingKind;
  operation?: string;
  namespace?: string;
  soapAction?: string;
  messageAs?: 'cdata' | 'escaped';
  charset?: string;
  params?: { action: string; message: string };
  [detail: string]: unknown;
}

export interface RunRecord {
  recordVersion: 1;
  runId: string;
  verdict: Verdict;
  /** the run could not be judged: exit 3 */
  invalid?: { reason: string; at?: string };
  /** plan id (hospital-5a) or the plan file's name */
  plan: string;
  level: LevelCode;
  institution?: string;
  expert?: string;
  /** endpoint URL, secrets redacted */
  target: string;
  binding: RecordBinding;
  tls?: { verify: boolean; customCa?: boolean; clientCertificate?: boolean; servername?: string };
  startedAt: string;
  finishedAt: string;
  tool: { version: string; catalogVersion?: string; layers: LayerManifest[] };
  assumptions: Assumption[];
  summary: RecordSummary;
  cases: CaseRecord[];
  performance: PerformanceRecord[];
}

export interface VerdictReason {
  /** case id or performance stage name */
  id: string;
  kind: 'case' | 'performance' | 'empty';
  /** V1…V5 of the rules above */
  rule: 'V1' | 'V2' | 'V4' | 'V5';
  text: string;
}

const isRequired = (x: { required?: boolean }): boolean => x.required !== false;

/** The verdict and every reason against it (empty when 通过). */
export function judge(cases: readonly CaseRecord[], performance: readonly PerformanceRecord[] = []): { verdict: Verdict; reasons: VerdictReason[] } {
  const reasons: VerdictReason[] = [];
  let required = 0;
  for (const c of cases) {
    if (!isRequired(c)) continue;
    required++;
    if (c.result !== 'pass') {
      reasons.push({ id: c.id, kind: 'case', rule: 'V1', text: `required case ${c.id} is ${c.result}${c.reason ? `: ${c.reason}` : ''}` });
    } else if (c.findings.some((f) => f.severity === 'error')) {
      reasons.push({ id: c.id, kind: 'case', rule: 'V2', text: `required case ${c.id} is labelled pass but has error findings` });
    }
  }
  for (const p of performance) {
    if (!isRequired(p)) continue;
    required++;
    if (p.result !== 'pass') {
      reasons.push({ id: p.name, kind: 'performance', rule: 'V4', text: `required performance stage ${p.name} is ${p.result}${p.reason ? `: ${p.reason}` : ''}` });
    }
  }
  if (required === 0) reasons.push({ id: '', kind: 'empty', rule: 'V5', text: 'nothing required was tested' });
  return { verdict: reasons.length === 0 ? '通过' : '不通过', reasons };
}

export function decideVerdict(cases: readonly CaseRecord[], performance: readonly PerformanceRecord[] = []): Verdict {
  return judge(cases, performance).verdict;
}

/** 0 通过, 1 不通过, 3 invalid (V6). */
export function exitCodeFor(record: Pick<RunRecord, 'verdict' | 'invalid'>): 0 | 1 | 3 {
  if (record.invalid) return 3;
  return record.verdict === '通过' ? 0 : 1;
}

const zero = (): ResultCounts => ({ pass: 0, fail: 0, error: 0, skip: 0 });

export function summarize(cases: readonly CaseRecord[]): RecordSummary {
  const s: RecordSummary = { ...zero(), byArea: { dataset: zero(), document: zero(), service: zero(), performance: zero() } };
  for (const c of cases) {
    s[c.result]++;
    s.byArea[c.area][c.result]++;
  }
  return s;
}

export interface RecordError {
  /** JSON pointer into the record, "" for the whole */
  path: string;
  message: string;
}

export type RecordValidation = { ok: true; record: RunRecord } | { ok: false; errors: RecordError[] };

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', 'record.schema.json'), 'utf8')) as object;
    validator = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return validator;
}

const ajvError = (e: ErrorObject): RecordError => ({
  path: e.instancePath,
  message: e.keyword === 'additionalProperties'
    ? `unknown property "${String((e.params as { additionalProperty?: unknown }).additionalProperty)}"`
    : e.keyword === 'enum'
      ? `${e.message ?? 'invalid'}: ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}`
      : e.message ?? e.keyword,
});

/**
 * Check a record against the schema, then the rules a schema cannot say: unique case ids,
 * the summary matches the cases, the verdict follows from the cases (V1–V6), timestamps in order.
 */
export function validateRecord(value: unknown): RecordValidation {
  const validate = schemaValidator();
  if (!validate(value)) return { ok: false, errors: (validate.errors ?? []).map(ajvError) };
  const r = value as RunRecord;
  const errors: RecordError[] = [];

  const seen = new Map<string, number>();
  r.cases.forEach((c, i) => {
    const first = seen.get(c.id);
    if (first !== undefined) errors.push({ path: `/cases/${i}/id`, message: `duplicate case id ${c.id} (also /cases/${first})` });
    else seen.set(c.id, i);
    if (c.result === 'pass' && c.findings.some((f) => f.severity === 'error')) {
      errors.push({ path: `/cases/${i}/result`, message: `case ${c.id} is pass but has error findings` });
    }
    // "say precisely why something failed": a result other than pass must carry its why
    if (c.result !== 'pass' && !c.reason && c.findings.length === 0) {
      errors.push({ path: `/cases/${i}/reason`, message: `case ${c.id} is ${c.result} without a reason or finding` });
    }
  });

  const expected = summarize(r.cases);
  if (JSON.stringify(canonicalCounts(r.summary)) !== JSON.stringify(canonicalCounts(expected))) {
    errors.push({ path: '/summary', message: `summary does not match the cases (expected ${JSON.stringify(canonicalCounts(expected))})` });
  }

  const verdict = r.invalid ? '不通过' : decideVerdict(r.cases, r.performance);
  if (r.verdict !== verdict) {
    errors.push({ path: '/verdict', message: `verdict ${r.verdict} does not follow from the cases (rules give ${verdict})` });
  }

  if (Date.parse(r.finishedAt) < Date.parse(r.startedAt)) {
    errors.push({ path: '/finishedAt', message: 'finishedAt is before startedAt' });
  }
  return errors.length ? { ok: false, errors } : { ok: true, record: r };
}

function canonicalCounts(s: RecordSummary): unknown {
  const c = (x: ResultCounts) => [x.pass, x.fail, x.error, x.skip];
  return [c(s), ...CASE_AREAS.map((a) => c(s.byArea[a]))];
}

/** Errors as lines for a message: "/cases/3/result: …". */
export function formatRecordErrors(errors: readonly RecordError[]): string {
  return errors.map((e) => `${e.path || '/'}: ${e.message}`).join('\n');
}
