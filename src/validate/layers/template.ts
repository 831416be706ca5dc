import { checkValue, parseFormat, type FormatCheck, type RepresentationFormat } from '../../catalog/format.js';
import type { Cardinality, DocumentTemplate, EntryTemplate, SectionTemplate } from '../../catalog/types.js';
import { compilePath, elementsInOrder, firstKid, isElement, selectCompiled, selectJ, xpathOfJ, type JAttr, type JElement, type JSelected } from '../../xml/jstree.js';
import { NS } from '../../xml/ns.js';
import { parseCatalogPath, pathToString } from '../../xml/path-grammar.js';
import { attr, childrenNamed, elementsOf, ElementKeys, Findings, type LayerContext } from './context.js';
import { SectionEntries, shapeOf, type IndexedPath } from './entry-index.js';
import { PathPlan, PlanRun, type PlannedPath } from './path-plan.js';
import { formatOk, tsOk, tsProblem } from './value-checks.js';

/**
 * Layer 3, template rules from the catalogue: the header (realmCode, typeId, templateId,
 * document code, title, document id), the required header parts, every data element the
 * template places (presence and cardinality evaluated from its catalogue path, data type,
 * representation format, real dates, PQ units, id roots), required sections and their
 * cardinality. The nodes each entry resolved to are handed to the terminology layer, so the
 * template paths are evaluated once per file.
 */

export const DOC_CODE_SYSTEM = '2.16.156.10011.2.4';
const DOC_ID_ROOT = '2.16.156.10011.1.1';
const TYPE_ID_ROOT = '2.16.840.1.113883.1.3';
const LOINC = '2.16.840.1.113883.6.1';

/** A template entry and the nodes its path selected (in one section occurrence or the header). */
export interface ResolvedEntry {
  entry: EntryTemplate;
  nodes: JSelected[];
}

export interface TemplateResult {
  findings: Findings;
  resolved: ResolvedEntry[];
}

const SECTION_PATH = 'hl7:component/hl7:structuredBody/hl7:component/hl7:section';
const SECTION = compilePath(SECTION_PATH);
const HEADER_PATH = () => '/hl7:ClinicalDocument';

function clauseOf(t: DocumentTemplate): string {
  return `第 ${t.part} 部分 ${t.title}`;
}

function needsOne(c: Cardinality): boolean {
  return c === '1..1' || c === '1..*';
}

function atMostOne(c: Cardinality): boolean {
  return c === '0..1' || c === '1..1';
}

export function runTemplate(ctx: LayerContext): TemplateResult {
  const f = new Findings(ctx.file);
  const root = ctx.root;
  const t = ctx.detection.template;
  const resolved: ResolvedEntry[] = [];

  headerBasics(root, f);
  if (!t) {
    const tids = elementsOf(selectJ(root, 'hl7:templateId')).map((e) => attr(e, 'root') ?? '').filter((x) => x !== '');
    const code = selectJ(root, 'hl7:code')[0];
    const reason = `templateId ${tids.length ? tids.join(', ') : '（无 none）'}，code ${code !== undefined && isElement(code) ? `${attr(code, 'code') ?? ''}@${attr(code, 'codeSystem') ?? ''}` : '（无 none）'} 均不在 WS/T 500 / WS/T 483 目录中`;
    f.add('HT-TPL-DOCTYPE-UNKNOWN', { reason }, code !== undefined && isElement(code) ? code : root);
    datesEverywhere(root, f, new ElementKeys());
    return { findings: f, resolved };
  }

  const clause = clauseOf(t);
  templateIdentity(root, t, f, clause);

  for (const part of t.header.required) {
    if (firstKid(root, part) === undefined) f.addAt('HT-TPL-HEADER-MISSING', { part, clause }, `/hl7:ClinicalDocument/hl7:${part}`);
  }

  const checked = new ElementKeys();
  const headerSiblings = t.header.elements;
  // header entries share long prefixes (hl7:recordTarget/hl7:patientRole/…): evaluated once
  const hp = listPlanOf(headerSiblings, false);
  const header = new PlanRun(hp.paths, root);
  for (const ep of hp.entries) resolved.push(checkEntry(root, HEADER_PATH, ep, nodesOf(ep, header), headerSiblings, f, clause, '文档头 (header)', checked));

  const sections = selectCompiled(root, SECTION) as JElement[];
  const byCode = new Map<string, JElement[]>();
  for (const s of sections) {
    const c = sectionCodeValue(s);
    const list = byCode.get(c);
    if (list) list.push(s);
    else byCode.set(c, [s]);
  }
  for (const st of t.sections) {
    const found = byCode.get(st.code) ?? [];
    if (found.length === 0) {
      if (needsOne(st.cardinality)) f.addAt('HT-TPL-SECTION-MISSING', { title: st.title, code: st.code, clause }, `/hl7:ClinicalDocument/${SECTION_PATH}[hl7:code/@code='${st.code}']`);
      continue;
    }
    if (found.length > 1 && atMostOne(st.cardinality)) {
      f.add('HT-TPL-SECTION-CARD', { title: st.title, code: st.code, count: found.length, cardinality: st.cardinality, clause }, found[1]!);
    }
    const section = found[0]!;
    sectionCode(section, st, f);
    // the section's XPath is needed only for a finding: computing it for every section costs more than the checks
    let at: string | undefined;
    const atOf = () => (at ??= xpathOfJ(section));
    const index = new SectionEntries(section);
    const sp = listPlanOf(st.entries, true);
    const run = new PlanRun(sp.paths, section);
    for (const ep of sp.entries) resolved.push(checkEntry(section, atOf, ep, nodesOf(ep, run, index), st.entries, f, clause, st.title, checked));
  }
  datesEverywhere(root, f, checked);
  return { findings: f, resolved };
}

