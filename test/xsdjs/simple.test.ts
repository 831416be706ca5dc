import { describe, expect, it } from 'vitest';
import { builtinType } from '../../src/xsdjs/builtins.js';
import { translateXsdRegex, xsdRegex } from '../../src/xsdjs/regex.js';
import { compileSimple, simpleIdKind, type Facets, type SimpleDef } from '../../src/xsdjs/simple.js';

const b = (name: string): SimpleDef => ({ kind: 'builtin', name });
const r = (base: SimpleDef, facets: Facets): SimpleDef => ({ kind: 'restriction', base, facets });

function matches(pattern: string, value: string): boolean {
  const re = xsdRegex(pattern);
  if (re === undefined) throw new Error(`untranslated: ${pattern}`);
  return re.test(value);
}

describe('xsdRegex', () => {
  it('is anchored and matches whole values', () => {
    expect(matches('ab', 'ab')).toBe(true);
    expect(matches('ab', 'xab')).toBe(false);
    expect(matches('ab', 'abx')).toBe(false);
    expect(matches('a|b', 'a')).toBe(true);
    expect(matches('a|b', 'ab')).toBe(false);
  });
  it('quantifiers', () => {
    expect(matches('a{2,3}', 'a')).toBe(false);
    expect(matches('a{2,3}', 'aa')).toBe(true);
    expect(matches('a{2,3}', 'aaaa')).toBe(false);
    expect(matches('a{2}', 'aa')).toBe(true);
    expect(matches('a{2,}', 'aaaaa')).toBe(true);
    expect(matches('(ab)?c*d+', 'abccd')).toBe(true);
    expect(matches('(ab)?c*d+', 'c')).toBe(false);
  });
  it('^ and $ are ordinary characters', () => {
    expect(matches('^a$', '^a$')).toBe(true);
    expect(matches('^a$', 'a')).toBe(false);
  });
  it('. excludes only newline and carriage return', () => {
    expect(matches('.', 'x')).toBe(true);
    expect(matches('.', '中')).toBe(true);
    expect(matches('.', '\t')).toBe(true);
    expect(matches('.', '\n')).toBe(false);
    expect(matches('.', '\r')).toBe(false);
  });
  it('single-character escapes', () => {
    expect(matches('\\.\\-\\^\\?\\*\\+\\{\\}\\(\\)\\[\\]\\|\\\\', '.-^?*+{}()[]|\\')).toBe(true);
    expect(matches('\\n\\r\\t', '\n\r\t')).toBe(true);
  });
  it('\\s is XML white space only, \\S its complement', () => {
    expect(matches('\\s', ' ')).toBe(true);
    expect(matches('\\s', '\u00a0')).toBe(false);
    expect(matches('\\S', '\u00a0')).toBe(true);
    expect(matches('[^\\s]+', 'a岁b')).toBe(true);
    expect(matches('[^\\s]+', 'a b')).toBe(false);
    expect(matches('.*\\S.*', '   ')).toBe(false);
    expect(matches('.*\\S.*', ' x ')).toBe(true);
  });
  it('\\d, \\w, \\i, \\c', () => {
    expect(matches('\\d+', '0129')).toBe(true);
    expect(matches('\\d', 'a')).toBe(false);
    expect(matches('\\D', 'a')).toBe(true);
    expect(matches('\\w+', 'ab中9')).toBe(true);
    expect(matches('\\w', '.')).toBe(false);
    expect(matches('\\w', ' ')).toBe(false);
    expect(matches('\\W', '.')).toBe(true);
    expect(matches('\\i\\c*', '_a-1.b')).toBe(true);
    expect(matches('\\i', '1')).toBe(false);
    expect(matches('\\I', '1')).toBe(true);
    expect(matches('\\C', ' ')).toBe(true);
  });
  it('character class expressions, ranges, negation and subtraction', () => {
    expect(matches('[a-z-[aeiou]]+', 'bcd')).toBe(true);
    expect(matches('[a-z-[aeiou]]+', 'bad')).toBe(false);
    expect(matches('[^a-z-[aeiou]]', 'a')).toBe(false);
    expect(matches('[^a-z-[aeiou]]', 'A')).toBe(true);
    expect(matches('[+\\-][0-9]', '-1')).toBe(true);
    expect(matches('[-a]', '-')).toBe(true);
    expect(matches('[a-]', '-')).toBe(true);
    expect(matches('[A-Za-z][A-Za-z0-9\\-]*', 'a-1')).toBe(true);
    expect(matches('[^abc]', 'd')).toBe(true);
    expect(matches('[^abc]', 'b')).toBe(false);
  });
  it('category and block escapes', () => {
    expect(matches('\\p{Lu}+', 'ABC')).toBe(true);
    expect(matches('\\p{Lu}', 'a')).toBe(false);
    expect(matches('\\P{Lu}', 'a')).toBe(true);
    expect(matches('\\p{L}+', 'abc')).toBe(true);
    // libxml2's tables leave the CJK ideographs inside U+4E00–U+9FA5 without a category
    expect(matches('\\p{L}', '中')).toBe(false);
    expect(matches('\\P{L}', '中')).toBe(true);
    expect(matches('\\p{Nd}', '7')).toBe(true);
    expect(matches('\\p{IsBasicLatin}+', 'abc')).toBe(true);
    expect(matches('\\p{IsBasicLatin}', 'é')).toBe(false);
    expect(matches('\\p{IsCJKUnifiedIdeographs}+', '中文')).toBe(true);
    expect(matches('\\P{IsBasicLatin}', 'é')).toBe(true);
  });
  it('categories are trusted only where Unicode 4.0.1 (libxml2) and V8 surely agree', () => {
    // U+0240 is a lowercase letter today but was unassigned in Unicode 4.0.1
    expect(matches('\\p{Ll}', '\u0240')).toBe(false);
    expect(matches('\\P{Ll}', '\u0240')).toBe(false);
  });
  it('gives up on what it cannot translate exactly', () => {
    for (const p of ['\\p{IsNoSuchBlock}', '\\p{Xx}', 'a{', '{', '\\q', '[a-z-[^a]]', '[a-c-e]', '(a', 'a)', '[]', '\\', '*a', 'a**', 'a{3,2}']) {
      expect(xsdRegex(p), p).toBeUndefined();
    }
  });
  it('translates BMP-only patterns to an equivalent code-unit RegExp for speed', () => {
    const t = translateXsdRegex('[0-9]{2}')!;
    expect(t.re.flags).toBe('u');
    expect(t.fast.flags).toBe('');
    expect(t.fast.test('12')).toBe(true);
    expect(t.fast.test('1𠀀')).toBe(false);
    const wide = translateXsdRegex('.{2}')!;
    expect(wide.fast).toBe(wide.re); // '.' matches astral characters: one unit per code point needed
    expect(wide.fast.test('𠀀𠀀')).toBe(true);
  });
  it('flags nested repetitions that could backtrack exponentially', () => {
    expect(translateXsdRegex('(a+)+')!.risky).toBe(true);
    expect(translateXsdRegex('(a|aa)*b')!.risky).toBe(true);
    expect(translateXsdRegex('(ab)*')!.risky).toBe(false);
    expect(translateXsdRegex('[0-2](\\.(0|[1-9][0-9]*))*')!.risky).toBe(false);
    expect(translateXsdRegex('(\\.[0-9]*)*')!.risky).toBe(false);
    expect(translateXsdRegex('([0-9]*\\.)*')!.risky).toBe(true);
  });
});

