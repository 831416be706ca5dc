import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import type { DocumentTemplate, EntryTemplate } from '../../src/catalog/types.js';
import { parseCatalogPath, type CatalogPath } from '../../src/xml/path.js';

// Reads the data files directly (plain fs + ajv) until src/catalog's loadCatalog lands.
const ROOT = new URL('../../', import.meta.url);
const SHARED = new URL('../../../shared/reference/', import.meta.url);
const hasShared = existsSync(new URL('facts/ws445_emr_dataset_elements.csv', SHARED));

const readJson = (u: URL): unknown => JSON.parse(readFileSync(u, 'utf8'));
const schema = readJson(new URL('schemas/document-template.schema.json', ROOT)) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile<DocumentTemplate>(schema);

function load(dir: string): Map<string, DocumentTemplate> {
  const base = new URL(`shared-docs/${dir}/`, ROOT);
  const out = new Map<string, DocumentTemplate>();
  for (const f of readdirSync(base).filter((n) => n.endsWith('.json')).sort()) {
    const data = readJson(new URL(f, base));
    if (!validate(data)) throw new Error(`${dir}/${f}: ${JSON.stringify(validate.errors)}`);
    out.set(f.replace(/\.json$/, ''), data);
  }
  return out;
}

const wst500 = load('wst500');
const wst483 = load('wst483');
const docs500 = [...wst500.values()];
const pad = (n: number) => String(n).padStart(2, '0');
const allEntries = (d: DocumentTemplate): EntryTemplate[] => [...d.header.elements, ...d.sections.flatMap((s) => s.entries)];

/**
 * Two catalogue paths in one context are disjoint when, on the same skeleton, some step of each
 * asserts the same predicate with different literals; otherwise one could select the other's node.
 */
function disjoint(a: CatalogPath, b: CatalogPath): boolean {
  const skel = (p: CatalogPath) => p.steps.map((s) => `${s.prefix}:${s.local}`).join('/') + (p.attribute ? `/@${p.attribute.local}` : '');
  if (skel(a) !== skel(b)) return true;
  return a.steps.some((sa, i) => {
    const sb = b.steps[i]!;
    return sa.predicates.some((pa) => sb.predicates.some((pb) => JSON.stringify(pa.rel) === JSON.stringify(pb.rel) && pa.value !== pb.value));
  });
}

function expectDisjoint(where: string, paths: string[]): void {
  expect(new Set(paths).size, `${where}: duplicate path`).toBe(paths.length);
  const parsed = paths.map((p) => parseCatalogPath(p));
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      expect(disjoint(parsed[i]!, parsed[j]!), `${where}: ${paths[i]} and ${paths[j]} can select the same node`).toBe(true);
    }
  }
}

