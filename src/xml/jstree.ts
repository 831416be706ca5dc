import { XmlCData, XmlElement, XmlEntityReference, XmlText, type XmlDocument } from 'libxml2-wasm';
import { NS, prefixOf } from './ns.js';
import { scanTrusted } from './wellformed.js';
import { parseCatalogPath, type AttrName, type QName, type RelPath } from './path-grammar.js';

/**
 * A read-only JavaScript tree of a parsed document for the content layers: built once per
 * file, then every catalogue path is evaluated on it without crossing into libxml2-wasm (each
 * XPath call built a context and wrapped every node it returned: most of the layers' time).
 *
 * The tree is built by src/xml/wellformed.ts's scanner: scanChecked proves the text well-formed
 * while building it (the fast path, no libxml2 parse), scanTree reads text libxml2 already
 * accepted. What the layers read matches libxml2 exactly: element line = the line of the start tag's closing
 * '>' as libxml2 records it (LF counted, capped at 65535), text content with CDATA, character
 * and predefined entity references, CR/CRLF → LF, attribute values normalised (TAB/CR/LF →
 * space). A document with a DOCTYPE (entity references, DTD-typed attributes) is taken from the
 * libxml2 DOM instead, in one traversal.
 */

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const BASE_SCOPE: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);
const NO_ATTRS = Object.freeze([]) as unknown as JAttr[];
const NO_CHILDREN = Object.freeze([]) as unknown as JElement[];

export interface JAttr {
  readonly local: string;
  /** namespace URI, '' for none */
  readonly ns: string;
  readonly value: string;
  readonly parent: JElement;
}

export class JElement {
  /**
   * Read-only to every consumer. Assigned once by the builder (the scanner makes each at its
   * exact size; elements without attributes or children share a frozen empty array, so a push
   * throws instead of changing other elements).
   */
  attrs: JAttr[] = NO_ATTRS;
  children: JElement[] = NO_CHILDREN;
  /** 1-based position among the parent's children of the same name and namespace */
  index = 1;
  /** [start, end) into the document's text chunks (DocumentText.list) */
  textStart = 0;
  textEnd = 0;
  /**
   * In-scope namespace declarations (prefix → URI, '' = default) at this element, for QName
   * values such as xsi:type. Shared with the parent when the element declares none.
   */
  scope: ReadonlyMap<string, string> = BASE_SCOPE;
  /**
   * The root's elements in document order, once computed (elementsInOrder). Kept on the tree,
   * not in a WeakMap keyed by the root: V8's scavenger keeps a WeakMap value alive while its
   * key is young, so every document's whole tree outlived the scavenges and was promoted — the
   * validator spent a fifth of its time in the garbage collector (1000 documents: 0.98 s → 0.64 s).
   */
  ordered: readonly JElement[] | undefined = undefined;
  private cached: string | undefined;

  constructor(
    readonly local: string,
    readonly ns: string,
    readonly line: number,
    readonly parent: JElement | null,
    private readonly text: DocumentText,
  ) {}

  /** An attribute without namespace (libxml2's attr(name)), or one in a namespace. An indexed loop: the layers ask it for most elements of a document. */
  attr(local: string, ns = ''): JAttr | undefined {
    const as = this.attrs;
    for (let i = 0; i < as.length; i++) {
      const a = as[i]!;
      if (a.local === local && a.ns === ns) return a;
    }
    return undefined;
  }

  /**
   * The document's text chunks (text runs and CDATA sections in document order, shared by all
   * its elements): [textStart, textEnd) are this element's descendant text. Read-only.
   */
  get chunks(): readonly string[] {
    return this.text.list;
  }

  /** XPath string-value: all descendant text in document order. */
  get content(): string {
    if (this.cached === undefined) {
      const chunks = this.text.list;
      this.cached = this.textEnd - this.textStart === 1 ? chunks[this.textStart]! : chunks.slice(this.textStart, this.textEnd).join('');
    }
    return this.cached;
  }
}

/**
 * The text chunks of one document (text runs and CDATA sections in document order), shared by
 * all its elements: the scanner collects them in a buffer of its own and sets `list` once, at
 * its exact size, when the document is done.
 */
export interface DocumentText {
  list: string[];
}

export type JSelected = JElement | JAttr;

export function isElement(n: JSelected): n is JElement {
  return n instanceof JElement;
}