describe('builtins', () => {
  const ok = (name: string, v: string) => compileSimple(b(name))(v);
  it('strings and their whitespace', () => {
    expect(builtinType('string')!.whiteSpace).toBe('preserve');
    expect(builtinType('normalizedString')!.whiteSpace).toBe('replace');
    expect(builtinType('token')!.whiteSpace).toBe('collapse');
    expect(ok('string', ' anything \t at all ')).toBe(true);
    expect(ok('token', '  a  b ')).toBe(true);
  });
  it('names', () => {
    expect(ok('NCName', 'a-b.c_1')).toBe(true);
    expect(ok('NCName', 'a:b')).toBe(false);
    expect(ok('NCName', '1a')).toBe(false);
    expect(ok('Name', 'a:b')).toBe(true);
    expect(ok('ID', '标识')).toBe(true);
    expect(ok('IDREF', ' x1 ')).toBe(true);
    expect(ok('NMTOKEN', '123')).toBe(true);
    expect(ok('NMTOKEN', 'a b')).toBe(false);
    expect(ok('NMTOKENS', ' a  b ')).toBe(true);
    expect(ok('NMTOKENS', '')).toBe(false);
    expect(ok('IDREFS', 'a b c')).toBe(true);
    expect(ok('language', 'zh-CN')).toBe(true);
    expect(ok('language', 'zh-')).toBe(false);
    expect(ok('ENTITY', 'e')).toBe(false);
  });
  it('boolean', () => {
    for (const v of ['true', 'false', '1', '0', ' true ']) expect(ok('boolean', v), v).toBe(true);
    for (const v of ['TRUE', 'yes', '']) expect(ok('boolean', v), v).toBe(false);
  });
  it('decimal and integers with their ranges', () => {
    for (const v of ['1', '-1.5', '+.5', '5.', '007.100']) expect(ok('decimal', v), v).toBe(true);
    for (const v of ['.', '1e5', '', '1,5', 'INF']) expect(ok('decimal', v), v).toBe(false);
    expect(ok('integer', '-0012')).toBe(true);
    expect(ok('integer', '1.0')).toBe(false);
    expect(ok('long', '9223372036854775807')).toBe(true);
    expect(ok('long', '9223372036854775808')).toBe(false);
    expect(ok('long', '-9223372036854775808')).toBe(true);
    expect(ok('unsignedLong', '18446744073709551615')).toBe(true);
    expect(ok('unsignedLong', '18446744073709551616')).toBe(false);
    expect(ok('int', '2147483648')).toBe(false);
    expect(ok('short', '-32769')).toBe(false);
    expect(ok('byte', '127')).toBe(true);
    expect(ok('unsignedByte', '256')).toBe(false);
    expect(ok('positiveInteger', '0')).toBe(false);
    expect(ok('positiveInteger', '1')).toBe(true);
    expect(ok('nonNegativeInteger', '0')).toBe(true);
    expect(ok('nonNegativeInteger', '-1')).toBe(false);
    expect(ok('unsignedLong', '-0')).toBe(true); // zero, as libxml2 reads it
    expect(ok('integer', '9'.repeat(60))).toBe(true);
    expect(ok('negativeInteger', '-1')).toBe(true);
    expect(ok('negativeInteger', '0')).toBe(false);
    expect(ok('nonPositiveInteger', '0')).toBe(true);
  });
  it('float and double', () => {
    for (const v of ['1', '-1.5E-3', 'INF', '-INF', 'NaN', '.5e2', '1.e1']) expect(ok('double', v), v).toBe(true);
    for (const v of ['+INF', 'inf', 'e1', '.e1', '1e5.5', '']) expect(ok('double', v), v).toBe(false);
    expect(ok('float', '3.4e38')).toBe(true);
  });
  it('binary', () => {
    expect(ok('hexBinary', '0aFF')).toBe(true);
    expect(ok('hexBinary', 'abc')).toBe(false);
    expect(ok('base64Binary', 'QUJD')).toBe(true);
    expect(ok('base64Binary', 'QQ==')).toBe(true);
    expect(ok('base64Binary', 'QR==')).toBe(false);
    expect(ok('base64Binary', 'Q')).toBe(false);
  });
  it('anyURI (conservative)', () => {
    for (const v of ['', 'http://example.com/a?b=c#d', 'urn:oid:2.16.156', 'a/b', '#frag', 'mailto:a@b.c', 'http://h:8080/']) expect(ok('anyURI', v), v).toBe(true);
    for (const v of ['http://a:b/', '1a:b', '%zz', '#a#b']) expect(ok('anyURI', v), v).toBe(false);
    expect(ok('anyURI', 'a' + '?'.repeat(100_000) + '!')).toBe(false); // not run: returns at once
  });
  it('QName needs its prefix in scope', () => {
    const q = compileSimple(b('QName'));
    expect(q('INT')).toBe(true);
    expect(q('xsi:type')).toBe(false);
    expect(q('p:INT', new Map([['p', 'urn:hl7-org:v3']]))).toBe(true);
    expect(q('xml:lang')).toBe(true);
    expect(q('p:1')).toBe(false);
    expect(compileSimple(b('NOTATION'))('a')).toBe(false);
  });
  it('dates, times and durations', () => {
    expect(ok('date', '2020-02-29')).toBe(true);
    expect(ok('date', '2019-02-29')).toBe(false);
    expect(ok('date', '2020-01-01Z')).toBe(true);
    expect(ok('dateTime', '2020-01-01T12:30:00.5+08:00')).toBe(true);
    expect(ok('dateTime', '2020-01-01T25:00:00')).toBe(false);
    expect(ok('time', '23:59:59')).toBe(true);
    expect(ok('gYear', '2020')).toBe(true);
    expect(ok('gYearMonth', '2020-13')).toBe(false);
    expect(ok('gMonth', '--12')).toBe(true);
    expect(ok('gDay', '---31')).toBe(true);
    expect(ok('gMonthDay', '--02-29')).toBe(true);
    expect(ok('gMonthDay', '--02-30')).toBe(false);
    expect(ok('duration', 'P1Y2M3DT4H5M6.7S')).toBe(true);
    expect(ok('duration', '-PT1S')).toBe(true);
    for (const v of ['P', 'PT', 'P1YT', 'P1.5Y']) expect(ok('duration', v), v).toBe(false);
  });
  it('unknown built-ins are never confirmed', () => {
    expect(builtinType('noSuchType')).toBeUndefined();
    expect(compileSimple(b('noSuchType'))('x')).toBe(false);
  });
});

