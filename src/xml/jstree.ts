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

export interface JAttr {
  readonly local: string;
  /** namespace URI, '' for none */
  readonly ns: string;
  readonly value: string;
  readonly parent: JElement;
}

export class JElement {
  readonly attrs: JAttr[] = [];
  readonly children: JElement[] = [];
  /** 1-based position among the parent's children of the same name and namespace */
  index = 1;
  /** [start, end) into the document's text chunks */
  textStart = 0;
  textEnd = 0;
  /**
   * In-scope namespace declarations (prefix → URI, '' = default) at this element, for QName
   * values such as xsi:type. Shared with the parent when the element declares none.
   */
  scope: ReadonlyMap<string, string> = BASE_SCOPE;
  private cached: string | undefined;

  constructor(
    readonly local: string,
    readonly ns: string,
    readonly line: number,
    readonly parent: JElement | null,
    private readonly chunks: string[],
  ) {}

  /** An attribute without namespace (libxml2's attr(name)), or one in a namespace. */
  attr(local: string, ns = ''): JAttr | undefined {
    for (const a of this.attrs) if (a.local === local && a.ns === ns) return a;
    return undefined;
  }

  /** XPath string-value: all descendant text in document order. */
  get content(): string {
    if (this.cached === undefined) {
      this.cached = this.textEnd - this.textStart === 1 ? this.chunks[this.textStart]! : this.chunks.slice(this.textStart, this.textEnd).join('');
    }
    return this.cached;
  }
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
  const visit = (src: XmlElement, parent: JElement | null): JElement => {
    const el = new JElement(src.name, src.namespaceUri ?? '', src.line, parent, chunks);
    const decl = src.nsDeclarations;
    const prefixes = Object.keys(decl);
    if (prefixes.length > 0) {
      const own = new Map(parent?.scope ?? BASE_SCOPE);
      for (const p of prefixes) own.set(p, decl[p]!);
      el.scope = own;
    } else if (parent) el.scope = parent.scope;
    for (const a of src.attrs) el.attrs.push({ local: a.name, ns: a.namespaceUri ?? '', value: a.value, parent: el });
    el.textStart = chunks.length;
    const counts = new Map<string, number>();
    for (let c = src.firstChild; c !== null; c = c.next) {
      if (c instanceof XmlElement) {
        const kid = visit(c, el);
        const key = `${kid.ns} ${kid.local}`;
        kid.index = (counts.get(key) ?? 0) + 1;
        counts.set(key, kid.index);
        el.children.push(kid);
      } else if (c instanceof XmlText || c instanceof XmlCData || c instanceof XmlEntityReference) {
        chunks.push(c.content);
      }
    }
    el.textEnd = chunks.length;
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
  for (const c of el.children) if (c.local === local && c.ns === ns) out.push(c);
  return out;
}

function stepKids(el: JElement, q: QName): JElement[] {
  return kids(el, q.local, nsOf(q.prefix));
}

function attrOf(el: JElement, a: AttrName): JAttr | undefined {
  return el.attr(a.local, nsOf(a.prefix));
}

function relMatches(ctx: JElement, rel: RelPath, value: string): boolean {
  let cur = [ctx];
  for (const s of rel.steps) {
    const next: JElement[] = [];
    for (const c of cur) for (const k of stepKids(c, s)) next.push(k);
    cur = next;
  }
  const a = rel.attribute;
  for (const c of cur) {
    if (a) {
      if (attrOf(c, a)?.value === value) return true;
    } else if (c.content === value) return true;
  }
  return false;
}

/** Nodes a catalogue path selects from a context element, in document order (as libxml2's XPath). */
export function selectJ(ctx: JElement, catalogPath: string): JSelected[] {
  const p = parseCatalogPath(catalogPath);
  let cur: JElement[] = [ctx];
  for (const s of p.steps) {
    const next: JElement[] = [];
    for (const c of cur) {
      for (const k of stepKids(c, s)) {
        let ok = true;
        for (const pr of s.predicates) {
          if (!relMatches(k, pr.rel, pr.value)) {
            ok = false;
            break;
          }
        }
        if (ok) next.push(k);
      }
    }
    cur = next;
  }
  const a = p.attribute;
  if (!a) return cur;
  const out: JAttr[] = [];
  for (const c of cur) {
    const at = attrOf(c, a);
    if (at) out.push(at);
  }
  return out;
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
  const stack = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    yield el;
    for (let k = el.children.length - 1; k >= 0; k--) stack.push(el.children[k]!);
  }
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
