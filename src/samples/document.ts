import { checkValue, parseFormat } from '../catalog/format.js';
import type { Catalog, DocumentTemplate, EntryTemplate, HeaderPart } from '../catalog/types.js';
import { buildPath, insertChild, orderTree, schemaTypeOf, wouldDuplicate } from '../xml/build.js';
import { el, serialize, textNode, type XmlNode } from '../xml/node.js';
import { NS } from '../xml/ns.js';
import { parseCatalogPath } from '../xml/path.js';
import { completeStructure } from './structural.js';
import { hashSeed, parseTs, personName, Rng } from './synth.js';
import { sampleValue, valueForFormat, type SampleValue, type TimeWindow } from './values.js';
import { sampleVisit, visitValue, type VisitContext } from './visit.js';

export const DOC_CODE_SYSTEM_NAME = '卫生信息共享文档规范编码体系';
export const DE_CODE_SYSTEM = '2.16.156.10011.2.2.1';
export const DE_CODE_SYSTEM_NAME = '卫生信息数据元目录';
export const LOINC = '2.16.840.1.113883.6.1';

export interface SampleDocumentOptions {
  seed: number;
  /** the visit the document belongs to; all documents built with one visit agree on patient and ids */
  visit?: VisitContext;
}

/** A synthetic, conformant CDA document for a template, as pretty-printed XML with a declaration. */
export function sampleDocument(template: DocumentTemplate, catalog: Catalog, opts: SampleDocumentOptions): string {
  return serialize(sampleDocumentTree(template, catalog, opts), { pretty: true, declaration: true });
}

/** The same document as a light tree (for callers that add to it before serialising). */
export function sampleDocumentTree(template: DocumentTemplate, catalog: Catalog, opts: SampleDocumentOptions): XmlNode {
  return generateDocument(template, catalog, opts).tree;
}

/** An optional entry left out of a sample, and why. */
export interface SampleNote {
  entry: EntryTemplate;
  /** 'duplicate': placing it would repeat an element the schema allows once (e.g. age in years and in months) */
  reason: 'duplicate';
  element: string;
}

/** The document tree plus the optional entries it leaves out. */
export function generateDocument(template: DocumentTemplate, catalog: Catalog, opts: SampleDocumentOptions): { tree: XmlNode; notes: SampleNote[] } {
  const notes: SampleNote[] = [];
  const visit = opts.visit ?? sampleVisit(opts.seed);
  const window: TimeWindow = { from: parseTs(visit.visit.start), to: parseTs(visit.visit.end) };
  const at = parseTs(visit.documentTime);
  // one stream per entry, keyed by its path: adding an entry to a template does not change the others
  const rngFor = (...key: string[]) => new Rng(hashSeed(opts.seed, template.code, ...key));

  const doc = el('ClinicalDocument', { xmlns: NS.hl7, 'xmlns:xsi': NS.xsi });
  header(doc, template, visit, rngFor('header'));

  // the visit's facts first: when two optional entries compete for one element, the visit's value wins
  const headerEntries = [...template.header.elements].sort((a, b) => Number(visitValue(b, visit, at) !== undefined) - Number(visitValue(a, visit, at) !== undefined));
  for (const entry of headerEntries) {
    placeEntry(doc, entry, catalog, visit, rngFor('h', entry.xpath, entry.de), window, at, notes);
  }
  for (const part of template.header.required) ensurePart(doc, part, visit);

  const body = buildPath(doc, 'hl7:component/hl7:structuredBody');
  const sections = template.sections;
  for (const [i, s] of sections.entries()) {
    const section = el('section');
    insertChild(body, el('component', {}, section));
    buildPath(section, 'hl7:code/@code', s.code);
    const code = buildPath(section, 'hl7:code');
    Object.assign(code.attrs, { codeSystem: LOINC, codeSystemName: 'LOINC', displayName: s.title });
    buildPath(section, 'hl7:title', s.title);
    const lines: string[] = [];
    for (const entry of s.entries) {
      const v = placeEntry(section, entry, catalog, visit, rngFor('s', String(i), entry.xpath, entry.de), window, at, notes);
      if (v) lines.push(`${entry.name}：${v.display}`);
    }
    const text = buildPath(section, 'hl7:text');
    text.children = (lines.length > 0 ? lines : [s.title]).map((l) => el('paragraph', {}, l));
  }
  if (sections.length === 0) {
    // identity-depth templates: a body is required, so say plainly that none is encoded
    const section = el('section');
    insertChild(body, el('component', {}, section));
    buildPath(section, 'hl7:title', template.title);
    buildPath(section, 'hl7:text').children = [textNode('本文档模板仅编码文档标识，正文章节未编码（合成样例）。')];
  }

  const deNames = new Map<string, string>();
  for (const e of [...template.header.elements, ...template.sections.flatMap((x) => x.entries)]) if (!deNames.has(e.de)) deNames.set(e.de, e.name);
  decorateDataElementCodes(doc, catalog, deNames);
  completeStructure(doc, visit);
  orderTree(doc);
  return { tree: doc, notes };
}

