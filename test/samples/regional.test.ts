import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { main } from '../../src/cli/main.js';
import { generateDocument } from '../../src/samples/document.js';
import { selectValue, selectValues, serialize, withXml } from '../../src/xml/index.js';

const catalog = loadCatalog();
const regional = catalog.documents.filter((d) => d.family === 'wst483');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'hutong', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = w;
    process.stderr.write = e;
  }
}

describe('regional samples', () => {
  it('hutong sample document takes EHR-SD-01, EHR-SD-1 and the type code for the same part', async () => {
    const a = await run(['sample', 'document', 'EHR-SD-12', '--seed', '5']);
    const b = await run(['sample', 'document', 'ehr-sd-12', '--seed', '5']);
    const c = await run(['sample', 'document', 'HSDB04.01', '--seed', '5']);
    const padded = await run(['sample', 'document', 'EHR-SD-01']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out).toBe(c.out);
    expect(padded.code).toBe(0);
    withXml(padded.out, (doc) => expect(selectValue(doc, 'hl7:code/@code')).toBe('HSDA00.01'));
    expect((await run(['sample', 'document', 'EHR-SD-21'])).code).toBe(2);
  });

  for (const t of regional) {
    it(`${t.code}: type code, templateId, every section and no entry left out`, () => {
      const { tree, notes } = generateDocument(t, catalog, { seed: 3 });
      expect(notes, t.code).toEqual([]);
      const again = generateDocument(t, catalog, { seed: 3 }).tree;
      expect(JSON.stringify(again)).toBe(JSON.stringify(tree));
      withXml(serialize(tree, { declaration: true }), (doc) => {
        expect(selectValue(doc, 'hl7:code/@code')).toBe(t.typeCode);
        expect(selectValue(doc, 'hl7:templateId/@root')).toBe(t.templateId);
        const sections = selectValues(doc, 'hl7:component/hl7:structuredBody/hl7:component/hl7:section/hl7:code/@code');
        expect(sections).toEqual(t.sections.map((x) => x.code));
      });
    });
  }
});
