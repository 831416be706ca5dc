import { XmlAttribute, XmlElement, type XmlDocument } from 'libxml2-wasm';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { checkValue, parseFormat } from '../../src/catalog/format.js';
import type { DocumentTemplate, EntryTemplate, SectionTemplate } from '../../src/catalog/types.js';
import { sampleDocumentTree } from '../../src/samples/document.js';
import { buildRequest } from '../../src/samples/message.js';
import { sampleEntityValues } from '../../src/samples/message-values.js';
import { detect } from '../../src/validate/detect.js';
import type { LayerContext } from '../../src/validate/layers/context.js';
import { runMessage } from '../../src/validate/layers/message.js';
import { summarise } from '../../src/validate/layers/package.js';
import { runTemplate } from '../../src/validate/layers/template.js';
import { runTerminology } from '../../src/validate/layers/terminology.js';
import { descendantsJ, lineOfJ, scanTree, selectJ, treeFromDom, valueOfJ, xpathOfJ, type JElement, type JSelected } from '../../src/xml/jstree.js';
import { parseXmlText } from '../../src/xml/parse.js';
import { flat } from '../xml/tree-flat.js';
import { nodeLine, selectPath, serialize, valueOf, xpathOf, type Selected } from '../../src/xml/index.js';
import { catalog, entryNode, fileNameOf, messageCorpus, mutate, sample, sectionEl, setAttr, setText, template, valueHolder, request, response, wrap, type InputCase } from './helpers.js';

/*
 * The content layers read a JavaScript tree (src/xml/jstree.ts) instead of asking libxml2-wasm
 * XPath per rule. Before the switch, the findings of both evaluations were compared over this
 * corpus (3,072 inputs: identical rule, severity, xpath, line and message). What stays checked
 * here, on the same corpus — every sample document (53 WS/T 500, 20 WS/T 483), every mutation
 * class of documents.test.ts over every template, text-level variants (CRLF, CR, references,
 * CDATA, comments, PIs, prefixes, DOCTYPE, GBK, BOM, > 65535 lines), and every service's V3
 * request and response with the mutations of messages.test.ts:
 *   1. the scanner's tree equals the tree read from libxml2's DOM, node for node (name,
 *      namespace, line, position, attributes, text content);
 *   2. every catalogue path the layers evaluate selects the same nodes (xpath, line, value) on
 *      the tree as libxml2's XPath selects on the DOM, and the tree's document order is //*'s;
 *   3. the layers give the same findings on both trees.
 */

type Case = InputCase;

const fileOf = fileNameOf;

/** Entries of a template with their section, header first. */
function entriesOf(t: DocumentTemplate): { s?: SectionTemplate; e: EntryTemplate }[] {
  return [...t.header.elements.map((e) => ({ e })), ...t.sections.flatMap((s) => s.entries.map((e) => ({ s, e })))];
}

function tryMutate(out: Case[], name: string, t: DocumentTemplate, fn: (root: XmlElement) => void): void {
  let xml: string;
  try {
    xml = mutate(sample(t), fn);
  } catch {
    return; // the sample lacks the node this mutation needs
  }
  out.push({ name, input: xml, opts: { fileName: fileOf(t) } });
}

