import { readFileSync } from 'node:fs';
import { XmlAttribute, XmlElement } from 'libxml2-wasm';
import { describe, expect, it } from 'vitest';
import { checkValue, parseFormat } from '../../src/catalog/format.js';
import { validateText, validateTextWithManifest } from '../../src/validate/index.js';
import { selectPath } from '../../src/xml/index.js';
import { sampleDocumentTree } from '../../src/samples/document.js';
import { serialize } from '../../src/xml/index.js';
import { catalog, entryNode, errors, findEntry, hasShared, mutate, rules, sample, sectionEl, setAttr, setText, SHARED, template, valueHolder } from './helpers.js';

const file = (t: { testPrefix: string; title: string }) => `${t.testPrefix}-${t.title}-测试患者-T01-001.xml`;

describe('every generated sample passes every layer', () => {
  it('covers the 53 WS/T 500 documents (and the WS/T 483 identities)', () => {
    expect(catalog.documents.filter((d) => d.family === 'wst500')).toHaveLength(53);
  });

  for (const t of catalog.documents) {
    it(`${t.code} ${t.title}`, () => {
      const report = validateTextWithManifest(sample(t), { fileName: file(t) });
      const r = report.files[0]!;
      expect(errors(r)).toEqual([]);
      expect(r.verdict).toBe('pass');
      expect(r.kind).toBe(t.family);
      expect(r.documentType).toBe(t.code);
      expect(rules(r, 'warning')).toEqual([]);
      for (const l of report.layers) expect(l.ran, `${l.id}: ${l.error ?? ''}`).toBe(true);
    });
  }
});

describe('WS/T 500 localisations pass CDA-CN', () => {
  it('a sample carrying <age unit="岁" value="34"/> in the patient passes the XSD layer', () => {
    const at = findEntry((e) => e.xpath === "hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:age[@unit='岁']/@value");
    const xml = mutate(sample(at.t), (root) => {
      const n = entryNode(root, at) as XmlAttribute;
      n.value = '34';
    });
    expect(xml).toMatch(/<age unit="岁" value="34"\/>/);
    const r = validateText(xml, { fileName: file(at.t) });
    expect(rules(r)).not.toContain('HT-XSD-INVALID');
    expect(r.verdict).toBe('pass');
  });
});