describe('compileSimple facets', () => {
  it('enumeration on strings: literal after whitespace', () => {
    const tok = compileSimple(r(b('token'), { enumeration: ['a b', 'c'] }));
    expect(tok('  a   b ')).toBe(true);
    expect(tok('ab')).toBe(false);
    const str = compileSimple(r(b('string'), { enumeration: ['a b'] }));
    expect(str('a b')).toBe(true);
    expect(str(' a b')).toBe(false);
  });
  it('enumeration on numbers: in the value space', () => {
    const i = compileSimple(r(b('integer'), { enumeration: ['1', '20'] }));
    expect(i('01')).toBe(true);
    expect(i('+20')).toBe(true);
    expect(i('2')).toBe(false);
    const d = compileSimple(r(b('decimal'), { enumeration: ['1.50'] }));
    expect(d('1.5')).toBe(true);
    const f = compileSimple(r(b('double'), { enumeration: ['1', 'INF'] }));
    expect(f('1.0E0')).toBe(true);
    expect(f('INF')).toBe(true);
    const bo = compileSimple(r(b('boolean'), { enumeration: ['true'] }));
    expect(bo('1')).toBe(true);
    expect(bo('0')).toBe(false);
  });
  it('pattern: OR within a step, AND across steps, on the normalised value', () => {
    const t = compileSimple(r(r(b('token'), { pattern: [['[a-z]+', '[0-9]+']] }), { pattern: [['.{2}']] }));
    expect(t('ab')).toBe(true);
    expect(t(' 12 ')).toBe(true);
    expect(t('abc')).toBe(false);
    expect(t('a1')).toBe(false);
    const two = compileSimple(r(b('string'), { pattern: [['[a-z]+'], ['.{2}']] }));
    expect(two('ab')).toBe(true);
    expect(two('abc')).toBe(false);
  });
  it('an untranslatable pattern makes the type unsure unless another alternative matches', () => {
    const alt = compileSimple(r(b('string'), { pattern: [['\\p{IsNoSuchBlock}', 'a']] }));
    expect(alt('a')).toBe(true);
    expect(alt('b')).toBe(false);
    const only = compileSimple(r(b('string'), { pattern: [['\\p{IsNoSuchBlock}']] }));
    expect(only('a')).toBe(false);
  });
  it('risky patterns only run on short values', () => {
    const t = compileSimple(r(b('string'), { pattern: [['(a+)+b']] }));
    expect(t('aab')).toBe(true);
    expect(t('a'.repeat(5000) + 'c')).toBe(false); // returns at once: not run
  });
  it('length facets count code points, items, octets', () => {
    const s = compileSimple(r(b('string'), { minLength: 2, maxLength: 3 }));
    expect(s('a')).toBe(false);
    expect(s('𠀀𠀀')).toBe(true); // two code points, four UTF-16 units
    expect(s('abcd')).toBe(false);
    const st = compileSimple(r(b('string'), { minLength: 1 }));
    expect(st('')).toBe(false);
    expect(st(' ')).toBe(true);
    const l = compileSimple(r({ kind: 'list', item: b('integer') }, { length: 2 }));
    expect(l(' 1  2 ')).toBe(true);
    expect(l('1')).toBe(false);
    const h = compileSimple(r(b('hexBinary'), { length: 2 }));
    expect(h('abcd')).toBe(true);
    expect(h('ab')).toBe(false);
    const b64 = compileSimple(r(b('base64Binary'), { maxLength: 2 }));
    expect(b64('QQ==')).toBe(true);
    expect(b64('QUJD')).toBe(false);
    expect(compileSimple(r(b('QName'), { maxLength: 5 }))('a')).toBe(false);
  });
  it('range facets: exact on decimals, on numbers for doubles', () => {
    const big = compileSimple(r(b('integer'), { maxInclusive: '123456789012345678901' }));
    expect(big('123456789012345678901')).toBe(true);
    expect(big('123456789012345678902')).toBe(false);
    const d = compileSimple(r(b('decimal'), { minExclusive: '0', maxExclusive: '1.5' }));
    expect(d('0')).toBe(false);
    expect(d('0.0001')).toBe(true);
    expect(d('1.49')).toBe(true);
    expect(d('1.50')).toBe(false);
    expect(d('-0.1')).toBe(false);
    const p = compileSimple(r(b('double'), { minInclusive: '0.0', maxInclusive: '1.0' }));
    expect(p('0')).toBe(true);
    expect(p('1')).toBe(true);
    expect(p('0.5')).toBe(true);
    expect(p('1.5')).toBe(false);
    expect(p('INF')).toBe(false);
    expect(p('NaN')).toBe(false);
    expect(compileSimple(r(b('date'), { minInclusive: '2000-01-01' }))('2020-01-01')).toBe(false);
  });
  it('totalDigits and fractionDigits', () => {
    const t = compileSimple(r(b('decimal'), { totalDigits: 3, fractionDigits: 1 }));
    expect(t('12.3')).toBe(true);
    expect(t('001.5')).toBe(true);
    expect(t('1.23')).toBe(false);
    expect(t('1234')).toBe(false);
    expect(t('12.30')).toBe(true); // trailing fraction zeros are not digits of the value
    expect(t('0.12')).toBe(false);
  });
  it('whiteSpace facet tightens normalisation', () => {
    const c = compileSimple(r(b('string'), { whiteSpace: 'collapse', enumeration: ['a b'] }));
    expect(c(' a \t b ')).toBe(true);
    // loosening is a schema error: never confirmed
    expect(compileSimple(r(b('token'), { whiteSpace: 'preserve' }))('a')).toBe(false);
  });
  it('lists: split after collapse, empty list valid, items checked', () => {
    const l = compileSimple({ kind: 'list', item: b('integer') });
    expect(l('1 2  3')).toBe(true);
    expect(l('')).toBe(true);
    expect(l('1 x')).toBe(false);
    const codes = compileSimple({ kind: 'list', item: r(b('NMTOKEN'), { enumeration: ['H', 'WP'] }) });
    expect(codes('H WP')).toBe(true);
    expect(codes('H X')).toBe(false);
  });
  it('unions: any member, facets on the lexical value', () => {
    const u = compileSimple({ kind: 'union', members: [b('decimal'), b('double')] });
    expect(u('1.5')).toBe(true);
    expect(u('1e5')).toBe(true);
    expect(u('x')).toBe(false);
    const oid = r(b('string'), { pattern: [['[0-2](\\.(0|[1-9][0-9]*))*']] });
    const ruid = r(b('string'), { pattern: [['[A-Za-z][A-Za-z0-9\\-]*']] });
    const uid = compileSimple({ kind: 'union', members: [oid, ruid] });
    expect(uid('2.16.156.10011.2.5.1.1')).toBe(true);
    expect(uid('ABC-1')).toBe(true);
    expect(uid('2.16.')).toBe(false);
    const ue = compileSimple(r({ kind: 'union', members: [b('integer'), b('NMTOKEN')] }, { enumeration: ['1', 'x'] }));
    expect(ue('x')).toBe(true);
    expect(ue('01')).toBe(false);
  });
  it('remembered verdicts stay right: repeated values, and QNames whose answer depends on the scope', () => {
    const t = compileSimple(r(b('token'), { enumeration: ['EVN', 'INT'] }));
    for (let i = 0; i < 3; i++) {
      expect(t('EVN')).toBe(true);
      expect(t('RQO')).toBe(false);
    }
    const q = compileSimple(r(b('QName'), {}));
    expect(q('p:a', new Map([['p', 'urn:p']]))).toBe(true);
    expect(q('p:a')).toBe(false);
    expect(q('p:a', new Map([['p', 'urn:p']]))).toBe(true);
    const u = compileSimple({ kind: 'union', members: [b('integer'), b('QName')] });
    expect(u('p:a', new Map([['p', 'urn:p']]))).toBe(true);
    expect(u('p:a')).toBe(false);
  });
  it('xs:string without facets is always valid', () => {
    const s = compileSimple(b('string'));
    expect(s('')).toBe(true);
    expect(s(' \t ')).toBe(true);
  });
  it('says which types carry ID semantics', () => {
    expect(simpleIdKind(b('ID'))).toBe('ID');
    expect(simpleIdKind(r(b('IDREF'), {}))).toBe('IDREF');
    expect(simpleIdKind(b('IDREFS'))).toBe('IDREFS');
    expect(simpleIdKind(b('string'))).toBeUndefined();
    expect(simpleIdKind({ kind: 'union', members: [b('ID'), b('string')] })).toBe('unsure');
  });
});
