/**
 * XSD 1.0 regular expressions (XML Schema Part 2, Appendix F) translated to JavaScript RegExp.
 *
 * The oracle is libxml2 (xmlregexp.c), not the spec text alone: where the two could differ we
 * translate to something that matches a SUBSET of what libxml2 matches, or give up
 * (undefined). A match of the translated RegExp therefore always means libxml2 matches too.
 *
 * How the subset is kept honest for character properties: libxml2's Unicode tables are those
 * of Unicode 4.0.1 (xmlunicode.c) and its \i \c use XML 1.0 4th-edition name classes, while
 * V8 knows current Unicode. Every character class is computed as two range sets, `sure`
 * (surely in libxml2's class) and `maybe` (possibly in it); negation swaps them
 * (sure' = ¬maybe), subtraction A−B is sure = A.sure − B.maybe. The emitted class is `sure`.
 * Since XSD regexes have no negative constructs outside classes, the language of the emitted
 * RegExp is a subset of libxml2's. Property tables are trusted only on STABLE code points
 * (ASCII and the CJK Unified Ideographs of Unicode 1.1), where both agree.
 */

/** sorted, non-overlapping, non-adjacent inclusive ranges, flat: [lo0, hi0, lo1, hi1, ...] */
type Ranges = number[];

const MAX = 0x10ffff;

function norm(pairs: number[]): Ranges {
  const items: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) items.push([pairs[i]!, pairs[i + 1]!]);
  items.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of items) {
    if (lo > hi) continue;
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

function union(a: Ranges, b: Ranges): Ranges {
  return norm([...a, ...b]);
}

function complement(a: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i]! > next) out.push(next, a[i]! - 1);
    next = a[i + 1]! + 1;
  }
  if (next <= MAX) out.push(next, MAX);
  return out;
}

function intersect(a: Ranges, b: Ranges): Ranges {
  return complement(union(complement(a), complement(b)));
}

function minus(a: Ranges, b: Ranges): Ranges {
  return intersect(a, complement(b));
}

function contains(a: Ranges, c: number): boolean {
  for (let i = 0; i < a.length; i += 2) if (c >= a[i]! && c <= a[i + 1]!) return true;
  return false;
}

/** a character class as libxml2 sees it, bracketed: sure ⊆ libxml2's set ⊆ maybe */
interface CharSet {
  sure: Ranges;
  maybe: Ranges;
}

const exact = (r: Ranges): CharSet => ({ sure: r, maybe: r });
const single = (c: number): CharSet => exact([c, c]);
const negate = (s: CharSet): CharSet => ({ sure: complement(s.maybe), maybe: complement(s.sure) });
const unionSet = (a: CharSet, b: CharSet): CharSet => ({ sure: union(a.sure, b.sure), maybe: union(a.maybe, b.maybe) });
const subtract = (a: CharSet, b: CharSet): CharSet => ({ sure: minus(a.sure, b.maybe), maybe: minus(a.maybe, b.sure) });

/** code points where V8's current Unicode properties and libxml2's Unicode 4.0.1 tables agree */
const STABLE: Ranges = [0x0000, 0x007f];
/*
 * The CJK Unified Ideographs U+4E00–U+9FA5 are one First/Last range in UnicodeData.txt, which
 * libxml2's table generator does not expand: only the two end points are Lo, the ideographs in
 * between belong to NO general category for libxml2 (\p{L} does not match 中, \P{L} and \w
 * do). Measured by test/xsdjs/simple-oracle.test.ts.
 */
const NO_CATEGORY: Ranges = [0x4e01, 0x9fa4];
const KNOWN = union(STABLE, NO_CATEGORY);

const propertyCache = new Map<string, CharSet>();

