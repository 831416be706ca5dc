import { checkValue, isRealDate, parseFormat, type FormatCheck, type RepresentationFormat } from '../../catalog/format.js';

/**
 * Quick yes-answers for the value checks the template layer makes on every data element and
 * every HL7 TS of a document. checkValue (src/catalog/format.ts) and tsProblem below match
 * regular expressions and build their captures for each value; nearly every value is fine,
 * and saying so takes a loop over its characters. `formatOk` / `tsOk` answer true only when the
 * full check would pass; on false the caller runs the full check, which writes the reasons. So
 * the findings are the full checks' own, and these functions never decide a failure.
 */

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The number written by `len` digits at `at` (the caller knows they are digits). */
function num(s: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** `len` characters, none a C0 control other than TAB/LF/CR and none a surrogate (a code point each). */
function plainChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 ? c !== 9 && c !== 10 && c !== 13 : c >= 0xd800 && c <= 0xdfff) return false;
  }
  return true;
}

/** Whether checkValue(fmt, value) is certainly ok (false: ask checkValue). */
export function formatOk(fmt: RepresentationFormat, value: string): boolean {
  const n = value.length;
  if (n === 0) return false;
  switch (fmt.kind) {
    case 'text':
      // length in code points: without surrogates, the string's length
      return n >= fmt.minLength && n <= fmt.maxLength && plainChars(value);
    case 'number': {
      if (n < fmt.minLength || n > fmt.maxLength) return false;
      if (fmt.decimals === 0) return allDigits(value);
      // -?[0-9]+(\.[0-9]{1,decimals})?
      let i = value.charCodeAt(0) === 45 ? 1 : 0;
      const start = i;
      while (i < n && isDigit(value.charCodeAt(i))) i++;
      if (i === start) return false;
      if (i === n) return true;
      if (value.charCodeAt(i) !== 46) return false;
      const frac = ++i;
      while (i < n && isDigit(value.charCodeAt(i))) i++;
      return i === n && i > frac && i - frac <= fmt.decimals;
    }
    case 'date':
      return n === 8 && allDigits(value) && isRealDate(num(value, 0, 4), num(value, 4, 2), num(value, 6, 2));
    case 'dateTime':
      // the HL7 TS form to the second, without fraction or offset (the others: checkValue)
      return n === 14 && allDigits(value) && isRealDate(num(value, 0, 4), num(value, 4, 2), num(value, 6, 2))
        && num(value, 8, 2) <= 23 && num(value, 10, 2) <= 59 && num(value, 12, 2) <= 59;
    case 'time':
      return n === 6 && allDigits(value) && num(value, 0, 2) <= 23 && num(value, 2, 2) <= 59 && num(value, 4, 2) <= 59;
    case 'logical':
      return value === 'T' || value === 'F' || value === 'true' || value === 'false';
    case 'binary':
      return fmt.maxLength === undefined;
  }
}

// HL7 TS: reduced precision (YYYY, YYYYMM …) is allowed; whatever is given must be real
const TS_SHAPE = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d{1,4})?(?:[+-]\d{4})?$/;

export type TsProblem = { reason: string; reasonZh: string } | null;

const D8 = parseFormat('D8');

/** What is wrong with an HL7 TS value (null: nothing). */
export function tsProblem(v: string): TsProblem {
  const m = TS_SHAPE.exec(v);
  if (!m) return /^\d/.test(v) ? { reasonZh: '不符合 HL7 TS 格式 YYYYMMDD[hh[mm[ss]]]', reason: 'not HL7 TS YYYYMMDD[hh[mm[ss]]]' } : null;
  const [, y, mo, d, h, mi, sec] = m;
  let problem: FormatCheck | undefined;
  if (mo !== undefined && (d === undefined ? Number(mo) < 1 || Number(mo) > 12 : false)) {
    problem = { ok: false, code: 'date', reason: `${v} is not a real date: month ${mo}`, reasonZh: `${v} 不是有效日期：月份 ${mo} 不存在` };
  } else if (d !== undefined) {
    const date = checkValue(D8, `${y}${mo}${d}`);
    if (!date.ok) problem = date;
  }
  if (!problem && h !== undefined && (Number(h) > 23 || Number(mi ?? 0) > 59 || Number(sec ?? 0) > 59)) {
    problem = { ok: false, code: 'dateTime', reason: `${v} is not a real time`, reasonZh: `${v} 不是有效时间` };
  }
  return problem && !problem.ok ? { reason: problem.reason, reasonZh: problem.reasonZh } : null;
}

/**
 * Whether tsProblem(v) is certainly null (false: ask tsProblem): digits only, of an even length
 * from 4 to 14 (the shape's greedy groups then take two digits each), every part real.
 */
export function tsOk(v: string): boolean {
  const n = v.length;
  if (n < 4 || n > 14 || (n & 1) !== 0 || !allDigits(v)) return false;
  if (n === 6) {
    const mo = num(v, 4, 2);
    return mo >= 1 && mo <= 12;
  }
  if (n >= 8 && !isRealDate(num(v, 0, 4), num(v, 4, 2), num(v, 6, 2))) return false;
  if (n >= 10 && num(v, 8, 2) > 23) return false;
  if (n >= 12 && num(v, 10, 2) > 59) return false;
  return n < 14 || num(v, 12, 2) <= 59;
}
