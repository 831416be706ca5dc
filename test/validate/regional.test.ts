import { XmlAttribute, XmlElement } from 'libxml2-wasm';
import { describe, expect, it } from 'vitest';
import type { DocumentTemplate, EntryTemplate, SectionTemplate } from '../../src/catalog/types.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFiles, validateText, validateTextWithManifest } from '../../src/validate/index.js';
import { selectPath } from '../../src/xml/index.js';
import { catalog, entryNode, errors, mutate, rules, sample, setAttr, valueHolder } from './helpers.js';

const regional = catalog.documents.filter((d) => d.family === 'wst483');
const file = (t: DocumentTemplate) => `${t.testPrefix}-${t.title}-测试患者-T01-001.xml`;
const check = (xml: string, t: DocumentTemplate) => validateText(xml, { fileName: file(t) });
/** the same document under a name that says nothing, so detection has only the content */
const anonymous = (xml: string) => validateText(xml, { fileName: 'document.xml' });

/** A required observation entry of the body: dropping its value must be caught. */
function requiredBodyEntry(t: DocumentTemplate): { s: SectionTemplate; e: EntryTemplate } {
  for (const s of t.sections) {
    if (s.cardinality !== '1..1') continue;
    const e = s.entries.find((x) => x.cardinality === '1..1' && x.xpath.endsWith('hl7:observation/hl7:value'));
    if (e) return { s, e };
  }
  throw new Error(`${t.code}: no required body entry`);
}

describe('every regional sample passes every layer (CDA-CN XSD included)', () => {
  it('covers the 20 WS/T 483 documents', () => expect(regional).toHaveLength(20));

  for (const t of regional) {
    it(`${t.code} ${t.typeCode} ${t.title}`, () => {
      const report = validateTextWithManifest(sample(t), { fileName: file(t) });
      const r = report.files[0]!;
      expect(errors(r)).toEqual([]);
      expect(rules(r, 'warning')).toEqual([]);
      expect(r.verdict).toBe('pass');
      expect(r.kind).toBe('wst483');
      expect(r.documentType).toBe(t.code);
      for (const l of report.layers) expect(l.ran, `${l.id}: ${l.error ?? ''}`).toBe(true);
      expect(report.layers.map((l) => l.id)).toContain('xsd-documents');
    });
  }
});

describe('detection of the regional document types', () => {
  it('tells all 20 apart from content alone (templateId and type code)', () => {
    const seen = regional.map((t) => anonymous(sample(t, 7)));
    expect(seen.map((r) => r.documentType)).toEqual(regional.map((t) => t.code));
    for (const r of seen) expect(r.kind).toBe('wst483');
  });

  it('by templateId when the code is wrong, by code when the templateId is wrong', () => {
    const t = regional.find((d) => d.part === 12)!;
    const badCode = mutate(sample(t), (root) => setAttr(selectPath(root, 'hl7:code')[0] as XmlElement, 'code', 'HSDZ99.99'));
    const byTid = anonymous(badCode);
    expect(byTid.documentType).toBe(t.code);
    expect(rules(byTid, 'error')).toContain('HT-TPL-DOCCODE');
    const badTid = mutate(sample(t), (root) => setAttr(selectPath(root, 'hl7:templateId')[0] as XmlElement, 'root', '2.16.156.10011.2.1.1.99'));
    const byCode = anonymous(badTid);
    expect(byCode.documentType).toBe(t.code);
    expect(rules(byCode, 'error')).toContain('HT-TPL-TEMPLATEID');
  });
});

describe('mutations of regional documents are caught by the right rule', () => {
  for (const t of regional) {
    it(`${t.code}: drop a required entry → HT-TPL-ENTRY-MISSING`, () => {
      const at = requiredBodyEntry(t);
      const xml = mutate(sample(t), (root) => valueHolder(entryNode(root, at)).remove());
      const r = check(xml, t);
      expect(rules(r, 'error')).toContain('HT-TPL-ENTRY-MISSING');
      expect(r.findings.find((f) => f.rule === 'HT-TPL-ENTRY-MISSING')!.message).toContain(at.e.de);
      expect(r.verdict).toBe('fail');
    });
  }

  it('wrong templateId (another part) → HT-TPL-TEMPLATEID, still judged as its own type', () => {
    const t = regional.find((d) => d.part === 1)!;
    const xml = mutate(sample(t), (root) => setAttr(selectPath(root, 'hl7:templateId')[0] as XmlElement, 'root', regional[4]!.templateId));
    const r = check(xml, t);
    expect(rules(r, 'error')).toContain('HT-TPL-TEMPLATEID');
    expect(r.documentType).toBe(t.code);
    expect(r.verdict).toBe('fail');
  });

  it('the test prefix in place of the type code → HT-TPL-DOCCODE', () => {
    const t = regional.find((d) => d.part === 16)!;
    const xml = mutate(sample(t), (root) => setAttr(selectPath(root, 'hl7:code')[0] as XmlElement, 'code', t.code));
    const r = check(xml, t);
    expect(rules(r, 'error')).toContain('HT-TPL-DOCCODE');
    expect(r.findings.find((f) => f.rule === 'HT-TPL-DOCCODE')!.message).toContain(t.typeCode!);
  });

  it('wrong code system on a coded body entry (ABO blood type) → HT-TERM-SYSTEM', () => {
    const t = regional.find((d) => d.part === 1)!;
    const s = t.sections.find((x) => x.code === '30954-2')!;
    const e = s.entries.find((x) => x.de === 'DE04.50.001.00')!;
    expect(catalog.valueSets.get(e.valueSet!)?.concepts.length).toBeGreaterThan(0);
    const xml = mutate(sample(t), (root) => setAttr(valueHolder(entryNode(root, { s, e })), 'codeSystem', '2.16.156.10011.2.3.9.999'));
    expect(rules(check(xml, t), 'error')).toContain('HT-TERM-SYSTEM');
  });

  it('wrong code system on the coded header entry (gender) of every document that has it → HT-TERM-SYSTEM', () => {
    for (const t of regional) {
      const e = t.header.elements.find((x) => x.de === 'DE02.01.040.00');
      if (!e) continue;
      const xml = mutate(sample(t), (root) => {
        const n = entryNode(root, { e }) as XmlAttribute;
        setAttr(n.parent as XmlElement, 'codeSystem', '2.16.156.10011.2.3.3.99');
      });
      expect(rules(check(xml, t), 'error'), t.code).toContain('HT-TERM-SYSTEM');
    }
  });
});

describe('a regional test package against a regional plan', () => {
  it('finds every document the plan requires and names the services it lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hutong-ehr-'));
    try {
      for (const t of regional) writeFileSync(join(dir, file(t)), sample(t));
      const report = await validateFiles([dir], { plan: 'regional-4a', workers: 0 });
      const pkg = report.files.find((f) => f.kind === 'package' && f.path.includes('regional-4a'))!;
      expect(pkg).toBeDefined();
      const missing = pkg.findings.filter((f) => f.rule === 'HT-PKG-PLAN-MISSING').map((f) => f.message);
      expect(missing).toHaveLength(1);
      expect(missing[0]).toContain('交互服务');
      expect(missing[0]).not.toContain('EHR-SD');
      for (const f of report.files.filter((x) => x.kind !== 'package')) expect(f.verdict, f.path).toBe('pass');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