/** \p{name}: JS's \p{name} trusted only on STABLE code points; NO_CATEGORY in none. */
function category(name: string): CharSet | undefined {
  const have = propertyCache.get(name);
  if (have !== undefined) return have;
  if (!/^(?:[LMNPZSC]|Lu|Ll|Lt|Lm|Lo|Mn|Mc|Me|Nd|Nl|No|Pc|Pd|Ps|Pe|Pi|Pf|Po|Zs|Zl|Zp|Sm|Sc|Sk|So|Cc|Cf|Co|Cn)$/.test(name)) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(`\\p{${name}}`, 'u');
  } catch {
    return undefined;
  }
  const inside: number[] = [];
  for (let i = 0; i < STABLE.length; i += 2) {
    for (let c = STABLE[i]!; c <= STABLE[i + 1]!; c++) {
      if (re.test(String.fromCodePoint(c))) inside.push(c, c);
    }
  }
  const sure = norm(inside);
  // off the known ranges anything is possible
  const maybe = union(sure, complement(KNOWN));
  const set = { sure, maybe };
  propertyCache.set(name, set);
  return set;
}

/**
 * Unicode blocks (Blocks-4.0.1.txt, as libxml2 names them: "Is" + name without spaces).
 * Only blocks whose range is the same in Unicode 4.0.1 and later: a block is a plain range, so
 * the set is exact.
 */
const BLOCKS: Record<string, [number, number]> = {
  BasicLatin: [0x0000, 0x007f],
  'Latin-1Supplement': [0x0080, 0x00ff],
  'LatinExtended-A': [0x0100, 0x017f],
  'LatinExtended-B': [0x0180, 0x024f],
  IPAExtensions: [0x0250, 0x02af],
  SpacingModifierLetters: [0x02b0, 0x02ff],
  CombiningDiacriticalMarks: [0x0300, 0x036f],
  GreekandCoptic: [0x0370, 0x03ff],
  Cyrillic: [0x0400, 0x04ff],
  Hebrew: [0x0590, 0x05ff],
  Arabic: [0x0600, 0x06ff],
  GeneralPunctuation: [0x2000, 0x206f],
  CurrencySymbols: [0x20a0, 0x20cf],
  LetterlikeSymbols: [0x2100, 0x214f],
  NumberForms: [0x2150, 0x218f],
  Arrows: [0x2190, 0x21ff],
  MathematicalOperators: [0x2200, 0x22ff],
  BoxDrawing: [0x2500, 0x257f],
  GeometricShapes: [0x25a0, 0x25ff],
  CJKRadicalsSupplement: [0x2e80, 0x2eff],
  KangxiRadicals: [0x2f00, 0x2fdf],
  CJKSymbolsandPunctuation: [0x3000, 0x303f],
  Hiragana: [0x3040, 0x309f],
  Katakana: [0x30a0, 0x30ff],
  Bopomofo: [0x3100, 0x312f],
  HangulCompatibilityJamo: [0x3130, 0x318f],
  EnclosedCJKLettersandMonths: [0x3200, 0x32ff],
  CJKCompatibility: [0x3300, 0x33ff],
  CJKUnifiedIdeographsExtensionA: [0x3400, 0x4dbf],
  CJKUnifiedIdeographs: [0x4e00, 0x9fff],
  HangulSyllables: [0xac00, 0xd7af],
  PrivateUse: [0xe000, 0xf8ff],
  CJKCompatibilityIdeographs: [0xf900, 0xfaff],
  CJKCompatibilityForms: [0xfe30, 0xfe4f],
  HalfwidthandFullwidthForms: [0xff00, 0xffef],
  CJKUnifiedIdeographsExtensionB: [0x20000, 0x2a6df],
};

