import { describe, expect, it } from 'vitest';
import { SectionEntries } from '../../src/validate/layers/entry-index.js';
import { isElement, scanTree, selectJ, type JSelected } from '../../src/xml/jstree.js';
import { catalog, sample } from './helpers.js';

/** the same nodes in the same order */
function same(a: JSelected[], b: JSelected[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

describe('the section entry index answers observation paths exactly as XPath does', () => {
  it('on every data element of every generated sample', () => {
    let indexed = 0;
    for (const t of catalog.documents) {
      {
        const root = scanTree(sample(t));
        for (const st of t.sections) {
          const section = selectJ(root, `hl7:component/hl7:structuredBody/hl7:component/hl7:section[hl7:code/@code='${st.code}']`)[0];
          if (section === undefined || !isElement(section)) continue;
          const index = new SectionEntries(section);
          for (const e of st.entries) {
            const got = index.select(e.xpath);
            if (got === undefined) continue;
            indexed++;
            expect(same(got, selectJ(section, e.xpath)), `${t.code} ${e.de} ${e.xpath}`).toBe(true);
          }
        }
      }
    }
    // most section data elements have this shape: the index must actually be used
    expect(indexed).toBeGreaterThan(500);
  });

  it('with repeated entries, several observations in one entry, and the two predicates met by different observations', () => {
    const xml = `<section xmlns="urn:hl7-org:v3">
      <entry><observation><code code="A" displayName="甲"/><value v="1"/></observation></entry>
      <entry><observation><code code="B"/><value v="2"/></observation><observation><code code="C" displayName="甲"/><value v="3"/></observation></entry>
      <entry><observation><code code="A" displayName="乙"/><value v="4"/></observation></entry>
      <entry><act><code code="A"/></act></entry>
      <entry><observation><code code="A" displayName="甲"/><value v="5"/><value v="6"/></observation></entry>
    </section>`;
    {
      const root = scanTree(xml);
      const index = new SectionEntries(root);
      const paths = [
        "hl7:entry[hl7:observation/hl7:code/@code='A']/hl7:observation/hl7:value",
        "hl7:entry[hl7:observation/hl7:code/@code='A'][hl7:observation/hl7:code/@displayName='甲']/hl7:observation/hl7:value",
        "hl7:entry[hl7:observation/hl7:code/@code='B'][hl7:observation/hl7:code/@displayName='甲']/hl7:observation/hl7:value/@v",
        "hl7:entry[hl7:observation/hl7:code/@code='Z']/hl7:observation/hl7:value",
      ];
      const values = paths.map((p) => {
        const got = index.select(p)!;
        expect(same(got, selectJ(root, p)), p).toBe(true);
        return got.length;
      });
      expect(values).toEqual([4, 3, 2, 0]);
      // other shapes are left to selectJ
      expect(index.select('hl7:entry/hl7:act/hl7:code')).toBeUndefined();
    }
  });
});
