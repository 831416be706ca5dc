import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deserialize, serialize } from 'node:v8';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import fc from 'fast-check';
import { jsonErrorIndex } from '../../src/catalog/read.js';
import { CatalogError, catalogVersion, clearCatalogCache, loadCatalog } from '../../src/catalog/index.js';
import { PROJECT_ROOT } from '../../src/version.js';

const temps: string[] = [];

/** A copy of the repository's catalogue data (datasets/, shared-docs/, scenarios/) to break at will. */
function copyCatalog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-catalog-'));
  temps.push(dir);
  for (const d of ['datasets', 'shared-docs', 'scenarios']) cpSync(join(PROJECT_ROOT, d), join(dir, d), { recursive: true });
  return dir;
}

function editJson(root: string, rel: string, edit: (data: any) => void): void {
  const path = join(root, rel);
  const data = JSON.parse(readFileSync(path, 'utf8'));
  edit(data);
  writeFileSync(path, JSON.stringify(data, null, 2));
}

function editYaml(root: string, rel: string, edit: (data: any) => void): void {
  const path = join(root, rel);
  const data = parse(readFileSync(path, 'utf8'));
  edit(data);
  writeFileSync(path, stringify(data));
}

function loadError(root: string): CatalogError {
  try {
    loadCatalog(root);
  } catch (err) {
    if (err instanceof CatalogError) return err;
    throw err;
  }
  throw new Error('expected a CatalogError');
}

beforeEach(() => clearCatalogCache());
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('loadCatalog on the repository', () => {
  it('loads every catalogue file and types it', () => {
    const c = loadCatalog();
    expect(c.datasets.length).toBeGreaterThan(0);
    expect(c.dataElements.get('DE02.01.040.00')?.valueSet).toBe('2.16.156.10011.2.3.3.4');
    expect(c.valueSets.get('2.16.156.10011.2.3.3.4')?.concepts.map((x) => x.code)).toEqual(['0', '1', '2', '9']);
    expect(c.files).toContain('datasets/ws445.json');
    expect(c.files.some((f) => f.startsWith('shared-docs/wst500/'))).toBe(true);
    expect(c.version).toMatch(/^[0-9a-f]{12}$/);
    expect(catalogVersion()).toBe(c.version);
    // measured, not asserted: reported by `hutong catalog coverage`
    expect(c.loadMs).toBeGreaterThan(0);
  });

  it('is cached per root', () => {
    const a = loadCatalog();
    expect(loadCatalog(PROJECT_ROOT)).toBe(a);
    expect(loadCatalog(PROJECT_ROOT + '/.')).toBe(a);
    clearCatalogCache();
    expect(loadCatalog()).not.toBe(a);
  });
});

