/**
 * WS 363 representation formats (表示格式): parse a format string once, then check values.
 *
 * ## Grammar
 *
 *   format   := text | number | 'D8' | 'DT15' | 'T6' | 'T/F' | binary
 *   text     := ( 'AN' | 'A' ) length
 *   number   := 'N' length ( ',' DIGITS )?
 *   binary   := 'BY' length?
 *   length   := DIGITS                 fixed length            (N2, AN10)
 *             | '..' DIGITS            1 up to max             (AN..50, N..3)
 *             | DIGITS '..' DIGITS     min up to max           (N1..3, N3..4,1)
 *   DIGITS   := [0-9]+  (no leading zero, > 0; decimals may be any positive count)
 *
 * ## What a value must look like (decisions, since WS 363's prose leaves room)
 *
 * - Lengths count Unicode code points, not bytes: a 汉字 counts once (WS 445 writes names as
 *   `A..50`, so GBK byte counting would halve what the dataset allows).
 * - `A` and `AN` are checked for length only. WS 445 uses `A..50` for Chinese names and
 *   `A..20` for 药物规格 ("0.25g"), so in practice both mean "characters"; only C0 control
 *   characters other than tab, CR and LF are refused (they cannot occur in XML 1.0 either).
 * - `N` without decimals: digits only (leading zeros allowed: codes such as `01` are N2).
 *   `N…,p`: an optional '-', digits, and optionally '.' followed by 1..p digits; the length
 *   counts every character *including* the decimal point and sign. This is the reading that
 *   makes WS 445's own examples fit: 体温 N4,1 → "36.5", 身高 N4..5,1 → "50.5" … "170.5".
 *   Fewer decimals than p (or none) are accepted; more are refused.
 * - `D8`: `YYYYMMDD`, a real calendar date (Gregorian leap years; year 0001–9999).
 * - `T6`: `hhmmss`, 00–23 / 00–59 / 00–59.
 * - `DT15`: WS 363 writes `YYYYMMDDThhmmss`. CDA and V3 messages carry date-times as HL7 TS,
 *   `YYYYMMDDhhmmss[.f{1,4}][±hhmm]`, without the 'T'. Both are accepted; the TS form must
 *   reach the second (DT15 is second precision) and may add fractions of a second and a UTC
 *   offset. Lower-precision TS (`YYYYMMDD`, `YYYYMMDDhhmm`) is refused with a reason saying so.
 * - `T/F` (type L): `T` or `F` as WS 363 writes them, and `true` / `false` as HL7 BL carries
 *   them in documents and messages.
 * - `BY`: any non-empty value (binary content arrives as base64 text in ED); a length, when
 *   given, is checked like text.
 * - No trimming: a value with surrounding whitespace is reported, because XML attribute values
 *   are compared as written.
 */

export type RepresentationFormat =
  | { readonly kind: 'text'; readonly source: string; readonly letters: 'A' | 'AN'; readonly minLength: number; readonly maxLength: number }
  | { readonly kind: 'number'; readonly source: string; readonly minLength: number; readonly maxLength: number; readonly decimals: number }
  | { readonly kind: 'date'; readonly source: string }
  | { readonly kind: 'dateTime'; readonly source: string }
  | { readonly kind: 'time'; readonly source: string }
  | { readonly kind: 'logical'; readonly source: string }
  | { readonly kind: 'binary'; readonly source: string; readonly minLength?: number; readonly maxLength?: number };

/** Why a value does not fit its format; stable so that the validator can map it to findings. */
export type FormatViolation = 'empty' | 'length' | 'characters' | 'digits' | 'decimals' | 'date' | 'time' | 'dateTime' | 'logical';

export type FormatCheck =
  | { ok: true }
  | { ok: false; code: FormatViolation; reason: string; reasonZh: string };

/** A malformed format string; `position` is the 0-based index where parsing stopped. */
export class FormatSyntaxError extends Error {
  override readonly name = 'FormatSyntaxError';
  constructor(readonly input: string, readonly position: number, expected: string) {
    super(`bad representation format ${JSON.stringify(input)}: ${expected} at position ${position}`);
  }
}