/** Documents: every sample and every mutation class of the document tests, over every template. */
function documentCases(): Case[] {
  const out: Case[] = [];
  for (const t of catalog.documents) {
    const xml = sample(t);
    out.push({ name: `sample ${t.code}`, input: xml, opts: { fileName: fileOf(t) } });
    out.push({ name: `sample ${t.code} anonymous`, input: sample(t, 7), opts: {} });
    const entries = entriesOf(t);
    const required = entries.filter((x) => x.e.cardinality === '1..1' || x.e.cardinality === '1..*');
    for (const at of required.filter((_, i) => i % 7 === 0)) {
      tryMutate(out, `${t.code} drop ${at.e.de} ${at.e.xpath}`, t, (root) => valueHolder(entryNode(root, at)).remove());
    }
    for (const s of t.sections.slice(0, 2)) tryMutate(out, `${t.code} drop section ${s.code}`, t, (root) => sectionEl(root, s.code).parent!.remove());
    const once = t.sections.find((x) => x.cardinality === '0..1' || x.cardinality === '1..1');
    if (once) {
      const tree = sampleDocumentTree(t, catalog, { seed: 1 });
      const body = tree.children.find((c) => c.name === 'component')?.children.find((c) => c.name === 'structuredBody');
      const comp = body?.children.find((c) => c.children.some((x) => x.name === 'section' && x.children.some((k) => k.name === 'code' && k.attrs.code === once.code)));
      if (body && comp) {
        body.children.push(comp);
        out.push({ name: `${t.code} section twice`, input: serialize(tree, { declaration: true }), opts: { fileName: fileOf(t) } });
      }
    }
    for (const at of entries.filter((x) => x.e.valueSet !== undefined).slice(0, 3)) {
      tryMutate(out, `${t.code} codeSystem ${at.e.de}`, t, (root) => setAttr(valueHolder(entryNode(root, at)), 'codeSystem', '2.16.156.10011.2.3.9.999'));
      const vs = catalog.valueSets.get(at.e.valueSet!);
      const fmt = parseFormat(at.e.format);
      const outside = ['7', '8', '6', '99', '98', '97', 'ZZ', '999', '0000'].find((c) => !vs?.concepts.some((x) => x.code === c) && checkValue(fmt, c).ok);
      if (outside) tryMutate(out, `${t.code} code ${at.e.de}`, t, (root) => setAttr(valueHolder(entryNode(root, at)), 'code', outside));
      tryMutate(out, `${t.code} displayName ${at.e.de}`, t, (root) => setAttr(valueHolder(entryNode(root, at)), 'displayName', '别的名字'));
    }
    for (const at of entries.filter((x) => x.e.format === 'D8' && x.e.dataType === 'TS').slice(0, 2)) {
      for (const bad of ['20230230', '20231301']) {
        tryMutate(out, `${t.code} date ${bad} ${at.e.de}`, t, (root) => {
          const n = entryNode(root, at);
          if (n instanceof XmlAttribute) n.value = bad;
          else setAttr(n, 'value', bad);
        });
      }
    }
    tryMutate(out, `${t.code} effectiveTime`, t, (root) => setAttr(selectPath(root, 'hl7:effectiveTime')[0] as XmlElement, 'value', '20230230101010'));
    tryMutate(out, `${t.code} effectiveTime shape`, t, (root) => setAttr(selectPath(root, 'hl7:effectiveTime')[0] as XmlElement, 'value', '2023-02-03'));
    for (const at of entries.filter((x) => x.s !== undefined && x.e.dataType === 'ST' && /^A?N?\.\.\d+$/.test(x.e.format) && x.e.xpath.endsWith('hl7:value')).slice(0, 2)) {
      const max = Number(at.e.format.split('..')[1]);
      tryMutate(out, `${t.code} too long ${at.e.de}`, t, (root) => setText(entryNode(root, at) as XmlElement, '测'.repeat(max + 1)));
      tryMutate(out, `${t.code} empty ${at.e.de}`, t, (root) => setText(entryNode(root, at) as XmlElement, ' '));
    }
    for (const at of entries.filter((x) => x.e.dataType === 'PQ' && x.e.xpath.endsWith('hl7:value')).slice(0, 2)) {
      tryMutate(out, `${t.code} decimals ${at.e.de}`, t, (root) => setAttr(valueHolder(entryNode(root, at)), 'value', '36.555'));
      tryMutate(out, `${t.code} unit ${at.e.de}`, t, (root) => setAttr(valueHolder(entryNode(root, at)), 'unit', 'furlong'));
      tryMutate(out, `${t.code} xsi:type ${at.e.de}`, t, (root) => setAttr(valueHolder(entryNode(root, at)), 'type', 'ST', 'xsi'));
      tryMutate(out, `${t.code} nullFlavor ${at.e.de}`, t, (root) => setAttr(valueHolder(entryNode(root, at)), 'nullFlavor', 'UNK'));
    }
    for (const at of entries.filter((x) => /hl7:id\[@root='[0-9.]+'\]\/@extension$/.test(x.e.xpath)).slice(0, 2)) {
      tryMutate(out, `${t.code} id root ${at.e.de}`, t, (root) => setAttr(valueHolder(entryNode(root, at)), 'root', '2.16.156.10011.1.99'));
    }
    tryMutate(out, `${t.code} templateId`, t, (root) => setAttr(selectPath(root, 'hl7:templateId')[0] as XmlElement, 'root', template('C0033').templateId));
    tryMutate(out, `${t.code} doc code`, t, (root) => setAttr(selectPath(root, 'hl7:code')[0] as XmlElement, 'code', 'C0099'));
    tryMutate(out, `${t.code} both unknown`, t, (root) => {
      setAttr(selectPath(root, 'hl7:code')[0] as XmlElement, 'code', 'C0099');
      setAttr(selectPath(root, 'hl7:templateId')[0] as XmlElement, 'root', '1.2.3');
    });
    tryMutate(out, `${t.code} realmCode`, t, (root) => (selectPath(root, 'hl7:realmCode')[0] as XmlElement).remove());
    tryMutate(out, `${t.code} typeId`, t, (root) => setAttr(selectPath(root, 'hl7:typeId')[0] as XmlElement, 'extension', 'X'));
    tryMutate(out, `${t.code} title`, t, (root) => setText(selectPath(root, 'hl7:title')[0] as XmlElement, '别的标题'));
    out.push({ name: `${t.code} xsd`, input: xml.replace('</structuredBody>', '<notInCda/></structuredBody>'), opts: { fileName: fileOf(t) } });
    out.push({ name: `${t.code} other file name`, input: xml, opts: { fileName: 'EMR-SD-02-门（急）诊病历-测试-T01-001.xml' } });
  }
  return out;
}

