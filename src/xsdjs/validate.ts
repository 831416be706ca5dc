import type { JElement } from '../xml/jstree.js';
import { detached } from '../xml/detach.js';
import { allows } from './content.js';
import { clark, XSI, type CompiledSchema, type ComplexTypeData, type NsConstraint, type SimpleDef, type WildcardData } from './model.js';
import { normaliseSpace, type WhiteSpace } from './builtins.js';
import { simpleIdKind, type SimpleChecker, type SimplePlan } from './simple.js';

/**
 * The validator: a CompiledSchema linked into Maps and checker closures (once per schema
 * object, lazily), then one walk over the JElement tree. It is conservative: it answers valid
 * only when every element, attribute and text node was checked against a construct it
 * implements exactly; any violation or doubt stops the walk with a reason (the caller then runs
 * libxml2 for the authoritative findings).
 */

export type Acceptance = { valid: true } | { valid: false; reason: string; xpath?: string };

type Check = SimpleChecker;
/** simple.ts's simplePlan: the unmemoised checker and what lets the walk skip calling it */
type Plan = SimplePlan;
export type SimplePlanner = (def: SimpleDef) => Plan;

interface RWild {
  ns: NsConstraint;
  process: WildcardData['process'];
}

interface REdge {
  ns: string;
  /** the element's local name (the key it is filed under) */
  local: string;
  elem: RElem;
  to: number;
  /** another element of the same local name in another namespace */
  alt: REdge | undefined;
}

interface RState {
  final: boolean;
  byLocal: Map<string, REdge>;
  wild: { wc: RWild; to: number } | undefined;
  /**
   * The edge last taken out of this state: documents follow the same paths through a content
   * model over and over, so comparing the child's name with it first usually saves the Map
   * lookup (which hashes the document's name string). A cache only: a miss looks up byLocal.
   */
  hint: REdge | undefined;
}

/** 0 plain, 1 ID, 2 IDREF, 3 IDREFS (document-level checks), 4 an ID-ness we do not model */
type IdKind = 0 | 1 | 2 | 3 | 4;

function idKindOf(d: SimpleDef): IdKind {
  const k = simpleIdKind(d);
  return k === undefined ? 0 : k === 'ID' ? 1 : k === 'IDREF' ? 2 : k === 'IDREFS' ? 3 : 4;
}

/** how the walk checks an attribute value (see Plan) */
const CALL = 0;
const ALWAYS = 1;
const IN_SET = 2;
const MEMO = 3;

/** a bounded verdict memo of one simple type (shared by every use of the type) */
interface Memo {
  map: Map<string, boolean>;
  check: Check;
}

interface RAttr {
  /** local name and namespace ('' for none) of the attribute */
  local: string;
  ns: string;
  /** the full check (memoised where worth it) */
  check: Check;
  /** CALL check(), ALWAYS nothing, IN_SET set.has (after whiteSpace), MEMO memo then memo.check */
  mode: number;
  set: ReadonlySet<string> | undefined;
  ws: WhiteSpace;
  memo: Memo | undefined;
  id: IdKind;
  required: boolean;
  fixed: string | undefined;
  /** check(fixed): with a fixed value, the one value that can pass is decided once */
  fixedOk: boolean;
  /** the check reads the element's namespaces (QName values): its verdicts are not cached */
  scoped: boolean;
}

interface RType {
  name: string;
  abstract: boolean;
  base: RType | undefined;
  /** simple type checker, or undefined for complex types */
  simple: Check | undefined;
  /** ID-ness of a simple type (libxml2 registers IDs of attributes only, so elements of such types are not handled) */
  simpleId: IdKind;
  content: ComplexTypeData['content'];
  states: RState[];
  /** attribute uses by local name (no namespace) or Clark name */
  attrs: Map<string, RAttr>;
  /**
   * hints[i]: the use the i-th attribute of the last element of this type had (elements of a
   * type write their attributes in the same order): compared by name before the Map lookup.
   */
  hints: (RAttr | undefined)[];
  required: number;
  anyAttr: RWild | undefined;
}

interface RElem {
  local: string;
  type: RType;
  fixed: string | undefined;
  dflt: string | undefined;
}

