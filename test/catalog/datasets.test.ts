import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../../src/catalog/index.js';
import { checkValue, parseFormat } from '../../src/catalog/format.js';
import type { DeType } from '../../src/catalog/types.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SHARED = new URL('../../../shared/reference/', import.meta.url);
const hasShared = existsSync(SHARED);
const BUILD = fileURLToPath(new URL('../../tools/build-datasets/main.mjs', import.meta.url));

/** Every DE id the catalogue uses, with where. */
function usedDes(): { de: string; where: string }[] {
  const c = loadCatalog();
  const uses: { de: string; where: string }[] = [];
  for (const d of c.datasets) for (const e of d.elements) uses.push({ de: e.de, where: `datasets/ws445.json ${d.id}` });
  for (const doc of c.documents) {
    for (const e of doc.header.elements) uses.push({ de: e.de, where: `${doc.code} header` });
    for (const s of doc.sections) for (const e of s.entries) uses.push({ de: e.de, where: `${doc.code} ${s.code}` });
  }
  for (const ent of c.entities.values()) for (const f of ent.fields) if (f.de) uses.push({ de: f.de, where: `entity ${ent.name}.${f.name}` });
  return uses;
}

describe('the WS 363 dictionary covers the catalogue', () => {
  it('has an entry for every data element used by datasets, documents and entities', () => {
    const c = loadCatalog();
    const missing = usedDes().filter((u) => !c.dataElements.has(u.de));
    expect(missing, 'run: node tools/build-datasets/main.mjs ws363').toEqual([]);
  });

  it('is what the generator writes from the current documents and entities', () => {
    // fails when shared-docs/ or scenarios/entities.json changed and ws363.json was not rebuilt
    expect(() => execFileSync(process.execPath, [BUILD, 'ws363', '--check'], { cwd: REPO, stdio: 'pipe' }), 'run: node tools/build-datasets/main.mjs ws363').not.toThrow();
  });

  it('names a value set that ws364 defines for every coded element that has one', () => {
    const c = loadCatalog();
    for (const d of c.dataElements.values()) if (d.valueSet) expect(c.valueSets.has(d.valueSet), d.de).toBe(true);
    for (const ds of c.datasets) for (const e of ds.elements) if (e.valueSet) expect(c.valueSets.has(e.valueSet), `${ds.id} ${e.hdsd}`).toBe(true);
  });

  it('keeps the canonical name out of the aliases, and the most general name first', () => {
    const c = loadCatalog();
    for (const d of c.dataElements.values()) expect(d.aliases).not.toContain(d.name);
    expect(c.dataElements.get('DE02.01.039.00')?.name).toBe('姓名');
    expect(c.dataElements.get('DE02.01.040.00')).toMatchObject({ name: '性别代码', aliases: ['新生儿性别代码'] });
  });
});

describe('WS 445 datasets', () => {
  const TYPE_OF: Partial<Record<string, DeType>> = { D8: 'D', DT15: 'DT', 'T/F': 'L', T6: 'T' };

  it('have stable, unique ids in standard order', () => {
    const c = loadCatalog();
    const ids = c.datasets.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(c.datasets.find((d) => d.name === '患者基本信息')?.id).toBe('WS445.01.01');
    expect(c.datasets.find((d) => d.name === '24h内入出院记录')).toMatchObject({ id: 'WS445.12.02', standard: 'WS 445.12-2014' });
    expect(c.datasets.find((d) => d.name === '出院记录')?.id).toBe('WS445.13.13');
    expect(c.datasets.find((d) => d.name === '死亡医学证明')).toMatchObject({ id: 'WS375.09.01', testPrefix: 'EHR-DE-11' });
    for (const d of c.datasets) expect(d.source.verified, d.id).toBe(false);
  });

  it('every element format parses, and date/time/logical types agree with their formats', () => {
    const c = loadCatalog();
    for (const d of c.datasets) {
      for (const e of d.elements) {
        expect(() => parseFormat(e.format), `${d.id} ${e.hdsd}`).not.toThrow();
        const t = TYPE_OF[e.format];
        if (t) expect(e.type, `${d.id} ${e.hdsd} ${e.format}`).toBe(t);
        if (e.type === 'N') expect(parseFormat(e.format).kind, `${d.id} ${e.hdsd}`).toBe('number');
      }
    }
  });

  it('value-set codes fit the format of the elements that use them, where sources agree', () => {
    const c = loadCatalog();
    for (const de of ['DE02.01.040.00', 'DE02.01.018.00', 'DE02.01.025.00', 'DE02.01.031.00', 'DE04.50.001.00', 'DE04.50.010.00', 'DE08.30.031.00']) {
      const d = c.dataElements.get(de)!;
      for (const x of c.valueSets.get(d.valueSet!)!.concepts) expect(checkValue(d.format, x.code), `${de} ${x.code}`).toEqual({ ok: true });
    }
  });
});

