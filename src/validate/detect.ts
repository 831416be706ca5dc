import type { Catalog, DocumentTemplate, ServiceDef } from '../catalog/types.js';
import type { Finding } from '../findings/types.js';
import { NS } from '../xml/ns.js';
import { selectJ, valueOfJ, type JElement } from '../xml/jstree.js';
import { finding } from './rules.js';
import { serviceByContent } from './service-by-content.js';
import type { Expectation, FileKind } from './types.js';

/**
 * What a file is: a WS/T 500 / WS/T 483 document (by templateId and document code), a V3
 * request, acknowledgement or query response (by root element, narrowed to a service), and
 * what its test-package file name claims. Detection never fails a file by itself: the layers
 * judge; detection only reports a file name that disagrees with the content (HT-PRE-FILENAME).
 */

/** A test-package file name (实践中的测评命名约定), parsed. */
export interface TestName {
  /** document: EMR-SD / EHR-SD; service: EMR-PL; dataset: EHR-DE / EMR-DE */
  role: 'document' | 'service' | 'dataset';
  family: 'EMR' | 'EHR';
  /** the case number as written (04, 4) */
  number: number;
  /** EMR-SD-04 as the catalogue writes the prefix */
  prefix: string;
  /** T01 (key exists) / F01 (key absent) */
  variant?: string;
  /** the name part after the number (文档名 / 服务名 …) */
  label?: string;
}

/** The base name of a path: what follows its last '/', '\\' or '!' (an archive member). */
function baseNameOf(fileName: string): string {
  for (let i = fileName.length - 1; i >= 0; i--) {
    const c = fileName.charCodeAt(i);
    if (c === 47 || c === 92 || c === 33) return fileName.slice(i + 1);
  }
  return fileName;
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return isAsciiDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The `len` characters at `at` upper-cased, when all are ASCII letters ('' otherwise): the /i of a pattern without the u flag folds ASCII only. */
function asciiUpper(s: string, at: number, len: number): string {
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return '';
  }
  return s.slice(at, at + len).toUpperCase();
}

/**
 * The test-package name of a file, from its base name without extension:
 * `(EMR|EHR)-(SD|PL|DE)-NNN[-rest]`, letters in any case, 1–3 digits; in the rest, the first
 * part `T01`/`F01` (exactly a T or F and two digits between dashes) is the variant, the first
 * part the label. Read character by character: detection asks it for every file, and the
 * regular expressions it was written with cost more than the rest of detection
 * (test/validate/detect-name.test.ts holds them as the oracle).
 */
export function parseTestName(fileName: string): TestName | undefined {
  const base = baseNameOf(fileName);
  // without a final .ext (letters and digits)
  let end = base.length;
  while (end > 0 && isAlnum(base.charCodeAt(end - 1))) end--;
  const stem = end < base.length && end > 0 && base.charCodeAt(end - 1) === 46 ? base.slice(0, end - 1) : base;
  if (stem.length < 8 || stem.charCodeAt(3) !== 45 || stem.charCodeAt(6) !== 45) return undefined;
  const family = asciiUpper(stem, 0, 3);
  if (family !== 'EMR' && family !== 'EHR') return undefined;
  const kind = asciiUpper(stem, 4, 2);
  if (kind !== 'SD' && kind !== 'PL' && kind !== 'DE') return undefined;
  let i = 7;
  while (i < stem.length && isAsciiDigit(stem.charCodeAt(i))) i++;
  const digits = i - 7;
  if (digits < 1 || digits > 3) return undefined;
  if (i < stem.length && stem.charCodeAt(i) !== 45) return undefined;
  const rest = i < stem.length ? stem.slice(i + 1) : '';
  // the rest is '.*': no line terminator
  for (let k = 0; k < rest.length; k++) {
    const c = rest.charCodeAt(k);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return undefined;
  }
  const num = stem.slice(7, i);
  const role = kind === 'SD' ? 'document' : kind === 'PL' ? 'service' : 'dataset';
  const out: TestName = { role, family: family as 'EMR' | 'EHR', number: Number(num), prefix: `${family}-${kind}-${num}` };
  // the first part that is exactly T or F and two digits
  for (let start = 0; start <= rest.length; ) {
    let stop = rest.indexOf('-', start);
    if (stop === -1) stop = rest.length;
    if (stop - start === 3) {
      const c = rest.charCodeAt(start);
      if ((c === 84 || c === 70) && isAsciiDigit(rest.charCodeAt(start + 1)) && isAsciiDigit(rest.charCodeAt(start + 2))) {
        out.variant = rest.slice(start, stop);
        break;
      }
    }
    start = stop + 1;
  }
  const dash = rest.indexOf('-');
  const label = dash === -1 ? rest : rest.slice(0, dash);
  if (label) out.label = label;
  return out;
}