function header(doc: XmlNode, t: DocumentTemplate, visit: VisitContext, rng: Rng): void {
  const serial = `${t.code}-${visit.visit.outpatientNo}-${rng.digits(6)}`;
  buildPath(doc, 'hl7:realmCode/@code', 'CN');
  Object.assign(buildPath(doc, 'hl7:typeId').attrs, { root: '2.16.840.1.113883.1.3', extension: 'POCD_MT000040' });
  buildPath(doc, 'hl7:templateId/@root', t.templateId);
  Object.assign(buildPath(doc, 'hl7:id').attrs, { root: '2.16.156.10011.1.1', extension: serial });
  Object.assign(buildPath(doc, 'hl7:code').attrs, { code: t.typeCode ?? t.code, codeSystem: t.codeSystem, codeSystemName: DOC_CODE_SYSTEM_NAME, displayName: t.title });
  buildPath(doc, 'hl7:title', t.title);
  buildPath(doc, 'hl7:effectiveTime/@value', visit.documentTime);
  Object.assign(buildPath(doc, 'hl7:confidentialityCode').attrs, {
    code: 'N', codeSystem: '2.16.840.1.113883.5.25', codeSystemName: 'Confidentiality', displayName: '正常访问保密级别',
  });
  buildPath(doc, 'hl7:languageCode/@code', 'zh-CN');
  Object.assign(buildPath(doc, 'hl7:setId').attrs, { root: '2.16.156.10011.1.1', extension: serial });
  buildPath(doc, 'hl7:versionNumber/@value', '1');
}

/** Header parts the template requires: created when no template path made them, with what a reader expects in them. */
function ensurePart(doc: XmlNode, part: HeaderPart, v: VisitContext): void {
  const exists = doc.children.some((c) => c.name === part);
  const setIfAbsent = (path: string, value: string) => {
    const p = parseCatalogPath(path);
    const holder = buildPath(doc, path);
    if (p.attribute) {
      if (holder.attrs[p.attribute.local] === undefined) holder.attrs[p.attribute.local] = value;
    } else if (holder.text === undefined && holder.children.length === 0) holder.text = value;
  };
  switch (part) {
    case 'recordTarget':
      setIfAbsent('hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name', v.patient.name);
      return;
    case 'author':
      setIfAbsent('hl7:author/hl7:time/@value', v.documentTime);
      if (!exists) {
        Object.assign(buildPath(doc, 'hl7:author/hl7:assignedAuthor/hl7:id').attrs, { root: '2.16.156.10011.1.7', extension: v.clinician.id });
        setIfAbsent('hl7:author/hl7:assignedAuthor/hl7:assignedPerson/hl7:name', v.clinician.name);
      }
      return;
    case 'custodian':
      if (!exists) {
        Object.assign(buildPath(doc, 'hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization/hl7:id').attrs, { root: '2.16.156.10011.1.5', extension: v.org.code });
        setIfAbsent('hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization/hl7:name', v.org.name);
      }
      return;
    case 'legalAuthenticator':
    case 'authenticator':
      if (!exists) {
        buildPath(doc, `hl7:${part}/hl7:time/@value`, v.documentTime);
        buildPath(doc, `hl7:${part}/hl7:signatureCode/@code`, 'S');
        Object.assign(buildPath(doc, `hl7:${part}/hl7:assignedEntity/hl7:id`).attrs, { root: '2.16.156.10011.1.4', extension: v.clinician.id });
        buildPath(doc, `hl7:${part}/hl7:assignedEntity/hl7:assignedPerson/hl7:name`, v.clinician.name);
      }
      return;
    case 'participant':
      if (!exists) {
        buildPath(doc, "hl7:participant[@typeCode='NOT']/hl7:associatedEntity/hl7:associatedPerson/hl7:name", v.contact.name);
      }
      return;
    case 'componentOf':
      if (!doc.children.some((c) => c.name === 'componentOf' && c.children.some((e) => e.children.some((x) => x.name === 'effectiveTime')))) {
        buildPath(doc, 'hl7:componentOf/hl7:encompassingEncounter/hl7:effectiveTime/@value', v.visit.start);
      }
      return;
    case 'informant':
      if (!exists) buildPath(doc, 'hl7:informant/hl7:assignedEntity/hl7:assignedPerson/hl7:name', v.patient.name);
      return;
    default:
      // the rest (relatedDocument, documentationOf …) get what the schema requires from completeStructure
      if (!exists) buildPath(doc, `hl7:${part}`);
  }
}

