import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { runCli } from '../helpers/cli.js';
import { generateDocument } from '../../src/samples/document.js';
import { selectValue, selectValues, serialize, withXml } from '../../src/xml/index.js';

const catalog = loadCatalog();
const regional = catalog.documents.filter((d) => d.family === 'wst483');


describe('regional samples', () => {
  it('hutong sample document takes EHR-SD-01, EHR-SD-1 and the type code for the same part', async () => {
    const a = await runCli(['sample', 'document', 'EHR-SD-12', '--seed', '5']);
    const b = await runCli(['sample', 'document', 'ehr-sd-12', '--seed', '5']);
    const c = await runCli(['sample', 'document', 'HSDB04.01', '--seed', '5']);
    const padded = await runCli(['sample', 'document', 'EHR-SD-01']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toBe(c.stdout);
    expect(padded.code).toBe(0);
    withXml(padded.stdout, (doc) => expect(selectValue(doc, 'hl7:code/@code')).toBe('HSDA00.01'));
    expect((await runCli(['sample', 'document', 'EHR-SD-21'])).code).toBe(2);
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