describe('WS 364 value sets', () => {
  it('carry the national codes', () => {
    const c = loadCatalog();
    const codes = (oid: string) => c.valueSets.get(oid)?.concepts.map((x) => x.code);
    expect(codes('2.16.156.10011.2.3.3.4')).toEqual(['0', '1', '2', '9']);
    expect(codes('2.16.156.10011.2.3.3.5')).toEqual(['10', '20', '21', '22', '23', '30', '40', '90']);
    expect(codes('2.16.156.10011.2.3.3.3')).toEqual(Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(c.valueSets.get('2.16.156.10011.2.3.3.3')?.concepts[0]).toEqual({ code: '01', display: '汉族' });
    expect(codes('2.16.156.10011.2.3.1.85')).toEqual(['1', '2', '3', '4', '5']);
    expect(codes('2.16.156.10011.2.3.1.250')).toEqual(['1', '2', '3']);
    expect(codes('2.16.840.1.113883.5.25')).toEqual(['N', 'R', 'V']);
    expect(codes('2.16.156.10011.2.4')).toHaveLength(53);
  });

  it('mark disagreeing and single-source sets unverified', () => {
    const c = loadCatalog();
    expect(c.valueSets.get('2.16.156.10011.2.3.3.7')?.verified).toBe(false);
    expect(c.valueSets.get('2.16.156.10011.2.3.3.13')?.verified).toBe(false);
    expect(c.valueSets.get('2.16.156.10011.2.3.3.13')?.source.note).toMatch(/disagree/);
    expect(c.valueSets.get('2.16.156.10011.2.3.3.4')?.verified).toBe(true);
    for (const v of c.valueSets.values()) expect(v.source.verified, v.oid).toBe(v.verified);
  });
});

// ---------------------------------------------------------------- oracle: the facts table

/** RFC 4180 CSV rows. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

describe.skipIf(!hasShared)('oracle: facts/ws445_emr_dataset_elements.csv (../shared present)', () => {
  const rows = hasShared
    ? csvRows(readFileSync(new URL('facts/ws445_emr_dataset_elements.csv', SHARED), 'utf8').replace(/^\uFEFF/, '')).slice(1)
    : [];

  // datasets/ws365.json (the regional datasets, test/catalog/regional.test.ts) is not part of this table
  const ws445Only = () => loadCatalog().datasets.filter((d) => !d.standard.startsWith('WS 365'));

  it('every row is in ws445.json, in order, with all its fields', () => {
    const c = { datasets: ws445Only() };
    expect(rows).toHaveLength(2385);
    const byName = new Map(c.datasets.map((d) => [d.name, d]));
    const cursor = new Map<string, number>();
    for (const [, dataset, hdsd, de, name, type, format, definition] of rows) {
      const ds = byName.get(dataset!);
      expect(ds, dataset).toBeDefined();
      const i = cursor.get(dataset!) ?? 0;
      cursor.set(dataset!, i + 1);
      const e = ds!.elements[i]!;
      expect({ hdsd: e.hdsd, de: e.de, name: e.name, type: e.type, format: e.format, definition: e.definition ?? '' }).toEqual({ hdsd, de, name, type, format, definition });
    }
    for (const ds of c.datasets) expect(ds.elements.length, ds.name).toBe(cursor.get(ds.name));
  });

  it('counts: 2,385 rows, 60 sub-datasets, 480 distinct DE ids, every internal id', () => {
    const c = { datasets: ws445Only(), dataElements: loadCatalog().dataElements };
    expect(c.datasets.reduce((n, d) => n + d.elements.length, 0)).toBe(2385);
    expect(c.datasets).toHaveLength(new Set(rows.map((r) => r[1])).size);
    const des = new Set(rows.map((r) => r[3]!));
    expect(des.size).toBe(480);
    for (const de of des) expect(c.dataElements.has(de), de).toBe(true);
    const hdsd = new Set(c.datasets.flatMap((d) => d.elements.map((e) => e.hdsd)));
    for (const r of rows) expect(hdsd.has(r[2]!), r[2]).toBe(true);
  });

  it('ws445.json and ws364.json are what the generator writes from the reference', () => {
    expect(() => execFileSync(process.execPath, [BUILD, 'ws445', '--check'], { cwd: REPO, stdio: 'pipe' })).not.toThrow();
    expect(() => execFileSync(process.execPath, [BUILD, 'ws364', '--check'], { cwd: REPO, stdio: 'pipe' })).not.toThrow();
  });
});