describe('mutations are caught by the right rule', () => {
  const caught = (xml: string, code: string) => validateText(xml, { fileName: file(template(code)) });

  it('drop a required entry → HT-TPL-ENTRY-MISSING', () => {
    const at = findEntry((e, _t, s) => s !== undefined && e.cardinality === '1..1' && !e.xpath.endsWith('/@extension') && e.xpath.includes('hl7:observation/hl7:value'));
    const xml = mutate(sample(at.t), (root) => valueHolder(entryNode(root, at)).remove());
    const r = caught(xml, at.t.code);
    expect(rules(r, 'error')).toContain('HT-TPL-ENTRY-MISSING');
    expect(r.findings.find((f) => f.rule === 'HT-TPL-ENTRY-MISSING')!.message).toContain(at.e.de);
    expect(r.verdict).toBe('fail');
  });

  it('drop a required section → HT-TPL-SECTION-MISSING', () => {
    const t = catalog.documents.find((d) => d.sections.some((s) => s.cardinality === '1..1' || s.cardinality === '1..*'))!;
    const s = t.sections.find((x) => x.cardinality === '1..1' || x.cardinality === '1..*')!;
    const xml = mutate(sample(t), (root) => sectionEl(root, s.code).parent!.remove());
    const r = caught(xml, t.code);
    expect(rules(r, 'error')).toContain('HT-TPL-SECTION-MISSING');
    expect(r.findings.find((f) => f.rule === 'HT-TPL-SECTION-MISSING')!.message).toContain(s.code);
  });

  it('a section twice where the template allows one → HT-TPL-SECTION-CARD', () => {
    const t = catalog.documents.find((d) => d.sections.some((s) => s.cardinality === '0..1' || s.cardinality === '1..1'))!;
    const s = t.sections.find((x) => x.cardinality === '0..1' || x.cardinality === '1..1')!;
    const tree = sampleDocumentTree(t, catalog, { seed: 1 });
    const body = tree.children.find((c) => c.name === 'component')!.children.find((c) => c.name === 'structuredBody')!;
    const comp = body.children.find((c) => c.children.some((x) => x.name === 'section' && x.children.some((k) => k.name === 'code' && k.attrs.code === s.code)))!;
    body.children.push(comp);
    const r = caught(serialize(tree, { declaration: true }), t.code);
    expect(rules(r, 'error')).toContain('HT-TPL-SECTION-CARD');
  });

  it('wrong code system → HT-TERM-SYSTEM', () => {
    const at = findEntry((e) => e.dataType === 'CD' && e.valueSet !== undefined && (catalog.valueSets.get(e.valueSet)?.concepts.length ?? 0) > 0 && e.xpath.endsWith('hl7:value'));
    const xml = mutate(sample(at.t), (root) => setAttr(valueHolder(entryNode(root, at)), 'codeSystem', '2.16.156.10011.2.3.9.999'));
    expect(rules(caught(xml, at.t.code), 'error')).toContain('HT-TERM-SYSTEM');
  });

  it('code not in the value set → HT-TERM-CODE-UNKNOWN', () => {
    const verified = (oid?: string) => oid !== undefined && catalog.valueSets.get(oid)?.verified === true && catalog.valueSets.get(oid)!.concepts.length > 0;
    const at = findEntry((e) => verified(e.valueSet) && (e.dataType === 'CD' || e.xpath.endsWith('/@code')));
    const vs = catalog.valueSets.get(at.e.valueSet!)!;
    const fmt = parseFormat(at.e.format);
    const outside = ['7', '8', '6', '99', '98', '97', 'ZZ', '999', '0000'].find((c) => !vs.concepts.some((x) => x.code === c) && checkValue(fmt, c).ok)!;
    expect(outside).toBeDefined();
    const xml = mutate(sample(at.t), (root) => setAttr(valueHolder(entryNode(root, at)), 'code', outside));
    const r = caught(xml, at.t.code);
    expect(rules(r, 'error')).toContain('HT-TERM-CODE-UNKNOWN');
    expect(rules(r, 'error')).not.toContain('HT-TPL-FORMAT');
  });

  it.each(['20230230', '20230231'])('bad date (%s) → HT-TPL-DATE', (bad) => {
    const at = findEntry((e) => e.format === 'D8' && e.dataType === 'TS');
    const xml = mutate(sample(at.t), (root) => {
      const n = entryNode(root, at);
      if (n instanceof XmlAttribute) n.value = bad;
      else setAttr(n, 'value', bad);
    });
    const r = caught(xml, at.t.code);
    expect(rules(r, 'error')).toContain('HT-TPL-DATE');
    expect(rules(r, 'error')).not.toContain('HT-TPL-FORMAT');
  });

  it('bad date time anywhere (effectiveTime 20230230…) → HT-TPL-DATE', () => {
    const t = template('C0032');
    const xml = mutate(sample(t), (root) => setAttr((selectPath(root, 'hl7:effectiveTime')[0] as XmlElement), 'value', '20230230101010'));
    expect(rules(caught(xml, t.code), 'error')).toContain('HT-TPL-DATE');
  });

  it('bad format, too long → HT-TPL-FORMAT', () => {
    const at = findEntry((e, _t, s) => s !== undefined && e.dataType === 'ST' && /^A?N?\.\.\d+$/.test(e.format) && Number(e.format.split('..')[1]) <= 50 && e.xpath.endsWith('hl7:value'));
    const max = Number(at.e.format.split('..')[1]);
    const xml = mutate(sample(at.t), (root) => setText(entryNode(root, at) as XmlElement, '测'.repeat(max + 1)));
    const r = caught(xml, at.t.code);
    expect(rules(r, 'error')).toContain('HT-TPL-FORMAT');
    expect(r.findings.find((f) => f.rule === 'HT-TPL-FORMAT')!.message).toContain(at.e.format);
  });

  it('bad format, too many decimals → HT-TPL-FORMAT', () => {
    const at = findEntry((e) => e.dataType === 'PQ' && /,1$/.test(e.format) && e.xpath.endsWith('hl7:value'));
    const xml = mutate(sample(at.t), (root) => setAttr(valueHolder(entryNode(root, at)), 'value', '36.55'));
    const r = caught(xml, at.t.code);
    const f = r.findings.find((x) => x.rule === 'HT-TPL-FORMAT');
    expect(f?.messageEn).toMatch(/decimal/);
  });

  it('wrong templateId → HT-TPL-TEMPLATEID', () => {
    const t = template('C0032');
    const xml = mutate(sample(t), (root) => setAttr((selectPath(root, 'hl7:templateId')[0] as XmlElement), 'root', template('C0033').templateId));
    const r = caught(xml, t.code);
    expect(rules(r, 'error')).toContain('HT-TPL-TEMPLATEID');
    expect(r.documentType).toBe('C0032');
  });

  it('wrong document code → HT-TPL-DOCCODE', () => {
    const t = template('C0032');
    const xml = mutate(sample(t), (root) => setAttr((selectPath(root, 'hl7:code')[0] as XmlElement), 'code', 'C0099'));
    const r = caught(xml, t.code);
    expect(rules(r, 'error')).toContain('HT-TPL-DOCCODE');
    expect(r.documentType).toBe('C0032');
  });

  it('missing realmCode → HT-TPL-REALM', () => {
    const t = template('C0001');
    const xml = mutate(sample(t), (root) => (selectPath(root, 'hl7:realmCode')[0] as XmlElement).remove());
    expect(rules(caught(xml, t.code), 'error')).toContain('HT-TPL-REALM');
  });

  it('wrong id root → HT-TPL-ID-ROOT', () => {
    const at = findEntry((e) => /hl7:patientRole\/hl7:id\[@root='[0-9.]+'\]\/@extension$/.test(e.xpath) && e.cardinality === '1..1');
    const xml = mutate(sample(at.t), (root) => setAttr(valueHolder(entryNode(root, at)), 'root', '2.16.156.10011.1.99'));
    const r = caught(xml, at.t.code);
    expect(rules(r, 'error')).toContain('HT-TPL-ID-ROOT');
    expect(rules(r, 'error')).not.toContain('HT-TPL-ENTRY-MISSING');
  });

  it('wrong xsi:type → HT-TPL-DATATYPE', () => {
    const at = findEntry((e, _t, s) => s !== undefined && e.dataType === 'PQ' && e.xpath.endsWith('hl7:value'));
    const xml = mutate(sample(at.t), (root) => setAttr(valueHolder(entryNode(root, at)), 'type', 'ST', 'xsi'));
    expect(rules(caught(xml, at.t.code), 'error')).toContain('HT-TPL-DATATYPE');
  });

  it('a schema violation → HT-XSD-INVALID with line and XPath', () => {
    const t = template('C0001');
    const xml = sample(t).replace('</structuredBody>', '<notInCda/></structuredBody>');
    const r = caught(xml, t.code);
    const f = r.findings.find((x) => x.rule === 'HT-XSD-INVALID');
    expect(f).toBeDefined();
    expect(f!.xpath).toMatch(/^\/hl7:ClinicalDocument/);
  });

  it('a file name that names another document → HT-PRE-FILENAME (warning)', () => {
    const r = validateText(sample(template('C0001')), { fileName: 'EMR-SD-02-门（急）诊病历-测试-T01-001.xml' });
    expect(rules(r, 'warning')).toContain('HT-PRE-FILENAME');
    expect(r.verdict).toBe('pass');
  });
});

