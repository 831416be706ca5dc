import { describe, expect, it } from 'vitest';
import { CDA_CN_DIR } from '../../src/validate/xsd.js';
import { scanTree, type JElement } from '../../src/xml/jstree.js';
import { normaliseSpace } from '../../src/xsdjs/builtins.js';
import { compileSchemaDir } from '../../src/xsdjs/index.js';
import { compileSimple, simplePlan, type SimpleDef, type SimplePlan } from '../../src/xsdjs/simple.js';
import { sampleDocuments } from './corpus.js';

/*
 * The walk does not call every checker: simplePlan says when a value always passes or is one
 * Set lookup (literal enumerations), and the walk tests those inline. Here the plan's verdict
 * must equal compileSimple's (memo on and off) for every simple type of CDA-CN, on every
 * attribute value and simple content of our samples plus hostile variants of them (white space
 * around and inside, empty, other case).
 */

function values(): string[] {
  const seen = new Set<string>();
  const walk = (e: JElement): void => {
    for (const a of e.attrs) seen.add(a.value);
    if (e.children.length === 0) seen.add(e.content);
    for (const c of e.children) walk(c);
  };
  for (const d of sampleDocuments().slice(0, 40)) walk(scanTree(d.text));
  const out = new Set<string>(['', ' ', '\t', 'a b', 'a  b', '\n\r']);
  for (const v of seen) for (const w of [v, ` ${v}`, `${v} `, `\t${v}\n`, `${v} ${v}`, v.toLowerCase(), v.toUpperCase()]) out.add(w);
  return [...out];
}

function planVerdict(p: SimplePlan, v: string): boolean {
  if (p.always) return true;
  if (p.set !== undefined) return p.set.has(v) || p.set.has(normaliseSpace(v, p.ws));
  return p.check(v);
}

describe('simplePlan', () => {
  const schema = compileSchemaDir(CDA_CN_DIR).ClinicalDocument!;
  const defs = schema.types.flatMap((t) => (t.kind === 'simple' ? [t.def] : []));
  const vals = values();

  it('covers the shapes the walk inlines (sets and always-true types exist in CDA-CN)', () => {
    expect(defs.some((d) => simplePlan(d).set !== undefined)).toBe(true);
    expect(defs.some((d) => simplePlan(d).always)).toBe(true);
    expect(vals.length).toBeGreaterThan(500);
  });

  it('gives compileSimple’s verdict for every simple type of CDA-CN on sample values and variants', () => {
    const wrong: string[] = [];
    for (const d of defs) {
      const memo = compileSimple(d);
      const direct = compileSimple(d, { memo: false });
      const plan = simplePlan(d);
      for (const v of vals) {
        const want = direct(v);
        if (memo(v) !== want || planVerdict(plan, v) !== want) wrong.push(`${JSON.stringify(d).slice(0, 80)}: ${JSON.stringify(v)}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('a set is only offered where membership is the whole check', () => {
    const b = (name: string): SimpleDef => ({ kind: 'builtin', name });
    // numbers compare in the value space ('01' is 1): no literal set
    expect(simplePlan({ kind: 'restriction', base: b('integer'), facets: { enumeration: ['1', '2'] } }).set).toBeUndefined();
    // QNames depend on the element's namespaces: no set
    expect(simplePlan({ kind: 'restriction', base: b('QName'), facets: { enumeration: ['a:b'] } }).set).toBeUndefined();
    // an enumeration value the other facets refuse is not in the set
    const p = simplePlan({ kind: 'restriction', base: b('token'), facets: { enumeration: ['ok', 'no way'], pattern: [['[a-z]+']] } });
    expect(p.set && [...p.set]).toEqual(['ok']);
    expect(p.check('no way')).toBe(false);
  });
});
