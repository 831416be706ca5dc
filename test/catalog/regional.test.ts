import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogError, coverage, loadCatalog } from '../../src/catalog/index.js';
import type { DocumentTemplate, PlanDef } from '../../src/catalog/types.js';
import { parseThresholds } from '../../src/perf/thresholds.js';
import { PROJECT_ROOT } from '../../src/version.js';
import { parseCatalogPath } from '../../src/xml/path.js';

const c = loadCatalog();
const regional = c.documents.filter((d) => d.family === 'wst483');
const entriesOf = (d: DocumentTemplate) => d.sections.flatMap((s) => s.entries);
const SHARED = new URL('../../../shared/reference/', import.meta.url);
const FACTS = new URL('facts/wst483_regional_documents_and_datasets.csv', SHARED);

/** Document type codes seen in public material (tools/build-regional/documents.mjs names where). */
const OBSERVED: Record<number, string> = { 1: 'HSDA00.01', 2: 'HSDB01.01', 3: 'HSDB01.02', 4: 'HSDB01.03', 12: 'HSDB04.01', 14: 'HSDB04.03', 16: 'HSDC00.01' };

describe('WS/T 483 templates (full depth)', () => {
  it('has the 20 parts, each full, with entries and a required body entry', () => {
    expect(regional.map((d) => d.part)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const d of regional) {
      expect(d.depth, d.code).toBe('full');
      expect(d.code).toBe(`EHR-SD-${d.part}`);
      expect(d.templateId).toBe(`2.16.156.10011.2.1.1.${d.part}`);
      expect(d.typeCode, d.code).toMatch(/^HSD[A-C][0-9]{2}\.[0-9]{2}$/);
      expect(entriesOf(d).length, d.code).toBeGreaterThan(0);
      expect(entriesOf(d).some((e) => e.cardinality === '1..1'), `${d.code} has a 1..1 body entry`).toBe(true);
      expect(d.header.required).toEqual(expect.arrayContaining(['recordTarget', 'author', 'custodian']));
      expect(d.source.verified, d.code).toBe(false);
    }
    expect(new Set(regional.map((d) => d.typeCode)).size).toBe(20);
  });

  it('uses the observed type codes and says which codes are inferred', () => {
    for (const d of regional) {
      const seen = OBSERVED[d.part];
      if (seen) {
        expect(d.typeCode, d.code).toBe(seen);
        expect(d.source.note, d.code).toContain('observed in public material');
      } else {
        expect(d.source.note, d.code).toContain('INFERRED');
      }
    }
  });

  it('places only data elements the WS 363 dictionary holds, each path once per context', () => {
    for (const d of regional) {
      for (const e of [...d.header.elements, ...entriesOf(d)]) {
        expect(c.dataElements.has(e.de), `${d.code} ${e.de} ${e.name}`).toBe(true);
        expect(() => parseCatalogPath(e.xpath), `${d.code} ${e.xpath}`).not.toThrow();
      }
      const header = d.header.elements.map((e) => e.xpath);
      expect(new Set(header).size, `${d.code} header paths`).toBe(header.length);
      for (const s of d.sections) {
        const paths = s.entries.map((e) => e.xpath);
        expect(new Set(paths).size, `${d.code} ${s.code} paths`).toBe(paths.length);
      }
    }
  });

  it('places every element of the datasets it encodes element by element', () => {
    const ws376 = c.datasets.find((x) => x.id === 'WS376.01.01')!;
    const birth = regional[1]!;
    const placed = new Set([...birth.header.elements, ...entriesOf(birth)].map((e) => e.hdsd));
    for (const e of ws376.elements) expect(placed.has(e.hdsd), `出生医学证明 ${e.hdsd} ${e.name}`).toBe(true);
    const ws375 = c.datasets.find((x) => x.id === 'WS375.09.01')!;
    const death = regional[10]!;
    const placedDeath = new Set([...death.header.elements, ...entriesOf(death)].map((e) => e.hdsd));
    for (const e of ws375.elements) expect(placedDeath.has(e.hdsd), `死亡医学证明 ${e.hdsd} ${e.name}`).toBe(true);
  });

  it('gives the regional data elements beyond WS 445 a public source', () => {
    const regionalDes = [...c.dataElements.values()].filter((d) => d.source.via?.includes('hl7-helper'));
    expect(regionalDes.length).toBeGreaterThan(10);
    for (const d of regionalDes) expect(d.source).toMatchObject({ standard: 'WS 363-2011', verified: false });
  });
});

