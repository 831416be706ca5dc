import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { EntityDef, LevelCode, PlanDef, ServiceDef } from '../../src/catalog/types.js';
import { readMessage } from '../../src/samples/message.js';
import { v3Index, validateV3 } from '../../src/samples/v3-schema.js';
import { parseCatalogPath, type CatalogPath } from '../../src/xml/path.js';

// Reads the data files directly (plain fs + ajv) until src/catalog's loadCatalog lands.
const ROOT = new URL('../../', import.meta.url);
const SHARED = new URL('../../../shared/reference/', import.meta.url);
const CSV = new URL('facts/hospital_interaction_services.csv', SHARED);
const QUERY_DIR = new URL('django-hip-service/query-test-messages/', SHARED);
const hasShared = existsSync(CSV) && existsSync(QUERY_DIR);

const readJson = (u: URL): unknown => JSON.parse(readFileSync(u, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
function checked<T>(schemaFile: string, data: unknown, what: string): T {
  let validate = compiled.get(schemaFile);
  if (!validate) {
    validate = ajv.compile(readJson(new URL(`schemas/${schemaFile}`, ROOT)) as object);
    compiled.set(schemaFile, validate);
  }
  if (!validate(data)) throw new Error(`${what}: ${JSON.stringify(validate.errors, null, 1)}`);
  return data as T;
}

const services = checked<{ services: ServiceDef[] }>('services.schema.json', readJson(new URL('scenarios/services.json', ROOT)), 'scenarios/services.json').services;
const entities = checked<{ entities: EntityDef[] }>('entities.schema.json', readJson(new URL('scenarios/entities.json', ROOT)), 'scenarios/entities.json').entities;
const entityByName = new Map(entities.map((e) => [e.name, e]));
const LEVELS: LevelCode[] = ['3', '4b', '4a', '5b', '5a'];
const plans = new Map<string, PlanDef>(
  LEVELS.map((l) => {
    const file = `scenarios/plans/hospital-${l}.yaml`;
    return [`hospital-${l}`, checked<PlanDef>('plan.schema.json', parseYaml(readFileSync(new URL(file, ROOT), 'utf8')), file)];
  }),
);

/** Two paths are disjoint when, on the same skeleton, some step asserts one predicate with different literals. */
function disjoint(a: CatalogPath, b: CatalogPath): boolean {
  const skel = (p: CatalogPath) => p.steps.map((s) => `${s.prefix}:${s.local}`).join('/') + (p.attribute ? `/@${p.attribute.local}` : '');
  if (skel(a) !== skel(b)) return true;
  return a.steps.some((sa, i) => {
    const sb = b.steps[i]!;
    return sa.predicates.some((pa) => sb.predicates.some((pb) => JSON.stringify(pa.rel) === JSON.stringify(pb.rel) && pa.value !== pb.value));
  });
}

describe('service catalogue (structure)', () => {
  it('has the 69 hospital services with unique codes and case ids', () => {
    expect(services).toHaveLength(69);
    expect(new Set(services.map((s) => s.code)).size).toBe(69);
    expect(new Set(services.map((s) => s.caseId)).size).toBe(69);
  });

  it('keeps catalogue order by WS/T 846 part and section', () => {
    const keys = services.map((s) => s.section.split('.').map(Number));
    for (let i = 1; i < keys.length; i++) {
      const [pa, sa] = keys[i - 1]!;
      const [pb, sb] = keys[i]!;
      expect(pb! > pa! || (pb === pa && sb! > sa!), `${services[i]!.code} after ${services[i - 1]!.code}`).toBe(true);
    }
    for (const s of services) {
      expect(s.section.startsWith(`${s.part}.`), s.code).toBe(true);
      expect(s.source.standard).toBe(`WS/T 846.${s.part}-2024`);
    }
  });

  it('names a known entity and only its fields as query parameters', () => {
    for (const s of services) {
      const e = entityByName.get(s.entity);
      expect(e, `${s.code}: entity ${s.entity}`).toBeDefined();
      const fields = new Set(e!.fields.map((f) => f.name));
      for (const q of s.queryParams ?? []) expect(fields.has(q.field), `${s.code}: ${q.field}`).toBe(true);
      if (s.queryParams) {
        // the first parameter is the record key the T01/F01 cases vary
        expect(e!.fields.find((f) => f.name === s.queryParams![0]!.field)?.key, `${s.code}: first parameter is a key`).toBe(true);
      }
    }
  });

  it('gives queries parameters and a record location, and everything else an MCCI acknowledgement', () => {
    for (const s of services) {
      if (s.pattern === 'query' || s.pattern === 'retrieve') {
        expect(s.queryParams?.length, s.code).toBeGreaterThan(0);
        expect(s.responseRecords, s.code).toBeDefined();
        expect(s.response, s.code).not.toBe('MCCI_IN000002UV01');
      } else {
        expect(s.response, s.code).toBe('MCCI_IN000002UV01');
        expect(s.queryParams, s.code).toBeUndefined();
      }
    }
    expect(services.filter((s) => s.pattern === 'merge').map((s) => s.code)).toEqual(['PatientInfoMerge']);
    expect(services.filter((s) => s.pattern === 'retrieve').map((s) => s.code)).toEqual(['DocumentRetrieve']);
  });

  it('writes every path in the catalogue path grammar', () => {
    for (const s of services) {
      parseCatalogPath(s.payloadRoot);
      for (const q of s.queryParams ?? []) parseCatalogPath(q.xpath);
      if (s.responseRecords) {
        parseCatalogPath(s.responseRecords.records);
        parseCatalogPath(s.responseRecords.payloadRoot);
      }
      expect(s.payloadRoot.startsWith('hl7:controlActProcess/'), s.code).toBe(true);
    }
  });

  it('has a V3 schema of the right kind for every request and response', () => {
    const idx = v3Index();
    for (const s of services) {
      expect(idx.interactions[s.request]?.kind, `${s.code} request ${s.request}`).toBe('request');
      const kind = s.response === 'MCCI_IN000002UV01' ? 'acknowledgement' : 'queryResponse';
      expect(idx.interactions[s.response]?.kind, `${s.code} response ${s.response}`).toBe(kind);
      expect(idx.interactions[s.request]!.services).toContain(s.code);
    }
    for (const [iid, e] of Object.entries(idx.interactions)) {
      expect(e.root).toBe(iid);
      expect(existsSync(new URL(`schemas/xsd/v3/${e.file}`, ROOT)), e.file).toBe(true);
    }
  });

  it('marks assigned case ids and single-source facts unverified', () => {
    for (const s of services) {
      if (!s.queryParams) expect(s.source.verified, `${s.code}: case id ${s.caseId} is assigned`).toBe(false);
      if (!s.source.verified) expect(s.source.note, s.code).toBeTruthy();
    }
  });
});

describe('entity catalogue (structure)', () => {
  it('has unique entities with keys, labelled fields and disjoint paths', () => {
    expect(new Set(entities.map((e) => e.name)).size).toBe(entities.length);
    for (const e of entities) {
      expect(e.fields.length, e.name).toBeGreaterThanOrEqual(6);
      expect(e.fields.some((f) => f.key), `${e.name} has a key`).toBe(true);
      for (const f of e.fields) if (f.key) expect(f.required, `${e.name}.${f.name}: keys are required`).toBe(true);
      expect(new Set(e.fields.map((f) => f.name)).size, e.name).toBe(e.fields.length);
      const parsed = e.fields.map((f) => parseCatalogPath(f.xpath));
      for (let i = 0; i < parsed.length; i++) {
        for (let j = i + 1; j < parsed.length; j++) {
          expect(disjoint(parsed[i]!, parsed[j]!), `${e.name}: ${e.fields[i]!.name} and ${e.fields[j]!.name} can select the same node`).toBe(true);
        }
      }
    }
  });

  it('covers what the brief names: patient … status entities, each carried by some service', () => {
    const names = new Set(entities.map((e) => e.name));
    for (const n of ['patient', 'organization', 'provider', 'terminology', 'document', 'encounterCard', 'outpatientVisit', 'inpatientVisit', 'transfer', 'discharge', 'order',
      'labApplication', 'examApplication', 'pathologyApplication', 'bloodTransfusionApplication', 'operationApplication',
      'sourceSchedule', 'outpatientAppointment', 'examAppointment', 'orderStatus', 'examStatus', 'labStatus', 'operationSchedule', 'operationStatus']) {
      expect(names.has(n), n).toBe(true);
    }
    const carried = new Set(services.map((s) => s.entity));
    for (const e of entities) expect(carried.has(e.name), `${e.name} is carried by a service`).toBe(true);
  });

  it('gives every entity a register/add path and, except the merge, a query', () => {
    for (const e of entities) {
      const of = services.filter((s) => s.entity === e.name);
      expect(of.some((s) => ['register', 'add', 'update', 'merge'].includes(s.pattern)), e.name).toBe(true);
      if (e.name !== 'patientMerge') expect(of.some((s) => s.pattern === 'query' || s.pattern === 'retrieve'), e.name).toBe(true);
    }
  });
});

describe('level plans', () => {
  const expected: Record<LevelCode, number> = { '3': 3, '4b': 13, '4a': 46, '5b': 69, '5a': 69 };

  it('are cumulative: each plan holds all of the plan it extends', () => {
    let parent: PlanDef | undefined;
    for (const l of LEVELS) {
      const p = plans.get(`hospital-${l}`)!;
      expect(p.level).toBe(l);
      expect(p.id).toBe(`hospital-${l}`);
      expect(p.extends).toBe(parent?.id);
      if (parent) {
        for (const k of ['services', 'documents', 'datasets'] as const) {
          for (const x of parent[k]) expect(p[k], `${p.id}.${k} keeps ${x}`).toContain(x);
        }
      }
      parent = p;
    }
  });

  it('follow the practitioner mapping: 3 / 13 / 46 / 69 / 69 services, each at its level', () => {
    const levelOf = new Map(services.map((s) => [s.code, s.level] as const));
    for (const l of LEVELS) {
      const p = plans.get(`hospital-${l}`)!;
      expect(p.services, p.id).toHaveLength(expected[l]);
      const upTo = LEVELS.slice(0, LEVELS.indexOf(l) + 1);
      for (const code of p.services) expect(upTo, `${p.id}: ${code}`).toContain(levelOf.get(code));
      expect(services.filter((s) => upTo.includes(s.level)).map((s) => s.code).sort()).toEqual([...p.services].sort());
    }
    expect(plans.get('hospital-3')!.services.sort()).toEqual(['DocumentAccess', 'DocumentRegister', 'DocumentRetrieve']);
  });

  it('require known documents and datasets, all 53 documents at 五级, and say what is assumed', () => {
    const docDir = new URL('shared-docs/wst500/', ROOT);
    const docs = existsSync(docDir) ? new Set(readdirSync(docDir).filter((f) => f.endsWith('.json')).map((f) => f.replace('.json', ''))) : undefined;
    const dsFile = new URL('datasets/ws445.json', ROOT);
    const ds = existsSync(dsFile) ? new Set((readJson(dsFile) as { datasets: { id: string }[] }).datasets.map((d) => d.id)) : undefined;
    for (const p of plans.values()) {
      if (docs) for (const d of p.documents) expect(docs.has(d), `${p.id}: ${d}`).toBe(true);
      if (ds) for (const d of p.datasets) expect(ds.has(d), `${p.id}: dataset ${d}`).toBe(true);
      expect(p.assumptions.map((a) => a.figure)).toEqual(expect.arrayContaining(['services required at this level', 'documents required at this level']));
      for (const a of p.assumptions) expect(a.source.verified, `${p.id}: ${a.figure}`).toBe(false);
      // 运行性能: every stage loads a service of the plan, and its figures are labelled assumed
      expect(p.performance?.stages.length, `${p.id}: performance profile`).toBeGreaterThan(0);
      for (const st of p.performance?.stages ?? []) {
        expect(p.services, `${p.id}: ${st.name}`).toContain(st.service);
        expect(st.assumed, `${p.id}: ${st.name}`).toBe(true);
      }
    }
    expect(plans.get('hospital-5b')!.documents).toHaveLength(53);
    expect(plans.get('hospital-5a')!.documents).toHaveLength(53);
    expect(plans.get('hospital-3')!.documents.length).toBeLessThan(plans.get('hospital-4b')!.documents.length);
  });
});

// ------------------------------------------------------------------ oracle: ../shared/reference

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

describe.skipIf(!hasShared)('service catalogue vs ../shared/reference (oracle)', () => {
  const LEVEL: Record<string, LevelCode> = { 三级: '3', 四级乙等: '4b', 四级甲等: '4a', 五级乙等: '5b', 五级甲等: '5a' };

  it('matches facts/hospital_interaction_services.csv row by row', () => {
    const rows = parseCsv(readFileSync(CSV, 'utf8')).slice(1).filter((r) => r.length > 1);
    expect(rows).toHaveLength(69);
    rows.forEach((r, i) => {
      const [seq, part, section, code, name, group, rank, request, , , caseId, , response] = r;
      const s = services[i]!;
      expect(s.code, `row ${seq}`).toBe(code);
      expect(s.name, code).toBe(name);
      expect(s.group, code).toBe(group);
      expect(s.part, code).toBe(Number(part));
      expect(s.section, code).toBe(section);
      expect(s.request, code).toBe(request);
      expect(s.level, code).toBe(LEVEL[rank!]);
      if (response) expect(s.response, code).toBe(response);
      // case ids: published ones as given, the others by sequence number
      expect(s.caseId, code).toBe(caseId || `EMR-PL-${seq!.padStart(2, '0')}`);
    });
  });

  it('matches the root element of each practitioner service XSD', () => {
    const dir = new URL('django-hip-service/service-xsd/', SHARED);
    for (const s of services) {
      const xsd = readFileSync(new URL(`${s.code}.xsd`, dir), 'utf8');
      const root = /<xs:element name="([A-Z]{4}_IN[0-9A-Z]+)"/.exec(xsd)?.[1];
      expect(root, s.code).toBe(s.request);
    }
  });

  it('puts each query key where template-service-params.txt does (modulo value/item wrappers it omits)', () => {
    // a JavaScript object literal: quote its keys and it is JSON
    const text = readFileSync(new URL('django-hip-service/template-service-params.txt', SHARED), 'utf8');
    const data = JSON.parse(text.replace(/^(\s*)([A-Za-z]+):/gm, '$1"$2":')) as { data: { serviceCode: string; params: { path: string }[] }[] };
    const byCode = new Map(data.data.map((d) => [d.serviceCode, d.params[0]!.path] as const));
    const norm = (p: string) => p.replace(/xmlns:/g, '').replace(/\[[^\]]*\]/g, '').replace(/^\//, '');
    const queries = services.filter((s) => s.queryParams);
    expect(queries.every((s) => byCode.has(s.code)), 'template covers every query').toBe(true);
    // SourceAndScheduleInfoQuery: the template writes scheduleId/value/@extension; the practitioner's own
    // EMR-PL-52 messages carry scheduleId/value/item/@extension, which we follow
    const knownDeviation = new Set(['SourceAndScheduleInfoQuery']);
    for (const s of queries) {
      const ours = norm(`${s.payloadRoot}/${s.queryParams![0]!.xpath}`.replace(/hl7:/g, ''));
      const theirs = norm(byCode.get(s.code)!);
      if (knownDeviation.has(s.code)) expect(ours.replace('/item/', '/')).toBe(theirs);
      else expect(ours, s.code).toBe(theirs);
    }
  });

  const files = hasShared ? readdirSync(QUERY_DIR).filter((f) => f.endsWith('.xml')).sort() : [];

  it('has a query service for each of the 50 practitioner query messages', () => {
    expect(files).toHaveLength(50);
    for (const f of files) {
      const caseId = /^(EMR-PL-[0-9]{2})/.exec(f)![1];
      const s = services.find((x) => x.caseId === caseId);
      expect(s?.queryParams, f).toBeDefined();
      expect(readMessage(readFileSync(new URL(f, QUERY_DIR))).root, f).toBe(s!.request);
    }
  });

  it('validates all 50 practitioner query messages against our V3 XSDs', () => {
    const failures: string[] = [];
    for (const f of files) {
      const r = validateV3(readFileSync(new URL(f, QUERY_DIR)));
      if (!r.ok) failures.push(`${f}: ${r.problems.map((p) => `${p.line ?? '?'}: ${p.message}`).join(' | ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('reads the T01 key (123456) and the F01 key (0000) back through our query parameters', () => {
    for (const f of files) {
      const caseId = /^(EMR-PL-[0-9]{2})/.exec(f)![1];
      const s = services.find((x) => x.caseId === caseId)!;
      const xml = readFileSync(new URL(f, QUERY_DIR), 'utf8');
      const key = readMessage(xml, { service: s }).queryKey ?? {};
      if (f.endsWith('-T01.xml') && /(extension|code)="123456"/.test(xml)) expect(Object.values(key), f).toContain('123456');
      // EMR-PL-04's F01 is a copy of its T01 in the reference set
      if (f.endsWith('-F01.xml') && caseId !== 'EMR-PL-04') expect(Object.values(key), f).toContain('0000');
    }
  });
});
