import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { XmlElement } from 'libxml2-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { validateOne } from '../../src/validate/file.js';
import { validateFiles, type FileOutcome, type ValidateStats, type ValidateTextOptions } from '../../src/validate/index.js';
import { workerScript } from '../../src/validate/pool.js';
import { selectPath } from '../../src/xml/index.js';
import { sampleDocuments, sampleMessages } from '../xsdjs/corpus.js';
import { catalog, fileNameOf, messageCorpus, mutate, request, sample, setAttr, setText, template, type InputCase } from './helpers.js';

/*
 * The fast accept path (src/validate/file.ts fastPath: decode, scanChecked, xsdjs acceptsTree)
 * decides a file without libxml2 only when it can prove what libxml2 would say. Checked here:
 *   1. it is actually taken for every document and message our generators produce (else it
 *      would never pay), and the manifest then names both XSD engines;
 *   2. every input gives exactly the same outcome (findings, kind, verdict, package summary)
 *      with the fast path on and forced off (`fastPath: false`), over the samples, the mutation
 *      classes of the document and message tests, text-level variants and hostile inputs;
 *   3. inputs it must not vouch for (schema-invalid, malformed, DOCTYPE, GBK, BOM, too deep)
 *      are left to libxml2.
 */

const outcomeOf = (o: FileOutcome) => JSON.stringify({ result: o.result, summary: o.summary });

function both(input: string | Uint8Array, opts: ValidateTextOptions = {}): { fast: FileOutcome; slow: FileOutcome } {
  const fast = validateOne(input, opts);
  const slow = validateOne(input, { ...opts, fastPath: false });
  expect(slow.fast).toBeUndefined();
  return { fast, slow };
}

const fileOf = fileNameOf;

interface Case extends InputCase {
  /** the fast path must leave this one to libxml2 */
  slow?: boolean;
}

function tryMutate(out: Case[], name: string, xml: string, fn: (root: XmlElement) => void, opts: ValidateTextOptions, slow?: boolean): void {
  let m: string;
  try {
    m = mutate(xml, fn);
  } catch {
    return; // the sample lacks the node the mutation needs
  }
  out.push({ name, input: m, opts, ...(slow ? { slow } : {}) });
}

function first(root: XmlElement, path: string): XmlElement {
  const n = selectPath(root, path)[0];
  if (!(n instanceof XmlElement)) throw new Error(`no ${path}`);
  return n;
}