describe.skipIf(!hasShared)('HL7 sample document (oracle in ../shared/reference)', () => {
  it('is XSD-valid but not a WS/T 500 document', () => {
    const bytes = readFileSync(new URL('hl7-cda-r2/infrastructure/cda/SampleCDADocument.xml', SHARED));
    const r = validateText(bytes, { fileName: 'SampleCDADocument.xml' });
    expect(rules(r)).not.toContain('HT-XSD-INVALID');
    expect(rules(r, 'error')).toContain('HT-TPL-DOCTYPE-UNKNOWN');
    expect(r.kind).toBe('cda');
    expect(r.verdict).toBe('fail');
  });

  it('--schemas with HL7 plain CDA reports the localisations as information only', () => {
    const t = template('C0001');
    const r = validateText(sample(t), { fileName: file(t), schemas: new URL('hl7-cda-r2', SHARED).pathname });
    const plain = r.findings.filter((f) => f.rule === 'HT-XSD-PLAIN-CDA');
    expect(plain.length).toBeGreaterThan(0);
    expect(plain.every((f) => f.severity === 'info')).toBe(true);
    // libxml2 reports the first unexpected element per content model: one of the localisations
    expect(plain.some((f) => /'(age|township|nationality|nativePlace|household|educationLevel|occupation|employerOrganization|patientType|professionalTechnicalPosition)'/.test(f.message))).toBe(true);
    expect(r.verdict).toBe('pass');
  });
});
