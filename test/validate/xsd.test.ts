import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDA_CN_DIR, clearSchemaSetCache, loadSchemaSet, validateXsd, XsdSchemaError, type SchemaSet, type XsdIssue } from '../../src/validate/xsd.js';
import { deriveOrderTable } from '../../src/xml/xsd-order.js';
import { parseXml } from '../../src/xml/parse.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/xsd/${name}`, import.meta.url)), 'utf8');
const FULL = fixture('cda-full.xml');
const BASE = fixture('wst500-base.xml');

const SHARED = new URL('../../../shared/reference/', import.meta.url);
const HL7_DIR = fileURLToPath(new URL('hl7-cda-r2/infrastructure/cda/', SHARED));
const HL7_SAMPLE = join(HL7_DIR, 'SampleCDADocument.xml');
const hasShared = existsSync(join(HL7_DIR, 'CDA.xsd'));
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

function check(set: SchemaSet, xml: string): XsdIssue[] {
  const doc = parseXml(xml);
  try {
    return validateXsd(doc, set);
  } finally {
    doc.dispose();
  }
}

/** Fill the <!--@name--> anchors of the WS/T 500-shaped base document. */
function withAt(fills: Record<string, string>, xml = BASE): string {
  let out = xml;
  for (const [anchor, snippet] of Object.entries(fills)) {
    const mark = `<!--@${anchor}-->`;
    if (!out.includes(mark)) throw new Error(`no anchor ${mark}`);
    out = out.replace(mark, snippet);
  }
  return out;
}

/** Replace the first occurrence, failing when there is none (a fixture edit must not turn a case into a no-op). */
function edit(xml: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? xml.includes(from) : from.test(xml);
  if (!found) throw new Error(`edit: ${String(from)} not found`);
  return xml.replace(from, to);
}

// --- the WS/T 500 localisations (synthetic values), each with where it goes ----------------

const PATIENT_LOCALISATIONS: [name: string, xml: string][] = [
  ['nationality', '<nationality code="156" codeSystem="2.16.156.10011.2.3.3.1" codeSystemName="世界各国和地区名称代码（GB/T 2659）" displayName="中国"/>'],
  ['age', '<age unit="岁" value="34"/>'],
  ['educationLevel', '<educationLevel><educationLevelCode code="20" codeSystem="2.16.156.10011.2.3.3.6" codeSystemName="学历代码" displayName="大学本科"/></educationLevel>'],
  ['employerOrganization', '<employerOrganization><name>测试公司</name><telecom value="010-00000000"/><addr use="WP"><houseNumber>测试路9号</houseNumber><streetName>测试街</streetName><township>测试镇</township><county>测试县</county><city>测试市</city><state>测试省</state><postalCode>100000</postalCode></addr></employerOrganization>'],
  ['household', '<household><place classCode="PLC" determinerCode="INSTANCE"><addr><houseNumber>测试村1号</houseNumber><township>测试乡</township><county>测试县</county><city>测试市</city><state>测试省</state><postalCode>100000</postalCode></addr></place></household>'],
  ['nativePlace', '<nativePlace><place classCode="PLC" determinerCode="INSTANCE"><addr><city>测试市</city><state>测试省</state></addr></place></nativePlace>'],
  ['occupation', '<occupation><occupationCode code="17" codeSystem="2.16.156.10011.2.3.3.13" codeSystemName="从业状况代码表" displayName="职员"/></occupation>'],
];

const LOCALISATIONS: { name: string; anchor: string; xml: string }[] = [
  { name: 'patientType', anchor: 'patientType', xml: '<patientType><patienttypeCode code="1" codeSystem="2.16.156.10011.2.3.1.271" codeSystemName="患者类型代码表" displayName="门诊"/></patientType>' },
  { name: 'township', anchor: 'township', xml: '<township>测试镇</township>' },
  ...PATIENT_LOCALISATIONS.map(([name, xml]) => ({ name, anchor: 'patient', xml })),
  {
    name: 'professionalTechnicalPosition',
    anchor: 'professionalTechnicalPosition',
    xml: '<professionalTechnicalPosition><professionaltechnicalpositionCode code="231" codeSystem="2.16.156.10011.2.3.1.209" codeSystemName="专业技术职务类别代码表" displayName="主治医师"/></professionalTechnicalPosition>',
  },
];