describe('WS/T 500 document templates (structure)', () => {
  it('has the 53 documents C0001..C0053 with their identity', () => {
    expect([...wst500.keys()]).toEqual(Array.from({ length: 53 }, (_, i) => `C00${pad(i + 1)}`));
    for (const [file, d] of wst500) {
      const n = Number(file.slice(1));
      expect(d).toMatchObject({
        code: file,
        family: 'wst500',
        part: n,
        standard: `WS/T 500.${n}-2016`,
        templateId: `2.16.156.10011.2.1.1.${20 + n}`,
        codeSystem: '2.16.156.10011.2.4',
        testPrefix: `EMR-SD-${pad(n)}`,
        depth: 'full',
      });
      expect(d.source.verified).toBe(false);
      expect(d.datasets.length).toBeGreaterThan(0);
      expect(d.sections.length).toBeGreaterThan(0);
      expect(d.header.required).toEqual(expect.arrayContaining(['recordTarget', 'author', 'custodian']));
    }
  });

  it('maps documents to their WS 445 sub-datasets', () => {
    expect(wst500.get('C0001')!.datasets).toEqual(['患者基本信息', '基本健康信息', '卫生事件摘要', '医疗费用记录']);
    expect(wst500.get('C0004')!.datasets).toEqual(['西药处方']);
    expect(wst500.get('C0032')!.datasets).toEqual(['住院病案首页']);
    const all = docs500.flatMap((d) => d.datasets);
    expect(new Set(all).size, 'a sub-dataset belongs to one document').toBe(all.length);
  });

  it('tells overlapping paths from disjoint ones', () => {
    const p = (s: string) => parseCatalogPath(s);
    expect(disjoint(p('hl7:telecom/@value'), p("hl7:telecom[@use='H']/@value"))).toBe(false);
    expect(disjoint(p("hl7:entry[hl7:observation/hl7:code/@code='DE01']/hl7:observation/hl7:value"), p("hl7:entry[hl7:observation/hl7:code/@code='DE01'][hl7:observation/hl7:code/@displayName='x']/hl7:observation/hl7:value"))).toBe(false);
    expect(disjoint(p("hl7:age[@unit='岁']/@value"), p("hl7:age[@unit='月']/@value"))).toBe(true);
    expect(disjoint(p('hl7:a/hl7:b'), p('hl7:a/hl7:c'))).toBe(true);
  });

  it('writes every path in the catalogue grammar (src/xml parser)', () => {
    for (const d of docs500) {
      for (const e of allEntries(d)) expect(() => parseCatalogPath(e.xpath), `${d.code} ${e.name}`).not.toThrow();
    }
  });

  it('keeps header paths, section codes and entry paths unique and disjoint in their context', () => {
    for (const d of docs500) {
      expectDisjoint(`${d.code} header`, d.header.elements.map((e) => e.xpath));
      const codes = d.sections.map((s) => s.code);
      expect(new Set(codes).size, `${d.code} section codes`).toBe(codes.length);
      for (const s of d.sections) expectDisjoint(`${d.code} ${s.code}`, s.entries.map((e) => e.xpath));
    }
  });

  it('places entries as the WS/T 500 shapes expect', () => {
    for (const d of docs500) {
      for (const s of d.sections) {
        for (const e of s.entries) {
          // every section entry hangs off its own hl7:entry, keyed by a predicate
          expect(e.xpath, `${d.code} ${e.name}`).toMatch(/^hl7:entry\[hl7:(observation|substanceAdministration|procedure)\//);
          if (e.xpath.startsWith('hl7:entry[hl7:observation/')) {
            expect(e.xpath, `${d.code} ${e.name}`).toContain(`[hl7:observation/hl7:code/@code='${e.de}']`);
          }
        }
      }
      for (const e of d.header.elements) {
        expect(e.xpath, `${d.code} ${e.name}`).toMatch(/^hl7:(recordTarget|author|custodian|legalAuthenticator|authenticator|participant|informant|componentOf)[/[]/);
      }
    }
  });

  it('has well-formed data elements, types, units and value sets', () => {
    for (const d of docs500) {
      for (const e of allEntries(d)) {
        const where = `${d.code} ${e.name}`;
        expect(e.de, where).toMatch(/^DE\d{2}\.\d{2}\.\d{3}\.\d{2}$/);
        expect(e.hdsd, where).toMatch(/^HDSD\d{2}\.\d{2}\.\d{3}$/);
        if (e.valueSet !== undefined) expect(e.dataType, where).toBe('CD');
        if (e.dataType === 'PQ' || e.dataType === 'MO') expect(e.unit, where).toBeTruthy();
        if (e.de === 'DE02.01.040.00' && e.name === '性别代码') expect(e.valueSet).toBe('2.16.156.10011.2.3.3.4');
      }
    }
  });

  it('puts the patient, the location chain and the signers in the header', () => {
    const c0034 = wst500.get('C0034')!;
    const byName = new Map(c0034.header.elements.map((e) => [e.name, e.xpath]));
    expect(byName.get('患者姓名')).toBe('hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name');
    expect(byName.get('住院号')).toBe("hl7:recordTarget/hl7:patientRole/hl7:id[@root='2.16.156.10011.1.12']/@extension");
    expect(byName.get('年龄（岁）')).toBe("hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:age[@unit='岁']/@value");
    expect(byName.get('病床号')).toMatch(/serviceProviderOrganization\/hl7:asOrganizationPartOf\/hl7:wholeOrganization\/hl7:id\[@root='2\.16\.156\.10011\.1\.22'\]\/@extension$/);
    expect(byName.get('主治医师签名')).toBe("hl7:authenticator[hl7:assignedEntity/hl7:code/@displayName='主治医师']/hl7:assignedEntity/hl7:assignedPerson/hl7:name");
    expect(byName.get('主任医师签名')).toBe('hl7:legalAuthenticator/hl7:assignedEntity/hl7:assignedPerson/hl7:name');
    const vitals = c0034.sections.find((s) => s.code === '8716-3')!;
    expect(vitals.entries.find((e) => e.name === '体格检查--体温（℃）')).toMatchObject({ dataType: 'PQ', unit: '℃' });
  });
});

describe('WS/T 483 document templates (identity; full depth is checked in test/catalog/regional.test.ts)', () => {
  it('has EHR-SD-01..20 with their identity', () => {
    expect([...wst483.keys()]).toEqual(Array.from({ length: 20 }, (_, i) => `EHR-SD-${pad(i + 1)}`));
    for (const [, d] of wst483) {
      expect(d).toMatchObject({
        code: `EHR-SD-${d.part}`,
        family: 'wst483',
        standard: `WS/T 483.${d.part}-2016`,
        templateId: `2.16.156.10011.2.1.1.${d.part}`,
        testPrefix: `EHR-SD-${d.part}`,
      });
      expect(d.source.verified).toBe(false);
    }
  });
});

describe('document-template schema', () => {
  const c0004 = () => structuredClone(wst500.get('C0004')!) as unknown as Record<string, unknown> & DocumentTemplate;
  it('rejects malformed templates', () => {
    const badDe = c0004();
    badDe.sections[0]!.entries[0]!.de = 'DE4.10.188.00';
    expect(validate(badDe)).toBe(false);
    const badPath = c0004();
    badPath.sections[0]!.entries[0]!.xpath = 'entry/observation/value';
    expect(validate(badPath)).toBe(false);
    const extra = c0004();
    (extra as Record<string, unknown>).extra = 1;
    expect(validate(extra)).toBe(false);
    const identityWithBody = { ...structuredClone(wst483.get('EHR-SD-01')!), depth: 'identity' as const, header: { required: [], elements: [] } };
    identityWithBody.sections = [{ code: '8716-3', title: '生命体征章节', cardinality: '0..1', entries: [] }];
    expect(validate(identityWithBody)).toBe(false);
    const badCard = c0004();
    (badCard.header.elements[0] as unknown as Record<string, unknown>).cardinality = '1';
    expect(validate(badCard)).toBe(false);
  });
});

// ---- oracle: the reference facts beside the repository, when present ----

function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}
const facts = (name: string) => parseCsv(readFileSync(new URL(`facts/${name}`, SHARED), 'utf8').replace(/^\uFEFF/, ''));

describe.skipIf(!hasShared)('WS/T 500 templates against the reference facts (oracle)', () => {
  it('matches codes, titles, templateIds and test prefixes of wst500_shared_documents.csv', () => {
    const rows = facts('wst500_shared_documents.csv');
    expect(rows).toHaveLength(53);
    for (const r of rows) {
      const d = wst500.get(r.document_type_code!)!;
      expect(d, r.document_type_code).toBeDefined();
      expect(d.title).toBe(r['name(per django_hip_service serializer)']);
      expect(d.templateId).toBe(r.templateId_root);
      expect(d.testPrefix).toBe(r.test_file_prefix);
      expect(d.standard).toBe(r.standard_part);
      expect(d.codeSystem).toBe(r['code@codeSystem']);
    }
  });

  it('places every element of each document\'s WS 445 sub-datasets exactly once', () => {
    const rows = facts('ws445_emr_dataset_elements.csv');
    const known = new Set(rows.map((r) => r['数据集名称']));
    for (const d of docs500) {
      for (const ds of d.datasets) expect(known.has(ds), `${d.code}: ${ds}`).toBe(true);
      const expected = new Set(rows.filter((r) => d.datasets.includes(r['数据集名称']!)).map((r) => `${r['数据元标识符']}|${r['数据元名称']}`));
      const placed = allEntries(d).map((e) => `${e.de}|${e.name}`);
      expect(new Set(placed).size, `${d.code}: an element placed twice`).toBe(placed.length);
      expect(new Set(placed), d.code).toEqual(expected);
      // format and hdsd come from the dataset row
      for (const e of allEntries(d)) {
        const row = rows.find((r) => d.datasets.includes(r['数据集名称']!) && r['数据元标识符'] === e.de && r['数据元名称'] === e.name && r['内部标识符'] === e.hdsd);
        expect(row, `${d.code} ${e.name}`).toBeDefined();
        expect(e.format).toBe(row!['表示格式']);
      }
    }
  });

  it('uses only the LOINC section codes of the vendor samples or of the concept table', () => {
    const rows = facts('wst500_shared_documents.csv');
    let fromSample = 0;
    let total = 0;
    for (const r of rows) {
      const sample = new Set(r.section_LOINC_codes_in_sample!.split(/\s+/));
      for (const s of wst500.get(r.document_type_code!)!.sections) {
        total++;
        if (sample.has(s.code)) fromSample++;
        else expect(wst500.get(r.document_type_code!)!.source.note, `${r.document_type_code} ${s.code}`).toContain(s.code);
      }
    }
    expect(fromSample).toBeGreaterThan(total / 2);
  });

  it('matches WS/T 483 titles and test prefixes', () => {
    for (const r of facts('wst483_regional_documents_and_datasets.csv')) {
      const d = wst483.get(`EHR-SD-${pad(Number(r.seq))}`)!;
      expect(d.title).toBe(r.shared_document_name);
      expect(d.testPrefix).toBe(r['shared_document_test_prefix(EHR-SD)']);
    }
  });

  it('is what tools/extract-documents.mjs produces from the reference', () => {
    const tool = fileURLToPath(new URL('tools/extract-documents.mjs', ROOT));
    const out = execFileSync(process.execPath, [tool, '--check', '--ref', fileURLToPath(SHARED)], { encoding: 'utf8' });
    expect(out).toContain('all files up to date');
  });
});

afterAll(() => {
  const counts = docs500.map((d) => allEntries(d).length);
  const sections = docs500.reduce((a, d) => a + d.sections.length, 0);
  const header = docs500.reduce((a, d) => a + d.header.elements.length, 0);
  console.log(
    `WS/T 500: ${docs500.length} documents, ${sections} sections, ${counts.reduce((a, b) => a + b, 0)} entries (${header} header), ` +
      `per document min ${Math.min(...counts)} max ${Math.max(...counts)}; WS/T 483: ${wst483.size} documents`,
  );
});