/** What hl7:code/@code selects first from a section: the @code of its first hl7:code child that has one; '' for none. */
function sectionCodeValue(section: JElement): string {
  const cs = section.children;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c.local === 'code' && c.ns === NS.hl7) {
      const a = c.attr('code');
      if (a) return a.value;
    }
  }
  return '';
}

function headerBasics(root: JElement, f: Findings): void {
  const realm = childrenNamed(root, 'realmCode')[0];
  if (!realm || attr(realm, 'code') !== 'CN') f.add('HT-TPL-REALM', {}, realm ?? root);
  const typeId = childrenNamed(root, 'typeId')[0];
  if (!typeId || attr(typeId, 'root') !== TYPE_ID_ROOT || attr(typeId, 'extension') !== 'POCD_MT000040') f.add('HT-TPL-TYPEID', {}, typeId ?? root);
  const id = childrenNamed(root, 'id')[0];
  if (!id || attr(id, 'root') !== DOC_ID_ROOT || (attr(id, 'extension') ?? '').trim() === '') f.add('HT-TPL-DOCID', {}, id ?? root);
}

function templateIdentity(root: JElement, t: DocumentTemplate, f: Findings, clause: string): void {
  const tidEls = childrenNamed(root, 'templateId');
  const tids = tidEls.map((e) => attr(e, 'root') ?? '');
  if (!tids.includes(t.templateId)) {
    f.add('HT-TPL-TEMPLATEID', { expected: t.templateId, actual: tids.length ? tids.join(', ') : '（无 none）', code: t.code, clause }, tidEls[0] ?? root);
  }
  const code = childrenNamed(root, 'code')[0];
  const c = attr(code, 'code');
  const cs = attr(code, 'codeSystem');
  // WS/T 483 templates write their type code (HSDA00.01 …) there, not the catalogue key
  const typeCode = t.typeCode ?? t.code;
  if (c !== typeCode || cs !== DOC_CODE_SYSTEM) {
    f.add('HT-TPL-DOCCODE', { expected: typeCode, actual: code ? `${c ?? ''}@${cs ?? ''}` : '（无 none）', clause }, code ?? root);
  }
  const title = childrenNamed(root, 'title')[0];
  const actualTitle = title?.content.trim() ?? '';
  if (actualTitle !== t.title) f.add('HT-TPL-TITLE', { expected: t.title, actual: actualTitle, clause }, title ?? root);
}

function sectionCode(section: JElement, st: SectionTemplate, f: Findings): void {
  const code = childrenNamed(section, 'code')[0];
  const cs = attr(code, 'codeSystem');
  if (code && cs !== LOINC) {
    f.add('HT-TERM-SYSTEM', { name: `章节 ${st.title} 代码`, expected: LOINC, actual: cs ?? '（无 none）' }, code);
  }
}

// ------------------------------------------------------------------------------------- entries

const formats = new Map<string, RepresentationFormat | null>();

function formatOf(source: string): RepresentationFormat | null {
  let f = formats.get(source);
  if (f === undefined) {
    try {
      f = parseFormat(source);
    } catch {
      f = null;
    }
    formats.set(source, f);
  }
  return f;
}

