import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlAttribute, XmlElement } from 'libxml2-wasm';
import { describe, expect, it } from 'vitest';
import { checkValue } from '../../src/catalog/format.js';
import type { DocumentTemplate, EntryTemplate } from '../../src/catalog/types.js';
import { generateDocument, sampleDocument, sampleDocumentTree } from '../../src/samples/document.js';
import { idCheckChar } from '../../src/samples/synth.js';
import { sampleVisit } from '../../src/samples/visit.js';
import { selectPath, selectValue, serialize, valueOf, withXml, type XmlNode } from '../../src/xml/index.js';
import { fixtureTemplates, testCatalog } from './catalog-fixture.js';

const catalog = testCatalog();
const templates: DocumentTemplate[] = [...catalog.documents, ...fixtureTemplates()];

function sectionOf(root: XmlElement, code: string): XmlElement {
  const s = selectPath(root, `hl7:component/hl7:structuredBody/hl7:component/hl7:section[hl7:code/@code='${code}']`);
  expect(s, `section ${code}`).toHaveLength(1);
  return s[0] as XmlElement;
}

describe('sampleDocument, every template', () => {
  it('has templates to work on', () => {
    expect(templates.length).toBeGreaterThan(0);
  });

  for (const t of templates) {
    it(`${t.code} ${t.title}: parses, header in place, every path selects exactly one node with a conforming value`, () => {
      const { tree, notes } = generateDocument(t, catalog, { seed: 7 });
      const left = new Set(notes.map((n) => n.entry));
      for (const n of notes) expect(n.entry.cardinality.startsWith('0'), `${n.entry.name} left out though required`).toBe(true);
      expect(serialize(tree, { pretty: true, declaration: true })).toBe(sampleDocument(t, catalog, { seed: 7 }));
      withXml(serialize(tree), (doc) => {
        const root = doc.root;
        expect(root.name).toBe('ClinicalDocument');
        expect(selectValue(root, 'hl7:realmCode/@code')).toBe('CN');
        expect(selectValue(root, 'hl7:typeId/@extension')).toBe('POCD_MT000040');
        expect(selectValue(root, 'hl7:templateId/@root')).toBe(t.templateId);
        expect(selectValue(root, 'hl7:code/@code')).toBe(t.typeCode ?? t.code);
        expect(selectValue(root, 'hl7:code/@codeSystem')).toBe('2.16.156.10011.2.4');
        expect(selectValue(root, 'hl7:id/@root')).toBe('2.16.156.10011.1.1');
        for (const part of t.header.required) expect(selectPath(root, `hl7:${part}`).length, part).toBeGreaterThan(0);
        const check = (ctx: XmlElement, e: EntryTemplate) => {
          const nodes = selectPath(ctx, e.xpath);
          if (left.has(e)) {
            expect(nodes, `${e.name} was left out`).toHaveLength(0);
            return;
          }
          expect(nodes.length, `${e.de} ${e.name} ${e.xpath}`).toBe(1);
          const n = nodes[0]!;
          if (n instanceof XmlAttribute || e.dataType === 'ST') {
            const v = valueOf(n);
            expect(checkValue(e.format, v).ok, `${e.name} ${e.format} "${v}"`).toBe(true);
          }
          if (n instanceof XmlElement && n.name === 'value') {
            expect(n.attr('type', 'xsi')?.value, e.xpath).toBeTruthy();
          }
        };
        for (const e of t.header.elements) check(root, e);
        for (const s of t.sections) {
          const sec = sectionOf(root, s.code);
          expect(selectValue(sec, 'hl7:code/@codeSystem')).toBe('2.16.840.1.113883.6.1');
          expect(selectValue(sec, 'hl7:title')).toBe(s.title);
          expect(selectPath(sec, 'hl7:text').length).toBe(1);
          for (const e of s.entries) check(sec, e);
        }
      });
    });
  }
});