// ----------------------------------------------------------------------------------- build

/** The tree of a document libxml2 parsed from `text` (doc is used only when the text has a DOCTYPE). */
export function buildTree(text: string, doc: XmlDocument): JElement {
  if (/<!DOCTYPE/.test(text)) return treeFromDom(doc);
  return scanTree(text);
}

/**
 * The tree of well-formed text without a DOCTYPE (libxml2 must have accepted it first): the
 * one scanner of src/xml/wellformed.ts in trusted mode (scanChecked is its proving mode).
 */
export function scanTree(text: string): JElement {
  return scanTrusted(text);
}

/** The tree by one traversal of the libxml2 DOM (documents with a DOCTYPE). */
export function treeFromDom(doc: XmlDocument): JElement {
  const chunks: string[] = [];
  const text: DocumentText = { list: chunks };
  const visit = (src: XmlElement, parent: JElement | null): JElement => {
    const el = new JElement(src.name, src.namespaceUri ?? '', src.line, parent, text);
    const decl = src.nsDeclarations;
    const prefixes = Object.keys(decl);
    if (prefixes.length > 0) {
      const own = new Map(parent?.scope ?? BASE_SCOPE);
      for (const p of prefixes) own.set(p, decl[p]!);
      el.scope = own;
    } else if (parent) el.scope = parent.scope;
    const attrs: JAttr[] = [];
    for (const a of src.attrs) attrs.push({ local: a.name, ns: a.namespaceUri ?? '', value: a.value, parent: el });
    if (attrs.length > 0) el.attrs = attrs;
    el.textStart = chunks.length;
    const children: JElement[] = [];
    const counts = new Map<string, number>();
    for (let c = src.firstChild; c !== null; c = c.next) {
      if (c instanceof XmlElement) {
        const kid = visit(c, el);
        const key = `${kid.ns} ${kid.local}`;
        kid.index = (counts.get(key) ?? 0) + 1;
        counts.set(key, kid.index);
        children.push(kid);
      } else if (c instanceof XmlText || c instanceof XmlCData || c instanceof XmlEntityReference) {
        chunks.push(c.content);
      }
    }
    el.textEnd = chunks.length;
    if (children.length > 0) el.children = children;
    return el;
  };
  return visit(doc.root, null);
}

// ------------------------------------------------------------------------------- evaluate

const PREFIX_NS = NS as Record<string, string>;

function nsOf(prefix: string | undefined): string {
  return prefix === undefined ? '' : PREFIX_NS[prefix] ?? '';
}

/** Child elements with a local name in a namespace (hl7 by default). */
export function kids(el: JElement, local: string, ns: string = NS.hl7): JElement[] {
  const out: JElement[] = [];
  const cs = el.children;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c.local === local && c.ns === ns) out.push(c);
  }
  return out;
}

/** The first child element with a local name in a namespace (hl7 by default): kids(...)[0] without the array. */
export function firstKid(el: JElement | undefined, local: string, ns: string = NS.hl7): JElement | undefined {
  if (!el) return undefined;
  const cs = el.children;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c.local === local && c.ns === ns) return c;
  }
  return undefined;
}

/** An element or attribute name with its namespace URI resolved ('' for none). */
interface Name {
  readonly local: string;
  readonly ns: string;
}

interface CompiledPredicate {
  readonly steps: readonly Name[];
  readonly attribute: Name | undefined;
  readonly value: string;
}

interface CompiledStep extends Name {
  readonly predicates: readonly CompiledPredicate[];
  /** interned id of the path prefix ending with this step (equal prefixes, equal ids) */
  readonly prefixId: number;
}

/**
 * A catalogue path parsed and resolved once (namespace URIs looked up, predicates flattened):
 * evaluation then walks the tree without re-reading the path. Compiled paths are cached by
 * their text, so a catalogue that is mutated or reloaded can never meet a stale one: another
 * text is another entry.
 */
export interface CompiledPath {
  readonly source: string;
  readonly steps: readonly CompiledStep[];
  readonly attribute: Name | undefined;
}

const compiledPaths = new Map<string, CompiledPath>();
const prefixIds = new Map<string, number>();
// ids only grow: after the caches are cleared, a path compiled before never shares an id with another prefix
let nextPrefixId = 0;