const XSI_TYPE: Partial<Record<string, string>> = { RTO: 'RTO_PQ_PQ' };
// data types that stand in for each other as xsi:type (CE and CV are restrictions of CD)
const COMPATIBLE: Record<string, readonly string[]> = {
  CD: ['CD', 'CE', 'CV'], CE: ['CE', 'CD', 'CV'], CV: ['CV', 'CD', 'CE'],
};

function isRealDateProblem(check: Extract<FormatCheck, { ok: false }>): boolean {
  return (check.code === 'date' || check.code === 'dateTime') && /not a real/.test(check.reason);
}

const relaxedPaths = new Map<string, { relaxed: string; root: string } | null>();

/** The path without the @root predicate of its last id step, when it has one (cached by the path's text). */
function rootRelaxed(path: string): { relaxed: string; root: string } | undefined {
  let r = relaxedPaths.get(path);
  if (r === undefined) {
    r = rootRelaxedOf(path) ?? null;
    if (relaxedPaths.size > 10_000) relaxedPaths.clear();
    relaxedPaths.set(path, r);
  }
  return r ?? undefined;
}

function rootRelaxedOf(path: string): { relaxed: string; root: string } | undefined {
  const p = parseCatalogPath(path);
  const i = p.steps.length - 1;
  const last = p.steps[i];
  if (!last || last.local !== 'id') return undefined;
  const pr = last.predicates.find((x) => x.rel.steps.length === 0 && x.rel.attribute?.local === 'root');
  if (!pr) return undefined;
  const steps = p.steps.map((s, k) => (k === i ? { ...s, predicates: s.predicates.filter((x) => x !== pr) } : s));
  return { relaxed: pathToString({ ...p, steps }), root: pr.value };
}

type EntryParams = { name: string; de: string; clause: string; where: string };

/**
 * What an entry needs from its catalogue text, worked out once per entry: the parsed format,
 * the index shape of its path (section entries), its place in the list's path plan (or the
 * error its path gives, thrown where the entry is evaluated, as the path itself would throw).
 */
interface EntryPlan {
  readonly entry: EntryTemplate;
  readonly xpath: string;
  readonly format: string;
  readonly fmt: RepresentationFormat | null;
  readonly shape: IndexedPath | null;
  readonly path: PlannedPath | undefined;
  readonly error: unknown;
}

/** The plans of one entry list (a template's header, a section template's entries) and the merged prefixes of their paths. */
interface ListPlan {
  readonly indexed: boolean;
  readonly entries: readonly EntryPlan[];
  readonly paths: PathPlan;
}

/**
 * Keyed by the catalogue's entry list and checked, entry for entry, against its current
 * objects, xpath and format on every use: a catalogue edited in place or reloaded never meets
 * a stale plan (test/validate/compiled-paths.test.ts).
 */
const listPlans = new WeakMap<readonly EntryTemplate[], ListPlan>();

function listPlanOf(list: readonly EntryTemplate[], indexed: boolean): ListPlan {
  let p = listPlans.get(list);
  if (p === undefined || !isCurrent(p, list, indexed)) {
    p = makeListPlan(list, indexed);
    listPlans.set(list, p);
  }
  return p;
}

function isCurrent(p: ListPlan, list: readonly EntryTemplate[], indexed: boolean): boolean {
  const es = p.entries;
  if (p.indexed !== indexed || es.length !== list.length) return false;
  for (let i = 0; i < es.length; i++) {
    const ep = es[i]!;
    const e = list[i]!;
    if (ep.entry !== e || ep.xpath !== e.xpath || ep.format !== e.format) return false;
  }
  return true;
}

function makeListPlan(list: readonly EntryTemplate[], indexed: boolean): ListPlan {
  const paths = new PathPlan();
  const entries = list.map((e): EntryPlan => {
    // section paths of the indexed shape are answered by SectionEntries, the others by the plan
    const shape = indexed ? shapeOf(e.xpath) : null;
    let path: PlannedPath | undefined;
    let error: unknown;
    if (!shape) {
      try {
        path = paths.add(compilePath(e.xpath));
      } catch (err) {
        error = err;
      }
    }
    return { entry: e, xpath: e.xpath, format: e.format, fmt: formatOf(e.format), shape, path, error };
  });
  return { indexed, entries, paths };
}