// XML 1.0 (4th edition) name classes, as libxml2's IS_LETTER/IS_DIGIT/...: sure parts only
const LATIN1_LETTERS: Ranges = [0xc0, 0xd6, 0xd8, 0xf6, 0xf8, 0xff];
const IDEOGRAPHIC: Ranges = [0x3007, 0x3007, 0x3021, 0x3029, 0x4e00, 0x9fa5];
const ASCII: Ranges = [0, 0x7f];
const NON_ASCII = complement(ASCII);
const NAME_START_SURE = norm([0x41, 0x5a, 0x61, 0x7a, 0x5f, 0x5f, 0x3a, 0x3a, ...LATIN1_LETTERS, ...IDEOGRAPHIC]);
const NAME_CHAR_SURE = norm([...NAME_START_SURE, 0x30, 0x39, 0x2e, 0x2e, 0x2d, 0x2d, 0xb7, 0xb7]);
// the C1 controls, U+00D7 and U+00F7 and the rest of Latin-1 outside the sure sets are not
// name characters in XML 1.0 4th edition either; beyond Latin-1 we do not claim to know
const LATIN1: Ranges = [0, 0xff];
const nameSet = (sure: Ranges): CharSet => ({ sure, maybe: union(sure, complement(LATIN1)) });

const MULTI: Record<string, () => CharSet> = {
  s: () => exact([0x09, 0x0a, 0x0d, 0x0d, 0x20, 0x20]),
  i: () => nameSet(NAME_START_SURE),
  c: () => nameSet(NAME_CHAR_SURE),
  d: () => category('Nd')!,
  // \w: every character except the categories P, Z and C
  w: () => negate(unionSet(unionSet(category('P')!, category('Z')!), category('C')!)),
};

const SINGLE_ESC: Record<string, number> = {
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  '\\': 0x5c,
  '|': 0x7c,
  '.': 0x2e,
  '-': 0x2d,
  '^': 0x5e,
  '?': 0x3f,
  '*': 0x2a,
  '+': 0x2b,
  '{': 0x7b,
  '}': 0x7d,
  '(': 0x28,
  ')': 0x29,
  '[': 0x5b,
  ']': 0x5d,
};

class Unsupported extends Error {}

type Node =
  | { t: 'alt'; branches: Node[][] }
  | { t: 'set'; set: CharSet }
  | { t: 'group'; body: Node }
  | { t: 'rep'; atom: Node; min: number; max: number /* Infinity = unbounded */ };

/** recursive-descent parser over code points of the pattern */
class Parser {
  private readonly cps: number[];
  private pos = 0;
  constructor(pattern: string) {
    this.cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  }

  private peek(off = 0): number | undefined {
    return this.cps[this.pos + off];
  }

  private fail(): never {
    throw new Unsupported();
  }

  parse(): Node {
    const n = this.regExp();
    if (this.pos !== this.cps.length) this.fail();
    return n;
  }

  private regExp(): Node {
    const branches: Node[][] = [this.branch()];
    while (this.peek() === 0x7c /* | */) {
      this.pos++;
      branches.push(this.branch());
    }
    return { t: 'alt', branches };
  }