const prefixNumbers = new Map<string, number | undefined>();

/** The case number a test prefix ends with (EMR-SD-04 → 4); memoised by the text: detection asks it for every template. */
function prefixNumber(prefix: string): number | undefined {
  if (prefixNumbers.has(prefix)) return prefixNumbers.get(prefix);
  const m = /-(\d+)$/.exec(prefix);
  const n = m ? Number(m[1]) : undefined;
  if (prefixNumbers.size > 10_000) prefixNumbers.clear();
  prefixNumbers.set(prefix, n);
  return n;
}

export function templateForTestName(catalog: Catalog, name: TestName): DocumentTemplate | undefined {
  if (name.role !== 'document') return undefined;
  const family = name.family === 'EMR' ? 'wst500' : 'wst483';
  const start = `${name.family}-SD-`;
  return catalog.documents.find((t) => t.family === family && t.testPrefix.startsWith(start) && prefixNumber(t.testPrefix) === name.number);
}

export function serviceForTestName(catalog: Catalog, name: TestName): ServiceDef | undefined {
  if (name.role !== 'service') return undefined;
  const byCase = catalog.services.filter((s) => s.caseId.toUpperCase().startsWith(`${name.family}-PL-`) && prefixNumber(s.caseId) === name.number);
  if (byCase.length === 1) return byCase[0];
  // a case id shared by several services: the service name in the file name decides
  const byLabel = byCase.find((s) => name.label !== undefined && (name.label === s.name || name.label === s.code));
  return byLabel ?? byCase[0];
}

const V3_ROOT = /^[A-Z]{4}_IN\d{6}[A-Z0-9]*$/;
export const ACK_ROOT = 'MCCI_IN000002UV01';

export interface Detection {
  kind: FileKind;
  /** the template the document is checked against (from templateId, code, or failing both the file name) */
  template?: DocumentTemplate;
  /** what templateId and code each named, for the header rules */
  templateByTemplateId?: DocumentTemplate;
  templateByCode?: DocumentTemplate;
  /** the service a message is checked against, when it could be told */
  service?: ServiceDef;
  serviceBy?: 'expected' | 'file-name' | 'unique' | 'content';
  /** services whose request or response is this root */
  candidates: ServiceDef[];
  name?: TestName;
  findings: Finding[];
}

/**
 * Detect the kind of a parsed file from its tree (src/xml/jstree.ts: no libxml2 needed). `file`
 * is the display path (for findings and the name convention).
 */
export function detect(root: JElement, catalog: Catalog, file: string, expect?: Expectation): Detection {
  const name = parseTestName(file);
  const { local, ns } = root;
  let d: Detection;
  // the template a document's name gives, asked once: detection chooses with it, then checks the name against it
  let byName: DocumentTemplate | undefined;
  if (local === 'ClinicalDocument' && ns === NS.hl7) {
    byName = name ? templateForTestName(catalog, name) : undefined;
    d = detectDocument(root, catalog, byName);
  }
  else if (V3_ROOT.test(local) && ns === NS.hl7) d = detectMessage(root, catalog, name, expect);
  else d = { kind: 'unknown', candidates: [], findings: [] };
  if (name) d.name = name;
  d.findings.push(...fileNameFindings(d, root, catalog, file, byName));
  return d;
}

function detectDocument(root: JElement, catalog: Catalog, byName: DocumentTemplate | undefined): Detection {
  const tids = new Set(selectJ(root, 'hl7:templateId/@root').map(valueOfJ));
  const first = selectJ(root, 'hl7:code/@code')[0];
  const code = first === undefined ? undefined : valueOfJ(first);
  const byTid = catalog.documents.find((t) => tids.has(t.templateId));
  const byCode = code !== undefined ? catalog.documents.find((t) => (t.typeCode ?? t.code) === code) : undefined;
  let template: DocumentTemplate | undefined;
  if (byTid && byCode && byTid !== byCode) template = byName === byTid ? byTid : byCode;
  else template = byCode ?? byTid ?? byName;
  const d: Detection = { kind: template ? template.family : 'cda', candidates: [], findings: [] };
  if (template) d.template = template;
  if (byTid) d.templateByTemplateId = byTid;
  if (byCode) d.templateByCode = byCode;
  return d;
}