/** The nodes an entry's path selects in this context. */
function nodesOf(ep: EntryPlan, run: PlanRun, index?: SectionEntries): JSelected[] {
  if (ep.shape && index) return index.selectShape(ep.shape);
  if (ep.path === undefined) throw ep.error;
  return run.select(ep.path);
}

function checkEntry(
  ctx: JElement, ctxPath: () => string, plan: EntryPlan, nodes: JSelected[], siblings: EntryTemplate[], f: Findings, clause: string, where: string, checked: ElementKeys,
): ResolvedEntry {
  const e = plan.entry;
  const p: EntryParams = { name: e.name, de: e.de, clause, where };
  if (nodes.length === 0) {
    if (!needsOne(e.cardinality)) return { entry: e, nodes };
    const idRoot = rootRelaxed(e.xpath);
    if (idRoot) {
      // the id is there under another root: say that rather than "missing"
      const claimed = new Set(siblings.map((s) => rootRelaxed(s.xpath)).filter((x) => x?.relaxed === idRoot.relaxed).map((x) => x!.root));
      const other = selectJ(ctx, idRoot.relaxed).find((n) => {
        const holder = isElement(n) ? n : n.parent;
        const r = holder ? attr(holder, 'root') : undefined;
        return r !== undefined && !claimed.has(r);
      });
      if (other) {
        const holder = isElement(other) ? other : other.parent;
        f.add('HT-TPL-ID-ROOT', { what: e.name, expected: idRoot.root, actual: holder ? attr(holder, 'root') ?? '' : '' }, (holder ? holder.attr('root') : undefined) ?? other);
        return { entry: e, nodes };
      }
    }
    f.addAt('HT-TPL-ENTRY-MISSING', p, `${ctxPath()}/${e.xpath}`, ctx.line > 0 ? ctx.line : undefined);
    return { entry: e, nodes };
  }
  if (nodes.length > 1 && atMostOne(e.cardinality)) {
    f.add('HT-TPL-ENTRY-CARD', { ...p, count: nodes.length, cardinality: e.cardinality }, nodes[1]!);
  }
  const fmt = plan.fmt;
  const dt = e.dataType;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (!isElement(n)) {
      if (n.parent.attr('nullFlavor')) continue;
      checkOne(n.value, n, e, p, fmt, f, checked);
      continue;
    }
    if (n.attr('nullFlavor')) continue;
    if (n.local === 'value') dataType(n, e, f, clause);
    // the value an element of a data type carries, and the node it sits on
    switch (dt) {
      case 'CD': case 'CE': case 'CV': case 'CS':
        onAttr(n, 'code', e, p, fmt, f, checked);
        break;
      case 'PQ': case 'INT': case 'REAL': case 'BL': case 'TS': case 'MO': case 'TEL':
        onAttr(n, 'value', e, p, fmt, f, checked);
        break;
      case 'II':
        onAttr(n, 'extension', e, p, fmt, f, checked);
        break;
      case 'IVL_TS': case 'IVL_PQ': {
        const low = firstKid(n, 'low');
        const high = firstKid(n, 'high');
        if (low) onAttr(low, 'value', e, p, fmt, f, checked);
        if (high) onAttr(high, 'value', e, p, fmt, f, checked);
        if (!low && !high) onAttr(n, 'value', e, p, fmt, f, checked);
        break;
      }
      case 'RTO': {
        const num = firstKid(n, 'numerator');
        if (num) onAttr(num, 'value', e, p, fmt, f, checked);
        else checkOne('', n, e, p, fmt, f, checked);
        break;
      }
      default:
        checkOne(n.content, n, e, p, fmt, f, checked);
    }
    if (e.unit && (dt === 'PQ' || dt === 'IVL_PQ')) {
      const u = attr(n, 'unit') ?? (dt === 'IVL_PQ' ? attr(firstKid(n, 'low'), 'unit') : undefined);
      if (u !== undefined && u !== e.unit) f.add('HT-TPL-PQ-UNIT', { ...p, expected: e.unit, actual: u }, n);
    }
  }
  return { entry: e, nodes };
}

/** The value of attribute `name` of `el` (the element itself is the node when it is absent). */
function onAttr(el: JElement, name: string, e: EntryTemplate, p: EntryParams, fmt: RepresentationFormat | null, f: Findings, checked: ElementKeys): void {
  const at = el.attr(name);
  if (at) checkOne(at.value, at, e, p, fmt, f, checked);
  else checkOne('', el, e, p, fmt, f, checked);
}

