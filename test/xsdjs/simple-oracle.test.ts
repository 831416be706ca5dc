import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { xsdRegex } from '../../src/xsdjs/regex.js';
import { compileSimple, type Facets, type SimpleChecker, type SimpleDef } from '../../src/xsdjs/simple.js';
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

// ---- built-ins, facets and regex constructs, each in a schema of its own making

const b = (name: string): SimpleDef => ({ kind: 'builtin', name });
const r = (base: SimpleDef, facets: Facets): SimpleDef => ({ kind: 'restriction', base, facets });

const BUILTINS = [
  'string', 'normalizedString', 'token', 'language', 'NMTOKEN', 'NMTOKENS', 'Name', 'NCName', 'ID', 'IDREF', 'IDREFS', 'ENTITY', 'boolean',
  'decimal', 'integer', 'nonPositiveInteger', 'negativeInteger', 'long', 'int', 'short', 'byte', 'nonNegativeInteger', 'unsignedLong',
  'unsignedInt', 'unsignedShort', 'unsignedByte', 'positiveInteger', 'float', 'double', 'anyURI', 'base64Binary', 'hexBinary', 'QName',
  'date', 'time', 'dateTime', 'gYear', 'gYearMonth', 'gMonth', 'gDay', 'gMonthDay', 'duration',
];

const TYPED = [
  '127', '128', '-128', '-129', '255', '256', '32767', '32768', '-32768', '-32769', '2147483647', '2147483648', '-2147483648', '-2147483649',
  '4294967295', '4294967296', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
  '18446744073709551615', '18446744073709551616', '+0', '-0', '-00', '-0.0', '00', '9'.repeat(40), '-' + '9'.repeat(99), '0.' + '9'.repeat(60), '+', '-', '1.', '1.e1', '1e+5', '1e-05', '1E5.0', '-1.5e-3', '3.4028235e38',
  '1e39', '-inf', '+INF', 'nan', '1,0', '0x1F', '123456789012345678901234', '1234567890123456789012345',
  '2020-01-01', '2020-02-29', '2019-02-29', '2000-02-29', '1900-02-29', '2020-04-31', '2020-01-01Z', '2020-01-01+08:00', '2020-01-01+14:00',
  '2020-01-01-14:01', '2020-01-01+8:00', '0001-01-01', '0000-01-01', '9999-12-31', '10000-01-01', '-2020-01-01', '2020-1-01',
  '2020-01-01T00:00:00', '2020-01-01T23:59:59.999', '2020-01-01T24:00:00', '2020-01-01T12:00', '2020-01-01 12:00:00', '2020-01-01T12:00:00.',
  '12:00:00', '23:59:59Z', '24:00:00', '12:60:00', '12:00:60', '2020', '2020Z', '202', '2020-12', '2020-13', '--12', '--13', '--12--', '---31',
  '---32', '--02-29', '--02-30', '--04-31', 'P1Y', 'P1Y2M3DT4H5M6.7S', 'PT0S', '-P1D', 'P-1D', 'PT', 'P', 'P1YT', 'PT1.5S', 'PT.5S', 'P1.5D',
  'P12345678Y', 'P123456789Y', 'PT1H1M', 'P1M', 'PT1M', 'P0D',
  'QUJD', 'QQ==', 'QR==', 'QUI=', 'QUJ=', 'QU I=', 'QUJDRA', 'QUJDRA==', '====', '0aff', '0AFF', '0aff0', 'xx',
  'http://example.com', 'http://example.com:8080/a/b?c=d&e=f#g', 'http://[::1]/', 'http://a:b/', '//host/p', '/abs/path', 'rel/path', '?q', '#f',
  'a:b:c', '1a:b', 'a%20b', '%2', '%zz', 'urn:uuid:F47AC10B-58CC-4372-A567-0E02B2C3D479', 'tel:+86-10-1234567', 'mailto:x@y.cn', 'a b', '中文',
  'en', 'en-US', 'zh-Hans-CN', 'x-klingon', 'toolongxx', 'en-', '-en', 'en--us', 'a:b', ':b', 'a:', 'xml:lang', 'p:x', 'p:1', '_a', '-a', '.a',
  'a\u00b7b', '中', '\u00c0', '\u00d7', 'Ā', 'a b c', '  ', 'true ', ' 1', '\tfalse\n',
];

const BUILTIN_ALPHABET = ['0', '1', '2', '5', '9', '.', '-', '+', 'e', 'E', ':', 'T', 'Z', 'P', 'Y', 'M', 'D', 'H', 'S', 'a', 'F', 'x', '/', '=', ' ', '中', '_', '%'];

