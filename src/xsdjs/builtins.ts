/**
 * The XML Schema 1.0 built-in datatypes: whiteSpace facet, lexical check, and what the facets
 * need (value kind, canonical decimal, numbers, lengths).
 *
 * Every check is a SUBSET of what libxml2 (xmlschemastypes.c) accepts: a lexical form libxml2
 * might reject, or one whose acceptance we have not verified against it, answers false
 * ("not sure"; the caller falls back to libxml2). Measured points where libxml2 is more lenient
 * than we are: "1e" as a double, empty NMTOKENS, 24:00:00, years beyond 9999 or negative,
 * whitespace inside base64, non-ASCII and spaces in anyURI.
 */

export type WhiteSpace = 'preserve' | 'replace' | 'collapse';

/** how facets read a value of the type */
export type ValueKind =
  | 'string' // length in code points, enumeration literal
  | 'list' // length in items
  | 'binary' // length in octets
  | 'decimal' // ranges and enumeration on canonical decimals
  | 'float' // ranges and enumeration on numbers
  | 'boolean'
  | 'qname' // enumeration and length facets unsure
  | 'other'; // dates, durations: ranges unsure, enumeration literal

export interface BuiltinType {
  name: string;
  whiteSpace: WhiteSpace;
  check(normalised: string): boolean;
  /** value for range facets */
  number?(normalised: string): number | undefined;
}

export interface BuiltinInfo extends BuiltinType {
  kind: ValueKind;
  /** QName-valued: check needs the in-scope namespaces */
  checkScoped?(normalised: string, scope: ReadonlyMap<string, string> | undefined): boolean;
  /** binary types: length in octets of a value that passed check */
  octets?(normalised: string): number;
  /** integer/decimal types: whether check needs the range (already folded into check) */
  decimal?: boolean;
  /** ID / IDREF / IDREFS: document-level constraints (uniqueness) are the caller's */
  idKind?: 'ID' | 'IDREF' | 'IDREFS';
}

// ---- names (XML 1.0 4th edition classes as libxml2's xmlValidateNCName & co.; sure subset:
// ASCII, Latin-1 letters, the CJK ideographs of Unicode 1.1)

const START = 'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u00FF\\u3007\\u3021-\\u3029\\u4E00-\\u9FA5';
const CHAR = `${START}0-9.\\-\\u00B7`;
const NCNAME = new RegExp(`^[${START}][${CHAR}]*$`);
const NAME = new RegExp(`^[${START}:][${CHAR}:]*$`);
const NMTOKEN = new RegExp(`^[${CHAR}:]+$`);
const QNAME = new RegExp(`^(?:([${START}][${CHAR}]*):)?[${START}][${CHAR}]*$`);
const LANGUAGE = /^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*$/;

// ---- numbers

const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const INTEGER = /^[+-]?[0-9]+$/;
const FLOAT = /^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?|-?INF|NaN)$/;

/**
 * libxml2 (2.12+) keeps decimals as digit strings and compares them exactly (measured up to
 * 100 digits); past this many significant digits we do not bet
 */
const MAX_DECIMAL_DIGITS = 100;

export interface Decimal {
  neg: boolean;
  /** integer digits without leading zeros ('' for 0) */
  int: string;
  /** fraction digits without trailing zeros */
  frac: string;
}

/** parse a lexical decimal (already checked against DECIMAL) to its value */
export function parseDecimal(v: string): Decimal {
  let s = v;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const dot = s.indexOf('.');
  let int = dot < 0 ? s : s.slice(0, dot);
  let frac = dot < 0 ? '' : s.slice(dot + 1);
  let i = 0;
  while (i < int.length && int.charCodeAt(i) === 0x30) i++;
  int = int.slice(i);
  let j = frac.length;
  while (j > 0 && frac.charCodeAt(j - 1) === 0x30) j--;
  frac = frac.slice(0, j);
  if (int === '' && frac === '') neg = false;
  return { neg, int, frac };
}

/** canonical text of a decimal value (for enumeration sets) */
export function decimalKey(d: Decimal): string {
  return `${d.neg ? '-' : ''}${d.int || '0'}${d.frac ? '.' + d.frac : ''}`;
}

