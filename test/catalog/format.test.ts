import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkValue, describeFormat, FormatSyntaxError, isFormat, parseFormat } from '../../src/catalog/format.js';

describe('parseFormat', () => {
  it('parses the text forms', () => {
    expect(parseFormat('AN..50')).toMatchObject({ kind: 'text', letters: 'AN', minLength: 1, maxLength: 50 });
    expect(parseFormat('A..50')).toMatchObject({ kind: 'text', letters: 'A', minLength: 1, maxLength: 50 });
    expect(parseFormat('AN10')).toMatchObject({ kind: 'text', minLength: 10, maxLength: 10 });
    expect(parseFormat('AN2..8')).toMatchObject({ kind: 'text', minLength: 2, maxLength: 8 });
  });

  it('parses numbers with and without precision', () => {
    expect(parseFormat('N1')).toMatchObject({ kind: 'number', minLength: 1, maxLength: 1, decimals: 0 });
    expect(parseFormat('N..3')).toMatchObject({ kind: 'number', minLength: 1, maxLength: 3, decimals: 0 });
    expect(parseFormat('N1..3')).toMatchObject({ kind: 'number', minLength: 1, maxLength: 3, decimals: 0 });
    expect(parseFormat('N..3,1')).toMatchObject({ kind: 'number', minLength: 1, maxLength: 3, decimals: 1 });
    expect(parseFormat('N5,2')).toMatchObject({ kind: 'number', minLength: 5, maxLength: 5, decimals: 2 });
    expect(parseFormat('N3..6,2')).toMatchObject({ kind: 'number', minLength: 3, maxLength: 6, decimals: 2 });
  });

  it('parses the fixed kinds', () => {
    expect(parseFormat('D8').kind).toBe('date');
    expect(parseFormat('DT15').kind).toBe('dateTime');
    expect(parseFormat('T6').kind).toBe('time');
    expect(parseFormat('T/F').kind).toBe('logical');
    expect(parseFormat('BY')).toMatchObject({ kind: 'binary' });
    expect(parseFormat('BY..1000')).toMatchObject({ kind: 'binary', minLength: 1, maxLength: 1000 });
  });

  it('is memoised: the same string gives the same frozen object', () => {
    const a = parseFormat('AN..70');
    expect(parseFormat('AN..70')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it.each([
    ['', 0], ['X..5', 0], ['AN', 2], ['AN..', 4], ['AN..5x', 5], ['N..0', 3], ['N05', 1], ['N5..3', 4],
    ['N..3,', 5], ['N1,1', 3], ['D9', 0], ['D8 ', 2], ['DT14', 0], ['A..5,1', 4], ['T6x', 2],
  ])('rejects %j with the position (%i)', (input, position) => {
    let caught: unknown;
    try {
      parseFormat(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FormatSyntaxError);
    expect((caught as FormatSyntaxError).position).toBe(position);
    expect((caught as FormatSyntaxError).message).toContain(`position ${position}`);
    expect(isFormat(input)).toBe(false);
  });

  it('accepts every format the WS 445 datasets use', () => {
    for (const f of ['A..10', 'AN..2000', 'AN10', 'AN2', 'D8', 'DT15', 'N..10,2', 'N..14,4', 'N1', 'N1..3', 'N17', 'N2..3,1', 'N3..4,1', 'N3..6,2', 'N4,1', 'N4..5,1', 'T/F']) {
      expect(isFormat(f), f).toBe(true);
    }
  });
});

describe('checkValue: text', () => {
  it('counts code points, so 汉字 count once', () => {
    expect(checkValue('A..5', '张三丰')).toEqual({ ok: true });
    expect(checkValue('A..2', '张三丰')).toMatchObject({ ok: false, code: 'length' });
    expect(checkValue('AN..2', '𠀀𠀀')).toEqual({ ok: true }); // outside the BMP: 2 code points, 4 UTF-16 units
  });

  it('checks fixed and ranged lengths', () => {
    expect(checkValue('AN10', '1234567890')).toEqual({ ok: true });
    const short = checkValue('AN10', '123456789');
    expect(short).toMatchObject({ ok: false, code: 'length' });
    if (!short.ok) {
      expect(short.reason).toContain('exactly 10');
      expect(short.reasonZh).toContain('10');
    }
    expect(checkValue('AN2..4', 'a')).toMatchObject({ ok: false, code: 'length' });
  });

  it('lets A carry digits (WS 445 writes 药物规格 "0.25g" as A..20) but refuses control characters', () => {
    expect(checkValue('A..20', '0.25g')).toEqual({ ok: true });
    expect(checkValue('AN..20', 'a\u0001b')).toMatchObject({ ok: false, code: 'characters' });
    expect(checkValue('AN..20', 'line\nbreak')).toEqual({ ok: true });
  });

  it('refuses an empty value', () => {
    expect(checkValue('AN..20', '')).toMatchObject({ ok: false, code: 'empty' });
  });

  it('accepts any string within the bound (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(s)), (s) => {
      const n = [...s].length;
      expect(checkValue(`AN..${Math.max(n, 1)}`, s).ok).toBe(true);
      if (n > 1) expect(checkValue(`AN..${n - 1}`, s).ok).toBe(false);
    }));
  });
});