  private branch(): Node[] {
    const pieces: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === 0x7c || c === 0x29 /* ) */) return pieces;
      pieces.push(this.piece());
    }
  }

  private piece(): Node {
    const atom = this.atom();
    const c = this.peek();
    if (c === 0x3f) return this.pos++, { t: 'rep', atom, min: 0, max: 1 };
    if (c === 0x2a) return this.pos++, { t: 'rep', atom, min: 0, max: Infinity };
    if (c === 0x2b) return this.pos++, { t: 'rep', atom, min: 1, max: Infinity };
    if (c === 0x7b /* { */) {
      this.pos++;
      const min = this.int();
      let max = min;
      if (this.peek() === 0x2c /* , */) {
        this.pos++;
        max = this.peek() === 0x7d ? Infinity : this.int();
      }
      if (this.peek() !== 0x7d) this.fail();
      this.pos++;
      if (max < min) this.fail();
      // very large counted repetitions: libxml2 builds them out; stay out of that corner
      if (min > 1000 || (max !== Infinity && max > 1000)) this.fail();
      return { t: 'rep', atom, min, max };
    }
    return atom;
  }

  private int(): number {
    const start = this.pos;
    while (this.peek() !== undefined && this.peek()! >= 0x30 && this.peek()! <= 0x39) this.pos++;
    if (this.pos === start || this.pos - start > 6) this.fail();
    return Number(String.fromCodePoint(...this.cps.slice(start, this.pos)));
  }

  private atom(): Node {
    const c = this.peek()!;
    switch (c) {
      case 0x28 /* ( */: {
        this.pos++;
        const body = this.regExp();
        if (this.peek() !== 0x29) this.fail();
        this.pos++;
        return { t: 'group', body };
      }
      case 0x5b /* [ */:
        return { t: 'set', set: this.charClassExpr() };
      case 0x5c /* \ */:
        return { t: 'set', set: this.escape() };
      case 0x2e /* . */:
        this.pos++;
        return { t: 'set', set: exact(complement([0x0a, 0x0a, 0x0d, 0x0d])) };
      // quantifier characters without an atom, and braces outside a quantifier (libxml2's
      // reading of a lone { or } is not worth betting on)
      case 0x3f:
      case 0x2a:
      case 0x2b:
      case 0x7b:
      case 0x7d:
      case 0x5d:
        return this.fail();
      default:
        this.pos++;
        return { t: 'set', set: single(c) };
    }
  }

  /** after '\': single-char, multi-char, category or block escape */
  private escape(): CharSet {
    this.pos++; // the backslash
    const c = this.peek();
    if (c === undefined) this.fail();
    this.pos++;
    const ch = String.fromCodePoint(c);
    const one = SINGLE_ESC[ch];
    if (one !== undefined) return single(one);
    const lower = ch.toLowerCase();
    const multi = MULTI[lower];
    if (multi !== undefined) {
      const set = multi();
      return ch === lower ? set : negate(set);
    }
    if (ch === 'p' || ch === 'P') {
      if (this.peek() !== 0x7b) this.fail();
      const end = this.cps.indexOf(0x7d, this.pos);
      if (end < 0) this.fail();
      const name = String.fromCodePoint(...this.cps.slice(this.pos + 1, end));
      this.pos = end + 1;
      let set: CharSet | undefined;
      if (name.startsWith('Is')) {
        const block = BLOCKS[name.slice(2)];
        if (block !== undefined) set = exact([block[0], block[1]]);
      } else {
        set = category(name);
      }
      if (set === undefined) this.fail();
      return ch === 'p' ? set : negate(set);
    }
    return this.fail();
  }

  /** '[' charGroup ']' */
  private charClassExpr(): CharSet {
    this.pos++; // [
    let negated = false;
    if (this.peek() === 0x5e /* ^ */) {
      negated = true;
      this.pos++;
    }
    let set: CharSet = exact([]);
    let first = true;
    let any = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail();
      if (c === 0x5d /* ] */) {
        if (!any) this.fail();
        this.pos++;
        break;
      }
      if (c === 0x2d /* - */) {
        if (this.peek(1) === 0x5b) {
          // subtraction: must be last in the group; libxml2 mishandles negation or another
          // subtraction inside the subtracted class, so allow only a plain positive one
          if (!any) this.fail();
          this.pos++;
          const sub = this.subtractedClass();
          if (this.peek() !== 0x5d) this.fail();
          this.pos++;
          const base = negated ? negate(set) : set;
          return subtract(base, sub);
        }
        // a literal '-' only first or last in the group
        if (!first && this.peek(1) !== 0x5d) this.fail();
        this.pos++;
        set = unionSet(set, single(0x2d));
        any = true;
        first = false;
        continue;
      }
      if (c === 0x5b) this.fail();
      if (c === 0x5e && !first) this.fail(); // a later '^' (libxml2 may read it as negation)
      // one charRange or escape
      let lo: number;
      if (c === 0x5c) {
        const one = this.singleEscapeAt();
        if (one === undefined) {
          set = unionSet(set, this.escape());
          any = true;
          first = false;
          continue;
        }
        lo = one;
        this.pos += 2;
      } else {
        this.pos++;
        lo = c;
      }
      if (this.peek() === 0x2d && this.peek(1) !== 0x5b && this.peek(1) !== 0x5d) {
        this.pos++;
        let hi: number;
        const h = this.peek();
        if (h === undefined || h === 0x5b || h === 0x5d || h === 0x2d) this.fail();
        if (h === 0x5c) {
          const one = this.singleEscapeAt();
          if (one === undefined) this.fail();
          hi = one;
          this.pos += 2;
        } else {
          this.pos++;
          hi = h;
        }
        if (hi < lo) this.fail();
        set = unionSet(set, exact([lo, hi]));
      } else {
        set = unionSet(set, single(lo));
      }
      any = true;
      first = false;
    }
    return negated ? negate(set) : set;
  }

  /** the code point of a single-character escape at pos (pos at the backslash), if it is one */
  private singleEscapeAt(): number | undefined {
    const n = this.peek(1);
    return n === undefined ? undefined : SINGLE_ESC[String.fromCodePoint(n)];
  }

  /** the class after '-' in a subtraction: '[' positive group without nested subtraction ']' */
  private subtractedClass(): CharSet {
    const start = this.pos;
    if (this.peek(1) === 0x5e) this.fail();
    const set = this.charClassExpr();
    // reject a nested subtraction: scan what was consumed for "-["
    for (let i = start + 1; i < this.pos - 1; i++) {
      if (this.cps[i] === 0x2d && this.cps[i + 1] === 0x5b && this.cps[i - 1] !== 0x5c) this.fail();
    }
    return set;
  }
}

