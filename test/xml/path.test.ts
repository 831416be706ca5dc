import fc from 'fast-check';
import { XmlAttribute, XmlElement } from 'libxml2-wasm';
import { describe, expect, it } from 'vitest';
import {
  buildPath, CatalogPathError, el, NS, nodeLine, parseCatalogPath, selectPath, selectValue, selectValues, serialize, toXPath, withXml, xpathOf,
} from '../../src/xml/index.js';

const DOC = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <recordTarget>
    <patientRole>
      <id root="2.16.156.10011.1.11" extension="MZ001"/>
      <id root="2.16.156.10011.1.12" extension="ZY001"/>
      <patient>
        <name>测试甲</name>
      </patient>
    </patientRole>
  </recordTarget>
  <component>
    <structuredBody>
      <component>
        <section>
          <code code="8716-3"/>
          <entry>
            <observation>
              <code code="DE04.10.188.00"/>
              <value xsi:type="PQ" value="36.5" unit="℃"/>
            </observation>
          </entry>
          <entry>
            <observation>
              <code code="DE04.10.174.00"/>
              <value xsi:type="PQ" value="80" unit="次/min"/>
            </observation>
          </entry>
        </section>
      </component>
    </structuredBody>
  </component>
</ClinicalDocument>`;

describe('catalogue path grammar', () => {
  it('parses steps, predicates and the trailing attribute', () => {
    const p = parseCatalogPath("hl7:entry[hl7:observation/hl7:code/@code='DE04.10.188.00']/hl7:observation/hl7:value/@value");
    expect(p.steps.map((s) => s.local)).toEqual(['entry', 'observation', 'value']);
    expect(p.steps[0]!.predicates[0]).toEqual({
      rel: { steps: [{ prefix: 'hl7', local: 'observation' }, { prefix: 'hl7', local: 'code' }], attribute: { local: 'code' } },
      value: 'DE04.10.188.00',
    });
    expect(p.attribute).toEqual({ local: 'value' });
    expect(parseCatalogPath('hl7:value/@xsi:type').attribute).toEqual({ prefix: 'xsi', local: 'type' });
    expect(parseCatalogPath('@classCode')).toEqual({ steps: [], attribute: { local: 'classCode' } });
  });

  it('round-trips canonical paths through toXPath', () => {
    const paths = [
      'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name',
      "hl7:recordTarget/hl7:patientRole/hl7:id[@root='2.16.156.10011.1.12']/@extension",
      "hl7:component/hl7:section[hl7:code/@code='8716-3']/hl7:entry[hl7:observation/hl7:code/@code='DE04.10.188.00']/hl7:observation/hl7:value",
      "hl7:entry[hl7:observation/hl7:code/@code='X'][hl7:observation/hl7:statusCode/@code='completed']/hl7:observation",
      "hl7:participant[@typeCode='NOT']/hl7:associatedEntity/hl7:associatedPerson/hl7:name[hl7:given='测试']",
      'sdtc:raceCode/@code',
      "hl7:value[@xsi:type='PQ']/@unit",
    ];
    for (const p of paths) expect(toXPath(p)).toBe(p);
  });

  it('reports errors with their position', () => {
    const cases: [string, number, RegExp][] = [
      ['recordTarget/hl7:x', 0, /namespace prefix/],
      ['hl7:a/foo:b', 6, /unknown prefix "foo"/],
      ["hl7:a[@code='x'", 15, /"\]" expected/],
      ["hl7:a[@code='x]", 12, /unterminated literal/],
      ['hl7:a/@b/hl7:c', 8, /nothing may follow/],
      ['hl7:a//hl7:b', 6, /element name expected/],
      ['', 0, /empty path/],
      ['hl7:a[1]', 6, /element name expected|"@"|prefix/],
      ["hl7:a[@x = 'y']", 8, /"=" expected/],
    ];
    for (const [path, pos, msg] of cases) {
      let err: unknown;
      try { parseCatalogPath(path); } catch (e) { err = e; }
      expect(err, path).toBeInstanceOf(CatalogPathError);
      expect((err as CatalogPathError).position, path).toBe(pos);
      expect((err as Error).message, path).toMatch(msg);
    }
  });
});

describe('selecting with catalogue paths', () => {
  it('selects elements and attributes with predicates and the namespace map', () => {
    withXml(DOC, (doc) => {
      expect(selectValue(doc, "hl7:recordTarget/hl7:patientRole/hl7:id[@root='2.16.156.10011.1.12']/@extension")).toBe('ZY001');
      expect(selectValue(doc, 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name')).toBe('测试甲');
      const section = selectPath(doc, "hl7:component/hl7:structuredBody/hl7:component/hl7:section[hl7:code/@code='8716-3']")[0];
      expect(section).toBeInstanceOf(XmlElement);
      expect(selectValue(section as XmlElement, "hl7:entry[hl7:observation/hl7:code/@code='DE04.10.174.00']/hl7:observation/hl7:value/@value")).toBe('80');
      expect(selectValues(section as XmlElement, 'hl7:entry/hl7:observation/hl7:value/@unit')).toEqual(['℃', '次/min']);
      expect(selectValue(section as XmlElement, "hl7:entry/hl7:observation/hl7:value[@xsi:type='PQ']/@value")).toBe('36.5');
      expect(selectPath(doc, 'hl7:nothing/hl7:here')).toEqual([]);
      expect(selectValue(doc, 'hl7:nothing')).toBeUndefined();
    });
  });

  it('gives lines and an absolute xpath that selects the same node', () => {
    withXml(DOC, (doc) => {
      const attr = selectPath(doc, "hl7:component/hl7:structuredBody/hl7:component/hl7:section/hl7:entry[hl7:observation/hl7:code/@code='DE04.10.174.00']/hl7:observation/hl7:value/@unit")[0]!;
      expect(attr).toBeInstanceOf(XmlAttribute);
      const xp = xpathOf(attr);
      expect(xp).toBe('/hl7:ClinicalDocument/hl7:component[1]/hl7:structuredBody[1]/hl7:component[1]/hl7:section[1]/hl7:entry[2]/hl7:observation[1]/hl7:value[1]/@unit');
      expect(nodeLine(attr)).toBe(26);
      const again = doc.find(xp, { ...NS });
      expect(again).toHaveLength(1);
      expect((again[0] as XmlAttribute).value).toBe('次/min');
      const id2 = selectPath(doc, "hl7:recordTarget/hl7:patientRole/hl7:id[@root='2.16.156.10011.1.12']")[0]!;
      expect(xpathOf(id2)).toBe('/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[2]');
      expect(nodeLine(id2)).toBe(6);
      const xsiType = selectPath(doc, 'hl7:component/hl7:structuredBody/hl7:component/hl7:section/hl7:entry/hl7:observation/hl7:value/@xsi:type')[0]!;
      expect(xpathOf(xsiType)).toMatch(/hl7:value\[1\]\/@xsi:type$/);
    });
  });

  it('writes foreign namespaces with local-name() so the xpath still evaluates', () => {
    withXml('<r xmlns="urn:other"><x/><x><y/></x></r>', (doc) => {
      const y = doc.root.find('//*[local-name()="y"]')[0] as XmlElement;
      const xp = xpathOf(y);
      expect(xp).toBe("/*[local-name()='r' and namespace-uri()='urn:other']/*[local-name()='x' and namespace-uri()='urn:other'][2]/*[local-name()='y' and namespace-uri()='urn:other'][1]");
      expect(doc.find(xp)).toHaveLength(1);
    });
  });
});

describe('building with catalogue paths', () => {
  const root = () => el('ClinicalDocument', { xmlns: NS.hl7 });

  it('shares predicate-free ancestors and separates entries by their predicates', () => {
    const doc = root();
    buildPath(doc, 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name', '测试乙');
    buildPath(doc, "hl7:recordTarget/hl7:patientRole/hl7:id[@root='2.16.156.10011.1.11']/@extension", 'MZ9');
    buildPath(doc, "hl7:recordTarget/hl7:patientRole/hl7:id[@root='2.16.156.10011.1.12']/@extension", 'ZY9');
    buildPath(doc, 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:administrativeGenderCode/@code', '1');
    const section = buildPath(doc, "hl7:component/hl7:structuredBody/hl7:component/hl7:section[hl7:code/@code='8716-3']");
    for (const [de, v] of [['DE04.10.188.00', '36.5'], ['DE04.10.174.00', '80']] as const) {
      const value = buildPath(section, `hl7:entry[hl7:observation/hl7:code/@code='${de}']/hl7:observation/hl7:value/@value`, v);
      value.attrs['xsi:type'] = 'PQ';
    }
    // building the same path again reuses, never duplicates
    buildPath(section, "hl7:entry[hl7:observation/hl7:code/@code='DE04.10.188.00']/hl7:observation/hl7:value/@unit", '℃');
    expect(doc.children.filter((c) => c.name === 'recordTarget')).toHaveLength(1);
    expect(section.children.filter((c) => c.name === 'entry')).toHaveLength(2);

    withXml(serialize(doc), (parsed) => {
      expect(selectValues(parsed, 'hl7:recordTarget/hl7:patientRole/hl7:id/@extension')).toEqual(['MZ9', 'ZY9']);
      const sec = selectPath(parsed, "hl7:component/hl7:structuredBody/hl7:component/hl7:section[hl7:code/@code='8716-3']");
      expect(sec).toHaveLength(1);
      const s = sec[0] as XmlElement;
      expect(selectValues(s, "hl7:entry[hl7:observation/hl7:code/@code='DE04.10.188.00']/hl7:observation/hl7:value/@unit")).toEqual(['℃']);
      expect(selectValues(s, "hl7:entry[hl7:observation/hl7:code/@code='DE04.10.174.00']/hl7:observation/hl7:value/@value")).toEqual(['80']);
      expect(selectValue(s, 'hl7:entry/hl7:observation/hl7:value/@xsi:type')).toBe('PQ');
    });
  });

  it('creates what element-valued and multiple predicates assert', () => {
    const doc = root();
    buildPath(doc, "hl7:participant[@typeCode='NOT'][hl7:associatedEntity/@classCode='ECON']/hl7:associatedEntity/hl7:associatedPerson/hl7:name", '测试丙');
    buildPath(doc, "hl7:documentationOf/hl7:serviceEvent/hl7:code[hl7:originalText='测试描述']/@code", 'X1');
    withXml(serialize(doc), (parsed) => {
      expect(selectValue(parsed, "hl7:participant[@typeCode='NOT'][hl7:associatedEntity/@classCode='ECON']/hl7:associatedEntity/hl7:associatedPerson/hl7:name")).toBe('测试丙');
      expect(selectValue(parsed, "hl7:documentationOf/hl7:serviceEvent/hl7:code[hl7:originalText='测试描述']/@code")).toBe('X1');
    });
  });

  // Paths whose predicates test names the path itself never writes (as catalogue paths do:
  // predicates identify, the path then carries the value) must select exactly the one node built.
  const literal = fc.string({ minLength: 0, maxLength: 6, unit: 'grapheme' }).filter((s) => !s.includes("'") && !/[\u0000-\u001f\ufffe\uffff]/.test(s));
  const pathName = fc.constantFrom('entry', 'observation', 'value', 'component', 'section', 'name');
  const pathAttr = fc.constantFrom('value', 'unit', 'xsi:type', 'extension');
  const pred = fc.record({ rel: fc.array(fc.constantFrom('code', 'templateId', 'statusCode'), { maxLength: 2 }), attr: fc.constantFrom('code', 'root', 'xsi:nil'), value: literal })
    .map((p) => ({ key: [...p.rel, p.attr].join('/'), text: `[${[...p.rel.map((n) => `hl7:${n}`), `@${p.attr}`].join('/')}='${p.value}']` }));
  const step = fc.record({ n: pathName, preds: fc.uniqueArray(pred, { maxLength: 2, selector: (p) => p.key }) }).map((s) => `hl7:${s.n}${s.preds.map((p) => p.text).join('')}`);
  const path = fc.record({ steps: fc.array(step, { minLength: 1, maxLength: 4 }), attr: fc.option(pathAttr, { nil: undefined }) })
    .map((p) => p.steps.join('/') + (p.attr ? `/@${p.attr}` : ''));

  it('property: a built path selects exactly one node carrying the value', () => {
    fc.assert(
      fc.property(path, literal, (p, v) => {
        const doc = el('root', { xmlns: NS.hl7 });
        buildPath(doc, p, v, { table: null });
        buildPath(doc, p, v, { table: null }); // idempotent
        return withXml(serialize(doc), (parsed) => {
          const got = selectValues(parsed, p);
          return got.length === 1 && got[0] === v;
        });
      }),
      { numRuns: 400 },
    );
  });

  it('property: entries keyed by distinct predicates stay apart', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes("'") && !/[\u0000-\u001f\ud800-\udfff\ufffe\uffff]/.test(s)), { minLength: 1, maxLength: 8 }), (codes) => {
        const section = el('section', { xmlns: NS.hl7 });
        codes.forEach((c, i) => buildPath(section, `hl7:entry[hl7:observation/hl7:code/@code='${c}']/hl7:observation/hl7:value/@value`, String(i)));
        return withXml(serialize(section), (parsed) =>
          codes.every((c, i) => {
            const got = selectValues(parsed, `hl7:entry[hl7:observation/hl7:code/@code='${c}']/hl7:observation/hl7:value/@value`);
            return got.length === 1 && got[0] === String(i);
          }) && selectPath(parsed, 'hl7:entry').length === codes.length);
      }),
      { numRuns: 200 },
    );
  });
});