function name(local: string, prefix: string | undefined): Name {
  return { local, ns: nsOf(prefix) };
}

function relKey(steps: readonly Name[], a: Name | undefined): string {
  let k = '';
  for (const s of steps) k += `{${s.ns}}${s.local}/`;
  return a ? `${k}@{${a.ns}}${a.local}` : k;
}

/** The compiled form of a catalogue path (throws CatalogPathError on a malformed one, as parseCatalogPath). */
export function compilePath(path: string): CompiledPath {
  const hit = compiledPaths.get(path);
  if (hit) return hit;
  const p = parseCatalogPath(path);
  let key = '';
  const steps: CompiledStep[] = p.steps.map((s) => {
    const predicates = s.predicates.map((pr): CompiledPredicate => ({
      steps: pr.rel.steps.map((q) => name(q.local, q.prefix)),
      attribute: pr.rel.attribute ? name(pr.rel.attribute.local, pr.rel.attribute.prefix) : undefined,
      value: pr.value,
    }));
    // the key must tell apart exactly what evaluation tells apart: names, predicates, literals
    key += `/{${nsOf(s.prefix)}}${s.local}`;
    for (const pr of predicates) key += `[${relKey(pr.steps, pr.attribute)}=${JSON.stringify(pr.value)}]`;
    let id = prefixIds.get(key);
    if (id === undefined) {
      id = nextPrefixId++;
      prefixIds.set(key, id);
    }
    return { local: s.local, ns: nsOf(s.prefix), predicates, prefixId: id };
  });
  const c: CompiledPath = { source: path, steps, attribute: p.attribute ? name(p.attribute.local, p.attribute.prefix) : undefined };
  if (compiledPaths.size > 10_000) {
    compiledPaths.clear();
    prefixIds.clear();
  }
  compiledPaths.set(path, c);
  return c;
}

/** The attribute of `el` with a compiled name (a path's final @attribute). */
export function attrNamed(el: JElement, a: Name): JAttr | undefined {
  return el.attr(a.local, a.ns);
}

/** Whether some node the predicate's relative path selects from `el` has the literal as value. */
function relMatches(el: JElement, steps: readonly Name[], i: number, a: Name | undefined, value: string): boolean {
  if (i === steps.length) return a ? attrNamed(el, a)?.value === value : el.content === value;
  const s = steps[i]!;
  const cs = el.children;
  for (let k = 0; k < cs.length; k++) {
    const c = cs[k]!;
    if (c.local === s.local && c.ns === s.ns && relMatches(c, steps, i + 1, a, value)) return true;
  }
  return false;
}

/** Whether `el` satisfies every predicate of a compiled step. */
export function passesPredicates(el: JElement, preds: readonly CompiledPredicate[]): boolean {
  for (let i = 0; i < preds.length; i++) {
    const pr = preds[i]!;
    if (!relMatches(el, pr.steps, 0, pr.attribute, pr.value)) return false;
  }
  return true;
}

/** Children of every context (in order) that a step selects, appended to `out`. */
export function stepInto(from: readonly JElement[], s: CompiledStep, out: JElement[]): JElement[] {
  const local = s.local;
  // after the first match, the tree's own string for the namespace: its siblings share that very
  // string, so the comparison is by identity (same result: === compares content)
  let ns = s.ns;
  const preds = s.predicates;
  for (let j = 0; j < from.length; j++) {
    const cs = from[j]!.children;
    for (let k = 0; k < cs.length; k++) {
      const c = cs[k]!;
      if (c.local !== local || c.ns !== ns) continue;
      ns = c.ns;
      if (preds.length === 0 || passesPredicates(c, preds)) out.push(c);
    }
  }
  return out;
}

function finish(cur: readonly JElement[], a: Name | undefined, last: CompiledStep | undefined, ctx: JElement): JSelected[] {
  if (!a) return last === undefined ? [ctx] : (cur as JElement[]);
  const out: JAttr[] = [];
  for (let j = 0; j < cur.length; j++) {
    const at = attrNamed(cur[j]!, a);
    if (at) out.push(at);
  }
  return out;
}

/** Nodes a compiled catalogue path selects from a context element, in document order (as libxml2's XPath). */
export function selectCompiled(ctx: JElement, p: CompiledPath): JSelected[] {
  const steps = p.steps;
  let cur: JElement[] = [ctx];
  for (let i = 0; i < steps.length; i++) {
    cur = stepInto(cur, steps[i]!, []);
    if (cur.length === 0) break;
  }
  return finish(cur, p.attribute, steps[steps.length - 1], ctx);
}

