import { describe, expect, it } from 'vitest';
import { clearCatalogCache, loadCatalog } from '../../src/catalog/index.js';
import type { Catalog, DocumentTemplate, EntryTemplate } from '../../src/catalog/types.js';
import { detect } from '../../src/validate/detect.js';
import type { LayerContext } from '../../src/validate/layers/context.js';
import { PathPlan, PlanRun, selectInto } from '../../src/validate/layers/path-plan.js';
import { runTemplate } from '../../src/validate/layers/template.js';
import { compilePath, isElement, PathSelector, scanTree, selectJ, type JElement, type JSelected } from '../../src/xml/jstree.js';
import { catalog, sample } from './helpers.js';

/*
 * The content layers compile catalogue paths once and keep per-entry plans (src/xml/jstree.ts
 * compilePath, PathSelector; src/validate/layers/template.ts). What must hold: a compiled or
 * shared evaluation selects exactly what a fresh one does, and a catalogue edited in place or
 * reloaded is judged by its current text, never by a plan made from the old one.
 */

const SECTION = 'hl7:component/hl7:structuredBody/hl7:component/hl7:section';

function same(a: JSelected[], b: JSelected[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function firstSection(root: JElement, code: string): JElement | undefined {
  return (selectJ(root, SECTION) as JElement[]).find((s) => s.children.some((c) => c.local === 'code' && c.attr('code')?.value === code));
}

function templateRun(cat: Catalog, t: DocumentTemplate, xml: string) {
  const root = scanTree(xml);
  const file = `${t.testPrefix}-${t.title}-测试-T01-001.xml`;
  const detection = detect(root, cat, file);
  const ctx: LayerContext = { file, root, catalog: cat, detection };
  return runTemplate(ctx);
}

const rulesOf = (r: ReturnType<typeof runTemplate>) => r.findings.list.map((f) => `${f.rule} ${f.xpath ?? ''}`);

/** A required header entry of a template whose sample carries it, with a value. */
function requiredHeaderEntry(): { t: DocumentTemplate; e: EntryTemplate } {
  for (const t of catalog.documents) {
    const root = scanTree(sample(t));
    for (const e of t.header.elements) {
      if (e.cardinality !== '1..1' || !e.xpath.endsWith('@extension')) continue;
      if (selectJ(root, e.xpath).length === 1) return { t, e };
    }
  }
  throw new Error('no required header id');
}

/** A copy of the catalogue to edit, its template and entry of requiredHeaderEntry(), and that template's sample. */
function editableHeaderEntry(): { cat: Catalog; t: DocumentTemplate; e: EntryTemplate; xml: string } {
  const cat = structuredClone(catalog) as Catalog;
  const { t: t0, e: e0 } = requiredHeaderEntry();
  const t = cat.documents.find((d) => d.code === t0.code)!;
  const e = t.header.elements.find((x) => x.xpath === e0.xpath && x.de === e0.de)!;
  return { cat, t, e, xml: sample(t0) };
}

describe('compiled catalogue paths', () => {
  it('a PathSelector sharing prefixes selects what selectJ selects, for every path of every template on its sample', () => {
    let compared = 0;
    for (const t of catalog.documents) {
      const root = scanTree(sample(t));
      const header = new PathSelector(root);
      for (const e of t.header.elements) {
        expect(same(header.select(e.xpath), selectJ(root, e.xpath)), `${t.code} ${e.xpath}`).toBe(true);
        compared++;
      }
      for (const st of t.sections) {
        const s = firstSection(root, st.code);
        if (!s) continue;
        const sel = new PathSelector(s);
        // twice: the second time every prefix comes from the memo
        for (const round of [1, 2]) {
          for (const e of st.entries) {
            expect(same(sel.select(e.xpath), selectJ(s, e.xpath)), `${t.code} ${st.code} ${e.xpath} (${round})`).toBe(true);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });

  it('a PathPlan of a list of paths, and selectInto, select what selectJ selects, for every path of every template on its sample', () => {
    let compared = 0;
    const check = (ctx: JElement, paths: string[], what: string) => {
      const plan = new PathPlan();
      const planned = paths.map((p) => plan.add(compilePath(p)));
      const run = new PlanRun(plan, ctx);
      // twice: the second time every node comes from the run
      for (const round of [1, 2]) {
        paths.forEach((p, i) => {
          const want = selectJ(ctx, p);
          expect(same(run.select(planned[i]!), want), `${what} ${p} (${round})`).toBe(true);
          const dfs: JSelected[] = [];
          selectInto(ctx, compilePath(p), dfs);
          expect(same(dfs, want), `${what} ${p} depth first`).toBe(true);
          compared++;
        });
      }
    };
    for (const t of catalog.documents) {
      const root = scanTree(sample(t));
      check(root, t.header.elements.map((e) => e.xpath), t.code);
      for (const st of t.sections) {
        const s = firstSection(root, st.code);
        if (s) check(s, st.entries.map((e) => e.xpath), `${t.code} ${st.code}`);
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });

  it('a PathPlan tells prefixes apart by predicate literal, name and namespace, and gives arrays of the caller\'s own', () => {
    const root = scanTree(`<r xmlns="urn:hl7-org:v3" xmlns:s="urn:hl7-org:sdtc">
      <a x="1"><b v="one"/></a><a x="2"><b v="two"/></a><a><c v="three"/></a><s:a x="1"><b v="four"/></s:a>
    </r>`);
    const paths = ["hl7:a[@x='1']/hl7:b/@v", "hl7:a[@x='2']/hl7:b/@v", 'hl7:a/hl7:b/@v', 'hl7:a/hl7:c/@v', "sdtc:a[@x='1']/hl7:b/@v", 'hl7:a/hl7:b', 'hl7:a', 'hl7:a/hl7:b', 'hl7:none/hl7:b'];
    const plan = new PathPlan();
    const planned = paths.map((p) => plan.add(compilePath(p)));
    const run = new PlanRun(plan, root);
    const values = (i: number) => run.select(planned[i]!).map((n) => (isElement(n) ? n.local : n.value));
    expect([0, 1, 2, 3, 4].map(values)).toEqual([['one'], ['two'], ['one', 'two'], ['three'], ['four']]);
    // hl7:a is a prefix of others, hl7:a/hl7:b is planned twice, hl7:none selects nothing: each result is a fresh array
    for (const i of [5, 6, 7, 8]) {
      const got = run.select(planned[i]!);
      const n = got.length;
      got.length = 0;
      expect(run.select(planned[i]!).length).toBe(n);
    }
    expect(values(5)).toEqual(['b', 'b']);
    expect(values(6)).toEqual(['a', 'a', 'a']);
  });

  it('paths that differ only in a predicate literal, a name or a namespace never share a prefix', () => {
    const root = scanTree(`<r xmlns="urn:hl7-org:v3" xmlns:s="urn:hl7-org:sdtc">
      <a x="1"><b v="one"/></a><a x="2"><b v="two"/></a><a><c v="three"/></a><s:a x="1"><b v="four"/></s:a>
    </r>`);
    const sel = new PathSelector(root);
    const values = (p: string) => sel.select(p).map((n) => (isElement(n) ? n.local : n.value));
    expect(values("hl7:a[@x='1']/hl7:b/@v")).toEqual(['one']);
    expect(values("hl7:a[@x='2']/hl7:b/@v")).toEqual(['two']);
    expect(values('hl7:a/hl7:b/@v')).toEqual(['one', 'two']);
    expect(values('hl7:a/hl7:c/@v')).toEqual(['three']);
    expect(values("sdtc:a[@x='1']/hl7:b/@v")).toEqual(['four']);
    expect(values("hl7:a[@x='1']/hl7:b/@v")).toEqual(['one']);
    // callers own what they get: changing a result changes no later one
    const got = sel.select('hl7:a/hl7:b');
    got.length = 0;
    expect(values('hl7:a/hl7:b')).toEqual(['b', 'b']);
    expect(compilePath("hl7:a[@x='1']/hl7:b")).toBe(compilePath("hl7:a[@x='1']/hl7:b"));
  });

  it('a malformed path still throws where it is evaluated', () => {
    const root = scanTree('<r xmlns="urn:hl7-org:v3"><a/></r>');
    expect(() => selectJ(root, 'a/b')).toThrow(/namespace prefix/);
    expect(() => new PathSelector(root).select('hl7:a/')).toThrow(/bad catalogue path/);
  });
});

describe('a catalogue edited in place or reloaded meets no stale plan', () => {
  it('an entry whose path is changed, then restored, is judged by its current path each time', () => {
    const { cat, t, e, xml } = editableHeaderEntry();
    const before = rulesOf(templateRun(cat, t, xml));
    expect(before.filter((r) => r.startsWith('HT-TPL-ENTRY-MISSING'))).toEqual([]);

    const original = e.xpath;
    e.xpath = original.replace(/@extension$/, '@nowhere');
    const missing = rulesOf(templateRun(cat, t, xml));
    expect(missing.filter((r) => r.startsWith('HT-TPL-ENTRY-MISSING'))).toEqual([`HT-TPL-ENTRY-MISSING /hl7:ClinicalDocument/${e.xpath}`]);

    e.xpath = original;
    expect(rulesOf(templateRun(cat, t, xml))).toEqual(before);
  });

  it('an entry whose format is changed is checked against the new format', () => {
    const { cat, t, e, xml } = editableHeaderEntry();
    const value = (selectJ(scanTree(xml), e.xpath)[0] as { value: string }).value;
    const before = rulesOf(templateRun(cat, t, xml));
    // a length the sample's value cannot meet
    e.format = `AN${value.length + 5}`;
    const after = rulesOf(templateRun(cat, t, xml));
    expect(after.filter((r) => r.startsWith('HT-TPL-FORMAT')).length).toBe(before.filter((r) => r.startsWith('HT-TPL-FORMAT')).length + 1);
  });

  it('a reloaded catalogue (new objects) gives the same findings, and its own edits do not reach the first', () => {
    clearCatalogCache();
    const reloaded = loadCatalog();
    expect(reloaded).not.toBe(catalog);
    const t = catalog.documents[0]!;
    const t2 = reloaded.documents.find((d) => d.code === t.code)!;
    const xml = sample(t);
    const first = rulesOf(templateRun(catalog, t, xml));
    expect(rulesOf(templateRun(reloaded, t2, xml))).toEqual(first);
    const e2 = t2.header.elements.find((x) => x.cardinality === '1..1')!;
    const original = e2.xpath;
    try {
      e2.xpath = `${e2.xpath.replace(/\/@[A-Za-z]+$/, '')}/hl7:nowhere`;
      expect(rulesOf(templateRun(reloaded, t2, xml))).toContain(`HT-TPL-ENTRY-MISSING /hl7:ClinicalDocument/${e2.xpath}`);
      expect(rulesOf(templateRun(catalog, t, xml))).toEqual(first);
    } finally {
      e2.xpath = original;
      clearCatalogCache();
    }
  });
});
