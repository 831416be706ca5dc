import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { skippedSystem } from '../../src/validate/layers/terminology.js';
import { checkValue, parseFormat } from '../../src/catalog/format.js';
import { formatOk, tsOk, tsProblem } from '../../src/validate/layers/value-checks.js';

/**
 * formatOk / tsOk are the template layer's quick yes: they may say true only where the full
 * check (checkValue, tsProblem) passes, and must say true for the ordinary good values (else
 * they save nothing). Any false sends the value to the full check, which writes the finding.
 */
const FORMATS = ['A..50', 'AN..50', 'AN..1000', 'AN10', 'AN2..4', 'N1', 'N2', 'N..10,2', 'N1..3', 'N4..5,1', 'N..2', 'D8', 'DT15', 'T6', 'T/F', 'BY', 'BY..3'];

const valueish = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.stringMatching(/^-?[0-9]{0,16}(\.[0-9]{0,4})?$/),
  fc.stringMatching(/^[0-9]{8}(T?[0-9]{6})?(\.[0-9]{1,5})?([+-][0-9]{4})?$/),
  fc.constantFrom('T', 'F', 'true', 'false', 'TRUE', '张三', '\u0001', 'a\tb', '😀', '\ud800', '36.5', '-0.25', '20240229', '20230229', '00000101', '20231301', '20240101235959', '20240101240000'),
);

describe('formatOk', () => {
  it('says yes only where checkValue passes', () => {
    fc.assert(fc.property(fc.constantFrom(...FORMATS), valueish, (source, value) => {
      const fmt = parseFormat(source);
      if (formatOk(fmt, value)) expect(checkValue(fmt, value), `${source} ${JSON.stringify(value)}`).toEqual({ ok: true });
    }), { numRuns: 20000 });
  });

  it('says yes to ordinary good values', () => {
    const good: [string, string][] = [['A..50', '张三'], ['AN..50', 'a b\tc'], ['AN10', '0123456789'], ['N1', '7'], ['N..10,2', '-12.5'], ['N..10,2', '300'], ['N4..5,1', '170.5'],
      ['D8', '20240229'], ['DT15', '20240101235959'], ['T6', '235959'], ['T/F', 'true'], ['BY', 'AAAA']];
    for (const [source, value] of good) {
      expect(checkValue(source, value).ok, `${source} ${value}`).toBe(true);
      expect(formatOk(parseFormat(source), value), `${source} ${value}`).toBe(true);
    }
    // and leaves to checkValue what it does not read itself (the WS 363 DT15 form, fractions, surrogates)
    expect(formatOk(parseFormat('DT15'), '20240101T120000')).toBe(false);
    expect(formatOk(parseFormat('A..5'), '😀')).toBe(false);
    expect(formatOk(parseFormat('N..10,2'), '1.234')).toBe(false);
    expect(formatOk(parseFormat('D8'), '20230229')).toBe(false);
  });
});

describe('tsOk', () => {
  it('says yes exactly where tsProblem finds nothing, for digit strings of even length 4–14', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{4,14}$/), (v) => {
      if (v.length % 2 === 0) expect(tsOk(v), v).toBe(tsProblem(v) === null);
      else expect(tsOk(v)).toBe(false);
    }), { numRuns: 20000 });
    for (const v of ['2024', '202402', '202413', '20240229', '20230229', '2024022923', '2024022924', '202402292359', '20240229235960', '00010101', '00000101']) {
      expect(tsOk(v), v).toBe(tsProblem(v) === null);
    }
  });

  it('says yes only where tsProblem finds nothing, for anything', () => {
    fc.assert(fc.property(valueish, (v) => {
      if (tsOk(v)) expect(tsProblem(v)).toBeNull();
    }), { numRuns: 10000 });
  });
});

describe('skippedSystem', () => {
  // as it was written before: a set of two and a regular expression
  const OWN = new Set(['2.16.156.10011.2.4', '2.16.840.1.113883.6.1']);
  const HL7 = /^2\.16\.840\.1\.113883\.(5|1\.11)\./;
  it('skips the systems the set and the expression named, and no other', () => {
    const piece = fc.constantFrom('2', '.', '16', '156', '10011', '840', '1', '113883', '5', '6', '11', '4', '3', 'x', '');
    const oid = fc.oneof(
      fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
      fc.array(piece, { maxLength: 4 }).map((p) => `2.16.840.1.113883.${p.join('')}`),
      fc.constantFrom(...OWN, '2.16.840.1.113883.5.1', '2.16.840.1.113883.1.11.1', '2.16.840.1.113883.1.1', '2.16.840.1.113883.5', '2.16.156.10011.2.3.1.85'),
    );
    fc.assert(fc.property(oid, (s) => {
      expect(skippedSystem(s), s).toBe(OWN.has(s) || HL7.test(s));
    }), { numRuns: 20000 });
  });
});