const ALL_LOCALISED = withAt({
  patientType: LOCALISATIONS[0]!.xml,
  township: LOCALISATIONS[1]!.xml,
  patient: PATIENT_LOCALISATIONS.map(([, x]) => x).join('\n        '),
  professionalTechnicalPosition: LOCALISATIONS.at(-1)!.xml,
});

// --- structurally broken documents: every CDA schema must refuse them ------------------------

const BROKEN: { name: string; xml: string; says: RegExp }[] = [
  { name: 'wrong order (title before code)', xml: edit(BASE, /(<code code="C0001"[^>]*\/>)\s*(<title>病历概要<\/title>)/, '$2$1'), says: /'title'.*not expected|'code'.*not expected/ },
  { name: 'unknown element', xml: edit(BASE, '<title>病历概要</title>', '<title>病历概要</title><remark>备注</remark>'), says: /'remark'.*not expected/ },
  { name: 'missing required typeId', xml: edit(BASE, /\s*<typeId [^>]*\/>/, ''), says: /'templateId'.*not expected.*typeId/ },
  { name: 'bad TS value', xml: edit(BASE, '<effectiveTime value="20240315103000"/>', '<effectiveTime value="2024-03-15 10:30"/>'), says: /'value'.*'2024-03-15 10:30'.*(not valid|not accepted|pattern)/ },
  { name: 'element in the wrong namespace', xml: edit(BASE, '<title>病历概要</title>', '<title xmlns="urn:example:other">病历概要</title>'), says: /\{urn:example:other\}title'.*not expected/ },
  { name: 'element in no namespace', xml: edit(BASE, '<title>病历概要</title>', '<title xmlns="">病历概要</title>'), says: /Element 'title'.*not expected/ },
  { name: 'localisation in a foreign namespace', xml: withAt({ patient: '<cn:age xmlns:cn="urn:example:cn" unit="岁" value="34"/>' }), says: /\{urn:example:cn\}age'.*not expected/ },
  { name: 'value without xsi:type (ANY is abstract)', xml: edit(BASE, '<value xsi:type="ST">无</value>', '<value>无</value>'), says: /abstract/ },
  { name: 'clinical statement without moodCode', xml: edit(BASE, /<observation classCode="OBS" moodCode="EVN">(\s*<code code="DE05.10.119.00")/, '<observation classCode="OBS">$1'), says: /'moodCode' is required/ },
  { name: 'malformed OID root', xml: edit(BASE, 'root="2.16.156.10011.1.2"', 'root="2.16.156.abc"'), says: /'root'.*'2.16.156.abc'/ },
  { name: 'boolean spelled no', xml: edit(BASE, '<value xsi:type="BL" value="false"/>', '<value xsi:type="BL" value="no"/>'), says: /'value'.*'no'/ },
  { name: 'fixed typeCode changed', xml: edit(BASE, 'recordTarget typeCode="RCT"', 'recordTarget typeCode="AUT"'), says: /'typeCode'.*(fixed|RCT)/ },
  { name: 'unknown nullFlavor', xml: edit(BASE, '<setId/>', '<setId nullFlavor="NULL"/>'), says: /'nullFlavor'.*'NULL'/ },
  { name: 'HTML inside the narrative', xml: edit(BASE, /<text\/>/, '<text><div>无</div></text>'), says: /'div'.*not expected/ },
  { name: 'required custodian missing', xml: edit(BASE, /\s*<custodian[\s\S]*?<\/custodian>/, ''), says: /'legalAuthenticator'.*not expected.*custodian/ },
  { name: 'unknown attribute', xml: edit(BASE, '<title>病历概要</title>', '<title lang="zh">病历概要</title>'), says: /'lang'.*not allowed/ },
  { name: 'entry with two clinical statements', xml: edit(BASE, /(<value xsi:type="ST">无<\/value>\s*<\/observation>)/, '$1<act classCode="ACT" moodCode="EVN"><code code="X"/></act>'), says: /'act'.*not expected/ },
];

// --- localisations CDA-CN accepts only where WS/T 500 puts them ------------------------------

const MISPLACED: { name: string; xml: string; says: RegExp }[] = [
  { name: 'age before birthTime', xml: edit(BASE, '<birthTime value="19900101"/>', '<age unit="岁" value="34"/><birthTime value="19900101"/>'), says: /'birthTime'.*not expected|'age'.*not expected/ },
  { name: 'age on patientRole', xml: withAt({ patientType: '<age unit="岁" value="34"/>' }), says: /'age'.*not expected/ },
  { name: 'township outside an address', xml: withAt({ patient: '<township>测试镇</township>' }), says: /'township'.*not expected/ },
  { name: 'patientType after addr', xml: edit(BASE, /(<\/addr>)(\s*<telecom value="13800000000"\/>)/, `$1${LOCALISATIONS[0]!.xml}$2`), says: /'patientType'.*not expected/ },
  { name: 'professionalTechnicalPosition before name', xml: edit(BASE, /(<name>测试子<\/name>)\s*<!--@professionalTechnicalPosition-->/, `${LOCALISATIONS.at(-1)!.xml}$1`), says: /'name'.*not expected/ },
  { name: 'nationality after occupation', xml: withAt({ patient: PATIENT_LOCALISATIONS[6]![1] + PATIENT_LOCALISATIONS[0]![1] }), says: /'nationality'.*not expected/ },
  { name: 'occupation without occupationCode', xml: withAt({ patient: '<occupation/>' }), says: /'occupation'.*[Mm]issing child element.*occupationCode/ },
  { name: 'age that is not a number', xml: withAt({ patient: '<age unit="岁" value="34岁"/>' }), says: /'value'.*'34岁'/ },
  { name: 'household place with a wrong classCode', xml: withAt({ patient: '<household><place classCode="CITY"><addr>测试</addr></place></household>' }), says: /'classCode'.*(fixed|PLC)/ },
];

describe('CDA-CN schema set', () => {
  let cn: SchemaSet;
  beforeAll(() => {
    cn = loadSchemaSet();
  });

  it('is the default set, identified by cda-cn.xsd, with a manifest', () => {
    expect(cn.dir).toBe(CDA_CN_DIR.replace(/\/$/, ''));
    expect(cn.manifest).toMatchObject({ engine: 'libxml2-wasm', entry: 'cda-cn.xsd' });
    expect(cn.manifest.engineVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(cn.manifest.dataVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(cn.entries.map((e) => e.file)).toEqual(['cda-cn.xsd']);
    expect(cn.compiledEntries()).toEqual(['cda-cn.xsd']);
    expect(loadSchemaSet(CDA_CN_DIR)).toBe(cn);
    expect(loadSchemaSet(`${CDA_CN_DIR}/`)).toBe(cn);
  });

  it('accepts a plain CDA R2 document touching every part of the model', () => {
    expect(check(cn, FULL)).toEqual([]);
  });

  it('accepts a WS/T 500-shaped document without localisations', () => {
    expect(check(cn, BASE)).toEqual([]);
  });

  it('accepts a document carrying every WS/T 500 localisation at once', () => {
    expect(check(cn, ALL_LOCALISED)).toEqual([]);
  });

  it.each(LOCALISATIONS.map((l) => [l.name, l] as const))('accepts the localisation %s where WS/T 500 puts it', (_name, l) => {
    const xml = withAt({ [l.anchor]: l.xml });
    expect(xml).toContain(`<${l.name}`);
    expect(check(cn, xml)).toEqual([]);
  });

  it.each(BROKEN.map((b) => [b.name, b] as const))('rejects a broken document: %s', (_name, b) => {
    const issues = check(cn, b.xml);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.message).join('\n')).toMatch(b.says);
  });

  it.each(MISPLACED.map((m) => [m.name, m] as const))('rejects a misplaced or malformed localisation: %s', (_name, m) => {
    const issues = check(cn, m.xml);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.message).join('\n')).toMatch(m.says);
  });

  it('reports line, element path and a readable message', () => {
    const xml = edit(BASE, '<birthTime value="19900101"/>', '<birthTime value="1990-01-01"/>');
    const line = xml.split('\n').findIndex((l) => l.includes('1990-01-01')) + 1;
    const [issue, ...rest] = check(cn, xml);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ line, severity: 'error' });
    expect(issue!.path).toBe('/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:patient[1]/hl7:birthTime[1]');
    expect(issue!.message).toContain("Element 'birthTime', attribute 'value'");
    expect(issue!.message).not.toContain('{urn:hl7-org:v3}');
  });

  it('caps the number of issues it lists', () => {
    const many = BASE.replace(/value="(\d{8,14})"/g, 'value="x$1"');
    const all = check(cn, many);
    expect(all.length).toBeGreaterThan(3);
    const doc = parseXml(many);
    try {
      const capped = validateXsd(doc, cn, { maxIssues: 2 });
      expect(capped).toHaveLength(3);
      expect(capped[2]!.message).toBe(`${all.length - 2} further schema errors not listed`);
    } finally {
      doc.dispose();
    }
  });

  it('gives the sample generator the order WS/T 500 needs (xsd-order reads CDA-CN)', () => {
    const table = deriveOrderTable(join(CDA_CN_DIR, 'cda-cn.xsd'));
    expect(table.roots['ClinicalDocument']).toBe('POCD_MT000040.ClinicalDocument');
    const patient = table.types['POCD_MT000040.Patient']!.children;
    const want = ['birthplace', 'nationality', 'age', 'educationLevel', 'employerOrganization', 'household', 'nativePlace', 'occupation', 'languageCommunication'];
    expect(patient.filter((n) => want.includes(n))).toEqual(want);
    expect(table.types['POCD_MT000040.PatientRole']!.children.slice(3, 6)).toEqual(['id', 'patientType', 'addr']);
    expect(table.types['POCD_MT000040.Person']!.children.slice(-2)).toEqual(['name', 'professionalTechnicalPosition']);
    expect(table.types['AD']!.children).toContain('township');
  });

  it('identifies the schema bytes: a copy hashes the same, an edit does not', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'hutong-xsd-'));
    try {
      cpSync(CDA_CN_DIR, join(tmp, 'a'), { recursive: true });
      cpSync(CDA_CN_DIR, join(tmp, 'b'), { recursive: true });
      const b = join(tmp, 'b', 'narrative.xsd');
      writeFileSync(b, readFileSync(b, 'utf8').replace('</xs:schema>', '<!-- edited --></xs:schema>'));
      const a = loadSchemaSet(join(tmp, 'a'));
      expect(a.manifest.dataVersion).toBe(cn.manifest.dataVersion);
      expect(loadSchemaSet(join(tmp, 'b')).manifest.dataVersion).not.toBe(cn.manifest.dataVersion);
      expect(check(a, ALL_LOCALISED)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasShared)('CDA-CN against HL7 CDA R2 (oracle: ../shared/reference/hl7-cda-r2)', () => {
  let cn: SchemaSet;
  let hl7: SchemaSet;
  beforeAll(() => {
    cn = loadSchemaSet();
    hl7 = loadSchemaSet(HL7_DIR);
  });

  it("loads HL7's set by its entry CDA.xsd, includes outside the folder and all", () => {
    expect(hl7.manifest).toMatchObject({ engine: 'libxml2-wasm', entry: 'CDA.xsd' });
    expect(hl7.manifest.dataVersion).not.toBe(cn.manifest.dataVersion);
  });

  it("(a) accepts HL7's own sample document, as HL7's schema does", () => {
    const sample = readFileSync(HL7_SAMPLE, 'utf8');
    expect(check(hl7, sample)).toEqual([]);
    expect(check(cn, sample)).toEqual([]);
  });

  it('accepts the plain fixtures, as HL7 does', () => {
    expect(check(hl7, FULL)).toEqual([]);
    expect(check(hl7, BASE)).toEqual([]);
  });

  it.each(LOCALISATIONS.map((l) => [l.name, l] as const))('(b) %s: CDA-CN accepts it, plain HL7 CDA rejects it', (name, l) => {
    const xml = withAt({ [l.anchor]: l.xml });
    expect(check(cn, xml)).toEqual([]);
    const hl7Issues = check(hl7, xml);
    expect(hl7Issues.map((i) => i.message).join('\n')).toContain(`Element '${name}'`);
  });

  it('(b) the all-localisations document: HL7 rejects it on localisations only', () => {
    const issues = check(hl7, ALL_LOCALISED);
    expect(issues[0]!.message).toContain("Element 'patientType'");
    // libxml2 reports the first unexpected child of each parent; each is a localisation
    const names = LOCALISATIONS.map((l) => l.name);
    for (const i of issues) expect(names.some((n) => i.message.startsWith(`Element '${n}'`)), i.message).toBe(true);
  });

  it.each(BROKEN.map((b) => [b.name, b] as const))('(c) HL7 also rejects: %s', (_name, b) => {
    expect(check(hl7, b.xml).length).toBeGreaterThan(0);
  });

  it("orders every class's children as HL7 does (localisations aside)", () => {
    const ours = deriveOrderTable(join(CDA_CN_DIR, 'cda-cn.xsd'));
    const theirs = deriveOrderTable(join(HL7_DIR, 'CDA.xsd'));
    expect(ours.roots).toEqual(theirs.roots);
    const compared: string[] = [];
    for (const [type, order] of Object.entries(theirs.types)) {
      const mine = ours.types[type];
      if (mine === undefined) continue; // StrucDoc.Title*, Thead/Tbody/Tfoot (one RowGroup type here)
      const hl7Names = new Set(order.children);
      expect(mine.children.filter((n) => hl7Names.has(n)), type).toEqual(order.children);
      expect(order.children.every((n) => mine.children.includes(n)), type).toBe(true);
      compared.push(type);
    }
    expect(compared.length).toBeGreaterThan(100);
  });

  it('agrees with HL7 on randomly mutated plain documents (differential)', () => {
    const opts = { preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@_', commentPropName: '#c', trimValues: false, processEntities: false } as const;
    const tree = new XMLParser(opts).parse(FULL) as unknown[];
    const builder = new XMLBuilder({ ...opts, format: false, suppressEmptyNode: true });
    type Node = Record<string, unknown>;
    const elements = (arr: unknown[]): { arr: unknown[]; i: number; name: string; node: Node }[] => {
      const out: { arr: unknown[]; i: number; name: string; node: Node }[] = [];
      const walk = (a: unknown[]) =>
        a.forEach((n, i) => {
          const node = n as Node;
          const name = Object.keys(node).find((k) => k !== ':@' && !k.startsWith('#') && !k.startsWith('?'));
          if (name === undefined) return;
          out.push({ arr: a, i, name, node });
          walk(node[name] as unknown[]);
        });
      walk(arr);
      return out;
    };
    const values = ['', 'X', 'abc def', '2024-01-01', '20240101', 'true', 'no', '-1', '1.5', 'NI', 'NULL', 'EVN', 'INT', 'COMP', 'DRIV', 'OBS', 'ACT', 'PSN', 'ORG', 'KIND', 'ASSIGNED', 'PRS', 'SDLOC', 'B64', 'A', 'H', 'OP', '2.16.156.10011.1.1'];
    const renames = ['id', 'code', 'value', 'text', 'name', 'addr', 'entry', 'component', 'section', 'observation', 'author', 'time', 'age', 'township'];
    fc.assert(
      fc.property(fc.nat(), fc.nat(5), fc.nat(), (pick, kind, choice) => {
        const copy = structuredClone(tree);
        const els = elements(copy);
        const t = els[1 + (pick % (els.length - 1))]!;
        const attrs = t.node[':@'] as Record<string, string> | undefined;
        if (kind === 0) t.arr.splice(t.i, 1);
        else if (kind === 1) t.arr.splice(t.i, 0, structuredClone(t.node));
        else if (kind === 2) {
          const j = t.arr.findIndex((n, k) => k > t.i && Object.keys(n as Node).some((key) => key !== ':@' && !key.startsWith('#')));
          if (j < 0) return;
          [t.arr[t.i], t.arr[j]] = [t.arr[j], t.arr[t.i]];
        } else if (kind === 3 || kind === 4) {
          const keys = Object.keys(attrs ?? {}).filter((k) => !k.startsWith('@_xmlns'));
          if (attrs === undefined || keys.length === 0) return;
          const k = keys[choice % keys.length]!;
          if (kind === 3) delete attrs[k];
          else attrs[k] = values[choice % values.length]!;
        } else {
          const to = renames[choice % renames.length]!;
          t.node[to] = t.node[t.name];
          delete t.node[t.name];
        }
        const xml = builder.build(copy) as string;
        const hl7Valid = check(hl7, xml).length === 0;
        expect(check(cn, xml).length === 0, 'CDA-CN and HL7 disagree on a mutant').toBe(hl7Valid);
      }),
      { numRuns: 150, seed: 20240315 },
    );
  });

  describe.skipIf(!hasXmllint)('xmllint (system libxml2) agrees', () => {
    let tmp: string;
    beforeAll(() => {
      tmp = mkdtempSync(join(tmpdir(), 'hutong-xmllint-'));
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    const xmllint = (xsd: string, xml: string, name: string) => {
      const f = join(tmp, name);
      writeFileSync(f, xml);
      return spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, f], { encoding: 'utf8' });
    };

    it('compiles CDA-CN and gives the same verdicts as libxml2-wasm', () => {
      const cnXsd = join(CDA_CN_DIR, 'cda-cn.xsd');
      const hl7Xsd = join(HL7_DIR, 'CDA.xsd');
      expect(xmllint(cnXsd, readFileSync(HL7_SAMPLE, 'utf8'), 'sample.xml').status).toBe(0);
      expect(xmllint(cnXsd, ALL_LOCALISED, 'all.xml').status).toBe(0);
      const plain = xmllint(hl7Xsd, ALL_LOCALISED, 'all-hl7.xml');
      expect(plain.status).not.toBe(0);
      expect(plain.stderr).toContain("Element '{urn:hl7-org:v3}patientType'");
      for (const [i, b] of BROKEN.entries()) {
        expect(xmllint(cnXsd, b.xml, `broken-${i}.xml`).status, b.name).not.toBe(0);
        expect(xmllint(hl7Xsd, b.xml, `broken-hl7-${i}.xml`).status, b.name).not.toBe(0);
      }
    });

    it('(d) measures validation time: libxml2-wasm vs xmllint --schema (reported, not asserted)', () => {
      // mid-size: the full fixture with its entry sections repeated (about 100 KB)
      const from = FULL.indexOf('<!-- observations with every common value type -->');
      const to = FULL.indexOf('</structuredBody>');
      expect(from).toBeGreaterThan(0);
      const mid = FULL.slice(0, from) + FULL.slice(from, to).repeat(4) + FULL.slice(to);
      expect(check(cn, mid)).toEqual([]);
      const N = 20;
      const time = (set: SchemaSet): number => {
        const t0 = performance.now();
        for (let i = 0; i < N; i++) check(set, mid);
        return (performance.now() - t0) / N;
      };
      const compile = (dir: string): number => {
        clearSchemaSetCache();
        const t0 = performance.now();
        loadSchemaSet(dir);
        return performance.now() - t0;
      };
      const compileCn = compile(CDA_CN_DIR);
      const compileHl7 = compile(HL7_DIR);
      cn = loadSchemaSet();
      hl7 = loadSchemaSet(HL7_DIR);
      const wasmCn = time(cn);
      const wasmHl7 = time(hl7);
      const validateOnly = (set: SchemaSet): number => {
        const doc = parseXml(mid);
        try {
          const t0 = performance.now();
          for (let i = 0; i < N; i++) validateXsd(doc, set);
          return (performance.now() - t0) / N;
        } finally {
          doc.dispose();
        }
      };
      const onlyCn = validateOnly(cn);
      const onlyHl7 = validateOnly(hl7);
      // xmllint compiles once per run: (N files) - (1 file) isolates the per-document cost
      const files = Array.from({ length: N }, (_, i) => {
        const f = join(tmp, `mid-${i}.xml`);
        writeFileSync(f, mid);
        return f;
      });
      const run = (xsd: string, fs: string[]): number => {
        const t0 = performance.now();
        const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, ...fs], { encoding: 'utf8' });
        expect(r.status).toBe(0);
        return performance.now() - t0;
      };
      const lint = (xsd: string) => {
        const one = Math.min(run(xsd, files.slice(0, 1)), run(xsd, files.slice(0, 1)));
        const all = Math.min(run(xsd, files), run(xsd, files));
        return { perDoc: (all - one) / (N - 1), firstRun: one };
      };
      const lintCn = lint(join(CDA_CN_DIR, 'cda-cn.xsd'));
      const lintHl7 = lint(join(HL7_DIR, 'CDA.xsd'));
      const ms = (x: number) => Math.round(x * 10) / 10;
      console.log(
        [
          `XSD timing, document of ${Buffer.byteLength(mid)} bytes, mean of ${N}:`,
          `  libxml2-wasm  CDA-CN: compile ${ms(compileCn)} ms, parse+validate ${ms(wasmCn)} ms/doc, validate only ${ms(onlyCn)} ms/doc`,
          `  libxml2-wasm  HL7   : compile ${ms(compileHl7)} ms, parse+validate ${ms(wasmHl7)} ms/doc, validate only ${ms(onlyHl7)} ms/doc`,
          `  xmllint       CDA-CN: ${ms(lintCn.perDoc)} ms/doc (one-document run incl. compile ${ms(lintCn.firstRun)} ms)`,
          `  xmllint       HL7   : ${ms(lintHl7.perDoc)} ms/doc (one-document run incl. compile ${ms(lintHl7.firstRun)} ms)`,
        ].join('\n'),
      );
      expect(wasmCn).toBeGreaterThan(0);
    });
  });
});