describe('built-in datatypes against libxml2-wasm', () => {
  const attrs: Record<string, string> = {};
  for (const n of BUILTINS) attrs[n] = `xs:${n}`;
  const o = makeOracle(attrs);
  oracles.push(o);
  const fuzz = fc.sample(fc.string({ unit: fc.constantFrom(...BUILTIN_ALPHABET), maxLength: 14 }), { numRuns: 300, seed: 42 });

  it('checker true ⇒ libxml2 accepts, for every built-in', () => {
    const t = tally();
    for (const n of BUILTINS) differential(o, n, compileSimple(b(n)), new Set([...GENERIC, ...TYPED, ...fuzz]), t, n);
    report('built-ins', t);
    expect(t.unsound).toEqual([]);
    expect(t.sure).toBeGreaterThan(1000);
  });

  it('QName values with and without their prefix in scope', () => {
    const t = tally();
    const check = compileSimple(b('QName'));
    const decls = { p: 'urn:p', q: 'urn:q' };
    const scope = new Map([['p', 'urn:p'], ['q', 'urn:q'], ['xml', 'http://www.w3.org/XML/1998/namespace']]);
    const vs = ['p:a', 'q:b', 'r:c', 'a', 'xml:lang', 'p:', ':a', 'p:a:b', 'p:1', ' p:a ', 'xmlns:a'];
    differential(o, 'QName', check, vs, t, 'QName in scope', decls, scope);
    differential(o, 'QName', check, vs, t, 'QName no scope');
    expect(t.unsound).toEqual([]);
    expect(t.sure).toBeGreaterThan(4);
  });
});