/** The mutation classes of documents.test.ts and messages.test.ts, text variants, edge inputs. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const t of catalog.documents) {
    const xml = sample(t);
    const o = { fileName: fileOf(t) };
    out.push({ name: `${t.code} sample`, input: xml, opts: o });
    out.push({ name: `${t.code} other file name`, input: xml, opts: { fileName: 'EMR-SD-02-门（急）诊病历-测试-T01-001.xml' } });
    out.push({ name: `${t.code} not in CDA`, input: xml.replace('</structuredBody>', '<notInCda/></structuredBody>'), opts: o, slow: true });
    tryMutate(out, `${t.code} effectiveTime`, xml, (root) => setAttr(first(root, 'hl7:effectiveTime'), 'value', '20230230101010'), o);
    tryMutate(out, `${t.code} effectiveTime shape`, xml, (root) => setAttr(first(root, 'hl7:effectiveTime'), 'value', '2023-02-03'), o);
    tryMutate(out, `${t.code} templateId`, xml, (root) => setAttr(first(root, 'hl7:templateId'), 'root', template('C0033').templateId), o);
    tryMutate(out, `${t.code} doc code`, xml, (root) => setAttr(first(root, 'hl7:code'), 'code', 'C0099'), o);
    tryMutate(out, `${t.code} realmCode`, xml, (root) => first(root, 'hl7:realmCode').remove(), o);
    tryMutate(out, `${t.code} typeId`, xml, (root) => setAttr(first(root, 'hl7:typeId'), 'extension', 'X'), o);
    tryMutate(out, `${t.code} title`, xml, (root) => setText(first(root, 'hl7:title'), '别的标题'), o);
    tryMutate(out, `${t.code} gender codeSystem`, xml, (root) => setAttr(first(root, 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:administrativeGenderCode'), 'codeSystem', '2.16.156.10011.2.3.9.999'), o);
    tryMutate(out, `${t.code} id root`, xml, (root) => setAttr(first(root, 'hl7:id'), 'root', '1.2.3'), o);
    tryMutate(out, `${t.code} no recordTarget`, xml, (root) => first(root, 'hl7:recordTarget').remove(), o);
  }
  for (const code of ['C0001', 'C0032', 'C0041']) {
    const t = template(code);
    const xml = sample(t);
    const o = { fileName: fileOf(t) };
    out.push({ name: `${code} CRLF`, input: xml.replace(/\n/g, '\r\n'), opts: o });
    out.push({ name: `${code} one line`, input: xml.replace(/\n\s*/g, ''), opts: o });
    out.push({ name: `${code} comments and PIs`, input: xml.replace(/<\/title>/, '</title><!-- a <comment> --><?pi x?>'), opts: o });
    out.push({ name: `${code} references`, input: xml.replace(/displayName="([^"]*)"/g, 'displayName="&#32;$1&#9;&amp;"'), opts: o });
    out.push({ name: `${code} CDATA`, input: xml.replace(/>([^<>\n]+)</g, '><![CDATA[$1]]><'), opts: o });
    out.push({ name: `${code} hl7 prefix`, input: xml.replace(/<(\/?)(?!\?|!)([A-Za-z])/g, '<$1hl7:$2').replace('xmlns="urn:hl7-org:v3"', 'xmlns:hl7="urn:hl7-org:v3"'), opts: o });
    out.push({ name: `${code} DOCTYPE`, input: xml.replace(/^(<\?xml[^>]*\?>)?/, '$1<!DOCTYPE ClinicalDocument>'), opts: o, slow: true });
    out.push({ name: `${code} GBK`, input: iconv.encode(xml.replace('encoding="UTF-8"', 'encoding="GBK"'), 'gbk'), opts: o, slow: true });
    out.push({ name: `${code} BOM`, input: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]), opts: o, slow: true });
    out.push({ name: `${code} bytes`, input: Buffer.from(xml), opts: o });
    out.push({ name: `${code} truncated`, input: xml.slice(0, Math.floor(xml.length / 2)), opts: o, slow: true });
    out.push({ name: `${code} bad UTF-8`, input: Buffer.concat([Buffer.from(xml.slice(0, 200)), Buffer.from([0xff, 0xfe]), Buffer.from(xml.slice(200))]), opts: o, slow: true });
    out.push({ name: `${code} mismatched tag`, input: xml.replace('</title>', '</titel>'), opts: o, slow: true });
    out.push({ name: `${code} wrong namespace`, input: xml.replace('xmlns="urn:hl7-org:v3"', 'xmlns="urn:hl7-org:v2"'), opts: o, slow: true });
    out.push({ name: `${code} no namespace`, input: xml.replace(' xmlns="urn:hl7-org:v3"', ''), opts: o, slow: true });
  }
  // depth right at the limit and one past it (the fast path's scanner and pre-flight must agree)
  const nest = (n: number) => `<ClinicalDocument xmlns="urn:hl7-org:v3">${'<a>'.repeat(n - 1)}${'</a>'.repeat(n - 1)}</ClinicalDocument>`;
  out.push({ name: 'depth 40 of 40', input: nest(40), opts: { maxDepth: 40 } });
  out.push({ name: 'depth 41 of 40', input: nest(41), opts: { maxDepth: 40 }, slow: true });
  out.push({ name: 'not XML', input: 'just text', opts: {}, slow: true });
  out.push({ name: 'empty', input: '', opts: {}, slow: true });
  out.push({ name: 'unknown root', input: '<foo xmlns="urn:x"/>', opts: {}, slow: true });

  out.push(...messageCorpus());
  const reg = catalog.services.find((s) => s.code === 'PatientInfoRegister')!;
  out.push({ name: 'message not in schema', input: request(reg).replace('<interactionId', '<notInV3/><interactionId'), opts: {}, slow: true });
  return out;
}