describe('schema sets from other folders (--schemas DIR)', () => {
  let tmp: string;
  let hits = 0;
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'hutong-sets-'));
    server = createServer((_req, res) => {
      hits++;
      res.end('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(tmp, { recursive: true, force: true });
  });

  const XSD_HEAD = '<?xml version="1.0" encoding="UTF-8"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:hl7-org:v3" targetNamespace="urn:hl7-org:v3" elementFormDefault="qualified">';
  const write = (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };

  it('resolves includes from the schema folder, also outside it and under a non-ASCII path', () => {
    const root = join(tmp, '测试 schemas');
    write(join(root, 'common', 'types.xsd'), `${XSD_HEAD}<xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]+"/></xs:restriction></xs:simpleType></xs:schema>`);
    write(join(root, 'set', 'parts', 'msg.xsd'), `${XSD_HEAD}<xs:include schemaLocation="../../common/types.xsd"/><xs:complexType name="Msg"><xs:attribute name="code" type="Code" use="required"/></xs:complexType></xs:schema>`);
    write(join(root, 'set', 'main.xsd'), `${XSD_HEAD}<xs:include schemaLocation="parts/msg.xsd"/><xs:element name="Msg" type="Msg"/></xs:schema>`);
    const set = loadSchemaSet(join(root, 'set'));
    expect(set.manifest.entry).toBe('main.xsd');
    expect(check(set, '<Msg xmlns="urn:hl7-org:v3" code="ABC"/>')).toEqual([]);
    expect(check(set, '<Msg xmlns="urn:hl7-org:v3" code="abc"/>')[0]!.message).toMatch(/'abc'/);
    // the same set named by its entry file
    expect(loadSchemaSet(join(root, 'set', 'main.xsd')).manifest.dataVersion).toBe(set.manifest.dataVersion);
  });

  it('compiles one validator per index.json entry, lazily', () => {
    const dir = join(tmp, 'v3');
    write(join(dir, 'wrapper.xsd'), `${XSD_HEAD}<xs:complexType name="Message"><xs:sequence><xs:element name="id" minOccurs="0"/></xs:sequence><xs:attribute name="ITSVersion" type="xs:string" use="required"/></xs:complexType></xs:schema>`);
    for (const id of ['PRPA_IN201311UV02', 'MCCI_IN000002UV01']) {
      write(join(dir, `${id}.xsd`), `${XSD_HEAD}<xs:include schemaLocation="wrapper.xsd"/><xs:element name="${id}" type="Message"/></xs:schema>`);
    }
    write(
      join(dir, 'index.json'),
      JSON.stringify({
        $comment: 'test',
        namespace: 'urn:hl7-org:v3',
        interactions: {
          PRPA_IN201311UV02: { file: 'PRPA_IN201311UV02.xsd', root: 'PRPA_IN201311UV02', kind: 'request' },
          PRPA_IN201314UV02: { file: 'PRPA_IN201311UV02.xsd', root: 'PRPA_IN201314UV02' },
          MCCI_IN000002UV01: { file: 'MCCI_IN000002UV01.xsd' },
        },
      }),
    );
    const set = loadSchemaSet(dir);
    expect(set.manifest.entry).toBe('index.json');
    expect(set.entries.map((e) => e.file).sort()).toEqual(['MCCI_IN000002UV01.xsd', 'PRPA_IN201311UV02.xsd']);
    expect(set.compiledEntries()).toEqual([]);
    expect(check(set, '<PRPA_IN201311UV02 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id/></PRPA_IN201311UV02>')).toEqual([]);
    expect(set.compiledEntries()).toEqual(['PRPA_IN201311UV02.xsd']);
    expect(check(set, '<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3"/>')[0]!.message).toMatch(/ITSVersion/);
    expect(set.compiledEntries().sort()).toEqual(['MCCI_IN000002UV01.xsd', 'PRPA_IN201311UV02.xsd']);
    const before = set.manifest.dataVersion;
    write(join(dir, 'index.json'), JSON.stringify({ interactions: { MCCI_IN000002UV01: 'MCCI_IN000002UV01.xsd' } }));
    clearSchemaSetCache();
    expect(loadSchemaSet(dir).manifest.dataVersion).not.toBe(before);
    const doc = parseXml('<QUPA_IN000001UV01 xmlns="urn:hl7-org:v3"/>');
    try {
      expect(() => validateXsd(doc, loadSchemaSet(dir))).toThrow(expect.objectContaining({ code: 'no-schema-for-root' }));
    } finally {
      doc.dispose();
    }
  });

  const V3_DIR = fileURLToPath(new URL('../../schemas/xsd/v3/', import.meta.url));
  it.skipIf(!existsSync(join(V3_DIR, 'index.json')))('loads the project V3 message folder by its index.json', () => {
    let set: SchemaSet;
    try {
      set = loadSchemaSet(V3_DIR);
    } catch (err) {
      // the V3 folder is written concurrently; an unreadable index is its problem, but say so
      throw new Error(`schemas/xsd/v3 did not load: ${(err as Error).message}`);
    }
    expect(set.manifest.entry).toBe('index.json');
    expect(set.entries.length).toBeGreaterThan(0);
    expect(set.compiledEntries()).toEqual([]);
  });

  it('never fetches: a remote schemaLocation is refused and no request is made', () => {
    const dir = join(tmp, 'remote');
    write(join(dir, 'main.xsd'), `${XSD_HEAD}<xs:import namespace="urn:example" schemaLocation="http://127.0.0.1:${port}/evil.xsd"/><xs:element name="X"/></xs:schema>`);
    expect(() => loadSchemaSet(dir)).toThrow(expect.objectContaining({ name: 'XsdSchemaError', code: 'remote-reference' }));
    expect(hits).toBe(0);
  });

  it('never fetches what a document points at (xsi:schemaLocation, DOCTYPE)', () => {
    const cn = loadSchemaSet();
    const url = `http://127.0.0.1:${port}/evil.xsd`;
    const withHint = BASE.replace('<ClinicalDocument xmlns="urn:hl7-org:v3"', `<ClinicalDocument xsi:schemaLocation="urn:hl7-org:v3 ${url}" xmlns="urn:hl7-org:v3"`);
    expect(check(cn, withHint)).toEqual([]);
    const withDoctype = BASE.replace('<ClinicalDocument', `<!DOCTYPE ClinicalDocument SYSTEM "${url}">\n<ClinicalDocument`);
    try {
      check(cn, withDoctype);
    } catch {
      // refusing the DOCTYPE outright is fine too; fetching it is not
    }
    expect(hits).toBe(0);
  });

  it('says why a folder is not a schema set', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(() => loadSchemaSet(empty)).toThrow(expect.objectContaining({ code: 'no-entry' }));
    expect(() => loadSchemaSet(join(tmp, 'missing'))).toThrow(expect.objectContaining({ code: 'not-found' }));
    const broken = join(tmp, 'broken');
    write(join(broken, 'main.xsd'), `${XSD_HEAD}<xs:element name="X" type="NoSuchType"/></xs:schema>`);
    let err: unknown;
    try {
      loadSchemaSet(broken);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(XsdSchemaError);
    expect(err).toMatchObject({ code: 'compile' });
    expect((err as XsdSchemaError).message).toMatch(/NoSuchType/);
    const badIndex = join(tmp, 'bad-index');
    write(join(badIndex, 'index.json'), '{"interactions": {"A": {"file": "nope.xsd"}}}');
    expect(() => loadSchemaSet(badIndex)).toThrow(expect.objectContaining({ code: 'bad-index' }));
  });
});