// ---- emitting

// emitting mode: u (code points, \u{...}) or BMP code units (\uXXXX, no u flag)
let unitMode = false;

function hex(c: number): string {
  return unitMode ? `\\u${c.toString(16).padStart(4, '0')}` : `\\u{${c.toString(16)}}`;
}

/** no set can match a code point beyond the BMP nor a surrogate: code units = code points */
function bmpOnly(n: Node): boolean {
  switch (n.t) {
    case 'alt':
      return n.branches.every((b) => b.every(bmpOnly));
    case 'set': {
      const r = n.set.sure;
      return intersect(r, [0xd800, 0xdfff, 0x10000, MAX]).length === 0;
    }
    case 'group':
      return bmpOnly(n.body);
    case 'rep':
      return bmpOnly(n.atom);
  }
}

function emitSet(r: Ranges): string {
  if (r.length === 2 && r[0] === 0 && r[1] === MAX) return '[^]';
  let s = '[';
  for (let i = 0; i < r.length; i += 2) {
    s += r[i] === r[i + 1] ? hex(r[i]!) : `${hex(r[i]!)}-${hex(r[i + 1]!)}`;
  }
  return s + ']';
}

function emit(n: Node): string {
  switch (n.t) {
    case 'alt':
      return n.branches.map((b) => b.map(emit).join('')).join('|');
    case 'set':
      return emitSet(n.set.sure);
    case 'group':
      return `(?:${emit(n.body)})`;
    case 'rep': {
      const a = n.atom.t === 'set' || n.atom.t === 'group' ? emit(n.atom) : `(?:${emit(n.atom)})`;
      if (n.min === 0 && n.max === 1) return `${a}?`;
      if (n.min === 0 && n.max === Infinity) return `${a}*`;
      if (n.min === 1 && n.max === Infinity) return `${a}+`;
      if (n.max === Infinity) return `${a}{${n.min},}`;
      return n.min === n.max ? `${a}{${n.min}}` : `${a}{${n.min},${n.max}}`;
    }
  }
}

// ---- backtracking guard

/** does the node contain an unbounded repetition? */
function hasUnbounded(n: Node): boolean {
  switch (n.t) {
    case 'alt':
      return n.branches.some((b) => b.some(hasUnbounded));
    case 'set':
      return false;
    case 'group':
      return hasUnbounded(n.body);
    case 'rep':
      return n.max === Infinity || n.max > 1 || hasUnbounded(n.atom);
  }
}

