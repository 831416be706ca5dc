import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { sampleEntityValues } from '../../src/samples/message-values.js';

const catalog = loadCatalog();

describe('sample message values', () => {
  // Every coded field bound to a value set the catalogue enumerates and has verified must get a
  // code of that set: the reference platform and the runner send these values, so a code outside
  // the set would make our own conformant traffic carry terminology findings.
  const bound = [...catalog.entities.values()].flatMap((e) => e.fields.filter((f) => f.valueSet).map((f) => ({ e, f })));

  it('covers coded fields of several entities', () => {
    expect(new Set(bound.map((b) => b.e.name)).size).toBeGreaterThan(5);
  });

  it.each(bound.map((b) => [`${b.e.name}.${b.f.name}`, b] as const))('%s takes a code of its value set', (_n, { e, f }) => {
    const set = catalog.valueSets.get(f.valueSet!);
    if (!set || set.concepts.length === 0 || !set.verified) return; // not enumerated or sources disagree: nothing to hold it to
    for (const seed of [1, 2, 3]) {
      const v = sampleEntityValues(e, seed)[f.name];
      expect(set.concepts.map((c) => c.code), `${e.name}.${f.name} seed ${seed}`).toContain(v);
    }
  });

  it('an organisation type is a 科室分类 code, not a document type code', () => {
    const org = catalog.entities.get('organization')!;
    expect(sampleEntityValues(org, 1)['typeCode']).not.toBe('C0001');
  });
});