interface Runtime {
  /** the schema's namespace strings, one object each (edges hold these objects) */
  nsCanon: Map<string, string>;
  globals: Map<string, RElem>;
  /** named types: namespace → local name → type */
  typesByNs: Map<string, Map<string, RType>>;
  globalAttrs: Map<string, Check>;
  anyType: RType;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const linked = new WeakMap<CompiledSchema, Runtime>();

/** QName and NOTATION values depend on the element's namespaces: their checks are not memoised. */
function usesScope(d: SimpleDef): boolean {
  switch (d.kind) {
    case 'builtin': return d.name === 'QName' || d.name === 'NOTATION';
    case 'restriction': return usesScope(d.base);
    case 'list': return usesScope(d.item);
    case 'union': return d.members.some(usesScope);
  }
}

/**
 * Checks dearer than the memo's Map lookup (which hashes the value and compares it with the key
 * it finds): patterns, unions, lists, built-ins other than plain strings. Enumerations are
 * compiled to a Set lookup already, and length facets on strings to a length test.
 */
function worthMemo(d: SimpleDef): boolean {
  switch (d.kind) {
    case 'builtin': return !['string', 'normalizedString', 'token', 'anySimpleType'].includes(d.name);
    case 'restriction':
      if (d.facets.enumeration !== undefined) return false;
      return d.facets.pattern !== undefined || worthMemo(d.base);
    case 'list':
    case 'union': return true;
  }
}

const MEMO_MAX = 2048;
const MEMO_LEN = 64;
/** attribute positions with a use hint per type */
const MAX_HINTS = 16;

/**
 * Documents repeat their attribute values (code systems, codes, units, OIDs): a bounded memo
 * of short values per checker saves the normalisation and regular expressions.
 */
function memoCheck(memo: Memo, raw: string): boolean {
  if (raw.length > MEMO_LEN) return memo.check(raw);
  const have = memo.map.get(raw);
  return have !== undefined ? have : memoMiss(memo, raw);
}

function memoMiss(memo: Memo, raw: string): boolean {
  const r = memo.check(raw);
  if (memo.map.size >= MEMO_MAX) memo.map = new Map();
  // copied: a slice of the document as a key would keep the whole document alive
  memo.map.set(detached(raw), r);
  return r;
}

/** the value (after the type's whiteSpace) is in a literal enumeration; raw itself was not */
function inSetNormalised(use: RAttr, raw: string): boolean {
  const n = normaliseSpace(raw, use.ws);
  return n !== raw && use.set!.has(n);
}

function link(s: CompiledSchema, planOf: SimplePlanner): Runtime {
  const have = linked.get(s);
  if (have) return have;
  interface Linked { plan: Plan; memo: Memo | undefined; check: Check }
  const checkers = new Map<SimpleDef, Linked>();
  const linkedOf = (d: SimpleDef): Linked => {
    let c = checkers.get(d);
    if (c === undefined) {
      const plan = planOf(d);
      const memo = plan.always || plan.set !== undefined || usesScope(d) || !worthMemo(d) ? undefined : { map: new Map<string, boolean>(), check: plan.check };
      c = { plan, memo, check: memo === undefined ? plan.check : (raw) => memoCheck(memo, raw) };
      checkers.set(d, c);
    }
    return c;
  };
  const checkerOf = (d: SimpleDef): Check => linkedOf(d).check;
  const types: RType[] = s.types.map((t, i) => ({
    name: t.name ?? `#${i}`, abstract: t.kind === 'complex' && t.abstract, base: undefined, simple: undefined, simpleId: 0,
    content: t.kind === 'complex' ? t.content : 'empty', states: [], attrs: new Map(), hints: [], required: 0, anyAttr: undefined,
  }));
  const elems: RElem[] = s.elements.map((e) => ({ local: e.local, type: types[e.type]!, fixed: e.fixed, dflt: e.default }));
  const nsCanon = new Map<string, string>();
  const canonical = (ns: string): string => {
    const have = nsCanon.get(ns);
    if (have !== undefined) return have;
    nsCanon.set(ns, ns);
    return ns;
  };
  s.types.forEach((t, i) => {
    const r = types[i]!;
    if (t.kind === 'simple') {
      r.simple = checkerOf(t.def);
      r.simpleId = idKindOf(t.def);
      return;
    }
    if (t.base !== undefined) r.base = types[t.base];
    if (t.anyAttr) r.anyAttr = t.anyAttr;
    for (const a of t.attrs) {
      const st = s.types[a.type]!;
      if (st.kind !== 'simple') throw new Error('attribute of complex type');
      const l = linkedOf(st.def);
      const check = l.check;
      const mode = l.plan.always ? ALWAYS : l.plan.set !== undefined ? IN_SET : l.memo !== undefined ? MEMO : CALL;
      r.attrs.set(clark(a.ns, a.local), {
        local: a.local, ns: canonical(a.ns), check, mode, set: l.plan.set, ws: l.plan.ws, memo: l.memo,
        id: idKindOf(st.def), required: a.required, fixed: a.fixed,
        fixedOk: a.fixed !== undefined && !usesScope(st.def) && check(a.fixed), scoped: usesScope(st.def),
      });
      if (a.required) r.required++;
    }
    for (const k of t.prohibited ?? []) {
      if (r.attrs.has(k)) continue;
      const m = /^(?:\{([^}]*)\})?(.*)$/.exec(k)!;
      r.attrs.set(k, { local: m[2]!, ns: canonical(m[1] ?? ''), check: () => false, mode: CALL, set: undefined, ws: 'preserve', memo: undefined, id: 0, required: false, fixed: undefined, fixedOk: false, scoped: true });
    }
    r.states = t.states.map((st) => {
      const byLocal = new Map<string, REdge>();
      for (const e of st.edges) byLocal.set(e.local, { ns: canonical(e.ns), local: e.local, elem: elems[e.elem]!, to: e.to, alt: byLocal.get(e.local) });
      const w = st.wild[0];
      return { final: st.final, byLocal, wild: w ? { wc: w.wc, to: w.to } : undefined, hint: undefined };
    });
  });
  const rt: Runtime = {
    nsCanon,
    globals: new Map(Object.entries(s.globals).map(([k, i]) => [k, elems[i]!])),
    typesByNs: new Map(),
    globalAttrs: new Map(Object.entries(s.globalAttrs).map(([k, i]) => {
      const t = s.types[i]!;
      if (t.kind !== 'simple' || idKindOf(t.def) !== 0) return [k, () => false];
      const check = checkerOf(t.def);
      const fixed = s.globalAttrFixed[k];
      return [k, fixed === undefined ? check : (v: string, sc?: ReadonlyMap<string, string>) => v === fixed && check(v, sc)];
    })),
    anyType: types[0]!,
  };
  for (const [k, i] of Object.entries(s.typeNames)) {
    const m = /^(?:\{([^}]*)\})?(.*)$/.exec(k)!;
    const ns = m[1] ?? '';
    let byLocal = rt.typesByNs.get(ns);
    if (byLocal === undefined) rt.typesByNs.set(ns, (byLocal = new Map()));
    byLocal.set(m[2]!, types[i]!);
  }
  linked.set(s, rt);
  return rt;
}