describe('sampleDocument properties', () => {
  const t = fixtureTemplates()[0]!;

  it('is deterministic for a seed and differs across seeds', () => {
    expect(sampleDocument(t, catalog, { seed: 42 })).toBe(sampleDocument(t, catalog, { seed: 42 }));
    expect(sampleDocument(t, catalog, { seed: 42 })).not.toBe(sampleDocument(t, catalog, { seed: 43 }));
  });

  it('lets one visit make documents agree on patient and ids', () => {
    const visit = sampleVisit(5);
    for (const tpl of templates.slice(0, 10)) {
      const xml = sampleDocument(tpl, catalog, { seed: 99, visit });
      withXml(xml, (doc) => {
        const name = selectValue(doc, 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name');
        expect(name).toBe(visit.patient.name);
        const mz = selectValue(doc, "hl7:recordTarget/hl7:patientRole/hl7:id[@root='2.16.156.10011.1.11']/@extension");
        if (mz !== undefined) expect(mz).toBe(visit.visit.outpatientNo);
        const gender = selectValue(doc, 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:administrativeGenderCode/@code');
        if (gender !== undefined) expect(gender).toBe(visit.patient.genderCode);
      });
    }
  });

  it('writes typed values, coded values from their value set, and data-element codes', () => {
    withXml(sampleDocument(t, catalog, { seed: 3 }), (doc) => {
      const vital = sectionOf(doc.root, '8716-3');
      const temp = selectPath(vital, "hl7:entry[hl7:observation/hl7:code/@code='DE04.10.186.00']/hl7:observation/hl7:value")[0] as XmlElement;
      expect(temp.attr('type', 'xsi')?.value).toBe('PQ');
      expect(temp.attr('unit')?.value).toBe('℃');
      expect(checkValue('N4,1', temp.attr('value')!.value).ok).toBe(true);
      const code = selectPath(vital, "hl7:entry/hl7:observation/hl7:code[@code='DE04.10.186.00']")[0] as XmlElement;
      expect(code.attr('codeSystem')?.value).toBe('2.16.156.10011.2.2.1');
      expect(code.attr('codeSystemName')?.value).toBe('卫生信息数据元目录');
      const abo = selectPath(vital, "hl7:entry[hl7:observation/hl7:code/@code='DE04.50.001.00']/hl7:observation/hl7:value")[0] as XmlElement;
      expect(abo.attr('type', 'xsi')?.value).toBe('CD');
      const vs = catalog.valueSets.get('2.16.156.10011.2.3.1.85');
      if (vs && vs.concepts.length > 0) {
        expect(abo.attr('codeSystem')?.value).toBe('2.16.156.10011.2.3.1.85');
        const c = vs.concepts.find((x) => x.code === abo.attr('code')?.value);
        expect(c).toBeDefined();
        expect(abo.attr('displayName')?.value).toBe(c!.display);
      }
      expect(['true', 'false']).toContain(selectValue(vital, "hl7:entry[hl7:observation/hl7:code/@code='DE05.10.130.00']/hl7:observation/hl7:value/@value"));
      // a predicate's displayName is never overwritten by the value set's
      expect(selectPath(doc, "hl7:authenticator[hl7:assignedEntity/hl7:code/@displayName='法定代理人']")).toHaveLength(1);
      expect(selectPath(doc, 'hl7:authenticator')).toHaveLength(3);
      // structural attributes and schema-required children
      expect(selectValue(vital, 'hl7:entry/hl7:observation/@classCode')).toBe('OBS');
      expect(selectValue(doc, 'hl7:legalAuthenticator/hl7:signatureCode/@code')).toBe('S');
      expect(selectPath(doc, 'hl7:relatedDocument/hl7:parentDocument/hl7:id')).toHaveLength(1);
      expect(selectPath(doc, 'hl7:inFulfillmentOf/hl7:order/hl7:id')).toHaveLength(1);
    });
  });

  it('uses visibly synthetic people, ids and phones', () => {
    for (let seed = 0; seed < 50; seed++) {
      const v = sampleVisit(seed);
      expect(v.patient.name.startsWith('测试')).toBe(true);
      expect(v.clinician.name.startsWith('测试')).toBe(true);
      expect(v.patient.idCard).toMatch(/^99\d{15}[\dX]$/);
      expect(v.patient.idCard[17]).toBe(idCheckChar(v.patient.idCard.slice(0, 17)));
      expect(Number(v.patient.idCard[16]) % 2).toBe(v.patient.genderCode === '1' ? 1 : 0);
      expect(v.patient.idCard.slice(6, 14)).toBe(v.patient.birthDate);
      expect(v.patient.phone).toMatch(/^1990000\d{4}$/);
      expect(v.patient.address.text.startsWith('测试省测试市')).toBe(true);
      expect(v.visit.start < v.visit.end).toBe(true);
      expect(v.visit.start.slice(0, 4) >= '2020' && v.visit.end.slice(0, 4) <= '2024').toBe(true);
    }
  });
});

// Oracle: with the WS/T 500 localisations removed, a sample must be plain HL7 CDA R2 (HL7's own schema, via xmllint).
const HL7_CDA_XSD = fileURLToPath(new URL('../../../shared/reference/hl7-cda-r2/infrastructure/cda/CDA.xsd', import.meta.url));
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const LOCALISATIONS = new Set(['age', 'nationality', 'household', 'nativePlace', 'educationLevel', 'occupation', 'employerOrganization', 'patientType', 'professionalTechnicalPosition', 'township']);

function strip(n: XmlNode): XmlNode {
  return { ...n, children: n.children.filter((c) => !LOCALISATIONS.has(c.name)).map(strip) };
}

describe.skipIf(!hasXmllint || !existsSync(HL7_CDA_XSD))('samples against HL7 CDA R2 (oracle, localisations stripped)', () => {
  it('every template sample validates against CDA.xsd', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hutong-cda-'));
    try {
      const files = templates.map((t) => {
        const f = join(dir, `${t.code}.xml`);
        writeFileSync(f, serialize(strip(sampleDocumentTree(t, catalog, { seed: 11 })), { declaration: true }));
        return f;
      });
      const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', HL7_CDA_XSD, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const errors = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/ validates$/.test(l));
      expect(errors).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const CDA_CN_XSD = fileURLToPath(new URL('../../schemas/xsd/cda-cn/cda-cn.xsd', import.meta.url));

describe.skipIf(!hasXmllint || !existsSync(CDA_CN_XSD))('samples against CDA-CN (xmllint)', () => {
  it('every template sample validates against schemas/xsd/cda-cn', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hutong-cdacn-'));
    try {
      const files = templates.map((t) => {
        const f = join(dir, `${t.code}.xml`);
        writeFileSync(f, sampleDocument(t, catalog, { seed: 12 }));
        return f;
      });
      const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', CDA_CN_XSD, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const errors = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/ validates$/.test(l));
      expect(errors).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