describe('the fast accept path', () => {
  it('decides every document and message our generators produce, libxml2 not called', () => {
    const docs = sampleDocuments();
    const msgs = sampleMessages();
    expect(docs.length).toBeGreaterThanOrEqual(2 * 73);
    const notFast = [...docs, ...msgs].filter((x) => validateOne(x.text, {}).fast === undefined).map((x) => x.name);
    expect(notFast).toEqual([]);
    for (const d of docs.slice(0, 3)) expect(validateOne(d.text, {}).fast).toEqual({ xsd: 'xsd-documents' });
    for (const m of msgs.slice(0, 3)) expect(validateOne(m.text, {}).fast).toEqual({ xsd: 'xsd-messages' });
  });

  const all = cases();

  it('gives exactly the outcome of the libxml2 path, input by input', () => {
    let fast = 0;
    for (const c of all) {
      const r = both(c.input, c.opts);
      expect(outcomeOf(r.fast), c.name).toBe(outcomeOf(r.slow));
      if (r.fast.fast) fast++;
    }
    // most of the corpus is content-level mutations, which the fast path still decides
    expect(fast).toBeGreaterThan(all.length / 2);
  });

  it('leaves what it cannot prove to libxml2: schema-invalid, malformed, DOCTYPE, GBK, BOM, too deep, wrong namespace', () => {
    const slow = all.filter((c) => c.slow);
    expect(slow.length).toBeGreaterThan(40);
    const decided = slow.filter((c) => validateOne(c.input, c.opts).fast !== undefined).map((c) => c.name);
    expect(decided).toEqual([]);
  });
});

describe('validateFiles with the fast path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-fast-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const docs = catalog.documents.filter((d) => d.family === 'wst500');
  // 60 files: past the pool threshold; 3 of them the fast path must leave to libxml2
  for (let i = 0; i < 60; i++) {
    const t = docs[i % docs.length]!;
    let xml = sample(t, i + 1);
    if (i === 5) xml = xml.replace('</structuredBody>', '<notInCda/></structuredBody>');
    if (i === 6) xml = xml.replace('</title>', '</titel>');
    const bytes = i === 7 ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]) : Buffer.from(xml);
    writeFileSync(join(dir, `${t.testPrefix}-${t.title}-测试${i + 1}-T01-${String(i + 1).padStart(3, '0')}.xml`), bytes);
  }

  const sameButEngines = (a: Awaited<ReturnType<typeof validateFiles>>, b: Awaited<ReturnType<typeof validateFiles>>) => {
    expect(JSON.stringify(a.files)).toBe(JSON.stringify(b.files));
    const strip = (r: typeof a) => r.layers.map(({ engine: _e, engineVersion: _v, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
  };

  it('in-process: the same report as with the fast path off; the manifest names both XSD engines; stats count the fast files', async () => {
    const stats: ValidateStats = { files: 0, fast: 0 };
    const on = await validateFiles([dir], { workers: 0, stats });
    const offStats: ValidateStats = { files: 0, fast: 0 };
    const off = await validateFiles([dir], { workers: 0, fastPath: false, stats: offStats });
    sameButEngines(on, off);
    expect(stats).toEqual({ files: 60, fast: 57 });
    expect(offStats).toEqual({ files: 60, fast: 0 });
    expect(on.files.filter((f) => f.verdict !== 'pass').map((f) => f.path.slice(-7))).toEqual(['006.xml', '007.xml']);
    const xsdOn = on.layers.find((l) => l.id === 'xsd-documents')!;
    expect(xsdOn.engine).toBe('hutong xsdjs (accept) + libxml2-wasm (authority)');
    expect(xsdOn.engineVersion).toMatch(/^\S+ \/ libxml2-wasm \d/);
    expect(off.layers.find((l) => l.id === 'xsd-documents')!.engine).toBe('libxml2-wasm');
    // no V3 message in the folder: the messages layer stays libxml2's alone
    expect(on.layers.find((l) => l.id === 'xsd-messages')!.engine).toBe('libxml2-wasm');
  });

  it.skipIf(workerScript() === undefined)('with a worker thread: the same report and the same count', async () => {
    const stats: ValidateStats = { files: 0, fast: 0 };
    const pooled = await validateFiles([dir], { workers: 1, stats });
    const off = await validateFiles([dir], { workers: 0, fastPath: false });
    sameButEngines(pooled, off);
    expect(stats).toEqual({ files: 60, fast: 57 });
  });
});
