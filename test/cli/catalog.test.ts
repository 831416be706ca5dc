import { describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../helpers/cli.js';
import { displayWidth, renderTable } from '../../src/cli/table.js';
import { loadCatalog } from '../../src/catalog/index.js';

const run = (...args: string[]): Promise<CliResult> => runCli(['catalog', ...args]);

/** Table body lines (after the header and the rule, before the count line). */
function bodyLines(out: string): string[] {
  const lines = out.trimEnd().split('\n');
  return lines.slice(2, -1);
}

describe('hutong catalog <listing>', () => {
  it.each([
    ['documents', 'C0004', '西药处方'],
    ['services', 'PatientInfoRegister', '个人信息注册服务'],
    ['datasets', 'WS445.12.02', '24h内入出院记录'],
    ['valuesets', '2.16.156.10011.2.3.3.4', '生理性别代码表'],
    ['elements', 'DE02.01.040.00', '性别代码'],
    ['plans', 'hospital-5a', '五级甲等'],
  ])('%s prints a table with codes and Chinese names', async (what, code, zh) => {
    const r = await run(what);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => l.startsWith(code + ' '));
    expect(row, r.stdout.slice(0, 400)).toBeDefined();
    expect(row).toContain(zh);
  });

  it('pads by display width, so columns line up after Chinese text', async () => {
    const r = await run('documents');
    const lines = r.stdout.trimEnd().split('\n').slice(0, -1);
    // the third column (standard) starts at the same display column on every line
    const starts = lines.filter((l) => !l.startsWith('-')).map((l) => displayWidth(l.slice(0, l.indexOf('WS/T') === -1 ? l.indexOf('标准') : l.indexOf('WS/T'))));
    expect(new Set(starts).size).toBe(1);
  });

  it('--json prints one object per entry with all its fields', async () => {
    const c = loadCatalog();
    const r = await run('elements', '--json');
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as { de: string; aliases: string[]; source: { standard: string } }[];
    expect(items).toHaveLength(c.dataElements.size);
    expect(items.find((x) => x.de === 'DE02.01.040.00')).toEqual(c.dataElements.get('DE02.01.040.00'));
    const vs = JSON.parse((await run('valuesets', '--json')).stdout) as { oid: string; concepts: unknown[] }[];
    expect(vs.find((v) => v.oid === '2.16.156.10011.2.3.3.3')?.concepts).toHaveLength(56);
  });

  it('--search keeps the entries mentioning the text in any field', async () => {
    const r = await run('valuesets', '--search', '男性', '--json');
    expect((JSON.parse(r.stdout) as { oid: string }[]).map((v) => v.oid)).toEqual(['2.16.156.10011.2.3.3.4']);
    const t = await run('elements', '--search', 'de02.01.040');
    expect(bodyLines(t.stdout)).toHaveLength(1);
    expect(t.stdout).toContain('matching "de02.01.040"');
    const none = await run('services', '--search', 'no such thing at all', '--json');
    expect(JSON.parse(none.stdout)).toEqual([]);
  });
});

describe('hutong catalog coverage', () => {
  it('counts what the data holds', async () => {
    const c = loadCatalog();
    const r = await run('coverage', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { standard: string; encoded: number; of?: number; detail: string }[];
    const row = (s: string) => rows.find((x) => x.standard === s)!;
    const withEntries = c.documents.filter((d) => d.family === 'wst500' && d.depth === 'full' && d.sections.some((s) => s.entries.length > 0)).length;
    expect(row('WS/T 500-2016')).toMatchObject({ encoded: withEntries, of: 53 });
    expect(row('WS/T 483-2016')).toMatchObject({ encoded: c.documents.filter((d) => d.family === 'wst483').length, of: 20 });
    expect(row('WS/T 846-2024')).toMatchObject({ encoded: c.services.length, of: 69 });
    const ws445 = c.datasets.filter((d) => !d.standard.startsWith('WS 365'));
    expect(row('WS 445-2014')).toMatchObject({ encoded: ws445.reduce((n, d) => n + d.elements.length, 0), of: 2385 });
    expect(row('WS 445-2014').detail).toContain(`${new Set(ws445.flatMap((d) => d.elements.map((e) => e.de))).size} distinct DE ids`);
    const vs = [...c.valueSets.values()];
    expect(row('WS 364-2011 / GB')).toMatchObject({ encoded: vs.length });
    expect(row('WS 364-2011 / GB').detail).toContain(`verified ${vs.filter((v) => v.verified).length}`);
  });

  it('prints a table with n/total and the load time', async () => {
    const r = await run('coverage');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/WS\/T 500-2016\s+共享文档 documents with entries\s+\d+\/53/);
    expect(r.stdout).toMatch(/catalogue [0-9a-f]{12}: \d+ files, loaded in \d+ ms/);
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['nonsense']],
    [[]],
    [['coverage', '--search', 'x']],
    [['elements', '--search', '']],
  ])('hutong catalog %j', async (args) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
  });
});

describe('renderTable', () => {
  it('counts CJK as two columns and right-aligns counts', () => {
    expect(displayWidth('西药处方')).toBe(8);
    expect(displayWidth('C0004')).toBe(5);
    expect(displayWidth('（院）')).toBe(6);
    const t = renderTable(['名称', 'n'], [['西药处方', '7'], ['ab', '123']], { right: [1] });
    const lines = t.trimEnd().split('\n');
    expect(lines.map(displayWidth)).toEqual([13, 13, 13, 13]);
    expect(lines[3]).toBe('ab        123');
  });
});