const cache = new Map<string, RepresentationFormat>();

/** Parse a WS 363 format string (memoised: each distinct string is parsed once per process). */
export function parseFormat(source: string): RepresentationFormat {
  const hit = cache.get(source);
  if (hit) return hit;
  const parsed = Object.freeze(new Parser(source).format());
  cache.set(source, parsed);
  return parsed;
}

/** True when `source` parses; for schema-adjacent checks that only need a yes/no. */
export function isFormat(source: string): boolean {
  try {
    parseFormat(source);
    return true;
  } catch (err) {
    if (err instanceof FormatSyntaxError) return false;
    throw err;
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  format(): RepresentationFormat {
    const s = this.s;
    const source = s;
    for (const [literal, kind] of [['DT15', 'dateTime'], ['D8', 'date'], ['T6', 'time'], ['T/F', 'logical']] as const) {
      if (s === literal) return { kind, source };
      if (s.startsWith(literal)) throw new FormatSyntaxError(s, literal.length, 'expected end of format');
    }
    if (this.eat('BY')) {
      if (this.pos === s.length) return { kind: 'binary', source };
      const { min, max } = this.length();
      this.end();
      return { kind: 'binary', source, minLength: min, maxLength: max };
    }
    if (this.eat('AN') || this.eat('A')) {
      const letters = s.startsWith('AN') ? 'AN' : 'A';
      const { min, max } = this.length();
      this.end();
      return { kind: 'text', source, letters, minLength: min, maxLength: max };
    }
    if (this.eat('N')) {
      const { min, max } = this.length();
      let decimals = 0;
      if (this.eat(',')) {
        const at = this.pos;
        decimals = this.digits('decimal places (digits)');
        // room for at least one integer digit and the point
        if (decimals + 2 > max) throw new FormatSyntaxError(s, at, `${decimals} decimal places do not fit in length ${max}`);
      }
      this.end();
      return { kind: 'number', source, minLength: min, maxLength: max, decimals };
    }
    throw new FormatSyntaxError(s, 0, "expected A, AN, N, D8, DT15, T6, T/F or BY");
  }

  private length(): { min: number; max: number } {
    if (this.eat('..')) {
      const max = this.digits('maximum length (digits)');
      return { min: 1, max };
    }
    const first = this.digits("length (digits or '..')");
    if (!this.eat('..')) return { min: first, max: first };
    const at = this.pos;
    const max = this.digits('maximum length (digits)');
    if (max < first) throw new FormatSyntaxError(this.s, at, `maximum ${max} is below minimum ${first}`);
    return { min: first, max };
  }

  private digits(what: string): number {
    const start = this.pos;
    while (this.pos < this.s.length && this.s.charCodeAt(this.pos) >= 48 && this.s.charCodeAt(this.pos) <= 57) this.pos++;
    const text = this.s.slice(start, this.pos);
    if (text === '') throw new FormatSyntaxError(this.s, start, `expected ${what}`);
    if (text.length > 1 && text.startsWith('0')) throw new FormatSyntaxError(this.s, start, 'leading zero in a number');
    const n = Number(text);
    if (n === 0) throw new FormatSyntaxError(this.s, start, 'a length of 0');
    return n;
  }

  private eat(token: string): boolean {
    if (this.s.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  private end(): void {
    if (this.pos !== this.s.length) throw new FormatSyntaxError(this.s, this.pos, 'expected end of format');
  }
}

const OK: FormatCheck = Object.freeze({ ok: true });

function fail(code: FormatViolation, reason: string, reasonZh: string): FormatCheck {
  return { ok: false, code, reason, reasonZh };
}

/** Check one value against a format (a parsed format or its string). */
export function checkValue(format: RepresentationFormat | string, value: string): FormatCheck {
  const fmt = typeof format === 'string' ? parseFormat(format) : format;
  if (value === '') return fail('empty', `empty value for ${fmt.source}`, `值为空（表示格式 ${fmt.source}）`);
  switch (fmt.kind) {
    case 'text': return checkText(fmt.source, fmt.minLength, fmt.maxLength, value);
    case 'number': return checkNumber(fmt, value);
    case 'date': return checkDate(value);
    case 'time': return checkTime(value);
    case 'dateTime': return checkDateTime(value);
    case 'logical':
      return value === 'T' || value === 'F' || value === 'true' || value === 'false'
        ? OK
        : fail('logical', `${JSON.stringify(value)} is not a logical value (T/F, or true/false in HL7 BL)`, `"${value}" 不是逻辑值（应为 T/F，HL7 BL 中为 true/false）`);
    case 'binary':
      return fmt.maxLength === undefined ? OK : checkText(fmt.source, fmt.minLength ?? 1, fmt.maxLength, value);
  }
}

// C0 controls except TAB, LF, CR
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/u;

function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function checkText(source: string, min: number, max: number, value: string): FormatCheck {
  if (CONTROL.test(value)) return fail('characters', `control character in a ${source} value`, `${source} 值中含控制字符`);
  return checkLength(source, min, max, codePoints(value));
}

function checkLength(source: string, min: number, max: number, n: number): FormatCheck {
  if (n >= min && n <= max) return OK;
  const want = min === max ? `exactly ${max}` : min === 1 ? `at most ${max}` : `${min} to ${max}`;
  const wantZh = min === max ? `应为 ${max}` : min === 1 ? `最多 ${max}` : `应为 ${min}–${max}`;
  return fail('length', `${n} characters, ${source} allows ${want}`, `长度为 ${n} 个字符，${source} ${wantZh} 个字符`);
}

function checkNumber(fmt: Extract<RepresentationFormat, { kind: 'number' }>, value: string): FormatCheck {
  if (fmt.decimals === 0) {
    if (!/^[0-9]+$/.test(value)) return fail('digits', `${JSON.stringify(value)} is not digits only (${fmt.source})`, `"${value}" 不全是数字（${fmt.source}）`);
  } else {
    const m = /^-?[0-9]+(?:\.([0-9]+))?$/.exec(value);
    if (!m) return fail('digits', `${JSON.stringify(value)} is not a decimal number (${fmt.source})`, `"${value}" 不是数值（${fmt.source}）`);
    const places = m[1]?.length ?? 0;
    if (places > fmt.decimals) {
      return fail('decimals', `${places} decimal places, ${fmt.source} allows at most ${fmt.decimals}`, `小数位为 ${places} 位，${fmt.source} 最多 ${fmt.decimals} 位`);
    }
  }
  return checkLength(fmt.source, fmt.minLength, fmt.maxLength, value.length);
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The last day of month m (1–12) of year y. */
function lastDay(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : DAYS[m - 1]!;
}

/** Whether YYYYMMDD is a real date (year 0001–9999, Gregorian leap years): badDate's verdict without its reason. */
export function isRealDate(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= lastDay(y, m);
}

/** Reason (en, zh) why YYYYMMDD is not a real date, or undefined when it is. */
function badDate(y: number, m: number, d: number): [string, string] | undefined {
  if (y < 1) return ['year 0000', '年份为 0000'];
  if (m < 1 || m > 12) return [`month ${m}`, `月份 ${m} 不存在`];
  const last = lastDay(y, m);
  if (d < 1 || d > last) return [`day ${d} of ${y}-${String(m).padStart(2, '0')}`, `${y} 年 ${m} 月没有 ${d} 日`];
  return undefined;
}

function badTime(h: number, mi: number, s: number): [string, string] | undefined {
  if (h > 23) return [`hour ${h}`, `小时 ${h} 超出 00–23`];
  if (mi > 59) return [`minute ${mi}`, `分钟 ${mi} 超出 00–59`];
  if (s > 59) return [`second ${s}`, `秒 ${s} 超出 00–59`];
  return undefined;
}

function checkDate(value: string): FormatCheck {
  if (/^[0-9]{9,}/.test(value)) {
    return fail('date', `${JSON.stringify(value)} carries a time; D8 is YYYYMMDD`, `"${value}" 含时间部分；D8 应为 YYYYMMDD`);
  }
  const m = /^([0-9]{4})([0-9]{2})([0-9]{2})$/.exec(value);
  if (!m) return fail('date', `${JSON.stringify(value)} is not YYYYMMDD (D8)`, `"${value}" 不符合 D8 格式 YYYYMMDD`);
  const bad = badDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return bad ? fail('date', `${value} is not a real date: ${bad[0]}`, `${value} 不是有效日期：${bad[1]}`) : OK;
}

function checkTime(value: string): FormatCheck {
  const m = /^([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(value);
  if (!m) return fail('time', `${JSON.stringify(value)} is not hhmmss (T6)`, `"${value}" 不符合 T6 格式 hhmmss`);
  const bad = badTime(Number(m[1]), Number(m[2]), Number(m[3]));
  return bad ? fail('time', `${value} is not a real time: ${bad[0]}`, `${value} 不是有效时间：${bad[1]}`) : OK;
}

// WS 363 form, or HL7 TS at least to the second with optional fraction and UTC offset
const DT_WS363 = /^([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})$/;
const DT_TS = /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})(?:\.[0-9]{1,4})?(?:([+-])([0-9]{2})([0-9]{2}))?$/;

function checkDateTime(value: string): FormatCheck {
  const m = DT_WS363.exec(value) ?? DT_TS.exec(value);
  if (!m) {
    if (/^[0-9]{8}(?:[0-9]{2}){0,2}(?:[+-][0-9]{4})?$/.test(value)) {
      return fail('dateTime', `${JSON.stringify(value)} stops before the second; DT15 needs a date-time to the second`, `"${value}" 精度不到秒；DT15 要求精确到秒的日期时间`);
    }
    return fail('dateTime', `${JSON.stringify(value)} is neither YYYYMMDDThhmmss (DT15) nor HL7 TS YYYYMMDDhhmmss`, `"${value}" 既不符合 DT15 格式 YYYYMMDDThhmmss，也不符合 HL7 TS 格式 YYYYMMDDhhmmss`);
  }
  const bad = badDate(Number(m[1]), Number(m[2]), Number(m[3])) ?? badTime(Number(m[4]), Number(m[5]), Number(m[6]));
  if (bad) return fail('dateTime', `${value} is not a real date-time: ${bad[0]}`, `${value} 不是有效日期时间：${bad[1]}`);
  if (m[7] !== undefined) {
    const oh = Number(m[8]);
    const om = Number(m[9]);
    if (oh > 14 || om > 59) return fail('dateTime', `${value} has a UTC offset out of range`, `${value} 的时区偏移超出范围`);
  }
  return OK;
}

/** A short description of a format for hints, e.g. AN..50 → 最多50个字符. */
export function describeFormat(format: RepresentationFormat | string): { zh: string; en: string } {
  const fmt = typeof format === 'string' ? parseFormat(format) : format;
  const span = (min: number, max: number, unitZh: string, unitEn: string) =>
    min === max ? { zh: `${max}个${unitZh}`, en: `exactly ${max} ${unitEn}` }
      : min === 1 ? { zh: `最多${max}个${unitZh}`, en: `up to ${max} ${unitEn}` }
        : { zh: `${min}–${max}个${unitZh}`, en: `${min} to ${max} ${unitEn}` };
  switch (fmt.kind) {
    case 'text': return span(fmt.minLength, fmt.maxLength, '字符', 'characters');
    case 'number': {
      const base = span(fmt.minLength, fmt.maxLength, '字符的数字', 'characters of digits');
      return fmt.decimals === 0 ? base : { zh: `${base.zh}，最多${fmt.decimals}位小数`, en: `${base.en}, at most ${fmt.decimals} decimal places` };
    }
    case 'date': return { zh: '日期 YYYYMMDD', en: 'date YYYYMMDD' };
    case 'time': return { zh: '时间 hhmmss', en: 'time hhmmss' };
    case 'dateTime': return { zh: '日期时间 YYYYMMDDThhmmss（HL7 TS: YYYYMMDDhhmmss）', en: 'date-time YYYYMMDDThhmmss (HL7 TS: YYYYMMDDhhmmss)' };
    case 'logical': return { zh: '逻辑值 T/F', en: 'logical T/F' };
    case 'binary': return { zh: '二进制', en: 'binary' };
  }
}
