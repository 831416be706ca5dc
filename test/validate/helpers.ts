import { existsSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { XmlAttribute, XmlElement, XmlText } from 'libxml2-wasm';
import { loadCatalog, type LoadedCatalog } from '../../src/catalog/index.js';
import type { DocumentTemplate, EntryTemplate, SectionTemplate, ServiceDef } from '../../src/catalog/types.js';
import { sampleDocument } from '../../src/samples/document.js';
import { buildAck, buildQueryResponse, buildRequest } from '../../src/samples/message.js';
import { sampleEntityValues } from '../../src/samples/message-values.js';
import type { VisitContext } from '../../src/samples/visit.js';
import { resolveBinding, wrapRequest } from '../../src/transport/index.js';
import type { FileResult, ValidateTextOptions } from '../../src/validate/index.js';
import { selectPath, withXml } from '../../src/xml/index.js';

export const catalog: LoadedCatalog = loadCatalog();

/** ../shared/reference beside the repository, when this checkout has it (an outside oracle only). */
export const SHARED = new URL('../../../shared/reference/', import.meta.url);
export const hasShared = existsSync(SHARED);

export function sample(t: DocumentTemplate, seed = 1, visit?: VisitContext): string {
  return sampleDocument(t, catalog, { seed, ...(visit ? { visit } : {}) });
}

export function template(code: string): DocumentTemplate {
  const t = catalog.documents.find((d) => d.code === code);
  if (!t) throw new Error(`no template ${code}`);
  return t;
}

export function rules(r: FileResult, severity?: 'error' | 'warning' | 'info'): string[] {
  return [...new Set(r.findings.filter((f) => severity === undefined || f.severity === severity).map((f) => f.rule))].sort();
}

export function errors(r: FileResult): string[] {
  return r.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.line ?? ''} ${f.message} @ ${f.xpath ?? ''}`);
}

/** Parse, change with libxml2's DOM, serialise. */
export function mutate(xml: string, fn: (root: XmlElement) => void): string {
  return withXml(xml, (doc) => {
    fn(doc.root);
    return doc.toString();
  });
}

const SECTIONS = 'hl7:component/hl7:structuredBody/hl7:component/hl7:section';

export function sectionEl(root: XmlElement, code: string): XmlElement {
  const s = selectPath(root, `${SECTIONS}[hl7:code/@code='${code}']`)[0];
  if (!(s instanceof XmlElement)) throw new Error(`no section ${code}`);
  return s;
}

/** The first (template, section?, entry) the predicate accepts, header entries first. */
export function findEntry(pred: (e: EntryTemplate, t: DocumentTemplate, s?: SectionTemplate) => boolean): { t: DocumentTemplate; s?: SectionTemplate; e: EntryTemplate } {
  for (const t of catalog.documents) {
    for (const e of t.header.elements) if (pred(e, t)) return { t, e };
    for (const s of t.sections) for (const e of s.entries) if (pred(e, t, s)) return { t, s, e };
  }
  throw new Error('no entry matches');
}

/** The node an entry's path selects in a parsed sample. */
export function entryNode(root: XmlElement, at: { s?: SectionTemplate; e: EntryTemplate }): XmlElement | XmlAttribute {
  const ctx = at.s ? sectionEl(root, at.s.code) : root;
  const n = selectPath(ctx, at.e.xpath)[0];
  if (!n) throw new Error(`entry ${at.e.de} not in sample`);
  return n;
}

/** Set an attribute, replacing the existing one (libxml2-wasm's setAttr would add a second). */
export function setAttr(el: XmlElement, name: string, value: string, prefix?: string): void {
  const have = prefix ? el.attrs.find((a) => a.name === name && a.prefix === prefix) : el.attr(name);
  if (have) have.value = value;
  else el.setAttr(name, value, prefix);
}

/** Replace an element's text (libxml2-wasm lets only text nodes change content). */
export function setText(el: XmlElement, text: string): void {
  const t = el.firstChild;
  if (!(t instanceof XmlText)) throw new Error(`<${el.name}> has no text to change`);
  t.content = text;
}

/** The element carrying an entry's value (the attribute's element for attribute paths). */
export function valueHolder(n: XmlElement | XmlAttribute): XmlElement {
  return n instanceof XmlAttribute ? n.parent! : n;
}

/** A stored (uncompressed) zip archive; enough for tests, including hostile entry names. */
export function zipStore(entries: { name: string; data: Buffer | string }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Wrapper of the V3 messages the message tests build (request, then the platform's answer). */
export const wrap = { messageId: 'REQ-0001', creationTime: '20250301093000', sender: 'HIS01', receiver: 'HIP01' };
export const answer = { messageId: 'RSP-0001', creationTime: '20250301093001', sender: 'HIP01', receiver: 'HIS01' };

/** A conformant request of the service, built from the catalogue. */
export function request(s: ServiceDef, seed = 1): string {
  const entity = catalog.entities.get(s.entity)!;
  return buildRequest(s, entity, sampleEntityValues(entity, seed), wrap);
}

/** The acknowledgement or query response to request(s), with `records` records. */
export function response(s: ServiceDef, typeCode: 'AA' | 'AE' = 'AA', records = 1): string {
  const entity = catalog.entities.get(s.entity)!;
  if (s.responseRecords) {
    const rows = Array.from({ length: records }, (_, i) => sampleEntityValues(entity, i + 1));
    return buildQueryResponse(s, entity, wrap.messageId, rows, { ...answer, typeCode });
  }
  return buildAck({ messageId: wrap.messageId, interactionId: s.request }, { ...answer, typeCode });
}

/** One input of the corpus tests that compare two ways of validating (fast path, JS tree). */
export interface InputCase {
  name: string;
  input: string | Uint8Array;
  opts: ValidateTextOptions;
}

/** A test-package file name that detect() maps to the template. */
export const fileNameOf = (t: { testPrefix: string; title: string }) => `${t.testPrefix}-${t.title}-测试患者-T01-001.xml`;

function firstEl(root: XmlElement, path: string): XmlElement {
  const n = selectPath(root, path)[0];
  if (!(n instanceof XmlElement)) throw new Error(`no ${path}`);
  return n;
}

/**
 * V3 messages as messages.test.ts probes them: every service's request (named by file and
 * anonymous) and its answers (AA, AE, another request id, no records), the request mutations of
 * PatientInfoRegister, an unknown interaction, and the request in both SOAP envelopes.
 * `perService` adds a caller's own cases right after each service's.
 */
export function messageCorpus(perService: (s: ServiceDef, fileName: string) => InputCase[] = () => []): InputCase[] {
  const out: InputCase[] = [];
  for (const s of catalog.services) {
    const fileName = `${s.caseId}-${s.name}-T01.xml`;
    const req = request(s);
    out.push({ name: `${s.code} request`, input: req, opts: { fileName } });
    out.push({ name: `${s.code} request anonymous`, input: req, opts: {} });
    const exp = { service: s.code, requestId: wrap.messageId, ...(s.responseRecords ? { records: 'some' as const } : {}) };
    out.push({ name: `${s.code} response`, input: response(s), opts: { expect: exp } });
    out.push({ name: `${s.code} response AE`, input: response(s, 'AE'), opts: { expect: exp } });
    out.push({ name: `${s.code} response other id`, input: response(s), opts: { expect: { ...exp, requestId: 'OTHER' } } });
    if (s.responseRecords) out.push({ name: `${s.code} response none`, input: response(s, 'AA', 0), opts: { expect: exp } });
    out.push(...perService(s, fileName));
  }
  const reg = catalog.services.find((s) => s.code === 'PatientInfoRegister')!;
  const req = request(reg);
  out.push({ name: 'interactionId', input: mutate(req, (root) => setAttr(firstEl(root, 'hl7:interactionId'), 'extension', 'PRPA_IN201314UV02')), opts: {} });
  out.push({ name: 'no sender', input: mutate(req, (root) => firstEl(root, 'hl7:sender').remove()), opts: {} });
  out.push({
    name: 'id and creationTime',
    input: mutate(req, (root) => {
      setAttr(firstEl(root, 'hl7:id'), 'root', '1.2.3');
      setAttr(firstEl(root, 'hl7:creationTime'), 'value', '20230230120000');
    }),
    opts: {},
  });
  out.push({ name: 'unknown interaction', input: req.replaceAll('PRPA_IN201311UV02', 'PRPA_IN999999UV99'), opts: {} });
  for (const kind of ['soap11', 'soap12'] as const) {
    out.push({ name: `envelope ${kind}`, input: wrapRequest(resolveBinding(kind), reg.code, req).body, opts: { fileName: `${reg.caseId}-${reg.name}-T01.xml` } });
  }
  return out;
}