describe('WS 365 datasets', () => {
  const ws365 = c.datasets.filter((d) => d.standard === 'WS 365-2011');

  it('every document names a dataset the catalogue holds, and every EHR-DE prefix is encoded', () => {
    const names = new Set(c.datasets.map((d) => d.name));
    for (const d of regional) for (const n of d.datasets) expect(names.has(n), `${d.code} ${n}`).toBe(true);
    const prefixes = new Set(c.datasets.map((d) => d.testPrefix).filter((p) => p?.startsWith('EHR-DE-')));
    expect(prefixes.size).toBe(18);
    expect(prefixes.has('EHR-DE-06') || prefixes.has('EHR-DE-15')).toBe(false);
    for (const ds of ws365) expect(ds.id).toBe(`WS365.${ds.testPrefix!.slice(-2)}.01`);
  });

  it('holds the elements of its documents, with placeholder internal ids said to be placeholders', () => {
    for (const ds of ws365) {
      expect(ds.elements.length, ds.name).toBeGreaterThan(0);
      const carriers = regional.filter((d) => d.datasets.includes(ds.name));
      expect(carriers.length, ds.name).toBeGreaterThan(0);
      const des = new Set(carriers.flatMap((d) => [...d.header.elements, ...entriesOf(d)].map((e) => e.de)));
      for (const e of ds.elements) expect(des.has(e.de), `${ds.name} ${e.de}`).toBe(true);
      if (ds.elements.some((e) => e.hdsd.startsWith('HDSA') || e.hdsd.startsWith('HDSB') || e.hdsd.startsWith('HDSC'))) {
        expect(ds.source.note).toContain('PLACEHOLDERS');
      }
    }
  });
});

describe('WS/T 790 regional services', () => {
  it('keeps the 69 hospital services apart', () => {
    expect(c.services).toHaveLength(69);
    expect(c.regionalServices.length).toBeGreaterThan(0);
  });

  it('numbers EHR-PL-01.. and takes the interactions of a WS/T 846 counterpart, marked unverified', () => {
    const rs = c.regionalServices;
    expect(rs.map((s) => s.caseId)).toEqual(rs.map((_, i) => `EHR-PL-${String(i + 1).padStart(2, '0')}`));
    for (const s of rs) {
      const h = c.services.find((x) => x.code === s.code)!;
      expect(h, s.code).toBeDefined();
      expect({ request: s.request, response: s.response, entity: s.entity, payloadRoot: s.payloadRoot }).toEqual({ request: h.request, response: h.response, entity: h.entity, payloadRoot: h.payloadRoot });
      expect(s.part).toBeGreaterThanOrEqual(6);
      expect(s.part).toBeLessThanOrEqual(18);
      expect(s.source).toMatchObject({ standard: `WS/T 790.${s.part}-2021`, verified: false });
      expect(s.source.note).toContain('ASSUMED');
    }
    expect([...new Set(rs.map((s) => s.group))]).toEqual(expect.arrayContaining(['居民注册服务', '健康档案存储服务', '健康档案调阅服务', '预约挂号服务']));
  });
});

