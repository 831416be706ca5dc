import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSchemaSet } from '../../src/validate/xsd.js';
import { scanTree } from '../../src/xml/jstree.js';
import { acceptsTree, compileSchema, XsdJsUnsupported } from '../../src/xsdjs/index.js';
import { verdicts } from './oracle.js';

/*
 * Each construct the engine implements, on a small schema of its own, against libxml2-wasm:
 * for every instance the verdicts must be equal (exact) — or, where marked, the fast path may
 * only be unsure (sound). Constructs outside the implemented set must throw XsdJsUnsupported.
 */

const dir = mkdtempSync(join(tmpdir(), 'hutong-xsdjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function schemaFile(body: string, head = 'targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified"'): string {
  const f = join(dir, `s${n++}.xsd`);
  writeFileSync(f, `<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" ${head}>\n${body}\n</xs:schema>\n`);
  return f;
}

/** [instance, expected validity]; 'unsure' = libxml2 decides, the fast path must not accept */
type Inst = [string, boolean | 'unsure'];

function differential(body: string, instances: Inst[], head?: string): void {
  const f = schemaFile(body, head);
  const compiled = compileSchema(f);
  const set = loadSchemaSet(f);
  for (const [xml, want] of instances) {
    const v = verdicts(xml, compiled, set);
    if (want === 'unsure') {
      expect(v.ours.valid, `${xml}: the fast path must leave this to libxml2`).toBe(false);
      continue;
    }
    expect(v.lib, `${xml}: libxml2 (${v.libFirst ?? 'valid'})`).toBe(want);
    expect(v.ours.valid, `${xml}: fast path (${v.ours.valid ? 'valid' : v.ours.reason})`).toBe(want);
  }
}

const T = 'xmlns="urn:t"';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

describe('content models', () => {
  it('sequence with bounded repetition (minOccurs 2, maxOccurs 3) and nested choice', () => {
    differential(
      `<xs:element name="r"><xs:complexType><xs:sequence>
         <xs:element name="a" type="xs:string" minOccurs="2" maxOccurs="3"/>
         <xs:choice minOccurs="0" maxOccurs="2"><xs:element name="b" type="xs:string"/><xs:element name="c" type="xs:string"/></xs:choice>
         <xs:element name="d" type="xs:string" minOccurs="0"/>
       </xs:sequence></xs:complexType></xs:element>`,
      [
        [`<r ${T}><a/><a/></r>`, true],
        [`<r ${T}><a/></r>`, false],
        [`<r ${T}><a/><a/><a/><a/></r>`, false],
        [`<r ${T}><a/><a/><a/><c/><b/><d/></r>`, true],
        [`<r ${T}><a/><a/><b/><b/><b/></r>`, false],
        [`<r ${T}><a/><a/><d/><b/></r>`, false],
        [`<r ${T}><a/><b/><a/></r>`, false],
        [`<r ${T}>  <a/>\n<a/>  </r>`, true],
        [`<r ${T}><a/>x<a/></r>`, false],
      ],
    );
  });

  it('groups, empty content, mixed content', () => {
    differential(
      `<xs:group name="g"><xs:sequence><xs:element name="a" type="xs:string" minOccurs="0"/><xs:element name="b" type="xs:string"/></xs:sequence></xs:group>
       <xs:complexType name="E"/>
       <xs:complexType name="M" mixed="true"><xs:sequence><xs:element name="i" type="E" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
       <xs:element name="r"><xs:complexType><xs:sequence><xs:group ref="g" maxOccurs="2"/><xs:element name="e" type="E" minOccurs="0"/><xs:element name="m" type="M" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`,
      [
        [`<r ${T}><b/></r>`, true],
        [`<r ${T}><a/><b/><b/></r>`, true],
        [`<r ${T}><a/><b/><a/><b/><b/></r>`, false],
        [`<r ${T}><b/><e/></r>`, true],
        [`<r ${T}><b/><e>x</e></r>`, false],
        [`<r ${T}><b/><e><i/></e></r>`, false],
        [`<r ${T}><b/><m>text <i/> more <i/></m></r>`, true],
        [`<r ${T}><b/><m>text <b/></m></r>`, false],
        [`<r ${T}><b/><e> </e></r>`, 'unsure'],
      ],
    );
  });

  it('wildcards: skip, lax, strict, ##other, ##local, lists', () => {
    differential(
      `<xs:element name="g" type="xs:int"/>
       <xs:element name="r"><xs:complexType><xs:sequence>
         <xs:element name="a" type="xs:string"/>
         <xs:any namespace="##other" processContents="skip" minOccurs="0"/>
         <xs:element name="b" minOccurs="0"><xs:complexType><xs:sequence><xs:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
         <xs:element name="c" minOccurs="0"><xs:complexType><xs:sequence><xs:any namespace="##targetNamespace" processContents="strict" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
         <xs:element name="d" minOccurs="0"><xs:complexType><xs:sequence><xs:any namespace="##local urn:x" processContents="lax" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
       </xs:sequence></xs:complexType></xs:element>`,
      [
        [`<r ${T}><a/><o:x xmlns:o="urn:o"><anything/></o:x></r>`, true],
        [`<r ${T}><a/><x/></r>`, false],
        [`<r ${T}><a/><b><x y="1"><z>t</z></x><g>12</g></b></r>`, true],
        [`<r ${T}><a/><b><g>twelve</g></b></r>`, false],
        [`<r ${T}><a/><b><x><g>twelve</g></x></b></r>`, false],
        [`<r ${T}><a/><c><g>1</g></c></r>`, true],
        [`<r ${T}><a/><c><h/></c></r>`, false],
        [`<r ${T}><a/><d><x xmlns=""/><y xmlns="urn:x"/></d></r>`, true],
        [`<r ${T}><a/><d><y/></d></r>`, false],
        [`<r ${T} ${XSI}><a/><b><x xsi:type="NoSuch"/></b></r>`, false],
      ],
    );
  });
});

describe('character data', () => {
  const body = `<xs:complexType name="E"/>
    <xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:string" minOccurs="0"/><xs:element name="e" type="E" minOccurs="0"/><xs:element name="f" type="xs:string" fixed="F" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`;
  it('CDATA, character references, comments and PIs as libxml2 reads them', () => {
    differential(body, [
      [`<r ${T}>&#32;<a/>&#10;</r>`, true],
      [`<r ${T}><![CDATA[ ]]><a/></r>`, false],
      [`<r ${T}><a><![CDATA[x]]></a></r>`, true],
      [`<r ${T}><e><![CDATA[]]></e></r>`, false],
      [`<r ${T}><e><!-- c --></e></r>`, true],
      [`<r ${T}><f><![CDATA[F]]></f></r>`, true],
      [`<r ${T}><f>F<!--c--></f></r>`, true],
      [`<r ${T}><a>x<?pi?>y</a></r>`, 'unsure'],
      [`<r ${T} xml:id="x"/>`, false],
      // location hints are ignored by libxml2 whatever their value or place
      [`<r ${T} ${XSI} xsi:schemaLocation="urn:t s.xsd"><a xsi:noNamespaceSchemaLocation="x y z">v</a></r>`, true],
      [`<r ${T} ${XSI} xsi:schemaLocation="odd"/>`, true],
      [`<r ${T} ${XSI} xsi:foo="1"/>`, false],
      // a CDATA section anywhere: white space in element-only content is left to libxml2
      [`<r ${T}> <a><![CDATA[x]]></a></r>`, 'unsure'],
    ]);
  });
  it('without the source text, text in element-only content is left to libxml2', () => {
    const c = compileSchema(schemaFile(body));
    const xml = `<r ${T}>\n  <a/>\n</r>`;
    expect(acceptsTree(c, scanTree(xml), xml).valid).toBe(true);
    expect(acceptsTree(c, scanTree(xml)).valid).toBe(false);
    expect(acceptsTree(c, scanTree(`<r ${T}><a/></r>`)).valid).toBe(true);
  });
});

describe('attributes', () => {
  it('required, prohibited, fixed, default, groups, anyAttribute, restriction inheritance', () => {
    differential(
      `<xs:attributeGroup name="ag"><xs:attribute name="p" type="xs:int"/><xs:attributeGroup ref="ag2"/></xs:attributeGroup>
       <xs:attributeGroup name="ag2"><xs:attribute name="q" type="xs:boolean" default="true"/></xs:attributeGroup>
       <xs:complexType name="B"><xs:attribute name="req" type="xs:string" use="required"/><xs:attribute name="opt" type="xs:token"/><xs:attribute name="fx" type="xs:string" fixed="F"/><xs:attributeGroup ref="ag"/></xs:complexType>
       <xs:complexType name="R"><xs:complexContent><xs:restriction base="B"><xs:attribute name="opt" type="xs:token" use="prohibited"/></xs:restriction></xs:complexContent></xs:complexType>
       <xs:complexType name="W"><xs:anyAttribute namespace="##other" processContents="skip"/></xs:complexType>
       <xs:element name="r"><xs:complexType><xs:sequence>
         <xs:element name="b" type="B" minOccurs="0"/><xs:element name="rr" type="R" minOccurs="0"/><xs:element name="w" type="W" minOccurs="0"/>
       </xs:sequence></xs:complexType></xs:element>`,
      [
        [`<r ${T}><b req="x"/></r>`, true],
        [`<r ${T}><b/></r>`, false],
        [`<r ${T}><b req="x" opt="o" fx="F" p="3" q="false"/></r>`, true],
        [`<r ${T}><b req="x" fx="G"/></r>`, false],
        [`<r ${T}><b req="x" p="three"/></r>`, false],
        [`<r ${T}><b req="x" q="maybe"/></r>`, false],
        [`<r ${T}><b req="x" zz="1"/></r>`, false],
        [`<r ${T}><rr req="x" p="1"/></r>`, true],
        [`<r ${T}><rr req="x" opt="o"/></r>`, false],
        [`<r ${T}><rr/></r>`, false],
        [`<r ${T}><w xmlns:o="urn:o" o:a="1"/></r>`, true],
        [`<r ${T}><w a="1"/></r>`, false],
        [`<r ${T}><b req="x" fx=" F"/></r>`, 'unsure'],
      ],
    );
  });

  it('a prohibited attribute stays refused under an attribute wildcard', () => {
    differential(
      `<xs:complexType name="B"><xs:attribute name="a" type="xs:string"/><xs:attribute name="b" type="xs:string"/><xs:anyAttribute processContents="skip"/></xs:complexType>
       <xs:complexType name="R"><xs:complexContent><xs:restriction base="B"><xs:attribute name="a" type="xs:string" use="prohibited"/><xs:anyAttribute processContents="skip"/></xs:restriction></xs:complexContent></xs:complexType>
       <xs:element name="r" type="R"/>`,
      [
        [`<r ${T} b="1"/>`, true],
        [`<r ${T} c="1"/>`, true],
        [`<r ${T} a="1"/>`, 'unsure'],
      ],
    );
  });

  it('global attributes under a lax attribute wildcard: type and fixed value checked', () => {
    differential(
      `<xs:attribute name="g" type="xs:int"/><xs:attribute name="h" type="xs:string" fixed="H"/>
       <xs:element name="r"><xs:complexType><xs:anyAttribute namespace="##targetNamespace" processContents="lax"/></xs:complexType></xs:element>`,
      [
        [`<r xmlns="urn:t" xmlns:t="urn:t" t:g="1" t:x="y"/>`, true],
        [`<r xmlns="urn:t" xmlns:t="urn:t" t:g="one"/>`, false],
        [`<r xmlns="urn:t" xmlns:t="urn:t" t:h="H"/>`, true],
        [`<r xmlns="urn:t" xmlns:t="urn:t" t:h="I"/>`, false],
      ],
    );
  });

  it('unqualified local elements and qualified attributes', () => {
    differential(
      `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:string"/></xs:sequence><xs:attribute name="k" type="xs:string" form="qualified"/></xs:complexType></xs:element>`,
      [
        [`<t:r xmlns:t="urn:t"><a/></t:r>`, true],
        [`<t:r xmlns:t="urn:t"><t:a/></t:r>`, false],
        [`<t:r xmlns:t="urn:t" t:k="1"><a/></t:r>`, true],
        [`<t:r xmlns:t="urn:t" k="1"><a/></t:r>`, false],
      ],
      'targetNamespace="urn:t" xmlns="urn:t"',
    );
  });
});

describe('types', () => {
  const types = `
    <xs:complexType name="Base" abstract="true"><xs:sequence><xs:element name="x" type="xs:string" minOccurs="0"/></xs:sequence><xs:attribute name="n" type="xs:string"/></xs:complexType>
    <xs:complexType name="Ext"><xs:complexContent><xs:extension base="Base"><xs:sequence><xs:element name="y" type="xs:int"/></xs:sequence><xs:attribute name="m" type="xs:int"/></xs:extension></xs:complexContent></xs:complexType>
    <xs:complexType name="Res"><xs:complexContent><xs:restriction base="Base"><xs:sequence/></xs:restriction></xs:complexContent></xs:complexType>
    <xs:complexType name="Other"><xs:sequence><xs:element name="x" type="xs:string" minOccurs="0"/></xs:sequence></xs:complexType>
    <xs:simpleType name="L"><xs:list itemType="xs:int"/></xs:simpleType>
    <xs:simpleType name="U"><xs:union memberTypes="xs:int"><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="none"/></xs:restriction></xs:simpleType></xs:union></xs:simpleType>
    <xs:element name="r"><xs:complexType><xs:sequence>
      <xs:element name="v" type="Base" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element name="l" type="L" minOccurs="0"/><xs:element name="u" type="U" minOccurs="0"/>
      <xs:element name="f" type="xs:string" fixed="F" minOccurs="0"/><xs:element name="df" type="xs:int" default="1" minOccurs="0"/>
    </xs:sequence></xs:complexType></xs:element>`;
  it('xsi:type: derived by extension or restriction, abstract, unrelated, unknown', () => {
    differential(types, [
      [`<r ${T} ${XSI}><v xsi:type="Ext"><x/><y>1</y></v></r>`, true],
      [`<r ${T} ${XSI}><v xsi:type="Ext" m="2" n="a"><y>1</y></v></r>`, true],
      [`<r ${T} ${XSI}><v xsi:type="Ext"><x/></v></r>`, false],
      [`<r ${T} ${XSI}><v xsi:type="Res"/></r>`, true],
      [`<r ${T} ${XSI}><v xsi:type="Res"><x/></v></r>`, false],
      [`<r ${T} ${XSI}><v/></r>`, false],
      [`<r ${T} ${XSI}><v xsi:type="Base"/></r>`, false],
      [`<r ${T} ${XSI}><v xsi:type="Other"/></r>`, false],
      [`<r ${T} ${XSI}><v xsi:type="Nope"/></r>`, false],
      [`<r ${XSI} xmlns:p="urn:t" xmlns="urn:t"><v xsi:type="p:Ext"><y>1</y></v></r>`, true],
      [`<r ${T} ${XSI}><v xsi:type="Ext" xsi:nil="true"/></r>`, 'unsure'],
    ]);
  });
  it('simple content: list, union, element fixed and default', () => {
    differential(types, [
      [`<r ${T}><l>1 2  3</l></r>`, true],
      [`<r ${T}><l>1 x</l></r>`, false],
      [`<r ${T}><u>12</u></r>`, true],
      [`<r ${T}><u>none</u></r>`, true],
      [`<r ${T}><u>some</u></r>`, false],
      [`<r ${T}><f>F</f></r>`, true],
      [`<r ${T}><f/></r>`, true],
      [`<r ${T}><f>G</f></r>`, false],
      [`<r ${T}><df/></r>`, true],
      [`<r ${T}><df>x</df></r>`, false],
      [`<r ${T}><l a="1">1</l></r>`, false],
      [`<r ${T}><l><x/></l></r>`, false],
    ]);
  });
});

describe('caches of the walk never change a verdict', () => {
  // The walk remembers, per type, which attribute use the i-th attribute named last time and,
  // per content-model state, the edge taken last time; fixed values are checked once at link
  // time; unprefixed xsi:type names are resolved once per scope object. One compiled schema
  // serves every instance below, in order, so each cache is filled by one instance and tried
  // (hit or miss) by the next.
  it('attribute uses in changing orders, fixed values, bad values after good ones', () => {
    differential(
      `<xs:complexType name="C"><xs:attribute name="code" type="xs:token" use="required"/><xs:attribute name="sys" type="xs:int"/>
         <xs:attribute name="kind" type="xs:string" fixed="K"/><xs:attribute name="mood" type="xs:token" fixed="EVN"/></xs:complexType>
       <xs:element name="r"><xs:complexType><xs:sequence><xs:element name="c" type="C" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>`,
      [
        [`<r ${T}><c code="a" sys="1" kind="K"/><c code="b" sys="2" kind="K"/></r>`, true],
        [`<r ${T}><c sys="1" code="a" kind="K"/><c kind="K" code="b"/><c code="b" sys="2" kind="K"/></r>`, true],
        [`<r ${T}><c code="a" sys="1" kind="K"/><c code="a" sys="x" kind="K"/></r>`, false],
        [`<r ${T}><c code="a" sys="1" kind="K"/><c code="a" sys="1" kind="L"/></r>`, false],
        [`<r ${T}><c code="a" sys="1" mood="EVN"/><c code="a" sys="1" mood="INT"/></r>`, false],
        [`<r ${T}><c code="a" sys="1" mood="EVN"/><c code="a" mood="EVN"/></r>`, true],
        [`<r ${T}><c code="a" sys="1"/><c sys="1"/></r>`, false],
        [`<r ${T}><c code="a" sys="1"/><c code="a" code2="1"/></r>`, false],
        [`<r ${T}><c code="a" sys="1"/><c sys="1" kind="K" code="z"/></r>`, true],
      ],
    );
  });

  it('one local name in two namespaces from the same state, alternating', () => {
    differential(
      `<xs:element name="a" type="xs:int"/>
       <xs:element name="r"><xs:complexType><xs:choice maxOccurs="unbounded">
         <xs:element name="a" type="xs:string" form="unqualified"/><xs:element ref="a"/><xs:element name="b" type="xs:string"/>
       </xs:choice></xs:complexType></xs:element>`,
      [
        [`<t:r xmlns:t="urn:t"><a>x</a><t:a>1</t:a><a>y</a><t:a>2</t:a></t:r>`, true],
        [`<t:r xmlns:t="urn:t"><t:a>1</t:a><t:a>x</t:a></t:r>`, false],
        [`<t:r xmlns:t="urn:t"><a>x</a><t:b/><t:a>1</t:a><a>y</a></t:r>`, true],
        [`<t:r xmlns:t="urn:t"><t:a>1</t:a><b/></t:r>`, false],
        [`<t:r xmlns:t="urn:t"><a>x</a><a>x</a><t:a>1</t:a><t:a>1</t:a></t:r>`, true],
      ],
    );
  });

  it('white space proven blank once, then text of the same length', () => {
    const r = `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:string" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>`;
    differential(r, [
      [`<r ${T}>\n  <a/>\n  <a/>\n</r>`, true],
      [`<r ${T}>\n  <a/>\n x<a/>\n</r>`, false],
      [`<r ${T}>\n  <a/>\t\r\n <a/>\n</r>`, true],
      [`<r ${T}>\n  <a/>\n\u3000 <a/>\n</r>`, false],
      [`<r ${T}>\n  <a/>\n  <a/>x</r>`, false],
    ]);
  });

  it('unprefixed xsi:type under different default namespaces', () => {
    differential(
      `<xs:complexType name="B"><xs:sequence><xs:element name="x" type="xs:string" minOccurs="0"/></xs:sequence></xs:complexType>
       <xs:complexType name="D"><xs:complexContent><xs:extension base="B"><xs:attribute name="m" type="xs:int"/></xs:extension></xs:complexContent></xs:complexType>
       <xs:element name="r"><xs:complexType><xs:sequence><xs:element name="v" type="B" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>`,
      [
        [`<r ${T} ${XSI}><v xsi:type="D" m="1"/><v xsi:type="D"/></r>`, true],
        [`<r ${T} ${XSI}><v xsi:type="D" m="1"/><t:v xmlns:t="urn:t" xmlns="urn:other" xsi:type="D"/></r>`, false],
        [`<t:r xmlns:t="urn:t" ${XSI}><t:v xsi:type="D"/></t:r>`, false],
        [`<t:r xmlns:t="urn:t" ${XSI}><t:v xsi:type="t:D" m="2"/><t:v xmlns="urn:t" xsi:type="D"/></t:r>`, true],
        [`<r ${T} ${XSI}><v xsi:type="D"/><v xsi:type="B" m="1"/></r>`, false],
      ],
    );
  });
});

describe('compiled data', () => {
  it('is plain data: a structured clone (as a worker receives it) and a JSON copy validate the same', () => {
    const f = schemaFile(`<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:int" maxOccurs="2"/></xs:sequence></xs:complexType></xs:element>`);
    const c = compileSchema(f);
    const copies = [structuredClone(c), JSON.parse(JSON.stringify(c)) as typeof c];
    for (const xml of [`<r ${T}><a>1</a></r>`, `<r ${T}><a>x</a></r>`, `<r ${T}><a>1</a><a>2</a><a>3</a></r>`]) {
      const want = acceptsTree(c, scanTree(xml)).valid;
      for (const k of copies) expect(acceptsTree(k, scanTree(xml)).valid).toBe(want);
    }
    expect(acceptsTree(copies[0]!, scanTree(`<r ${T}><a>1</a></r>`)).valid).toBe(true);
  });

  it('a root element the schema does not declare is not accepted', () => {
    const c = compileSchema(schemaFile(`<xs:element name="r" type="xs:string"/>`));
    const a = acceptsTree(c, scanTree(`<q ${T}/>`));
    expect(a.valid).toBe(false);
  });
});

describe('constructs outside the implemented set throw XsdJsUnsupported', () => {
  const cases: Record<string, string> = {
    simpleContent: `<xs:complexType name="S"><xs:simpleContent><xs:extension base="xs:string"><xs:attribute name="a"/></xs:extension></xs:simpleContent></xs:complexType>`,
    all: `<xs:complexType name="A"><xs:all><xs:element name="a"/></xs:all></xs:complexType>`,
    substitutionGroup: `<xs:element name="h" type="xs:string"/><xs:element name="m" type="xs:string" substitutionGroup="h"/>`,
    'abstract element': `<xs:element name="h" type="xs:string" abstract="true"/>`,
    'block on a type': `<xs:complexType name="B" block="extension"/>`,
    'final on a type': `<xs:complexType name="B" final="restriction"/>`,
    'identity constraint': `<xs:element name="r"><xs:complexType><xs:sequence><xs:element name="a" type="xs:string"/></xs:sequence></xs:complexType><xs:key name="k"><xs:selector xpath="a"/><xs:field xpath="."/></xs:key></xs:element>`,
    redefine: `<xs:redefine schemaLocation="x.xsd"/>`,
    notation: `<xs:notation name="n" public="p"/>`,
    'maxOccurs 0': `<xs:complexType name="Z"><xs:sequence><xs:element name="a"/><xs:element name="b" maxOccurs="0"/></xs:sequence></xs:complexType>`,
    'empty choice': `<xs:complexType name="C"><xs:sequence><xs:element name="a"/><xs:choice/></xs:sequence></xs:complexType>`,
    'simpleType final': `<xs:simpleType name="S" final="#all"><xs:restriction base="xs:string"/></xs:simpleType>`,
    'chameleon include': `<xs:include schemaLocation="${'chameleon.xsd'}"/>`,
    'non-deterministic content model': `<xs:complexType name="N"><xs:choice><xs:element name="a"/><xs:sequence><xs:element name="a"/><xs:element name="b"/></xs:sequence></xs:choice></xs:complexType>`,
  };
  writeFileSync(join(dir, 'chameleon.xsd'), '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="c"/></xs:schema>');
  for (const [name, body] of Object.entries(cases)) {
    it(name, () => {
      const f = schemaFile(body);
      expect(() => compileSchema(f)).toThrow(XsdJsUnsupported);
    });
  }
  it('blockDefault on the schema', () => {
    const f = schemaFile('<xs:element name="r"/>', 'targetNamespace="urn:t" blockDefault="#all"');
    expect(() => compileSchema(f)).toThrow(XsdJsUnsupported);
  });
});
