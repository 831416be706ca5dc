import { builtinInfo, compareDecimal, decimalKey, normaliseSpace, parseDecimal, type BuiltinInfo, type Decimal, type ValueKind, type WhiteSpace } from './builtins.js';
import { detached } from '../xml/detach.js';
import { PATTERN_MAX_LENGTH, RISKY_MAX_LENGTH, translateXsdRegex, type TranslatedRegex } from './regex.js';

export { xsdRegex } from './regex.js';
export { builtinType, type BuiltinType } from './builtins.js';

/**
 * Simple types compiled to checkers for the fast validation path (docs: FAST-VALIDATE.md).
 *
 * A checker answers true only when libxml2 would accept the value too; false means invalid OR
 * not sure, and the caller then lets libxml2 decide. Everything that can be is worked out at
 * compile time (regexes, enumeration sets, bounds), since a checker runs for every attribute
 * of every element of every document.
 */

/** A simple type as the schema reader describes it: */
export type SimpleDef =
  | { kind: 'builtin'; name: string }
  | { kind: 'restriction'; base: SimpleDef; facets: Facets }
  | { kind: 'list'; item: SimpleDef }
  | { kind: 'union'; members: SimpleDef[] };

export interface Facets {
  enumeration?: string[];
  /** per derivation step, OR within a step, AND across steps */
  pattern?: string[][];
  minLength?: number;
  maxLength?: number;
  length?: number;
  minInclusive?: string;
  maxInclusive?: string;
  minExclusive?: string;
  maxExclusive?: string;
  whiteSpace?: WhiteSpace;
  totalDigits?: number;
  fractionDigits?: number;
}

export type SimpleChecker = (raw: string, scope?: ReadonlyMap<string, string>) => boolean;

type Scope = ReadonlyMap<string, string> | undefined;

/** a compiled type: checks a value already normalised with `ws` */
interface Compiled {
  ws: WhiteSpace;
  kind: ValueKind | 'union';
  /** the built-in at the root of an atomic restriction chain */
  prim?: BuiltinInfo;
  /** for lists: the item type */
  item?: Compiled;
  check(v: string, scope: Scope): boolean;
  /** xs:string, normalizedString, token (or a restriction without facets): every value (after whiteSpace) is fine */
  trivial?: boolean;
  /** the check reads the scope (QName values) */
  scoped?: boolean;
  /** an enumeration compared literally: a normalised value passes check iff it is in the set */
  literalSet?: ReadonlySet<string>;
}

const NEVER: Compiled = { ws: 'preserve', kind: 'other', check: () => false };

function compile(def: SimpleDef): Compiled {
  switch (def.kind) {
    case 'builtin':
      return compileBuiltin(def.name);
    case 'list':
      return compileList(compile(def.item));
    case 'union':
      return compileUnion(def.members.map(compile));
    case 'restriction':
      return compileRestriction(compile(def.base), def.facets);
  }
}

function compileBuiltin(name: string): Compiled {
  const b = builtinInfo(name);
  if (b === undefined) return NEVER;
  const scoped = b.checkScoped;
  const check = scoped !== undefined ? (v: string, scope: Scope) => scoped(v, scope) : (v: string) => b.check(v);
  const c: Compiled = { ws: b.whiteSpace, kind: b.kind, prim: b, check };
  // every value (after whiteSpace) is in the lexical space: restrictions test only their facets
  if (name === 'string' || name === 'anySimpleType' || name === 'normalizedString' || name === 'token') c.trivial = true;
  if (scoped !== undefined || b.kind === 'qname') c.scoped = true;
  return c;
}

function compileList(item: Compiled): Compiled {
  // a list of lists or of unions containing lists is not an XSD 1.0 list item
  if (item.kind === 'list') return NEVER;
  return {
    ws: 'collapse',
    kind: 'list',
    item,
    scoped: item.scoped === true,
    check(v, scope) {
      if (v === '') return true;
      if (v.indexOf(' ') < 0) return item.check(normaliseSpace(v, item.ws), scope);
      for (const t of v.split(' ')) if (!item.check(normaliseSpace(t, item.ws), scope)) return false;
      return true;
    },
  };
}

function compileUnion(members: Compiled[]): Compiled {
  if (members.length === 0) return NEVER;
  return {
    ws: 'preserve',
    kind: 'union',
    scoped: members.some((m) => m.scoped === true),
    check(v, scope) {
      for (const m of members) if (m.check(normaliseSpace(v, m.ws), scope)) return true;
      return false;
    },
  };
}

/** one pattern step: the value must match one of the alternatives */
interface PatternStep {
  sure: TranslatedRegex[];
}