function cmpAbs(a: Decimal, b: Decimal): number {
  if (a.int.length !== b.int.length) return a.int.length < b.int.length ? -1 : 1;
  if (a.int !== b.int) return a.int < b.int ? -1 : 1;
  const n = Math.max(a.frac.length, b.frac.length);
  const fa = a.frac.padEnd(n, '0');
  const fb = b.frac.padEnd(n, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/** exact comparison of two decimal values: -1, 0, 1 */
export function compareDecimal(a: Decimal, b: Decimal): number {
  if (a.neg !== b.neg) return a.neg ? -1 : 1;
  const c = cmpAbs(a, b);
  return a.neg ? -c : c;
}

function significantDigits(d: Decimal): number {
  return d.int.length + d.frac.length;
}

function decimalChecker(intOnly: boolean, min?: string, max?: string): (v: string) => boolean {
  const lo = min !== undefined ? parseDecimal(min) : undefined;
  const hi = max !== undefined ? parseDecimal(max) : undefined;
  const re = intOnly ? INTEGER : DECIMAL;
  return (v) => {
    if (!re.test(v)) return false;
    if (lo === undefined && hi === undefined && v.length <= MAX_DECIMAL_DIGITS) return true;
    const d = parseDecimal(v);
    if (significantDigits(d) > MAX_DECIMAL_DIGITS) return false;
    if (lo !== undefined && compareDecimal(d, lo) < 0) return false;
    if (hi !== undefined && compareDecimal(d, hi) > 0) return false;
    return true;
  };
}

function floatNumber(v: string): number | undefined {
  if (v === 'INF') return Infinity;
  if (v === '-INF') return -Infinity;
  if (v === 'NaN') return undefined;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

// ---- binary

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
// canonical base64 without any whitespace; padding bits must be zero (libxml2 checks them)
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

function base64Octets(v: string): number {
  const pad = v.endsWith('==') ? 2 : v.endsWith('=') ? 1 : 0;
  return (v.length / 4) * 3 - pad;
}

// ---- dates (sure subset: four-digit years 0001-9999, no 24:00:00, zones up to ±14:00)

const TZ = '(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?';
const YEAR = '(?!0000)[0-9]{4}';
const MONTH = '(?:0[1-9]|1[0-2])';
const DAY = '(?:0[1-9]|[12][0-9]|3[01])';
const TIME = '(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?';

const DATE_RE = new RegExp(`^(${YEAR})-(${MONTH})-(${DAY})${TZ}$`);
const DATETIME_RE = new RegExp(`^(${YEAR})-(${MONTH})-(${DAY})T${TIME}${TZ}$`);
const TIME_RE = new RegExp(`^${TIME}${TZ}$`);
const GYEAR_RE = new RegExp(`^${YEAR}${TZ}$`);
const GYEARMONTH_RE = new RegExp(`^${YEAR}-${MONTH}${TZ}$`);
const GMONTH_RE = new RegExp(`^--${MONTH}${TZ}$`);
const GDAY_RE = new RegExp(`^---${DAY}${TZ}$`);
const GMONTHDAY_RE = new RegExp(`^--(${MONTH})-(${DAY})${TZ}$`);
const DURATION_RE = /^-?P(?=[0-9T])(?:[0-9]{1,8}Y)?(?:[0-9]{1,8}M)?(?:[0-9]{1,8}D)?(?:T(?=[0-9])(?:[0-9]{1,8}H)?(?:[0-9]{1,8}M)?(?:[0-9]{1,8}(?:\.[0-9]{1,6})?S)?)?$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function dateCheck(re: RegExp): (v: string) => boolean {
  return (v) => {
    const m = re.exec(v);
    if (m === null) return false;
    return Number(m[3]) <= daysIn(Number(m[1]), Number(m[2]));
  };
}

// a duration's last designator must not be T alone and some component must be present
function durationCheck(v: string): boolean {
  if (!DURATION_RE.test(v)) return false;
  return !v.endsWith('T') && !v.endsWith('P');
}

// ---- anyURI: an RFC 3986 URI-reference. libxml2 first turns every byte outside printable
// ASCII and the characters space < > " { } | \ ^ ` ' into '_' and then parses with its RFC 3986
// parser; we do the same replacement and accept a subset of RFC 3986 (no IP literals).

const PCHAR = "[A-Za-z0-9\\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2}";
const QF = `(?:${PCHAR}|\\?)*`;
const AUTHORITY = "(?:(?:[A-Za-z0-9\\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*(?::[0-9]*)?";
const SEGMENT_NC = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})";
const PATH = `(?:${PCHAR})*`;
const ANYURI_RE = new RegExp(
  `^(?:[A-Za-z][A-Za-z0-9+.\\-]*:(?://${AUTHORITY}(?:/${PATH})?|(?!//)${PATH})` + // absolute
    `|//${AUTHORITY}(?:/${PATH})?` + // network-path reference
    `|(?:${SEGMENT_NC}+(?:/${PATH})?|/(?!/)${PATH})?` + // path references; no ':' in the first segment
    `)(?:\\?${QF})?(?:#${QF})?$`,
);

// ---- the table

const STRING_WS: WhiteSpace = 'preserve';

function mk(name: string, whiteSpace: WhiteSpace, kind: ValueKind, check: (v: string) => boolean, extra: Partial<BuiltinInfo> = {}): BuiltinInfo {
  return { name, whiteSpace, kind, check, ...extra };
}

const all = (): true => true;
const never = (): false => false;

function listOf(re: RegExp): (v: string) => boolean {
  // the value is collapsed: items are separated by one space; at least one item
  return (v) => v !== '' && v.split(' ').every((t) => re.test(t));
}

const INTEGER_TYPES: [string, string | undefined, string | undefined][] = [
  ['integer', undefined, undefined],
  ['nonPositiveInteger', undefined, '0'],
  ['negativeInteger', undefined, '-1'],
  ['long', '-9223372036854775808', '9223372036854775807'],
  ['int', '-2147483648', '2147483647'],
  ['short', '-32768', '32767'],
  ['byte', '-128', '127'],
  ['nonNegativeInteger', '0', undefined],
  ['unsignedLong', '0', '18446744073709551615'],
  ['unsignedInt', '0', '4294967295'],
  ['unsignedShort', '0', '65535'],
  ['unsignedByte', '0', '255'],
  ['positiveInteger', '1', undefined],
];

function decimalNumber(v: string): number | undefined {
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const TABLE = new Map<string, BuiltinInfo>();
function add(b: BuiltinInfo): void {
  TABLE.set(b.name, b);
}

add(mk('anySimpleType', STRING_WS, 'string', all));
add(mk('string', STRING_WS, 'string', all));
add(mk('normalizedString', 'replace', 'string', all));
add(mk('token', 'collapse', 'string', all));
add(mk('language', 'collapse', 'string', (v) => LANGUAGE.test(v)));
add(mk('NMTOKEN', 'collapse', 'string', (v) => NMTOKEN.test(v)));
add(mk('NMTOKENS', 'collapse', 'list', listOf(NMTOKEN)));
add(mk('Name', 'collapse', 'string', (v) => NAME.test(v)));
add(mk('NCName', 'collapse', 'string', (v) => NCNAME.test(v)));
add(mk('ID', 'collapse', 'string', (v) => NCNAME.test(v), { idKind: 'ID' }));
add(mk('IDREF', 'collapse', 'string', (v) => NCNAME.test(v), { idKind: 'IDREF' }));
add(mk('IDREFS', 'collapse', 'list', listOf(NCNAME), { idKind: 'IDREFS' }));
// an ENTITY must name an unparsed entity declared in the document's DTD: never ours to accept
add(mk('ENTITY', 'collapse', 'string', never));
add(mk('ENTITIES', 'collapse', 'list', never));
add(mk('boolean', 'collapse', 'boolean', (v) => v === 'true' || v === 'false' || v === '1' || v === '0'));
add(mk('decimal', 'collapse', 'decimal', decimalChecker(false), { decimal: true, number: decimalNumber }));
for (const [name, min, max] of INTEGER_TYPES) {
  add(mk(name, 'collapse', 'decimal', decimalChecker(true, min, max), { decimal: true, number: decimalNumber }));
}
add(mk('double', 'collapse', 'float', (v) => FLOAT.test(v), { number: floatNumber }));
add(
  mk('float', 'collapse', 'float', (v) => FLOAT.test(v), {
    number: (v) => {
      const n = floatNumber(v);
      return n === undefined ? undefined : Math.fround(n);
    },
  }),
);
const URI_ODD = /[^\x21-\x7e]|[<>"{}|\\^`']/g;
const URI_ODD_ONE = /[^\x21-\x7e]|[<>"{}|\\^`']/;
// the URI grammar's optional parts can backtrack quadratically on long hostile values
const ANYURI_MAX_LENGTH = 4096;
add(mk('anyURI', 'collapse', 'string', (v) => v.length <= ANYURI_MAX_LENGTH && ANYURI_RE.test(URI_ODD_ONE.test(v) ? v.replace(URI_ODD, '_') : v)));
add(mk('base64Binary', 'collapse', 'binary', (v) => BASE64.test(v), { octets: base64Octets }));
add(mk('hexBinary', 'collapse', 'binary', (v) => HEX.test(v), { octets: (v) => v.length / 2 }));
add(
  mk('QName', 'collapse', 'qname', never, {
    checkScoped: (v, scope) => {
      const m = QNAME.exec(v);
      if (m === null) return false;
      const prefix = m[1];
      if (prefix === undefined) return true;
      if (prefix === 'xml') return true;
      if (prefix === 'xmlns') return false;
      return scope !== undefined && scope.has(prefix) && scope.get(prefix) !== '';
    },
  }),
);
// a NOTATION value must name a notation declared in the schema: not modelled
add(mk('NOTATION', 'collapse', 'qname', never));
add(mk('date', 'collapse', 'other', dateCheck(DATE_RE)));
add(mk('dateTime', 'collapse', 'other', dateCheck(DATETIME_RE)));
add(mk('time', 'collapse', 'other', (v) => TIME_RE.test(v)));
add(mk('gYear', 'collapse', 'other', (v) => GYEAR_RE.test(v)));
add(mk('gYearMonth', 'collapse', 'other', (v) => GYEARMONTH_RE.test(v)));
add(mk('gMonth', 'collapse', 'other', (v) => GMONTH_RE.test(v)));
add(mk('gDay', 'collapse', 'other', (v) => GDAY_RE.test(v)));
add(
  mk('gMonthDay', 'collapse', 'other', (v) => {
    const m = GMONTHDAY_RE.exec(v);
    return m !== null && Number(m[2]) <= daysIn(2000, Number(m[1]));
  }),
);
add(mk('duration', 'collapse', 'other', durationCheck));

/** A built-in XSD datatype (local name in the XMLSchema namespace), undefined when not supported. */
export function builtinType(name: string): BuiltinType | undefined {
  return TABLE.get(name);
}

/** builtinType with what the facet compiler needs. */
export function builtinInfo(name: string): BuiltinInfo | undefined {
  return TABLE.get(name);
}

/** The XML Schema whitespace normalisation; returns v itself when nothing changes. */
export function normaliseSpace(v: string, ws: WhiteSpace): string {
  if (ws === 'preserve') return v;
  // one pass over the code units: most values need nothing
  const n = v.length;
  if (ws === 'replace') {
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c === 0x09 || c === 0x0a || c === 0x0d) return v.replace(/[\t\n\r]/g, ' ');
    }
    return v;
  }
  let prevSpace = true; // a space at the start needs collapsing
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c > 0x20) {
      prevSpace = false;
      continue;
    }
    if (c === 0x09 || c === 0x0a || c === 0x0d || (c === 0x20 && prevSpace)) return collapse(v);
    if (c === 0x20) prevSpace = true;
  }
  return prevSpace && n > 0 ? collapse(v) : v;
}

function collapse(v: string): string {
  return v.replace(/[\t\n\r ]+/g, ' ').replace(/^ | $/g, '');
}