/** Put one entry's value at its path, the carrying element typed and described as its data type says. */
function placeEntry(ctx: XmlNode, entry: EntryTemplate, catalog: Catalog, visit: VisitContext, rng: Rng, window: TimeWindow, at: number, notes: SampleNote[]): SampleValue | undefined {
  const dup = wouldDuplicate(ctx, entry.xpath);
  if (dup !== undefined && entry.cardinality.startsWith('0')) {
    notes.push({ entry, reason: 'duplicate', element: dup });
    return undefined;
  }
  const name = isPersonName(entry) ? fitVisitValue(entry, personName(rng)) : undefined;
  const generated = name !== undefined ? named(name) : sampleValue(entry, catalog, rng, window);
  const fromVisit = fitVisitValue(entry, visitValue(entry, visit, at));
  const v: SampleValue = fromVisit !== undefined
    ? { ...generated, value: fromVisit, display: fromVisit, ...(generated.coded ? { coded: { ...codedFromVisit(entry, catalog, fromVisit) } } : {}) }
    : generated;
  const p = parseCatalogPath(entry.xpath);
  const holder = buildPath(ctx, entry.xpath);
  // a text-typed entry whose value lands in a numeric attribute (age/@value is a PQ): write a number
  if (p.attribute?.local === 'value' && fromVisit === undefined && !NUMERIC_DT.has(entry.dataType) && NUMERIC_SCHEMA.has(schemaTypeOf(holder) ?? '')) {
    const n = valueForFormat(formatOrUndefined(entry.format), rng, window, { numeric: true, integer: true });
    Object.assign(v, { value: n, display: n });
  }
  const set = (k: string, val: string | undefined) => { if (val !== undefined && holder.attrs[k] === undefined) holder.attrs[k] = val; };

  if (p.attribute) {
    const key = p.attribute.prefix === 'xsi' ? `xsi:${p.attribute.local}` : p.attribute.local;
    // a predicate may already have written this attribute (…/code[@displayName='x']/@displayName): keep it
    if (holder.attrs[key] === undefined) holder.attrs[key] = v.value;
    if (p.attribute.local === 'code' && v.coded && entry.dataType !== 'CS') {
      set('codeSystem', v.coded.codeSystem);
      set('codeSystemName', v.coded.codeSystemName);
      set('displayName', v.coded.displayName);
    }
    if (p.attribute.local === 'value' && (entry.dataType === 'PQ' || entry.dataType === 'MO') && holder.name !== 'age') {
      set(entry.dataType === 'MO' ? 'currency' : 'unit', entry.unit);
    }
    return v;
  }

  if (holder.name === 'value') holder.attrs['xsi:type'] = xsiType(entry);
  switch (entry.dataType) {
    case 'CD': case 'CE': case 'CV': case 'CS':
      set('code', v.coded?.code ?? v.value);
      if (entry.dataType !== 'CS') {
        set('codeSystem', v.coded?.codeSystem);
        set('codeSystemName', v.coded?.codeSystemName);
        set('displayName', v.coded?.displayName);
      }
      break;
    case 'PQ':
      set('value', v.value);
      set('unit', entry.unit);
      break;
    case 'MO':
      set('value', v.value);
      set('currency', entry.unit ?? 'CNY');
      break;
    case 'IVL_TS':
      buildPath(holder, 'hl7:low/@value', v.value);
      buildPath(holder, 'hl7:high/@value', v.value);
      break;
    case 'IVL_PQ':
      buildPath(holder, 'hl7:low/@value', v.value);
      buildPath(holder, 'hl7:high/@value', v.value);
      if (entry.unit) for (const c of holder.children) c.attrs['unit'] = entry.unit;
      break;
    case 'RTO':
      buildPath(holder, 'hl7:numerator/@value', v.value);
      buildPath(holder, 'hl7:denominator/@value', '1');
      break;
    case 'TS': case 'INT': case 'REAL': case 'BL': case 'TEL':
      set('value', v.value);
      break;
    case 'II':
      set('extension', v.value);
      break;
    default: // ST, ED, PN, AD, ON: text content
      if (holder.text === undefined && holder.children.length === 0) holder.text = v.value;
  }
  return v;
}