/** Text-level variants the scanner must read as libxml2 does (line ends, references, CDATA, prefixes, DOCTYPE, GBK). */
function textCases(): Case[] {
  const out: Case[] = [];
  for (const code of ['C0001', 'C0032', 'C0041']) {
    const t = template(code);
    const xml = sample(t);
    const o = { fileName: fileOf(t) };
    out.push({ name: `${code} CRLF`, input: xml.replace(/\n/g, '\r\n'), opts: o });
    out.push({ name: `${code} CR`, input: xml.replace(/\n/g, '\r'), opts: o });
    out.push({ name: `${code} one line`, input: xml.replace(/\n\s*/g, ''), opts: o });
    out.push({ name: `${code} comments and PIs`, input: xml.replace(/<\/title>/, '</title><!-- a <comment> --><?pi x?>').replace(/<code /g, '<!--c-->\n<code '), opts: o });
    out.push({ name: `${code} multi-line tags`, input: xml.replace(/ (code|codeSystem|value|root)="/g, '\n\t $1 = "'), opts: o });
    out.push({ name: `${code} references`, input: xml.replace(/>([^<>\n]+)</g, (_, s: string) => `>${[...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('')}<`).replace(/displayName="([^"]*)"/g, 'displayName="&#32;$1&#9;&amp;"'), opts: o });
    out.push({ name: `${code} CDATA`, input: xml.replace(/>([^<>\n]+)</g, '><![CDATA[$1]]><'), opts: o });
    out.push({ name: `${code} attribute white space`, input: xml.replace(/displayName="([^"]*)"/g, 'displayName="\t$1\n x"'), opts: o });
    out.push({ name: `${code} single quotes`, input: xml.replace(/ (\w+)="([^"]*)"/g, " $1='$2'"), opts: o });
    out.push({ name: `${code} hl7 prefix`, input: xml.replace(/<(\/?)(?!\?|!)([A-Za-z])/g, '<$1hl7:$2').replace('xmlns="urn:hl7-org:v3"', 'xmlns:hl7="urn:hl7-org:v3"'), opts: o });
    out.push({ name: `${code} nested default namespace`, input: xml.replace('</structuredBody>', '<x xmlns="urn:other"><code code="1" codeSystem="2.16.156.10011.2.3.1.1"/></x></structuredBody>'), opts: o });
    out.push({ name: `${code} DOCTYPE`, input: xml.replace(/^(<\?xml[^>]*\?>)?/, '$1<!DOCTYPE ClinicalDocument>'), opts: o });
    out.push({ name: `${code} GBK`, input: iconv.encode(xml.replace('encoding="UTF-8"', 'encoding="GBK"'), 'gbk'), opts: o });
    out.push({ name: `${code} BOM`, input: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]), opts: o });
    out.push({ name: `${code} bytes`, input: Buffer.from(xml), opts: o });
  }
  // more than 65535 lines: libxml2 stops counting element lines there
  const t = template('C0001');
  out.push({ name: 'C0001 many lines', input: sample(t).replace('<realmCode', `${'<!-- -->\n'.repeat(70_000)}<realmCode`).replace('</structuredBody>', '<notInCda/></structuredBody>'), opts: { fileName: fileOf(t) } });
  return out;
}


/** V3 messages: every service's request and response, and the message mutations of messages.test.ts. */
function messageCases(): Case[] {
  const svc = (code: string) => catalog.services.find((s) => s.code === code)!;
  const out = messageCorpus((s, fileName) => {
    const more: Case[] = [];
    if (s.responseRecords) more.push({ name: `${s.code} response two`, input: response(s, 'AA', 2), opts: { expect: { service: s.code, records: 'none' } } });
    const entity = catalog.entities.get(s.entity)!;
    const field = entity.fields.find((f) => f.required);
    if (field) {
      const values = sampleEntityValues(entity, 1);
      delete values[field.name];
      more.push({ name: `${s.code} without ${field.name}`, input: buildRequest(s, entity, values, wrap), opts: { fileName } });
    }
    return more;
  });
  const reg = svc('PatientInfoRegister');
  out.push({ name: 'AE bare', input: mutate(response(reg, 'AE'), (root) => (selectPath(root, 'hl7:acknowledgement/hl7:acknowledgementDetail')[0] as XmlElement).remove()), opts: { expect: { service: reg.code, requestId: wrap.messageId } } });
  out.push({ name: 'no acknowledgement', input: mutate(response(reg), (root) => (selectPath(root, 'hl7:acknowledgement')[0] as XmlElement).remove()), opts: { expect: { service: reg.code, requestId: wrap.messageId } } });
  out.push({ name: 'another service expected', input: request(reg), opts: { expect: { service: 'ProviderInfoRegister' } } });
  out.push({ name: 'file name of another service', input: request(reg), opts: { fileName: `${svc('ProviderInfoRegister').caseId}-x-T01.xml` } });
  out.push({ name: 'request CRLF', input: request(reg).replace(/\n/g, '\r\n'), opts: {} });
  return out;
}

function allCases(): (Case & { deep: boolean })[] {
  const docs = documentCases().map((c) => ({ ...c, deep: c.name.startsWith('sample ') }));
  const rest = [...textCases(), ...messageCases()].map((c) => ({ ...c, deep: true }));
  return [...docs, ...rest].map((c, i) => ({ ...c, name: `${i} ${c.name}`, deep: c.deep || i % 5 === 0 }));
}


// ------------------------------------------------------------------------------- checks

const oldSel = (nodes: Selected[]) => nodes.map((n) => `${xpathOf(n)} @${nodeLine(n) ?? '-'} ${JSON.stringify(valueOf(n))}`);
const newSel = (nodes: JSelected[]) => nodes.map((n) => `${xpathOfJ(n)} @${lineOfJ(n) ?? '-'} ${JSON.stringify(valueOfJ(n))}`);

const SECTION_PATH = 'hl7:component/hl7:structuredBody/hl7:component/hl7:section';

/** Catalogue paths of the detected template or service, each with the contexts the layers evaluate it from. */
function pathsFor(doc: XmlDocument, tree: JElement, c: Case): { ctx: [XmlElement, JElement]; paths: string[] }[] {
  const d = detect(tree, catalog, c.opts.fileName ?? '<input>', c.opts.expect);
  const root: [XmlElement, JElement] = [doc.root, tree];
  const out: { ctx: [XmlElement, JElement]; paths: string[] }[] = [{ ctx: root, paths: ['hl7:templateId', 'hl7:code', 'hl7:templateId/@root', SECTION_PATH] }];
  if (d.template) {
    out.push({ ctx: root, paths: d.template.header.elements.map((e) => e.xpath) });
    const a = selectPath(doc.root, SECTION_PATH).filter((n): n is XmlElement => n instanceof XmlElement);
    const b = selectJ(tree, SECTION_PATH) as JElement[];
    const entries = d.template.sections.flatMap((s) => s.entries.map((e) => e.xpath));
    a.forEach((s, i) => out.push({ ctx: [s, b[i]!], paths: ['hl7:code/@code', 'hl7:entry/hl7:observation/hl7:code', ...entries] }));
  }
  const s = d.service;
  if (s) {
    const fields = catalog.entities.get(s.entity)?.fields.map((f) => f.xpath) ?? [];
    out.push({ ctx: root, paths: [s.payloadRoot, ...(s.responseRecords ? [s.responseRecords.records] : [])] });
    const payloads = (ctx: [XmlElement, JElement], p: string) => {
      const a = selectPath(ctx[0], p).filter((n): n is XmlElement => n instanceof XmlElement);
      const b = selectJ(ctx[1], p) as JElement[];
      return a.map((x, i): [XmlElement, JElement] => [x, b[i]!]);
    };
    for (const p of payloads(root, s.payloadRoot)) out.push({ ctx: p, paths: fields });
    if (s.responseRecords) {
      const rr = s.responseRecords;
      for (const r of payloads(root, rr.records)) for (const p of payloads(r, rr.payloadRoot)) out.push({ ctx: p, paths: fields });
    }
  }
  return out;
}

function findings(tree: JElement, doc: XmlDocument, c: Case): unknown {
  const file = c.opts.fileName ?? '<input>';
  const detection = detect(tree, catalog, file, c.opts.expect);
  const ctx: LayerContext = { file, root: tree, catalog, detection, ...(c.opts.expect ? { expect: c.opts.expect } : {}) };
  if (tree.local === 'ClinicalDocument') {
    const t = runTemplate(ctx);
    return [t.findings.list, runTerminology(ctx, t.resolved).list, summarise(tree, file, detection.template?.code)];
  }
  return [runMessage(ctx).list, runTerminology(ctx, []).list];
}

describe('the JavaScript tree reads every input as libxml2 does', () => {
  const cases = allCases();

  it('covers the samples, the mutation classes, the text variants and the V3 messages', () => {
    expect(cases.filter((c) => c.name.includes(' sample ')).length).toBe(2 * catalog.documents.length);
    expect(catalog.documents.filter((d) => d.family === 'wst483')).toHaveLength(20);
    expect(cases.filter((c) => / request$/.test(c.name))).toHaveLength(catalog.services.length);
    expect(cases.length).toBeGreaterThan(2500);
    expect(cases.length).toBeLessThanOrEqual(3200);
  });

  // libxml2's side of the comparison crosses into wasm for every node: the XPath and findings
  // checks run on every sample, text variant and message and on every fifth input; the trees of
  // all inputs are compared

  const check = (from: number, to: number) => {
    let paths = 0;
    for (let i = from; i < Math.min(to, cases.length); i++) {
      const c = cases[i]!;
      const { doc, text } = parseXmlText(c.input);
      try {
        const scanned = /<!DOCTYPE/.test(text) ? undefined : scanTree(text);
        const dom = treeFromDom(doc);
        const tree = scanned ?? dom;
        if (scanned) expect(flat(scanned), c.name).toEqual(flat(dom));
        if (!c.deep) continue;
        if (scanned) expect(findings(scanned, doc, c), c.name).toEqual(findings(dom, doc, c));
        // document order and positions as libxml2's //*
        expect([...descendantsJ(tree)].map(xpathOfJ), c.name).toEqual(doc.find('//*').map((n) => xpathOf(n as XmlElement)));
        for (const { ctx, paths: ps } of pathsFor(doc, tree, c)) {
          expect(xpathOfJ(ctx[1]), c.name).toBe(xpathOf(ctx[0]));
          for (const p of ps) {
            expect(newSel(selectJ(ctx[1], p)), `${c.name}: ${p}`).toEqual(oldSel(selectPath(ctx[0], p)));
            paths++;
          }
        }
      } finally {
        doc.dispose();
      }
    }
    return paths;
  };

  // slices keep each test short on a loaded machine
  const SLICE = 400;
  for (let from = 0; from < 3200; from += SLICE) {
    it(`inputs ${from}–${from + SLICE - 1}: node for node, path for path, finding for finding`, () => {
      if (from >= cases.length) return;
      expect(check(from, from + SLICE)).toBeGreaterThan(100);
    }, 300_000);
  }
});