describe('loadCatalog on a broken copy', () => {
  it('a copy loads like the original, and any change of a data byte changes the version', () => {
    const root = copyCatalog();
    const c = loadCatalog(root);
    expect(c.version).toBe(loadCatalog().version);
    editJson(root, 'datasets/ws364.json', (d) => { d.valueSets[0].name += ' '; });
    clearCatalogCache();
    expect(loadCatalog(root).version).not.toBe(c.version);
  });

  it('names the file and the JSON path of a schema violation', () => {
    const root = copyCatalog();
    let where = '';
    editJson(root, 'shared-docs/wst500/C0004.json', (d) => {
      const si = d.sections.findIndex((s: { entries: unknown[] }) => s.entries.length > 0);
      const ei = d.sections[si].entries.length - 1;
      d.sections[si].entries[ei].de = 'DE4.10.188.00';
      where = `/sections/${si}/entries/${ei}/de`;
    });
    const err = loadError(root);
    expect(err.message).toContain(`shared-docs/wst500/C0004.json: ${where} must match pattern`);
    expect(err.issues[0]).toMatchObject({ file: 'shared-docs/wst500/C0004.json', path: where });
  });

  it('checks after a successful load again when a file changes (the validation cache keys on the bytes)', () => {
    const root = copyCatalog();
    loadCatalog(root);
    editJson(root, 'datasets/ws445.json', (d) => { d.datasets[1].elements[2].type = 'S9'; });
    clearCatalogCache();
    const err = loadError(root);
    expect(err.message).toContain('datasets/ws445.json: /datasets/1/elements/2/type must be equal to one of the allowed values');
  });

  it('lists every broken file, not only the first', () => {
    const root = copyCatalog();
    editJson(root, 'datasets/ws363.json', (d) => { d.dataElements[0].extra = true; });
    editJson(root, 'datasets/ws364.json', (d) => { delete d.valueSets[2].name; });
    const err = loadError(root);
    expect(err.message).toContain('datasets/ws363.json: /dataElements/0 must NOT have additional properties (extra)');
    expect(err.message).toContain("datasets/ws364.json: /valueSets/2 must have required property 'name'");
  });

  it('reports a format that matches the schema pattern but does not parse', () => {
    const root = copyCatalog();
    editJson(root, 'datasets/ws363.json', (d) => { d.dataElements[5].format = 'N5..3'; });
    const err = loadError(root);
    expect(err.message).toMatch(/datasets\/ws363\.json: \/dataElements\/5\/format bad representation format "N5\.\.3": maximum 3 is below minimum 5 at position 4/);
  });

  it('reports a missing file', () => {
    const root = copyCatalog();
    unlinkSync(join(root, 'datasets/ws363.json'));
    const err = loadError(root);
    expect(err.message).toContain('datasets/ws363.json: missing');
  });

  it('locates JSON and YAML syntax errors by line and column', () => {
    const root = copyCatalog();
    writeFileSync(join(root, 'scenarios/entities.json'), '{\n  "entities": [\n    { "name": }\n  ]\n}\n');
    writeFileSync(join(root, 'scenarios/plans/hospital-3.yaml'), 'id: hospital-3\nservices: [a, b\n');
    const err = loadError(root);
    expect(err.message).toMatch(/scenarios\/entities\.json: 3:\d+ invalid JSON/);
    expect(err.message).toMatch(/scenarios\/plans\/hospital-3\.yaml: \d+:\d+ invalid YAML/);
  });

  it('refuses a plan naming a service or document the catalogue does not have', () => {
    const root = copyCatalog();
    editYaml(root, 'scenarios/plans/hospital-3.yaml', (p) => {
      p.services[0] = 'NoSuchService';
      p.documents[1] = 'C0099';
    });
    const err = loadError(root);
    expect(err.message).toContain('scenarios/plans/hospital-3.yaml: /services/0 service "NoSuchService" is not in scenarios/services.json');
    expect(err.message).toContain('scenarios/plans/hospital-3.yaml: /documents/1 document "C0099" is not in shared-docs/');
  });

  it('refuses a service whose entity does not exist', () => {
    const root = copyCatalog();
    editJson(root, 'scenarios/services.json', (d) => { d.services[3].entity = 'ghost'; });
    const err = loadError(root);
    expect(err.message).toMatch(/scenarios\/services\.json: \/services\/3\/entity service \S+ names entity "ghost"/);
  });

  it('refuses duplicates and a document file named for another code', () => {
    const root = copyCatalog();
    cpSync(join(root, 'shared-docs/wst500/C0004.json'), join(root, 'shared-docs/wst500/C0054.json'));
    const err = loadError(root);
    expect(err.message).toContain('shared-docs/wst500/C0054.json: /code duplicate document code "C0004"');
    expect(err.message).toContain('shared-docs/wst500/C0054.json: /code file is named C0054 but holds document C0004');
  });

  it('warns, and still loads, when an entry names a value set the catalogue does not define', () => {
    const root = copyCatalog();
    editJson(root, 'shared-docs/wst500/C0001.json', (d) => { d.header.elements[0].valueSet = '2.16.156.10011.2.3.1.99999'; });
    const c = loadCatalog(root);
    expect(c.warnings).toContainEqual({
      file: 'shared-docs/wst500/C0001.json',
      path: '/header/elements/0/valueSet',
      message: 'value set 2.16.156.10011.2.3.1.99999 is not in datasets/ws364.json (unknown in the catalogue)',
    });
  });
});

