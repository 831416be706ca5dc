import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { compileSimple, type SimpleChecker, type SimpleDef } from '../../src/xsdjs/simple.js';
import { scanTree, type JElement } from '../../src/xml/jstree.js';
import { catalog, request, response, sample } from '../validate/helpers.js';
import { makeOracle, type Oracle } from './simple-oracle.js';
import { readSchemaTypes, simpleTypeXml, type AttrDecl } from './simple-schema.js';

/*
 * Differential test of the simple-type checkers against libxml2-wasm, the engine whose verdict
 * the fast path must never contradict. For every simple type our schema sets use (and every
 * built-in, and a catalogue of facet and regex constructs) many candidate values are checked
 * both ways. The soundness property: checker true ⇒ libxml2 accepts. The completeness figure
 * (checker unsure where libxml2 accepts) must be zero on the attribute values of our own
 * samples, or the fast path would never run on them.
 */

const CDA_DIR = fileURLToPath(new URL('../../schemas/xsd/cda-cn/', import.meta.url));
const V3_DIR = fileURLToPath(new URL('../../schemas/xsd/v3/', import.meta.url));

const oracles: Oracle[] = [];
afterAll(() => {
  for (const o of oracles) o.dispose();
});

function* elements(e: JElement): Generator<JElement> {
  yield e;
  for (const c of e.children) yield* elements(c);
}

/** attribute local name → distinct values, over every sample document and V3 message */
function sampleAttributeValues(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (xml: string) => {
    for (const el of elements(scanTree(xml))) {
      for (const a of el.attrs) {
        let s = out.get(a.local);
        if (s === undefined) out.set(a.local, (s = new Set()));
        s.add(a.value);
      }
    }
  };
  for (const t of catalog.documents) add(sample(t));
  for (const s of catalog.services) {
    add(request(s));
    add(response(s));
  }
  return out;
}

function enumerations(def: SimpleDef, out: string[] = []): string[] {
  switch (def.kind) {
    case 'restriction':
      out.push(...(def.facets.enumeration ?? []));
      return enumerations(def.base, out);
    case 'list':
      return enumerations(def.item, out);
    case 'union':
      for (const m of def.members) enumerations(m, out);
      return out;
    default:
      return out;
  }
}

const GENERIC = [
  '', ' ', '  ', '\t', 'a', 'A', 'abc', 'a b', ' a', 'a ', 'a\tb', 'a\nb', '0', '1', '-1', '+1', '01', '1.0', '1.5', '-0.5', '.5', '5.',
  '1e5', '1E-5', 'INF', '-INF', 'NaN', 'true', 'false', 'TRUE', 'yes', '2.16.156.10011.2.5.1.1', '2.16.', '3.1', '1.2.03',
  '20250301093000', '20250301', '2025030109', '202503010930+0800', '20250301093000.1234', '20250301093000.12345', '20251301',
  '20250230', '2025', '1.2.3.4.5', 'F47AC10B-58CC-4372-A567-0E02B2C3D479', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'ABC-1', '-ABC',
  '中文', '岁', 'a岁', 'H', 'WP', 'H WP', 'PRPA_IN201311UV02', 'prpa_IN201311UV02', 'QUMT_IN020030UV01', 'AA', 'AE', 'OK', 'NF',
  'http://example.com/a', 'urn:oid:1.2', 'mailto:a@b', '#x', 'x y', 'QUJD', 'QQ==', '0aff', 'P1Y', '2020-01-01', 'zh-CN', 'D', 'P', 'T',
  '12 34', '1 x', '99999999999999999999999999', '0.0', '1.0', '1.00000000000000001', '0.99999999999', '-0', '2', '0.5', '1e-400',
];

const ALPHABET = ['0', '1', '2', '9', '.', '-', '+', 'e', 'E', 'a', 'Z', 'T', 'P', ' ', '\t', ':', '/', '_', '中', '=', '%', 'F', 'x'];

function fuzzValues(seed: number, n: number): string[] {
  return fc.sample(fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 16 }), { numRuns: n, seed });
}

function candidates(def: SimpleDef, seed: number): string[] {
  const out = new Set<string>(GENERIC);
  for (const e of enumerations(def)) {
    for (const v of [e, ` ${e}`, `${e} `, `\t${e}\n`, e.toLowerCase(), e.toUpperCase(), `${e}x`, `${e} ${e}`, e.slice(1)]) out.add(v);
  }
  for (const v of fuzzValues(seed, 120)) out.add(v);
  return [...out];
}