function compileRestriction(base: Compiled, f: Facets): Compiled {
  const ws: WhiteSpace = f.whiteSpace ?? base.ws;
  const kind = base.kind;
  const tests: ((v: string, scope: Scope) => boolean)[] = [];
  let unsure = false;

  // whiteSpace may only tighten (preserve < replace < collapse); a loosening is a schema error
  const order = { preserve: 0, replace: 1, collapse: 2 } as const;
  if (order[ws] < order[base.ws]) unsure = true;
  // a union's value space is its members': whitespace facets on it are not modelled
  if (kind === 'union' && f.whiteSpace !== undefined) unsure = true;

  if (f.pattern !== undefined) {
    const steps: PatternStep[] = [];
    for (const alternatives of f.pattern) {
      const sure: TranslatedRegex[] = [];
      for (const p of alternatives) {
        const t = translateXsdRegex(p);
        if (t !== undefined) sure.push(t);
      }
      // an empty step (no translatable alternative) can never be confirmed
      if (sure.length === 0) unsure = true;
      steps.push({ sure });
    }
    const only = steps.length === 1 && steps[0]!.sure.length === 1 ? steps[0]!.sure[0]! : undefined;
    if (only !== undefined) {
      // one pattern (cs, ts, oid, …: nearly every patterned type): no loops around the test
      const re = only.fast;
      const max = only.risky ? Math.min(RISKY_MAX_LENGTH, PATTERN_MAX_LENGTH) : PATTERN_MAX_LENGTH;
      tests.push((v) => v.length <= max && re.test(v));
    } else tests.push((v) => {
      if (v.length > PATTERN_MAX_LENGTH) return false;
      for (const s of steps) {
        let ok = false;
        for (const t of s.sure) {
          if (t.risky && v.length > RISKY_MAX_LENGTH) continue;
          if (t.fast.test(v)) {
            ok = true;
            break;
          }
        }
        if (!ok) return false;
      }
      return true;
    });
  }

  if (f.enumeration !== undefined) {
    const t = enumerationTest(kind, ws, f.enumeration);
    if (t === undefined) unsure = true;
    else tests.push(t);
  }

  const hasLength = f.length !== undefined || f.minLength !== undefined || f.maxLength !== undefined;
  if (hasLength) {
    const measure = lengthOf(base);
    if (measure === undefined) unsure = true;
    else {
      const lo = f.length ?? f.minLength ?? 0;
      const hi = f.length ?? f.maxLength ?? Infinity;
      if (measure === codePoints) {
        // a string of n code units has between n/2 and n code points: most values are decided
        // without counting (st's minLength 1 is ~100 values a document)
        tests.push((v) => {
          const len = v.length;
          if (len <= hi && len >= 2 * lo) return true;
          const n = codePoints(v);
          return n >= lo && n <= hi;
        });
      } else {
        tests.push((v) => {
          const n = measure(v);
          return n >= lo && n <= hi;
        });
      }
    }
  }

  const hasRange = f.minInclusive !== undefined || f.maxInclusive !== undefined || f.minExclusive !== undefined || f.maxExclusive !== undefined;
  if (hasRange) {
    const t = rangeTest(kind, f, base.prim?.name === 'float');
    if (t === undefined) unsure = true;
    else tests.push(t);
  }

  if (f.totalDigits !== undefined || f.fractionDigits !== undefined) {
    if (kind !== 'decimal') unsure = true;
    else tests.push(digitsTest(f.totalDigits, f.fractionDigits));
  }

  if (unsure) return { ws, kind, check: () => false };
  const baseCheck = base.check;
  const out: Compiled = { ws, kind, check: baseCheck };
  if (base.scoped === true) out.scoped = true;
  if (base.prim !== undefined) out.prim = base.prim;
  if (base.item !== undefined) out.item = base.item;
  if (tests.length === 0) {
    if (base.trivial === true && ws === base.ws) out.trivial = true;
    return out;
  }
  if (base.trivial === true && tests.length === 1) {
    const only = tests[0]!;
    out.check = only;
    return out;
  }
  const full = (v: string, scope: Scope): boolean => {
    if (!baseCheck(v, scope)) return false;
    for (const t of tests) if (!t(v, scope)) return false;
    return true;
  };
  out.check = full;
  if (f.enumeration !== undefined && !usesScopeKind(base)) {
    // Enumerated types are most of a document's coded attributes: the literals that pass every
    // check of this step and below are worked out now, so a value is one Set lookup. Where the
    // enumeration compares in the value space (numbers) a non-literal value gets the full check.
    const sure = new Set<string>();
    for (const e of f.enumeration) {
      const n = normaliseSpace(e, ws);
      if (full(n, undefined)) sure.add(n);
    }
    const literal = kind !== 'decimal' && kind !== 'float' && kind !== 'boolean';
    out.check = literal ? (v) => sure.has(v) : (v, scope) => sure.has(v) || full(v, scope);
    if (literal) out.literalSet = sure;
  }
  return out;
}