describe('regional level plans', () => {
  const plans = ['3', '4b', '4a', '5b', '5a'].map((l) => c.plans.find((p) => p.id === `regional-${l}`)!);

  it('are five regional plans, cumulative, over regional services, documents and datasets', () => {
    let prev: PlanDef | undefined;
    for (const p of plans) {
      expect(p, 'plan exists').toBeDefined();
      expect(p.kind).toBe('regional');
      if (prev) {
        expect(p.extends).toBe(prev.id);
        for (const k of ['services', 'documents', 'datasets'] as const) expect(p[k], `${p.id} ${k}`).toEqual(expect.arrayContaining(prev[k]));
        expect(p.documents.length).toBeGreaterThanOrEqual(prev.documents.length);
      }
      for (const s of p.services) expect(c.regionalServices.some((x) => x.code === s), `${p.id} ${s}`).toBe(true);
      for (const d of p.documents) expect(regional.some((x) => x.code === d), `${p.id} ${d}`).toBe(true);
      for (const a of p.assumptions) expect(a.source.verified, `${p.id} ${a.figure}`).toBe(false);
      prev = p;
    }
    expect(plans[0]!.services.sort()).toEqual(['DocumentAccess', 'DocumentRegister', 'DocumentRetrieve']);
    expect(plans[4]!.documents).toHaveLength(20);
    expect(plans[4]!.services).toHaveLength(c.regionalServices.length);
  });

  it('carry WS/T 448 §11 performance stages with assumed, parseable thresholds', () => {
    for (const p of plans) {
      const stages = p.performance?.stages ?? [];
      expect(stages.length, p.id).toBeGreaterThan(0);
      for (const st of stages) {
        expect(p.services, `${p.id} ${st.name}`).toContain(st.service);
        expect(st.assumed).toBe(true);
        expect(st.users).toBeGreaterThan(0);
        expect(() => parseThresholds(st.thresholds)).not.toThrow();
      }
      expect(p.assumptions.some((a) => a.figure.startsWith('运行性能'))).toBe(true);
    }
    expect(plans[4]!.performance!.stages.map((s) => s.service)).toEqual(['PatientInfoQuery', 'DocumentRegister', 'DocumentRetrieve', 'OutPatientAppointStatusInfoAdd']);
  });

  it('a regional plan naming a hospital-only service does not load', () => {
    const root = mkdtempSync(join(tmpdir(), 'hutong-regional-'));
    try {
      for (const d of ['datasets', 'shared-docs', 'scenarios']) cpSync(join(PROJECT_ROOT, d), join(root, d), { recursive: true });
      const file = join(root, 'scenarios/plans/regional-3.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('  - DocumentRegister\n', '  - OrderInfoAdd\n'));
      const err = (() => {
        try {
          loadCatalog(root);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(CatalogError);
      expect((err as Error).message).toContain('service "OrderInfoAdd" is not in scenarios/regional-services.json');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('hutong catalog coverage (regional rows)', () => {
  it('reports 20/20 documents with entries, the services, datasets and plans', () => {
    const rows = coverage(c);
    const row = (s: string) => rows.find((r) => r.standard === s)!;
    expect(row('WS/T 483-2016')).toMatchObject({ what: '共享文档 documents with entries', encoded: 20, of: 20 });
    expect(row('WS/T 790-2021')).toMatchObject({ encoded: c.regionalServices.length });
    expect(row('WS 365-2011')).toMatchObject({ encoded: 18, of: 18 });
    expect(row('测评方案 (regional)')).toMatchObject({ encoded: 5, of: 5 });
    expect(row('WS/T 846-2024')).toMatchObject({ encoded: 69, of: 69 });
  });
});

describe('tools/build-regional', () => {
  it('the committed files are what it writes', () => {
    const tool = fileURLToPath(new URL('../../tools/build-regional/main.mjs', import.meta.url));
    const out = execFileSync(process.execPath, [tool, '--check'], { encoding: 'utf8' });
    expect(out).toContain('all files up to date');
  });
});

// ---- oracle: the reference facts beside the repository, when present ----

function csv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

describe.skipIf(!existsSync(FACTS))('oracle: facts/wst483_regional_documents_and_datasets.csv', () => {
  const rows = existsSync(FACTS) ? csv(readFileSync(FACTS, 'utf8')) : [];

  it('titles, test prefixes and dataset names match', () => {
    expect(rows).toHaveLength(20);
    for (const r of rows) {
      const d = regional.find((x) => x.part === Number(r.seq))!;
      expect(d.title).toBe(r.shared_document_name);
      expect(d.testPrefix).toBe(r['shared_document_test_prefix(EHR-SD)']);
      const prefix = r['dataset_test_prefix(EHR-DE)']!;
      if (/^EHR-DE-\d{2}$/.test(prefix)) {
        const ds = c.datasets.find((x) => x.testPrefix === prefix)!;
        expect(ds, prefix).toBeDefined();
        expect(ds.name).toBe(r.dataset_name);
        expect(d.datasets).toContain(ds.name);
      }
    }
  });
});

afterAll(() => {
  const body = regional.reduce((n, d) => n + entriesOf(d).length, 0);
  const header = regional.reduce((n, d) => n + d.header.elements.length, 0);
  const observed = regional.filter((d) => OBSERVED[d.part]).length;
  console.log(`WS/T 483: ${regional.length} templates, ${body} body + ${header} header entries; type codes observed ${observed}, inferred ${regional.length - observed}; ${c.regionalServices.length} regional services`);
});