interface Tally {
  checked: number;
  sure: number;
  libxmlAccepts: number;
  unsureButAccepted: string[];
  unsound: string[];
}

function differential(o: Oracle, attr: string, check: SimpleChecker, values: Iterable<string>, t: Tally, label: string, nsDecls?: Record<string, string>, scope?: ReadonlyMap<string, string>): void {
  for (const v of values) {
    const mine = check(v, scope);
    const theirs = o.accepts(attr, v, nsDecls);
    t.checked++;
    if (mine) t.sure++;
    if (theirs) t.libxmlAccepts++;
    if (mine && !theirs) t.unsound.push(`${label}: ${JSON.stringify(v)}`);
    if (!mine && theirs) t.unsureButAccepted.push(`${label}: ${JSON.stringify(v)}`);
  }
}

const tally = (): Tally => ({ checked: 0, sure: 0, libxmlAccepts: 0, unsureButAccepted: [], unsound: [] });

function report(name: string, t: Tally): void {
  // the numbers the final report quotes
  console.log(`${name}: ${t.checked} values, checker sure ${t.sure}, libxml2 accepts ${t.libxmlAccepts}, unsure-but-accepted ${t.unsureButAccepted.length}, unsound ${t.unsound.length}`);
  if (t.unsureButAccepted.length > 0) console.log(`  unsure but accepted, e.g.: ${t.unsureButAccepted.slice(0, 40).join(' | ')}`);
}

describe('simple types against libxml2-wasm', () => {
  const values = sampleAttributeValues();

  for (const [setName, dir, include] of [
    ['cda-cn', CDA_DIR, 'cda-cn.xsd'],
    ['v3', V3_DIR, 'hl7v3-wrapper.xsd'],
  ] as const) {
    describe(setName, () => {
      const types = readSchemaTypes(dir, setName === 'v3' ? ['hl7v3-wrapper.xsd'] : undefined);
      const decls: AttrDecl[] = types.attrs;
      // attribute per declaration (its SimpleDef written out), and per named type (the schema's own declaration)
      const attrs: Record<string, string> = {};
      decls.forEach((d, i) => (attrs[`d${i}`] = d.def.kind === 'builtin' ? `xs:${d.def.name}` : simpleTypeXml(d.def)));
      const namedList = [...types.named.keys()];
      namedList.forEach((n, i) => (attrs[`n${i}`] = n));
      const o = makeOracle(attrs, { includeDir: dir, includes: [include] });
      oracles.push(o);

      it('checker true ⇒ libxml2 accepts, for every named simple type (candidates and fuzz)', () => {
        const t = tally();
        namedList.forEach((n, i) => {
          const def = types.named.get(n)!;
          differential(o, `n${i}`, compileSimple(def), candidates(def, i + 1), t, n);
        });
        report(`${setName} named types`, t);
        expect(t.unsound).toEqual([]);
        expect(t.sure).toBeGreaterThan(0);
      });

      it('our SimpleDef of each attribute declaration means what the schema means (same libxml2 verdicts)', () => {
        const mismatches: string[] = [];
        decls.forEach((d, i) => {
          if (d.typeName === 'anonymous' || d.typeName.startsWith('xs:')) return;
          const ni = namedList.indexOf(d.typeName);
          for (const v of candidates(d.def, 1000 + i).slice(0, 60)) {
            if (o.accepts(`d${i}`, v) !== o.accepts(`n${ni}`, v)) mismatches.push(`${d.typeName}: ${JSON.stringify(v)}`);
          }
        });
        expect(mismatches).toEqual([]);
      });

      it('on the attribute values of our own samples: sound, and never unsure where libxml2 accepts', () => {
        const t = tally();
        decls.forEach((d, i) => {
          const seen = values.get(d.name);
          if (seen === undefined) return;
          differential(o, `d${i}`, compileSimple(d.def), seen, t, `@${d.name} (${d.typeName})`);
        });
        report(`${setName} sample attribute values`, t);
        expect(t.unsound).toEqual([]);
        expect(t.unsureButAccepted).toEqual([]);
        expect(t.checked).toBeGreaterThan(100);
      });
    });
  }
});