const FACETED: [string, SimpleDef, string[]][] = [
  ['enum decimal', r(b('decimal'), { enumeration: ['1.50', '-2', '0'] }), ['1.5', '01.500', '-2.0', '-0', '0.0', '+0', '2', '1.51']],
  ['enum integer', r(b('integer'), { enumeration: ['10', '-3'] }), ['010', '+10', '-03', '10.0', '3']],
  ['enum double', r(b('double'), { enumeration: ['1', '2.5E1', 'INF', 'NaN'] }), ['1.0', '1e0', '25', '2.5e1', 'INF', 'NaN', '-INF', '0']],
  ['enum float', r(b('float'), { enumeration: ['0.1'] }), ['0.1', '0.10', '1e-1', '0.100000001', '0.2']],
  ['enum token', r(b('token'), { enumeration: ['a b', 'C'] }), ['a b', ' a  b ', 'a\tb', 'c', 'C', ' C']],
  ['enum string', r(b('string'), { enumeration: ['a b', ' x '] }), ['a b', ' a b', 'a  b', ' x ', 'x']],
  ['enum NMTOKEN', r(b('NMTOKEN'), { enumeration: ['H', 'WP'] }), ['H', ' WP ', 'wp', 'HP']],
  ['enum date', r(b('date'), { enumeration: ['2020-01-01'] }), ['2020-01-01', '2020-01-01Z', ' 2020-01-01 ']],
  ['enum list', r({ kind: 'list', item: b('token') }, { enumeration: ['a b', 'c'] }), ['a b', ' a   b ', 'c', 'b a']],
  ['length string', r(b('string'), { length: 2 }), ['ab', 'a', 'abc', '中文', '𠀀𠀀', ' a', '']],
  ['min/max length', r(b('string'), { minLength: 1, maxLength: 3 }), ['', 'a', 'abc', 'abcd', '   ', '中中中中']],
  ['length token', r(b('token'), { maxLength: 3 }), ['abc', ' abc ', 'a  b', 'abcd']],
  ['length hex', r(b('hexBinary'), { length: 2 }), ['abcd', 'ab', 'abcdef', '']],
  ['length base64', r(b('base64Binary'), { minLength: 2, maxLength: 3 }), ['QQ==', 'QUI=', 'QUJD', 'QUJDRA==', '']],
  ['length list', r({ kind: 'list', item: b('integer') }, { minLength: 1, maxLength: 2 }), ['', '1', '1 2', '1  2 ', '1 2 3']],
  ['length NMTOKENS', r(b('NMTOKENS'), { length: 2 }), ['a b', 'a', 'a b c']],
  ['range integer', r(b('integer'), { minInclusive: '-5', maxExclusive: '100000000000000000000' }), ['-5', '-6', '0', '99999999999999999999', '100000000000000000000', '+7']],
  ['range decimal', r(b('decimal'), { minExclusive: '0', maxInclusive: '1.5' }), ['0', '0.0', '0.0000001', '1.5', '1.50', '1.500001', '-0']],
  ['range double', r(b('double'), { minInclusive: '0.0', maxInclusive: '1.0' }), ['0', '-0', '1', '1.0000000000000001', '1.0000001', '0.5', 'INF', 'NaN', '-INF', '1e-300']],
  ['range float', r(b('float'), { maxExclusive: '1.5' }), ['1.4', '1.5', '1.49999999', '-INF', '1e38']],
  ['digits', r(b('decimal'), { totalDigits: 3, fractionDigits: 1 }), ['123', '12.3', '1.23', '1234', '0.5', '00.5', '.5', '12.30', '123.0', '0012', '-12.3']],
  ['digits big', r(b('decimal'), { totalDigits: 2, fractionDigits: 1 }), ['1.20', '1.0', '01.2', '0.12', '.1', '12.0', '12.00', '120', '-0.0', '0']],
  ['range big', r(b('integer'), { maxInclusive: '123456789012345678901234567890' }), ['123456789012345678901234567890', '123456789012345678901234567891', '123456789012345678901234567889', '9'.repeat(29), '9'.repeat(31), '-' + '9'.repeat(40)]],
  ['range big decimal', r(b('decimal'), { maxInclusive: '1.00000000000000000000000001' }), ['1.00000000000000000000000001', '1.00000000000000000000000002', '1.000000000000000000000000009', '1.0000000000000000000000000100']],
  ['digits integer', r(b('integer'), { totalDigits: 2 }), ['99', '100', '-99', '0099', '+5']],
  ['whiteSpace collapse', r(b('string'), { whiteSpace: 'collapse', pattern: [['a b']] }), ['a b', ' a  b ', 'a\tb', 'ab']],
  ['whiteSpace replace', r(b('string'), { whiteSpace: 'replace', pattern: [['a b']] }), ['a b', 'a\tb', ' a b', 'a\nb']],
  ['pattern steps', r(r(b('token'), { pattern: [['[a-z]+', '[0-9]+']] }), { pattern: [['.{2}']] }), ['ab', '12', 'a1', 'abc', ' ab ']],
  ['union restricted', r({ kind: 'union', members: [b('integer'), b('NMTOKEN')] }, { enumeration: ['1', 'x'] }), ['1', '01', 'x', ' x ', 'y']],
  ['union pattern', r({ kind: 'union', members: [b('integer'), b('token')] }, { pattern: [['[0-9]+']] }), ['12', ' 12 ', 'a', '1 2']],
  ['union members', { kind: 'union', members: [r(b('string'), { pattern: [['[0-2](\\.(0|[1-9][0-9]*))*']] }), r(b('string'), { pattern: [['[A-Za-z][A-Za-z0-9\\-]*']] })] }, ['2.16.1', 'A-1', '2.16.', ' A', '']],
  ['pattern list', r({ kind: 'list', item: b('integer') }, { pattern: [['[0-9 ]+']] }), ['1 2', ' 1  2 ', '1', '', 'a', '-1']],
  ['enum list of integers', r({ kind: 'list', item: b('integer') }, { enumeration: ['1 2'] }), ['1 2', '01 2', ' 1 2 ', '1']],
  ['length anyURI', r(b('anyURI'), { maxLength: 5 }), ['a/b', 'abcdef', '中中', 'a b']],
  ['enum language', r(b('language'), { enumeration: ['zh-CN'] }), ['zh-CN', 'zh-cn', ' zh-CN']],
  ['enum QName', r(b('QName'), { enumeration: ['a'] }), ['a', 'b', ' a ']],
  ['enum unsignedByte', r(b('unsignedByte'), { enumeration: ['7'] }), ['7', '07', '+7', '-0', '8']],
  ['list of restricted', { kind: 'list', item: r(b('token'), { enumeration: ['H', 'WP'] }) }, ['H', 'H WP', '  H  ', '', 'X', 'H X']],
];

describe('facets against libxml2-wasm', () => {
  const attrs: Record<string, string> = {};
  FACETED.forEach(([, def], i) => (attrs[`f${i}`] = simpleTypeXml(def)));
  const o = makeOracle(attrs);
  oracles.push(o);

  it('checker true ⇒ libxml2 accepts, and sure on the plain cases', () => {
    const t = tally();
    FACETED.forEach(([label, def, vs], i) => differential(o, `f${i}`, compileSimple(def), new Set([...vs, ...GENERIC.slice(0, 40)]), t, label));
    report('facets', t);
    expect(t.unsound).toEqual([]);
    expect(t.sure).toBeGreaterThan(100);
  });
});