describe('jsonErrorIndex (locates syntax errors JSON.parse does not place)', () => {
  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(fc.property(fc.json(), (text) => {
      expect(jsonErrorIndex(text)).toBe(-1);
    }));
    fc.assert(fc.property(fc.string({ maxLength: 12 }), (text) => {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(jsonErrorIndex(text) === -1).toBe(valid);
    }));
  });

  it('points at the offending character', () => {
    expect(jsonErrorIndex('{"a": }')).toBe(6);
    expect(jsonErrorIndex('[1, 2,]')).toBe(6);
    expect(jsonErrorIndex('{"a": 1} x')).toBe(9);
  });
});

describe('the parsed-data cache (start-up without parsing the YAML again)', () => {
  const DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'hutong-catalog');
  const PLAN = 'scenarios/plans/hospital-3.yaml';

  /** The cache file whose data has `title` for the plan (a unique title makes a unique key). */
  function dataFileWith(title: string): string {
    for (const n of readdirSync(DIR).filter((x) => x.endsWith('.data'))) {
      const data = deserialize(readFileSync(join(DIR, n))) as Record<string, { title?: string }>;
      if (data[PLAN]?.title === title) return join(DIR, n);
    }
    throw new Error(`no cached data with plan title ${title}`);
  }

  const titleOf = (root: string) => loadCatalog(root).plans.find((p) => p.id === 'hospital-3')!.title;

  it('a second load of the same bytes takes its data from the cache; a changed file is parsed afresh', () => {
    const root = copyCatalog();
    const mark = `医院 三级 ${process.pid}-${Date.now()}`;
    editYaml(root, PLAN, (d) => { d.title = mark; });
    const first = loadCatalog(root);
    expect(first.plans.find((p) => p.id === 'hospital-3')!.title).toBe(mark);
    // the cache is what the next process reads: change it under the same key, and the load shows it
    const file = dataFileWith(mark);
    const data = deserialize(readFileSync(file)) as Record<string, { title: string }>;
    data[PLAN]!.title = 'from the cache';
    writeFileSync(file, serialize(data));
    clearCatalogCache();
    const second = loadCatalog(root);
    expect(second.plans.find((p) => p.id === 'hospital-3')!.title).toBe('from the cache');
    expect(second.version).toBe(first.version);
    expect(second.documents.length).toBe(first.documents.length);
    // HUTONG_CATALOG_CACHE=0 reads the files themselves
    process.env['HUTONG_CATALOG_CACHE'] = '0';
    try {
      clearCatalogCache();
      expect(titleOf(root)).toBe(mark);
    } finally {
      delete process.env['HUTONG_CATALOG_CACHE'];
    }
    // another byte in the file: another key, the YAML parsed again
    editYaml(root, PLAN, (d) => { d.title = `${mark} 改`; });
    clearCatalogCache();
    expect(titleOf(root)).toBe(`${mark} 改`);
  });

  it('a damaged cache file is a miss, not an error', () => {
    const root = copyCatalog();
    const mark = `医院 三级 damaged ${process.pid}-${Date.now()}`;
    editYaml(root, PLAN, (d) => { d.title = mark; });
    loadCatalog(root);
    writeFileSync(dataFileWith(mark), Buffer.from('not a v8 serialization'));
    clearCatalogCache();
    expect(titleOf(root)).toBe(mark);
  });

  it('a cached load equals a parsed one, object for object', () => {
    loadCatalog();
    clearCatalogCache();
    const cached = loadCatalog();
    process.env['HUTONG_CATALOG_CACHE'] = '0';
    try {
      clearCatalogCache();
      const parsed = loadCatalog();
      const plain = (c: typeof parsed) => ({ ...c, root: '', loadMs: 0, dataElements: [...c.dataElements], valueSets: [...c.valueSets], entities: [...c.entities] });
      expect(plain(cached)).toEqual(plain(parsed));
    } finally {
      delete process.env['HUTONG_CATALOG_CACHE'];
      clearCatalogCache();
    }
  });
});