/** One value of an entry against its representation format. */
function checkOne(value: string, node: JSelected, e: EntryTemplate, p: EntryParams, fmt: RepresentationFormat | null, f: Findings, checked: ElementKeys): void {
  if (value.trim() === '') {
    f.add('HT-TPL-EMPTY-VALUE', p, node, needsOne(e.cardinality) ? {} : { severity: 'warning' });
    return;
  }
  if (!fmt) return;
  if (formatOk(fmt, value)) {
    if (fmt.kind === 'date' || fmt.kind === 'dateTime') noteChecked(checked, node);
    return;
  }
  const check = checkValue(fmt, value);
  if (!check.ok) {
    noteChecked(checked, node);
    if (isRealDateProblem(check)) f.add('HT-TPL-DATE', { ...p, value, reason: check.reasonZh }, node, { paramsEn: { reason: check.reason } });
    else f.add('HT-TPL-FORMAT', { ...p, value: clip(value), format: e.format, reason: check.reasonZh }, node, { paramsEn: { reason: check.reason } });
  } else if (fmt.kind === 'date' || fmt.kind === 'dateTime') {
    noteChecked(checked, node);
  }
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** Whether `qname` from `start` on is exactly `local`. */
function localIs(qname: string, start: number, local: string): boolean {
  return qname.length - start === local.length && qname.startsWith(local, start);
}

function dataType(valueEl: JElement, e: EntryTemplate, f: Findings, clause: string): void {
  const expected = XSI_TYPE[e.dataType] ?? e.dataType;
  let actual: string | undefined;
  for (const a of valueEl.attrs) if (a.local === 'type' && a.ns === NS.xsi) actual = a.value;
  if (actual !== undefined) {
    // the local part of the QName (after the colon), compared in place: no string cut per value
    const start = actual.indexOf(':') + 1;
    if (localIs(actual, start, expected)) return;
    const compatible = COMPATIBLE[expected];
    if (compatible !== undefined) for (const x of compatible) if (localIs(actual, start, x)) return;
  }
  f.add('HT-TPL-DATATYPE', { name: e.name, de: e.de, expected, actual: actual ?? '（缺少 xsi:type）', clause }, valueEl, { paramsEn: { actual: actual ?? '(no xsi:type)' } });
}

/**
 * A value the entries checked as a date (or found wrong), which the dates-anywhere pass then
 * leaves alone: its element, keyed by the attribute name ('' for the element's own text).
 */
function noteChecked(checked: ElementKeys, n: JSelected): void {
  if (isElement(n)) checked.add(n, '');
  else checked.add(n.parent, n.local);
}

// ------------------------------------------------------------------------- dates anywhere

// what //effectiveTime/@value | //time/@value | //low/@value | //high/@value | //birthTime/@value |
// //value[@xsi:type="TS"]/@value | //center/@value selects (hl7 namespace), in document order
function isTsElement(local: string): boolean {
  // by length first: most names are none of these, and a length is cheaper than a comparison
  switch (local.length) {
    case 3: return local === 'low';
    case 4: return local === 'time' || local === 'high';
    case 6: return local === 'center';
    case 9: return local === 'birthTime';
    case 13: return local === 'effectiveTime';
    default: return false;
  }
}

/**
 * Every HL7 TS in the document must be a real date (the template paths reach only the ones the
 * catalogue names; effectiveTime, time, birthTime … elsewhere carry dates too).
 */
function datesEverywhere(root: JElement, f: Findings, checked: ElementKeys): void {
  const all = elementsInOrder(root);
  // the tree's own string for the namespace: comparisons with it are mostly by identity
  const hl7 = root.ns === NS.hl7 ? root.ns : NS.hl7;
  for (let i = 0; i < all.length; i++) {
    const el = all[i]!;
    if (el.ns !== hl7) continue;
    const local = el.local;
    if (!isTsElement(local) && !(local.length === 5 && local === 'value' && el.attr('type', NS.xsi)?.value === 'TS')) continue;
    const n = el.attr('value');
    if (!n) continue;
    const v = n.value;
    if (v === '' || (checked.size > 0 && checked.has(n.parent, n.local)) || tsOk(v)) continue;
    const problem = tsProblem(v);
    if (problem !== null) f.add('HT-TPL-DATE', { name: n.parent.local, de: 'HL7 TS', value: v, reason: problem.reasonZh }, n, { paramsEn: { reason: problem.reason } });
  }
}