describe('checkValue: numbers', () => {
  it('integers are digits only, leading zeros kept (codes)', () => {
    expect(checkValue('N2', '01')).toEqual({ ok: true });
    expect(checkValue('N2', '1')).toMatchObject({ ok: false, code: 'length' });
    expect(checkValue('N..3', '120')).toEqual({ ok: true });
    expect(checkValue('N..3', '1200')).toMatchObject({ ok: false, code: 'length' });
    expect(checkValue('N..3', '1.5')).toMatchObject({ ok: false, code: 'digits' });
    expect(checkValue('N..3', '-1')).toMatchObject({ ok: false, code: 'digits' });
    expect(checkValue('N1..3', 'abc')).toMatchObject({ ok: false, code: 'digits' });
  });

  it('precision: the length counts the point, decimals are at most p', () => {
    expect(checkValue('N4,1', '36.5')).toEqual({ ok: true });
    expect(checkValue('N4,1', '365')).toMatchObject({ ok: false, code: 'length' });
    expect(checkValue('N4..5,1', '50.5')).toEqual({ ok: true });
    expect(checkValue('N4..5,1', '170.5')).toEqual({ ok: true });
    expect(checkValue('N..10,2', '120')).toEqual({ ok: true });
    expect(checkValue('N..10,2', '120.5')).toEqual({ ok: true });
    expect(checkValue('N..10,2', '120.505')).toMatchObject({ ok: false, code: 'decimals' });
    expect(checkValue('N..5,2', '-1.25')).toEqual({ ok: true });
    expect(checkValue('N..5,2', '1.')).toMatchObject({ ok: false, code: 'digits' });
    expect(checkValue('N..5,2', '.5')).toMatchObject({ ok: false, code: 'digits' });
    expect(checkValue('N..5,2', '1e3')).toMatchObject({ ok: false, code: 'digits' });
  });
});

describe('checkValue: dates and times', () => {
  it('D8 accepts real dates only, with leap years', () => {
    expect(checkValue('D8', '20240229')).toEqual({ ok: true });
    expect(checkValue('D8', '20000229')).toEqual({ ok: true });
    expect(checkValue('D8', '20230229')).toMatchObject({ ok: false, code: 'date' });
    expect(checkValue('D8', '19000229')).toMatchObject({ ok: false, code: 'date' });
    expect(checkValue('D8', '20241301')).toMatchObject({ ok: false, code: 'date' });
    expect(checkValue('D8', '20240431')).toMatchObject({ ok: false, code: 'date' });
    expect(checkValue('D8', '00000101')).toMatchObject({ ok: false, code: 'date' });
    expect(checkValue('D8', '2024-02-29')).toMatchObject({ ok: false, code: 'date' });
    const withTime = checkValue('D8', '20240229120000');
    expect(withTime).toMatchObject({ ok: false, code: 'date' });
    if (!withTime.ok) expect(withTime.reason).toContain('time');
  });

  it('D8 agrees with the calendar for every day (property)', () => {
    fc.assert(fc.property(fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }), (d) => {
      const s = `${String(d.getUTCFullYear()).padStart(4, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
      expect(checkValue('D8', s)).toEqual({ ok: true });
    }));
  });

  it('DT15 takes the WS 363 form and HL7 TS to the second', () => {
    expect(checkValue('DT15', '20240229T235959')).toEqual({ ok: true });
    expect(checkValue('DT15', '20240229235959')).toEqual({ ok: true });
    expect(checkValue('DT15', '20240229235959+0800')).toEqual({ ok: true });
    expect(checkValue('DT15', '20240229235959.123+0800')).toEqual({ ok: true });
    expect(checkValue('DT15', '20240229T235959+0800')).toMatchObject({ ok: false, code: 'dateTime' });
    expect(checkValue('DT15', '20230229120000')).toMatchObject({ ok: false, code: 'dateTime' });
    expect(checkValue('DT15', '20240101240000')).toMatchObject({ ok: false, code: 'dateTime' });
    expect(checkValue('DT15', '20240101120060')).toMatchObject({ ok: false, code: 'dateTime' });
    expect(checkValue('DT15', '20240101120000+1500')).toMatchObject({ ok: false, code: 'dateTime' });
    expect(checkValue('DT15', '2024-01-01T12:00:00')).toMatchObject({ ok: false, code: 'dateTime' });
    const low = checkValue('DT15', '202401011200');
    expect(low).toMatchObject({ ok: false, code: 'dateTime' });
    if (!low.ok) expect(low.reason).toContain('second');
    expect(checkValue('DT15', '20240101')).toMatchObject({ ok: false, code: 'dateTime' });
  });

  it('T6 checks hour, minute and second', () => {
    expect(checkValue('T6', '000000')).toEqual({ ok: true });
    expect(checkValue('T6', '235959')).toEqual({ ok: true });
    expect(checkValue('T6', '240000')).toMatchObject({ ok: false, code: 'time' });
    expect(checkValue('T6', '126000')).toMatchObject({ ok: false, code: 'time' });
    expect(checkValue('T6', '1200')).toMatchObject({ ok: false, code: 'time' });
  });
});

describe('checkValue: logical and binary', () => {
  it('T/F takes T, F and HL7 BL true/false', () => {
    for (const v of ['T', 'F', 'true', 'false']) expect(checkValue('T/F', v)).toEqual({ ok: true });
    for (const v of ['t', '1', 'yes', 'TRUE']) expect(checkValue('T/F', v)).toMatchObject({ ok: false, code: 'logical' });
  });

  it('BY takes any non-empty content, and a length when given', () => {
    expect(checkValue('BY', 'SGVsbG8=')).toEqual({ ok: true });
    expect(checkValue('BY', '')).toMatchObject({ ok: false, code: 'empty' });
    expect(checkValue('BY..4', 'SGVsbG8=')).toMatchObject({ ok: false, code: 'length' });
  });
});

describe('describeFormat', () => {
  it('says what a format allows in both languages', () => {
    expect(describeFormat('AN..50')).toEqual({ zh: '最多50个字符', en: 'up to 50 characters' });
    expect(describeFormat('N4,1').zh).toContain('1位小数');
    expect(describeFormat('DT15').en).toContain('YYYYMMDDThhmmss');
  });
});