// ---------------------------------------------------------------------------- the walk

let rt: Runtime;
/** the last document namespace string seen and its schema object (documents share one object per namespace) */
let lastNs: string | undefined;
let lastCanon = '';

/** A document namespace as the schema's string object, so edge tests compare pointers. */
function canonNs(ns: string): string {
  if (ns === lastNs) return lastCanon;
  lastNs = ns;
  lastCanon = rt.nsCanon.get(ns) ?? ns;
  return lastCanon;
}
let failReason = '';
let failAt: JElement | undefined;
/** ID values seen and IDREF values to resolve, per document (allocated on first use) */
let ids: Set<string> | undefined;
let refs: string[] | undefined;

function trimXml(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

function noteId(kind: IdKind, value: string, el: JElement): boolean {
  if (kind === 4) return fail('an ID-typed list or union', el);
  const v = trimXml(value);
  if (kind === 1) {
    ids ??= new Set();
    if (ids.has(v)) return fail(`duplicate ID ${v}`, el);
    ids.add(v);
  } else if (kind === 2) (refs ??= []).push(v);
  else for (const r of v.split(/[ \t\r\n]+/)) (refs ??= []).push(r);
  return true;
}

function fail(reason: string, el: JElement): false {
  failReason = reason;
  failAt = el;
  return false;
}

const NOT_BLANK = /[^ \t\n\r]/;

/**
 * White-space chunks proven blank, by length (indentation repeats: the scanner even hands out
 * one string object per indentation). A cache of what NOT_BLANK said: a hit is a string equal
 * to a blank one. Entries are copies (detached): a slice of a document would keep it alive.
 */
const blankByLength: (string | undefined)[] = new Array<string | undefined>(64).fill(undefined);

/**
 * Only XML white space. A RegExp, not a charCodeAt loop: the chunks are slices of a two-byte
 * text and irregexp scans their backing store directly (measured 2-4x faster on our chunks).
 */
function isBlank(s: string): boolean {
  const k = s.length & 63;
  if (blankByLength[k] === s) return true;
  if (NOT_BLANK.test(s)) return false;
  if (s.length <= 256) blankByLength[k] = detached(s);
  return true;
}

/**
 * The source may hold CDATA sections: libxml2 refuses a CDATA section in element-only content
 * even when it is white space, and the tree does not say which text came from CDATA.
 */
let cdataPossible = true;

/** Character children of el (not of its children) are all white space (and not CDATA). */
function ownTextBlank(el: JElement): boolean {
  if (el.textEnd === el.textStart) return true;
  // JElement.chunks: the document's text chunks, public since a824f0e (xsdjs read a private field before)
  const ch = el.chunks;
  let pos = el.textStart;
  const children = el.children;
  for (let k = 0; k < children.length; k++) {
    const c = children[k]!;
    if (!blankRange(ch, pos, c.textStart)) return false;
    pos = c.textEnd;
  }
  return blankRange(ch, pos, el.textEnd);
}

function blankRange(ch: readonly string[], from: number, to: number): boolean {
  if (from === to) return true;
  if (cdataPossible) return false;
  for (let i = from; i < to; i++) if (!isBlank(ch[i]!)) return false;
  return true;
}

/**
 * The type an xsi:type value names, via the element's in-scope namespaces. Only names of the
 * schema's types are found, so a value with white space or a bad prefix finds nothing (and the
 * caller says not sure).
 */
function xsiType(el: JElement, value: string): RType | undefined {
  const i = value.indexOf(':');
  if (i === -1) {
    // unprefixed (the usual case): the default namespace's types, looked up once per scope object
    const scope = el.scope;
    if (scope !== defaultScope) {
      defaultScope = scope;
      defaultTypes = rt.typesByNs.get(scope.get('') ?? '');
    }
    return defaultTypes?.get(value);
  }
  const ns = el.scope.get(value.slice(0, i));
  if (ns === undefined) return undefined;
  return rt.typesByNs.get(ns)?.get(value.slice(i + 1));
}

/** the scope object of the last unprefixed xsi:type and its default namespace's named types */
let defaultScope: ReadonlyMap<string, string> | undefined;
let defaultTypes: Map<string, RType> | undefined;

function derivedFrom(t: RType, d: RType): boolean {
  for (let c: RType | undefined = t; c !== undefined; c = c.base) if (c === d) return true;
  return false;
}

/**
 * xsi:schemaLocation / xsi:noNamespaceSchemaLocation: libxml2 validating against a given schema
 * ignores them whatever their value or place (tested differentially), so they are skipped.
 */
function isLocationHint(local: string): boolean {
  return local === 'schemaLocation' || local === 'noNamespaceSchemaLocation';
}

/**
 * The type an element's xsi:type names: null when it has none, undefined when the fast path
 * cannot vouch for its xsi attributes (fail() has said why).
 */
function xsiTypeOf(el: JElement): RType | null | undefined {
  let type: RType | null = null;
  const attrs = el.attrs;
  // every xsi attribute is looked at: an xsi:nil after the xsi:type is still refused
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.ns !== XSI || isLocationHint(a.local)) continue;
    if (a.local !== 'type') return void fail(`xsi:${a.local} is not handled by the fast path`, el);
    const t = xsiType(el, a.value);
    if (t === undefined) return void fail(`xsi:type ${a.value} does not name a type of the schema`, el);
    type = t;
    xsiName = a.value;
  }
  return type;
}