/** does the compiled type's check read the scope (QName-valued somewhere)? */
function usesScopeKind(c: Compiled): boolean {
  return c.scoped === true;
}

// ---- enumeration

function enumerationTest(kind: ValueKind | 'union', ws: WhiteSpace, values: string[]): ((v: string) => boolean) | undefined {
  switch (kind) {
    case 'qname':
      // equal QNames are equal expanded names: prefixes in schema and instance may differ
      return undefined;
    case 'decimal': {
      const keys = new Set<string>();
      for (const e of values) {
        const n = normaliseSpace(e, 'collapse');
        if (!/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(n)) continue; // a bad literal matches nothing we confirm
        keys.add(decimalKey(parseDecimal(n)));
      }
      return (v) => keys.has(decimalKey(parseDecimal(v)));
    }
    case 'float': {
      const nums = new Set<number>();
      for (const e of values) {
        const n = floatValue(normaliseSpace(e, 'collapse'));
        if (n !== undefined) nums.add(n);
      }
      return (v) => {
        const n = floatValue(v);
        return n !== undefined && nums.has(n);
      };
    }
    case 'boolean': {
      const keys = new Set(values.map((e) => boolKey(normaliseSpace(e, 'collapse'))));
      return (v) => keys.has(boolKey(v));
    }
    default: {
      // string-like, lists, dates, unions: identical literals are identical values
      const set = new Set(values.map((e) => normaliseSpace(e, ws)));
      return (v) => set.has(v);
    }
  }
}

function boolKey(v: string): string {
  return v === '1' ? 'true' : v === '0' ? 'false' : v;
}