const PATTERNS = [
  'abc', 'a|b|', 'a?b*c+', 'a{2}', 'a{2,}', 'a{1,3}', '(ab){2}', '(a|bc)*d', '.', '.*', '.+\\S.*', '\\s*', '\\S+', '\\d+', '\\D', '\\w+', '\\W', '\\i\\c*',
  '\\I', '\\C', '[abc]', '[^abc]', '[a-z]+', '[a-z-[aeiou]]+', '[^a-z-[aeiou]]', '[\\-+]', '[-a]', '[a-]', '[+\\-][0-9]{1,4}', '[\\s\\d]', '[^\\s]+',
  '[\\^a]', '\\^$', '$^', '\\.\\?\\*\\+\\{\\}\\(\\)\\[\\]\\|\\\\', '\\n\\r\\t', '[\\n\\r\\t ]', '\\p{L}+', '\\p{Lu}', '\\p{Ll}', '\\p{N}', '\\p{Nd}',
  '\\p{P}', '\\p{Po}', '\\p{S}', '\\p{Z}', '\\p{C}', '\\P{L}', '\\P{Lu}', '[\\p{L}\\p{N}]+', '[^\\p{L}]', '\\p{IsBasicLatin}+', '\\p{IsLatin-1Supplement}',
  '\\P{IsBasicLatin}', '\\p{IsCJKUnifiedIdeographs}+', '\\p{IsCJKSymbolsandPunctuation}', '\\p{IsHalfwidthandFullwidthForms}', '\\p{IsGreekandCoptic}',
  '((a|b)+c{0,2})*', '(\\d{3}-)?\\d{4}', '[\\p{Lu}\\d]{2,3}', '[^\\p{IsBasicLatin}]+', '[\\i-[:]][\\c-[:]]*', '[a-zA-Z0-9._%+\\-]+@[a-z]+\\.[a-z]{2,}',
  '[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])', '[0-2](\\.(0|[1-9][0-9]*))*', '[A-Za-z][A-Za-z0-9\\-]*', '.*\\S.*', '[A-Z]{4}_IN[0-9]{6}[A-Z0-9]*',
];

// characters whose classes matter: ASCII, Latin-1, a few blocks beyond, CJK
const CHARS = [
  ...Array.from({ length: 0x2ff - 0x20 }, (_, i) => String.fromCodePoint(0x20 + i)),
  '\t', '\n', '\r', 'Ω', 'я', 'ا', '\u2014', '\u3000', '\u3001', '。', '中', '文', '岁', '\u4e00', '\u4e01', '\u9fa4', '\u9fa5', '\u3007', '\u3021', '\u4db5', '\u9fa6', '\u9fff', '\u3400', '\uff01', '\uff10',
  '\uff21', 'ｱ', '\u0e01', '\u1100', '\u2028', '\u200b', '\u00ad', '\ufeff', '𠀀', '\u{1f600}', '\ue000',
];

describe('regular expressions against libxml2-wasm', () => {
  const attrs: Record<string, string> = {};
  PATTERNS.forEach((p, i) => (attrs[`p${i}`] = simpleTypeXml(r(b('string'), { pattern: [[p]] }))));
  const o = makeOracle(attrs);
  oracles.push(o);

  it('every pattern of the list is translated', () => {
    expect(PATTERNS.filter((p) => xsdRegex(p) === undefined)).toEqual([]);
  });

  it('a translated pattern matches only what libxml2 matches: single characters', () => {
    const t = tally();
    PATTERNS.forEach((p, i) => differential(o, `p${i}`, compileSimple(r(b('string'), { pattern: [[p]] })), CHARS, t, p));
    report('regex, single characters', t);
    if (t.unsound.length > 0) console.log(`  UNSOUND: ${t.unsound.join(' | ')}`);
    expect(t.unsound).toEqual([]);
  });

  it('a translated pattern matches only what libxml2 matches: strings over each pattern\'s alphabet', () => {
    const t = tally();
    PATTERNS.forEach((p, i) => {
      const own = [...new Set(Array.from(p.replace(/\\[a-zA-Z]|\\p\{[^}]*\}/g, '')))];
      const alphabet = [...own, 'a', 'Z', '0', '9', ' ', '\t', '中', '-', '.', '_'];
      const vs = fc.sample(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 12 }), { numRuns: 150, seed: 7 + i });
      differential(o, `p${i}`, compileSimple(r(b('string'), { pattern: [[p]] })), new Set(vs), t, p);
    });
    report('regex, strings', t);
    if (t.unsound.length > 0) console.log(`  UNSOUND: ${t.unsound.join(' | ')}`);
    expect(t.unsound).toEqual([]);
    expect(t.sure).toBeGreaterThan(500);
  });
});