/** the value of the xsi:type xsiTypeOf found last (for the reasons) */
let xsiName = '';

/** An element with a declaration. */
function element(el: JElement, decl: RElem): boolean {
  const declared = decl.type;
  const t = xsiTypeOf(el);
  if (t === undefined) return false;
  if (t !== null && t !== declared) {
    const name = xsiName;
    if (declared.simple !== undefined || t.simple !== undefined) return fail(`xsi:type ${name} on a simple-typed element`, el);
    if (!derivedFrom(t, declared)) return fail(`xsi:type ${name} is not derived from ${declared.name}`, el);
  }
  return typed(el, t ?? declared, decl);
}

/** An element under a lax wildcard with no global declaration: its xsi:type, else xs:anyType. */
function laxElement(el: JElement): boolean {
  const t = xsiTypeOf(el);
  if (t === undefined) return false;
  return typed(el, t ?? rt.anyType, undefined);
}

function wildChild(el: JElement, process: RWild['process']): boolean {
  if (process === 'skip') return true;
  const g = rt.globals.get(clark(el.ns, el.local));
  if (g !== undefined) return element(el, g);
  if (process === 'strict') return fail(`no global declaration of ${el.local} for a strict wildcard`, el);
  return laxElement(el);
}

function typed(el: JElement, type: RType, decl: RElem | undefined): boolean {
  if (type.abstract) return fail(`type ${type.name} is abstract`, el);
  const simple = type.simple;
  if (simple !== undefined) {
    for (const a of el.attrs) if (a.ns !== XSI) return fail(`attribute ${a.local} on a simple-typed element`, el);
    if (el.children.length > 0) return fail('child element in simple content', el);
    // text split by comments or PIs: how libxml2 joins the pieces is not modelled
    if (el.textEnd - el.textStart > 1) return fail('simple content in more than one text node', el);
    let text = el.content;
    if (decl !== undefined) {
      if (decl.fixed !== undefined) {
        if (text === '') text = decl.fixed;
        else if (text !== decl.fixed) return fail('value differs from the fixed value', el);
      } else if (text === '' && decl.dflt !== undefined) text = decl.dflt;
    }
    if (!simple(text, el.scope)) return fail(`value ${JSON.stringify(text.slice(0, 40))} not accepted for ${type.name}`, el);
    if (type.simpleId !== 0) return fail('an element of an ID type', el);
    return true;
  }
  // attributes
  let required = 0;
  const attrs = el.attrs;
  const hints = type.hints;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    const ans = a.ns;
    if (ans === XSI) continue; // xsi:type, checked by the caller
    let use = i < hints.length ? hints[i] : undefined;
    if (use === undefined || use.local !== a.local || use.ns !== (ans === '' ? '' : canonNs(ans))) {
      use = type.attrs.get(ans === '' ? a.local : clark(ans, a.local));
      if (use !== undefined && i < MAX_HINTS) hints[i] = use;
    }
    if (use !== undefined) {
      const v = a.value;
      if (use.fixed !== undefined && !use.scoped) {
        // the one value that can pass was checked at link time (the reasons stay as they were)
        if (v !== use.fixed) return fail(use.check(v) ? `attribute ${a.local} differs from its fixed value` : `attribute ${a.local}="${v.slice(0, 40)}" not accepted`, el);
        if (!use.fixedOk) return fail(`attribute ${a.local}="${v.slice(0, 40)}" not accepted`, el);
      } else {
        // the common checks inline (a call through this site would see dozens of closures)
        const mode = use.mode;
        const ok = mode === ALWAYS ? true
          : mode === IN_SET ? use.set!.has(v) || inSetNormalised(use, v)
          : mode === MEMO ? memoCheck(use.memo!, v)
          : use.check(v, el.scope);
        if (!ok) return fail(`attribute ${a.local}="${v.slice(0, 40)}" not accepted`, el);
        if (use.fixed !== undefined && v !== use.fixed) return fail(`attribute ${a.local} differs from its fixed value`, el);
      }
      if (use.id !== 0 && !noteId(use.id, v, el)) return false;
      if (use.required) required++;
      continue;
    }
    const w = type.anyAttr;
    if (w === undefined || !allows(w.ns, a.ns)) return fail(`attribute ${a.local} not allowed`, el);
    // xml:id is an ID to libxml2's parser (document-wide uniqueness we do not see): never accepted
    if (a.ns === XML_NS) return fail(`attribute xml:${a.local} is not handled by the fast path`, el);
    if (w.process === 'skip') continue;
    const g = rt.globalAttrs.get(clark(a.ns, a.local));
    if (g !== undefined) {
      if (!g(a.value, el.scope)) return fail(`attribute ${a.local} not accepted`, el);
    } else if (w.process === 'strict') return fail(`attribute ${a.local}: no global declaration for a strict wildcard`, el);
  }
  if (required !== type.required) return fail('a required attribute is missing', el);
  // character content
  if (type.content === 'empty') {
    if (el.children.length > 0 || el.textEnd !== el.textStart) return fail('content in an element of empty content', el);
    return true;
  }
  if (type.content === 'element' && !ownTextBlank(el)) return fail(cdataPossible ? 'text in element-only content (or the source has CDATA sections or was not given)' : 'text in element-only content', el);
  // children
  const states = type.states;
  let s = states[0]!;
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    const local = c.local;
    const ns = canonNs(c.ns);
    let e = s.hint;
    if (e === undefined || e.local !== local || e.ns !== ns) {
      e = s.byLocal.get(local);
      while (e !== undefined && e.ns !== ns) e = e.alt;
      if (e !== undefined) s.hint = e;
    }
    if (e !== undefined) {
      if (!element(c, e.elem)) return false;
      s = states[e.to]!;
      continue;
    }
    const w = s.wild;
    if (w !== undefined && allows(w.wc.ns, c.ns)) {
      if (!wildChild(c, w.wc.process)) return false;
      s = states[w.to]!;
      continue;
    }
    return fail(`element ${c.local} not expected here`, c);
  }
  if (!s.final) return fail('content incomplete (a required child is missing)', el);
  return true;
}