function allSets(n: Node, out: CharSet[]): void {
  switch (n.t) {
    case 'alt':
      for (const b of n.branches) for (const p of b) allSets(p, out);
      return;
    case 'set':
      out.push(n.set);
      return;
    case 'group':
      return allSets(n.body, out);
    case 'rep':
      return allSets(n.atom, out);
  }
}

/** does the node contain an alternation of more than one branch? */
function hasChoice(n: Node): boolean {
  switch (n.t) {
    case 'alt':
      return n.branches.length > 1 || n.branches.some((b) => b.some(hasChoice));
    case 'set':
      return false;
    case 'group':
      return hasChoice(n.body);
    case 'rep':
      return hasChoice(n.atom);
  }
}

/**
 * A repetition of something that itself repeats or chooses can backtrack exponentially in V8
 * on a hostile value ((a+)+ or (a|aa)* against "aaaa…c"). It is harmless when each iteration
 * starts with a delimiter character that nothing else in the body can match
 * ((\.(0|[1-9][0-9]*))*). Otherwise the pattern is marked risky and the checker only runs it
 * on short values.
 */
function risky(n: Node): boolean {
  switch (n.t) {
    case 'alt':
      return n.branches.some((b) => b.some(risky));
    case 'set':
      return false;
    case 'group':
      return risky(n.body);
    case 'rep': {
      if (risky(n.atom)) return true;
      if (!(n.max > 1) || (!hasUnbounded(n.atom) && !hasChoice(n.atom))) return false;
      // the body must be one branch whose first piece is a single character c that no other set matches
      const body = n.atom.t === 'group' ? n.atom.body : n.atom;
      if (body.t !== 'alt' || body.branches.length !== 1) return true;
      const [head, ...rest] = body.branches[0]!;
      if (head === undefined || head.t !== 'set' || head.set.maybe.length !== 2 || head.set.maybe[0] !== head.set.maybe[1]) return true;
      const c = head.set.maybe[0]!;
      const others: CharSet[] = [];
      for (const p of rest) allSets(p, others);
      return others.some((s) => contains(s.maybe, c));
    }
  }
}

export interface TranslatedRegex {
  /** the u-flag translation */
  re: RegExp;
  /**
   * the same language, faster: without the u flag when no set of the pattern can match beyond
   * the BMP or a surrogate (a value with an astral character then fails in both), else re
   */
  fast: RegExp;
  /** true when V8 could backtrack badly: only run it on values up to RISKY_MAX_LENGTH */
  risky: boolean;
}

/** values longer than this are not matched against risky patterns (the caller says unsure) */
export const RISKY_MAX_LENGTH = 64;
/** nor against any pattern beyond this (adjacent stars are polynomial in V8) */
export const PATTERN_MAX_LENGTH = 100_000;

const cache = new Map<string, TranslatedRegex | null>();

/** xsdRegex with the backtracking verdict. */
export function translateXsdRegex(pattern: string): TranslatedRegex | undefined {
  const have = cache.get(pattern);
  if (have !== undefined) return have ?? undefined;
  let out: TranslatedRegex | null = null;
  try {
    const tree = new Parser(pattern).parse();
    unitMode = false;
    const re = new RegExp(`^(?:${emit(tree)})$`, 'u');
    let fast = re;
    if (bmpOnly(tree)) {
      unitMode = true;
      try {
        fast = new RegExp(`^(?:${emit(tree)})$`);
      } finally {
        unitMode = false;
      }
    }
    out = { re, fast, risky: risky(tree) };
  } catch (err) {
    if (!(err instanceof Unsupported) && !(err instanceof SyntaxError)) throw err;
  }
  cache.set(pattern, out);
  return out ?? undefined;
}

/**
 * XSD 1.0 regular expression → JS RegExp anchored ^(?:...)$ with the u flag; undefined when a
 * construct cannot be translated exactly (or into a subset of libxml2's language).
 */
export function xsdRegex(pattern: string): RegExp | undefined {
  return translateXsdRegex(pattern)?.re;
}