function kindOf(local: string, candidates: ServiceDef[]): FileKind {
  if (local === ACK_ROOT) return 'v3-ack';
  if (candidates.some((s) => s.request === local)) return 'v3-request';
  if (candidates.some((s) => s.response === local)) return 'v3-query-response';
  return 'unknown';
}

function detectMessage(root: JElement, catalog: Catalog, name: TestName | undefined, expect?: Expectation): Detection {
  const local = root.local;
  const candidates = catalog.services.filter((s) => s.request === local || s.response === local);
  const d: Detection = { kind: kindOf(local, candidates), candidates, findings: [] };
  if (d.kind === 'unknown') d.kind = local === ACK_ROOT ? 'v3-ack' : 'v3-request';
  if (expect?.service !== undefined) {
    const s = catalog.services.find((x) => x.code === expect.service);
    if (s) {
      d.service = s;
      d.serviceBy = 'expected';
      if (s.request === local) d.kind = 'v3-request';
      else if (s.response === local) d.kind = local === ACK_ROOT ? 'v3-ack' : 'v3-query-response';
      return d;
    }
  }
  const byName = name ? serviceForTestName(catalog, name) : undefined;
  if (byName && candidates.includes(byName)) {
    d.service = byName;
    d.serviceBy = 'file-name';
    return d;
  }
  if (candidates.length === 1) {
    d.service = candidates[0]!;
    d.serviceBy = 'unique';
    return d;
  }
  // an acknowledgement answers any register/update service: nothing in it tells which
  if (local === ACK_ROOT || candidates.length === 0) return d;
  const judged = serviceByContent(root, catalog, candidates);
  const all = candidates.map((c) => c.code).join(', ');
  if (judged.service) {
    d.service = judged.service;
    d.serviceBy = 'content';
    d.findings.push(finding('HT-MSG-SERVICE-INFERRED', { root: local, service: judged.service.code, candidates: all }, { xpath: `/hl7:${local}` }));
  } else {
    d.findings.push(finding('HT-MSG-SERVICE-AMBIGUOUS', { root: local, candidates: all, compatible: judged.compatible.map((c) => c.code).join(', ') }, { xpath: `/hl7:${local}` }));
  }
  return d;
}

/** byName: the template the file name gives (detect() asks it for every ClinicalDocument, the only root a document kind comes from) */
function fileNameFindings(d: Detection, root: JElement, catalog: Catalog, file: string, byName: DocumentTemplate | undefined): Finding[] {
  const name = d.name;
  if (!name) return [];
  const base = baseNameOf(file);
  const out: Finding[] = [];
  const mismatch = (reason: string) => out.push(finding('HT-PRE-FILENAME', { file: base, reason }, { xpath: `/${root.local}` }));
  const isDoc = d.kind === 'wst500' || d.kind === 'wst483' || d.kind === 'cda';
  const isMsg = d.kind === 'v3-request' || d.kind === 'v3-ack' || d.kind === 'v3-query-response';
  if (name.role === 'document') {
    if (!isDoc) {
      mismatch(`文件名表示共享文档（${name.prefix}），内容是 ${root.local}`);
      return out;
    }
    const t = byName;
    if (!t) mismatch(`目录中没有测试编号 ${name.prefix} 的文档`);
    else if (d.template && d.template !== t) mismatch(`文件名编号 ${name.prefix} 对应 ${t.code} ${t.title}，内容是 ${d.template.code} ${d.template.title}`);
  } else if (name.role === 'service') {
    if (!isMsg) {
      mismatch(`文件名表示交互服务（${name.prefix}），内容是 ${root.local}`);
      return out;
    }
    const s = serviceForTestName(catalog, name);
    if (!s) mismatch(`目录中没有测试编号 ${name.prefix} 的服务`);
    else if (s.request !== root.local && s.response !== root.local) {
      mismatch(`文件名编号 ${name.prefix} 对应服务 ${s.code}（请求 ${s.request}，响应 ${s.response}），内容根元素是 ${root.local}`);
    }
    if (name.variant === undefined) mismatch('服务测试文件名应以 -T01（主键存在）或 -F01（主键不存在）结尾');
  } else if (isDoc || isMsg) {
    mismatch(`文件名表示数据集（${name.prefix}），内容是 ${root.local}`);
  }
  return out;
}