/** value of a float/double literal for comparisons; undefined for NaN and for what we do not trust */
function floatValue(v: string): number | undefined {
  if (v === 'INF') return Infinity;
  if (v === '-INF') return -Infinity;
  if (!/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

// ---- length

function codePoints(v: string): number {
  let n = v.length;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

function lengthOf(base: Compiled): ((v: string) => number) | undefined {
  switch (base.kind) {
    case 'string':
      return codePoints;
    case 'list':
      return (v) => (v === '' ? 0 : v.split(' ').length);
    case 'binary': {
      const octets = base.prim?.octets;
      return octets;
    }
    default:
      return undefined;
  }
}

// ---- ranges

function rangeTest(kind: ValueKind | 'union', f: Facets, single: boolean): ((v: string) => boolean) | undefined {
  if (kind === 'decimal') {
    const bound = (s: string | undefined): Decimal | undefined | null => {
      if (s === undefined) return undefined;
      const n = normaliseSpace(s, 'collapse');
      return /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(n) ? parseDecimal(n) : null;
    };
    const minI = bound(f.minInclusive);
    const maxI = bound(f.maxInclusive);
    const minE = bound(f.minExclusive);
    const maxE = bound(f.maxExclusive);
    if (minI === null || maxI === null || minE === null || maxE === null) return undefined;
    return (v) => {
      const d = parseDecimal(v);
      if (minI !== undefined && compareDecimal(d, minI) < 0) return false;
      if (maxI !== undefined && compareDecimal(d, maxI) > 0) return false;
      if (minE !== undefined && compareDecimal(d, minE) <= 0) return false;
      if (maxE !== undefined && compareDecimal(d, maxE) >= 0) return false;
      return true;
    };
  }
  if (kind === 'float') {
    const bound = (s: string | undefined): number | undefined | null => {
      if (s === undefined) return undefined;
      const n = floatValue(normaliseSpace(s, 'collapse'));
      return n === undefined ? null : n;
    };
    const minI = bound(f.minInclusive);
    const maxI = bound(f.maxInclusive);
    const minE = bound(f.minExclusive);
    const maxE = bound(f.maxExclusive);
    if (minI === null || maxI === null || minE === null || maxE === null) return undefined;
    // how close to a bound we stop trusting our parse to agree with libxml2's bit for bit:
    // a few ulps for doubles (both round correctly); for floats, decimal → double → float can
    // round differently from decimal → float
    const eps = single ? 1e-6 : 1e-15;
    const near = (n: number, b: number): boolean => Math.abs(n - b) <= Math.abs(b) * eps + 1e-300;
    return (v) => {
      // v passed the base type's lexical check already
      const n = v === 'INF' ? Infinity : v === '-INF' ? -Infinity : Number(v);
      if (Number.isNaN(n) || (!Number.isFinite(n) && v !== 'INF' && v !== '-INF')) return false;
      if (minI !== undefined && (n < minI || (n !== minI && near(n, minI)))) return false;
      if (maxI !== undefined && (n > maxI || (n !== maxI && near(n, maxI)))) return false;
      if (minE !== undefined && (n <= minE || near(n, minE))) return false;
      if (maxE !== undefined && (n >= maxE || near(n, maxE))) return false;
      return true;
    };
  }
  return undefined;
}

// ---- digits

function digitsTest(total: number | undefined, fraction: number | undefined): (v: string) => boolean {
  // counted in the value space, as libxml2 does: leading integer and trailing fraction zeros
  // do not count (001.50 is 1.5: two digits, one of them a fraction digit)
  return (v) => {
    const d = parseDecimal(v);
    if (total !== undefined && d.int.length + d.frac.length > total) return false;
    if (fraction !== undefined && d.frac.length > fraction) return false;
    return true;
  };
}

// ---- entry point

const ALWAYS: SimpleChecker = () => true;
const NEVER_CHECK: SimpleChecker = () => false;

/**
 * Compile to a checker: true = valid for sure, false = invalid or unsure (caller falls back).
 * opts.memo: false turns the verdict memo off (benchmarks of the cold path).
 */
export function compileSimple(def: SimpleDef, opts: { memo?: boolean } = {}): SimpleChecker {
  const c = compile(def);
  if (c === NEVER) return NEVER_CHECK;
  if (c.trivial === true && c.ws === 'preserve') return ALWAYS;
  const check = c.check;
  const ws = c.ws;
  const direct: SimpleChecker = ws === 'preserve' ? (raw, scope) => check(raw, scope) : (raw, scope) => check(normaliseSpace(raw, ws), scope);
  // QName answers depend on the scope: no memo
  if (opts.memo === false || usesScope(def)) return direct;
  // Documents repeat the same codes, OIDs and timestamps over and over: remember the verdict
  // for short values (bounded: a hostile stream of distinct values only fills it once).
  const memo = new Map<string, boolean>();
  return (raw) => {
    const m = memo.get(raw);
    if (m !== undefined) return m;
    const r = direct(raw);
    // the key is copied: `raw` is usually a slice of a document's text, and a V8 sliced string
    // kept as a key would keep that whole text alive (≈ 40 KB a document: 10,000 documents
    // took the validator past 700 MB of RSS)
    if (raw.length <= MEMO_MAX_LENGTH && memo.size < MEMO_MAX_ENTRIES) memo.set(detached(raw), r);
    return r;
  };
}

/**
 * A checker with what lets a caller skip calling it: the validator's attribute loop runs a few
 * hundred times a document, and a call through a site that sees dozens of different closures
 * costs more than the Set lookup most checks are.
 */
export interface SimplePlan {
  /** the checker, without memo (compileSimple(def, { memo: false })) */
  check: SimpleChecker;
  /** every value passes */
  always: boolean;
  /** whiteSpace of the type (what check applies before testing) */
  ws: WhiteSpace;
  /** literal enumeration: check(raw) === set.has(normaliseSpace(raw, ws)) */
  set: ReadonlySet<string> | undefined;
}

export function simplePlan(def: SimpleDef): SimplePlan {
  const c = compile(def);
  const check = compileSimple(def, { memo: false });
  return { check, always: check === ALWAYS, ws: c.ws, set: c === NEVER || c.scoped === true ? undefined : c.literalSet };
}

const MEMO_MAX_LENGTH = 64;
const MEMO_MAX_ENTRIES = 2048;

function usesScope(def: SimpleDef): boolean {
  switch (def.kind) {
    case 'builtin':
      return builtinInfo(def.name)?.checkScoped !== undefined;
    case 'restriction':
      return usesScope(def.base);
    case 'list':
      return usesScope(def.item);
    case 'union':
      return def.members.some(usesScope);
  }
}

/**
 * ID-ness of a simple type (xs:ID, xs:IDREF, xs:IDREFS or restrictions of them): uniqueness and
 * reference checks are document-level, so they are the caller's. 'unsure' for ID-typed members
 * of lists or unions, whose treatment by libxml2 we do not model.
 */
export function simpleIdKind(def: SimpleDef): 'ID' | 'IDREF' | 'IDREFS' | 'unsure' | undefined {
  switch (def.kind) {
    case 'builtin':
      return builtinInfo(def.name)?.idKind;
    case 'restriction':
      return simpleIdKind(def.base);
    case 'list':
      return simpleIdKind(def.item) === undefined ? undefined : 'unsure';
    case 'union':
      return def.members.some((m) => simpleIdKind(m) !== undefined) ? 'unsure' : undefined;
  }
}