/** Nodes a catalogue path selects from a context element, in document order (as libxml2's XPath). */
export function selectJ(ctx: JElement, catalogPath: string): JSelected[] {
  return selectCompiled(ctx, compilePath(catalogPath));
}

/**
 * Many paths from one context element (a template's header entries from the root, a section's
 * entries from the section): the nodes of each path prefix are computed once and shared by every
 * path that starts with it (hl7:recordTarget/hl7:patientRole for a score of header entries).
 * Same nodes, same order as selectJ: a step's result depends only on the prefix's nodes.
 */
export class PathSelector {
  // made on the first path of two or more steps: many contexts see one short path or none
  private memo: Map<number, JElement[]> | undefined;

  constructor(readonly ctx: JElement) {}

  select(path: string | CompiledPath): JSelected[] {
    const p = typeof path === 'string' ? compilePath(path) : path;
    const steps = p.steps;
    const n = steps.length;
    if (n === 0) return finish([this.ctx], p.attribute, undefined, this.ctx);
    // the longest memoised prefix short of the whole path (the last step always gives a fresh array: callers own results)
    let i = n - 1;
    let cur: JElement[] | undefined;
    const memo = n > 1 ? (this.memo ??= new Map()) : undefined;
    if (memo !== undefined) while (i > 0 && (cur = memo.get(steps[i - 1]!.prefixId)) === undefined) i--;
    else i = 0;
    if (i === 0) cur = [this.ctx];
    for (; i < n; i++) {
      if (cur!.length === 0) return [];
      const next = stepInto(cur!, steps[i]!, []);
      if (i < n - 1) memo!.set(steps[i]!.prefixId, next);
      cur = next;
    }
    return finish(cur!, p.attribute, steps[n - 1], this.ctx);
  }
}

export function elementsJ(nodes: JSelected[]): JElement[] {
  return nodes.filter(isElement);
}

/** Value of a selected node: an attribute's value or an element's text content. */
export function valueOfJ(n: JSelected): string {
  return n instanceof JElement ? n.content : n.value;
}

/** Source line of a node for a finding (an attribute reports its element's line); undefined when unknown. */
export function lineOfJ(n: JSelected): number | undefined {
  const el = n instanceof JElement ? n : n.parent;
  return el.line > 0 ? el.line : undefined;
}

/** Every element in document order (the root first). */
export function* descendantsJ(root: JElement): Generator<JElement> {
  yield* elementsInOrder(root);
}

/**
 * Every element under `root` in document order (the root first), as an array computed once per
 * root: the tree is read-only once built, and several layers walk the whole document.
 */
export function elementsInOrder(root: JElement): readonly JElement[] {
  let list = root.ordered;
  if (list === undefined) {
    // an explicit stack: a hostile document may nest deeper than the call stack
    const out: JElement[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const el = stack.pop()!;
      out.push(el);
      for (let k = el.children.length - 1; k >= 0; k--) stack.push(el.children[k]!);
    }
    list = out;
    root.ordered = list;
  }
  return list;
}

function nameTest(local: string, uri: string): string {
  if (!uri) return local;
  const p = prefixOf(uri);
  return p ? `${p}:${local}` : `*[local-name()='${local}' and namespace-uri()='${uri}']`;
}

/** Absolute, indexed XPath of a node, written exactly as src/xml/path.ts xpathOf writes it. */
export function xpathOfJ(n: JSelected): string {
  let suffix = '';
  let el: JElement | null;
  if (n instanceof JElement) {
    el = n;
  } else {
    const p = n.ns ? prefixOf(n.ns) : undefined;
    suffix = n.ns ? (p ? `/@${p}:${n.local}` : `/@*[local-name()='${n.local}' and namespace-uri()='${n.ns}']`) : `/@${n.local}`;
    el = n.parent;
  }
  const parts: string[] = [];
  for (; el !== null; el = el.parent) {
    const test = nameTest(el.local, el.ns);
    parts.push(el.parent === null ? test : `${test}[${el.index}]`);
  }
  return '/' + parts.reverse().join('/') + suffix;
}