function xpathOf(el: JElement): string {
  const steps: string[] = [];
  for (let e: JElement | null = el; e !== null; e = e.parent) steps.push(e.parent === null ? e.local : `${e.local}[${e.index}]`);
  return `/${steps.reverse().join('/')}`;
}

/** The walk (index.ts's acceptsTree wires simple.ts's simplePlan in). */
export function accepts(schema: CompiledSchema, root: JElement, planOf: SimplePlanner, source?: string): Acceptance {
  rt = link(schema, planOf);
  lastNs = undefined;
  defaultScope = undefined;
  // indexOf of '[CDATA[' is several times faster than of '<![CDATA[' (V8 string search); any hit counts
  cdataPossible = source === undefined || source.indexOf('[CDATA[') !== -1;
  const decl = rt.globals.get(clark(root.ns, root.local));
  if (decl === undefined) return { valid: false, reason: `no global declaration of ${root.local}`, xpath: xpathOf(root) };
  failReason = '';
  failAt = undefined;
  ids = undefined;
  refs = undefined;
  let ok: boolean;
  try {
    ok = element(root, decl);
    // IDREFs must name an ID of the document (stricter than needed if libxml2 does not check: then only slower)
    // (the walk fills them: re-read through a cast, TypeScript narrowed them to undefined above)
    const seen = ids as Set<string> | undefined;
    const pending = refs as string[] | undefined;
    if (ok && pending !== undefined) {
      for (const r of pending) {
        if (seen === undefined || !seen.has(r)) {
          ok = fail(`IDREF ${r} names no ID`, root);
          break;
        }
      }
    }
  } catch (err) {
    // a checker that throws, or recursion too deep: not sure
    return { valid: false, reason: `fast path error: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (ok) return { valid: true };
  const out: Acceptance = { valid: false, reason: failReason };
  if (failAt !== undefined) out.xpath = xpathOf(failAt);
  return out;
}
