import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XmlElement } from 'libxml2-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import type { DocumentTemplate } from '../../src/catalog/types.js';
import { sampleVisit } from '../../src/samples/visit.js';
import { validateFiles, type ValidationReport } from '../../src/validate/index.js';
import { summarise } from '../../src/validate/layers/package.js';
import { NS, selectPath, withXml, xpathOf } from '../../src/xml/index.js';
import { scanTree } from '../../src/xml/jstree.js';
import { catalog, mutate, rules, sample, setText, zipStore } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'hutong-pkg-'));
  dirs.push(d);
  return d;
}

/** Templates whose samples carry the visit's 住院号 on the patient (so they belong to one visit). */
const visitDocs: DocumentTemplate[] = catalog.documents
  .filter((t) => t.header.elements.some((e) => e.xpath === "hl7:recordTarget/hl7:patientRole/hl7:id[@root='2.16.156.10011.1.12']/@extension"))
  .slice(0, 3);

const name = (t: DocumentTemplate, i = 1) => `${t.testPrefix}-${t.title}-测试-T01-00${i}.xml`;
const byName = (r: ValidationReport, n: string) => r.files.find((f) => f.path.endsWith(n))!;

describe('package layer (cross-file)', () => {
  const visit = sampleVisit(11);

  it('has three documents of one visit to work with', () => expect(visitDocs).toHaveLength(3));

  it('documents of one visit that agree pass', async () => {
    const d = tmp();
    visitDocs.forEach((t, i) => writeFileSync(join(d, name(t)), sample(t, i + 1, visit)));
    const r = await validateFiles([d], { workers: 0 });
    expect(r.files.map((f) => f.verdict)).toEqual(['pass', 'pass', 'pass']);
    expect(r.layers.find((l) => l.id === 'package')!.ran).toBe(true);
  });

  it('a patient name that differs within one visit → HT-PKG-PATIENT-MISMATCH on the odd document', async () => {
    const d = tmp();
    visitDocs.forEach((t, i) => {
      let xml = sample(t, i + 1, visit);
      if (i === 2) xml = mutate(xml, (root) => setText(selectPath(root, 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name')[0] as XmlElement, '测试别人'));
      writeFileSync(join(d, name(t)), xml);
    });
    const r = await validateFiles([d], { workers: 0 });
    const odd = byName(r, name(visitDocs[2]!));
    expect(rules(odd, 'error')).toEqual(['HT-PKG-PATIENT-MISMATCH']);
    expect(odd.findings[0]!.message).toContain('测试别人');
    expect(byName(r, name(visitDocs[0]!)).verdict).toBe('pass');
  });

  it('the same document id in two files → HT-PKG-DOCID-DUP on both', async () => {
    const d = tmp();
    const t = visitDocs[0]!;
    const xml = sample(t, 1, visit);
    writeFileSync(join(d, name(t, 1)), xml);
    writeFileSync(join(d, name(t, 2)), xml);
    const r = await validateFiles([d], { workers: 0 });
    for (const f of r.files) expect(rules(f, 'error')).toEqual(['HT-PKG-DOCID-DUP']);
  });

  it('zip packages: entries validated, hostile names refused, the rest still judged', async () => {
    const d = tmp();
    const [a, b] = visitDocs;
    const zip = zipStore([
      { name: `包/${name(a!)}`, data: sample(a!, 1, visit) },
      { name: '../evil.xml', data: '<x/>' },
      { name: `包/${name(b!)}`, data: sample(b!, 2, visit) },
      { name: 'readme.txt', data: 'not xml' },
    ]);
    writeFileSync(join(d, 'package.zip'), zip);
    const r = await validateFiles([join(d, 'package.zip')], { workers: 0 });
    const entries = r.files.filter((f) => f.kind !== 'package');
    expect(entries.map((f) => f.path)).toEqual([`${join(d, 'package.zip')}!/包/${name(a!)}`, `${join(d, 'package.zip')}!/包/${name(b!)}`]);
    expect(entries.every((f) => f.verdict === 'pass')).toBe(true);
    const pkg = r.files.find((f) => f.kind === 'package')!;
    expect(rules(pkg, 'error')).toEqual(['HT-PKG-LIMIT']);
    expect(pkg.findings[0]!.message).toContain('evil');
  });

  it('a corrupt zip is reported, not thrown', async () => {
    const d = tmp();
    writeFileSync(join(d, 'broken.zip'), Buffer.from('PK\u0003\u0004 this is not a zip'));
    const r = await validateFiles([join(d, 'broken.zip')], { workers: 0 });
    expect(rules(r.files[0]!, 'error')).toEqual(['HT-PKG-UNREADABLE']);
    expect(r.files[0]!.verdict).toBe('error');
  });

  it('--plan reports the plan documents and services the package lacks', async () => {
    const d = tmp();
    mkdirSync(join(d, 'docs'));
    const t = catalog.documents.find((x) => x.code === 'C0001')!;
    writeFileSync(join(d, 'docs', name(t)), sample(t));
    const r = await validateFiles([d], { workers: 0, plan: 'hospital-3' });
    const cov = r.files.find((f) => f.kind === 'package')!;
    expect(rules(cov, 'warning')).toEqual(['HT-PKG-PLAN-MISSING']);
    expect(cov.findings.map((f) => f.message).join(' ')).toMatch(/C0002/);
    expect(cov.findings.map((f) => f.message).join(' ')).not.toMatch(/C0001,/);
  });
});

describe('document summaries', () => {
  it('locate every fact with the XPath that selects it (as xpathOf writes it)', () => {
    let facts = 0;
    for (const t of catalog.documents.slice(0, 12)) {
      const xml = sample(t);
      withXml(xml, (doc) => {
        const s = summarise(scanTree(xml), 'x.xml', t.code);
        const located = [...Object.values(s.patient), ...(s.docId ? [s.docId] : [])];
        for (const f of located) {
          const nodes = doc.root.find(f.xpath, { hl7: NS.hl7 });
          expect(nodes.length, `${t.code} ${f.xpath}`).toBe(1);
          expect(xpathOf(nodes[0] as XmlElement)).toBe(f.xpath);
          facts++;
        }
      });
    }
    expect(facts).toBeGreaterThan(24);
  });
});