/** 姓名 elements (DE02.01.039.00 is every person's name: patient, signer, contact) get a 测试 name. */
function isPersonName(entry: EntryTemplate): boolean {
  if (entry.de === 'DE02.01.039.00') return true;
  return /(assignedPerson|associatedPerson|guardianPerson|relatedPerson|informationRecipient)\/hl7:name$/.test(entry.xpath);
}

function named(name: string): SampleValue {
  return { value: name, display: name };
}

const NUMERIC_DT = new Set(['PQ', 'INT', 'REAL', 'MO', 'IVL_PQ', 'RTO', 'TS', 'IVL_TS', 'BL']);
const NUMERIC_SCHEMA = new Set(['PQ', 'INT', 'REAL', 'MO', 'IVXB_PQ', 'IVXB_INT', 'IVXB_REAL', 'IVXB_MO']);

function formatOrUndefined(format: string) {
  try {
    return parseFormat(format);
  } catch {
    return undefined;
  }
}

function xsiType(entry: EntryTemplate): string {
  if (entry.dataType === 'RTO') return 'RTO_PQ_PQ';
  return entry.dataType;
}

/** A visit value shaped to the entry's format (a DT visit time for a D8 element is cut to the date); undefined when it cannot fit. */
function fitVisitValue(entry: EntryTemplate, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let fmt;
  try {
    fmt = parseFormat(entry.format);
  } catch {
    return value;
  }
  const candidate = fmt.kind === 'date' && /^\d{14}$/.test(value) ? value.slice(0, 8) : value;
  return checkValue(fmt, candidate).ok ? candidate : undefined;
}

function codedFromVisit(entry: EntryTemplate, catalog: Catalog, code: string): NonNullable<SampleValue['coded']> {
  const vs = entry.valueSet ? catalog.valueSets.get(entry.valueSet) : undefined;
  const concept = vs?.concepts.find((c) => c.code === code);
  if (!vs || !concept) return { code, ...(entry.valueSet ? { codeSystem: entry.valueSet } : {}) };
  return { code, codeSystem: vs.oid, codeSystemName: vs.name, displayName: concept.display };
}

const DE_ID = /^DE\d{2}\.\d{2}\.\d{3}\.\d{2}$/;

/** Observation codes that name a data element get the data-element code system and the element's name. */
function decorateDataElementCodes(root: XmlNode, catalog: Catalog, fallbackNames: Map<string, string>): void {
  const visit = (n: XmlNode): void => {
    if (n.name === 'code' && DE_ID.test(n.attrs['code'] ?? '') && n.attrs['codeSystem'] === undefined) {
      n.attrs['codeSystem'] = DE_CODE_SYSTEM;
      n.attrs['codeSystemName'] = DE_CODE_SYSTEM_NAME;
      const name = catalog.dataElements.get(n.attrs['code']!)?.name ?? fallbackNames.get(n.attrs['code']!);
      if (name !== undefined && n.attrs['displayName'] === undefined) n.attrs['displayName'] = name;
    }
    for (const c of n.children) visit(c);
  };
  visit(root);
}

