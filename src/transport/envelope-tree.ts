/**
 * A namespace-aware view of a SOAP envelope, built for hostile input.
 *
 * fast-xml-parser (entity processing off) checks well-formedness and parses the envelope
 * skeleton — Envelope / Header|Body / child / grandchild. Below that, content is kept raw
 * (fxp stopNodes): the payload must be extracted verbatim anyway, and fxp's text handling
 * is superlinear on multi-megabyte payloads. Raw content is split on demand by a small
 * scanner that relies on the well-formedness check already done on the whole document.
 *
 * Before any parsing, a linear pre-scan rejects a DOCTYPE (or any other markup declaration)
 * outright, characters XML forbids, and more elements than the limit allows.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeEntities, EntityError, firstForbiddenChar, lineColumn } from './xmltext.js';

export type EnvelopeErrorCode =
  | 'empty'
  | 'doctype'
  | 'forbidden-char'
  | 'too-many-elements'
  | 'too-many-namespaces'
  | 'malformed'
  | 'entity'
  | 'namespace'
  | 'not-envelope'
  | 'version-mismatch'
  | 'no-body'
  | 'empty-body'
  | 'unexpected-element'
  | 'no-payload'
  | 'empty-payload'
  | 'payload-not-xml'
  | 'double-escaped'
  | 'mixed-content'
  | 'missing-param'
  | 'bad-fault';

export interface EnvelopeProblem {
  code: EnvelopeErrorCode;
  message: string;
  line?: number;
  column?: number;
}

export class EnvelopeError extends Error implements EnvelopeProblem {
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line === undefined ? message : `${message} (line ${line}, column ${column ?? '?'})`);
    this.name = 'EnvelopeError';
  }

  toProblem(): EnvelopeProblem {
    const p: EnvelopeProblem = { code: this.code, message: this.message };
    if (this.line !== undefined) p.line = this.line;
    if (this.column !== undefined) p.column = this.column;
    return p;
  }
}

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface XElement {
  kind: 'element';
  qname: string;
  prefix: string;
  local: string;
  /** namespace URI, '' when none */
  ns: string;
  /** attribute values decoded, keyed by qualified name (xmlns declarations included) */
  attrs: Record<string, string>;
  /** in-scope namespace bindings, '' = default namespace (iteration: first-declared order, innermost value) */
  scope: NamespaceScope;
  /** offsets in the source text: whole element, and its content */
  start: number;
  end: number;
  contentStart: number;
  contentEnd: number;
  /** children; filled lazily below the skeleton */
  items: XItem[] | undefined;
}

/** raw text is undecoded (entities and line ends as written); CDATA is literal. */
export type XItem = XElement | { kind: 'text'; raw: string; offset: number } | { kind: 'cdata'; value: string; offset: number };

export interface ParsedEnvelope {
  src: string;
  root: XElement;
}

export interface EnvelopeLimits {
  /** maximum number of elements in the whole envelope, payload included (default 200 000) */
  maxElements?: number;
  /** namespace declarations on one element (default 64, as ScanLimits.maxNamespaces of src/platform/v3scan.ts) */
  maxNamespaces?: number;
  /**
   * namespace bindings in scope at one element, the default one included (default 256: above
   * what envelope-scan.ts can read — 4 tags × 32 attributes — so the two readers agree on every
   * request the scanner takes). Not a count over the whole document: the scanner reads any
   * number of parameters, each may declare, and it must not accept what the tree refuses.
   */
  maxNamespacesInScope?: number;
}

/** Work done on namespace scopes while parsing; tests bound it (a counter, not a clock). */
export interface NamespaceWork {
  /** bindings copied or written, plus scope links walked on lookups */
  steps: number;
}

/**
 * In-scope namespaces, persistent: an element that declares nothing shares its parent's scope,
 * one that declares links a scope holding only its own declarations to the parent's. Copying
 * the whole scope per declaring element (what this replaced) made an operation element with
 * n declarations over n declaring children cost n². Lookups walk the links; every FLATTEN_EVERY
 * links the chain restarts from a flat copy (at most maxNamespacesInScope entries), so a lookup walks
 * a bounded chain and a copy happens at most once per FLATTEN_EVERY declaring levels.
 */
const FLATTEN_EVERY = 8;

export class NamespaceScope implements ReadonlyMap<string, string> {
  readonly size: number;
  /** links between this scope and the nearest flat one (0 for a flat one) */
  private readonly links: number;
  private flat: Map<string, string> | undefined;

  constructor(
    private readonly parent: NamespaceScope | undefined,
    private readonly own: Map<string, string>,
    /** the parse this scope belongs to: limits and work counter */
    readonly ctx: NamespaceContext,
  ) {
    let size = parent ? parent.size : own.size;
    if (parent) for (const k of own.keys()) if (!parent.has(k)) size++;
    this.size = size;
    this.links = parent ? parent.links + 1 : 0;
    ctx.work.steps += own.size;
  }

  static root(ctx: NamespaceContext): NamespaceScope {
    return new NamespaceScope(undefined, new Map([['', '']]), ctx);
  }

  /** A child scope with `decls` (already checked against the limits by the caller). */
  child(decls: Map<string, string>): NamespaceScope {
    if (this.links < FLATTEN_EVERY) return new NamespaceScope(this, decls, this.ctx);
    const base = new NamespaceScope(undefined, new Map(this.entriesFlat()), this.ctx);
    this.ctx.work.steps += this.size;
    return new NamespaceScope(base, decls, this.ctx);
  }

  get(key: string): string | undefined {
    for (let s: NamespaceScope | undefined = this; s; s = s.parent) {
      this.ctx.work.steps++;
      const v = s.own.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Same order a Map copied down the tree would have: first declaration's position, innermost value. */
  private entriesFlat(): Map<string, string> {
    if (this.flat) return this.flat;
    let m: Map<string, string>;
    if (!this.parent) m = this.own;
    else {
      m = new Map(this.parent.entriesFlat());
      for (const [k, v] of this.own) m.set(k, v);
      this.ctx.work.steps += m.size;
    }
    this.flat = m;
    return m;
  }

  forEach(cb: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entriesFlat()) cb.call(thisArg, v, k, this);
  }

  entries(): MapIterator<[string, string]> {
    return this.entriesFlat().entries();
  }

  keys(): MapIterator<string> {
    return this.entriesFlat().keys();
  }

  values(): MapIterator<string> {
    return this.entriesFlat().values();
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

/** Per-parse state for namespace handling: the limits and the work counter. */
export interface NamespaceContext {
  readonly maxNamespaces: number;
  readonly maxInScope: number;
  readonly work: NamespaceWork;
}

const SKELETON_DEPTH = 4;
const fxp = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  ignorePiTags: true,
  ignoreDeclaration: true,
  captureMetaData: true,
  maxNestedTags: SKELETON_DEPTH + 1,
  stopNodes: ['*.*.*.*'],
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

function fail(src: string, code: EnvelopeErrorCode, message: string, offset?: number): never {
  if (offset === undefined) throw new EnvelopeError(code, message);
  const { line, column } = lineColumn(src, offset);
  throw new EnvelopeError(code, message, line, column);
}

/**
 * Reject markup declarations and count elements, skipping comments, CDATA and PIs.
 * Linear: one indexOf per markup construct.
 */
function preScan(src: string, maxElements: number): void {
  const bad = firstForbiddenChar(src);
  if (bad !== -1) fail(src, 'forbidden-char', `character U+${src.charCodeAt(bad).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, bad);
  let elements = 0;
  let i = src.indexOf('<');
  while (i !== -1) {
    const c = src.charCodeAt(i + 1);
    let next = i + 1;
    if (c === 0x21 /* ! */) {
      if (src.startsWith('<!--', i)) {
        const e = src.indexOf('-->', i + 4);
        if (e === -1) fail(src, 'malformed', 'unterminated comment', i);
        next = e + 3;
      } else if (src.startsWith('<![CDATA[', i)) {
        const e = src.indexOf(']]>', i + 9);
        if (e === -1) fail(src, 'malformed', 'unterminated CDATA section', i);
        next = e + 3;
      } else {
        const what = /^<!([A-Za-z]*)/.exec(src.slice(i, i + 12))?.[1] || 'markup declaration';
        fail(src, 'doctype', `<!${what}> found: a SOAP envelope may not contain a DOCTYPE or other markup declarations (rejected, never processed)`, i);
      }
    } else if (c === 0x3f /* ? */) {
      const e = src.indexOf('?>', i + 2);
      if (e === -1) fail(src, 'malformed', 'unterminated processing instruction', i);
      next = e + 2;
    } else if (c !== 0x2f /* / */) {
      if (++elements > maxElements) fail(src, 'too-many-elements', `more than ${maxElements} elements`, i);
    }
    i = src.indexOf('<', next);
  }
}

function splitQName(qname: string): { prefix: string; local: string } {
  const c = qname.indexOf(':');
  return c === -1 ? { prefix: '', local: qname } : { prefix: qname.slice(0, c), local: qname.slice(c + 1) };
}

function decodeAttr(src: string, v: string, offset: number): string {
  try {
    // Attribute-value normalisation: literal whitespace becomes a space, references survive.
    return decodeEntities(v.replace(/[\t\n\r]/g, ' '));
  } catch (e) {
    if (e instanceof EntityError) fail(src, 'entity', e.message, offset);
    throw e;
  }
}

function makeElement(
  src: string,
  qname: string,
  rawAttrs: Record<string, string>,
  parentScope: NamespaceScope,
  start: number,
  end: number,
  contentStart: number,
  contentEnd: number,
): XElement {
  // Null prototype: attribute names are hostile ("__proto__", "constructor").
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  const nsc = parentScope.ctx;
  let decls: Map<string, string> | undefined;
  for (const [k, v] of Object.entries(rawAttrs)) {
    const val = decodeAttr(src, v, start);
    attrs[k] = val;
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      const p = k === 'xmlns' ? '' : k.slice(6);
      if (p !== '' && val === '') fail(src, 'namespace', `prefix "${p}" may not be undeclared (xmlns:${p}="")`, start);
      decls ??= new Map();
      decls.set(p, val);
      if (decls.size > nsc.maxNamespaces) fail(src, 'too-many-namespaces', `<${qname}> declares more than ${nsc.maxNamespaces} namespaces`, start);
    }
  }
  const scope = decls ? parentScope.child(decls) : parentScope;
  if (scope.size > nsc.maxInScope) fail(src, 'too-many-namespaces', `more than ${nsc.maxInScope} namespace bindings in scope at <${qname}>`, start);
  const { prefix, local } = splitQName(qname);
  const ns = prefix === 'xml' ? XML_NS : scope.get(prefix);
  if (ns === undefined) fail(src, 'namespace', `namespace prefix "${prefix}" of <${qname}> is not declared`, start);
  for (const k of Object.keys(attrs)) {
    const ap = splitQName(k).prefix;
    if (ap !== '' && ap !== 'xmlns' && ap !== 'xml' && !scope.has(ap)) {
      fail(src, 'namespace', `namespace prefix "${ap}" of attribute ${k} on <${qname}> is not declared`, start);
    }
  }
  return { kind: 'element', qname, prefix, local, ns, attrs, scope, start, end, contentStart, contentEnd, items: undefined };
}

/** Index just past the '>' of the start tag beginning at `lt` (quote-aware). */
function startTagEnd(src: string, lt: number, limit: number): number {
  let q = 0;
  for (let i = lt + 1; i < limit; i++) {
    const c = src.charCodeAt(i);
    if (q !== 0) {
      if (c === q) q = 0;
    } else if (c === 0x22 || c === 0x27) q = c;
    else if (c === 0x3e) return i + 1;
  }
  return fail(src, 'malformed', 'unterminated start tag', lt);
}

const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function parseTagAttrs(tag: string): { qname: string; attrs: Record<string, string>; selfClosing: boolean } {
  const m = /^<([^\s/>]+)/.exec(tag);
  const qname = m?.[1] ?? '';
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  const body = tag.slice(1 + qname.length);
  for (const a of body.matchAll(ATTR)) attrs[a[1] ?? ''] = a[2] ?? a[3] ?? '';
  return { qname, attrs, selfClosing: tag.endsWith('/>') };
}

/** Split [from, to) of an already well-formedness-checked document into top-level items. */
function scanContent(src: string, from: number, to: number, scope: NamespaceScope): XItem[] {
  const items: XItem[] = [];
  let depth = 0;
  let pos = from;
  let open: { qname: string; attrs: Record<string, string>; start: number; contentStart: number } | undefined;
  while (pos < to) {
    const lt = src.indexOf('<', pos);
    const textEnd = lt === -1 || lt >= to ? to : lt;
    if (depth === 0 && textEnd > pos) items.push({ kind: 'text', raw: src.slice(pos, textEnd), offset: pos });
    if (textEnd === to) break;
    if (src.startsWith('<!--', lt)) {
      pos = src.indexOf('-->', lt + 4) + 3;
    } else if (src.startsWith('<![CDATA[', lt)) {
      const e = src.indexOf(']]>', lt + 9);
      if (depth === 0) items.push({ kind: 'cdata', value: src.slice(lt + 9, e), offset: lt });
      pos = e + 3;
    } else if (src.startsWith('<?', lt)) {
      pos = src.indexOf('?>', lt + 2) + 2;
    } else if (src.startsWith('</', lt)) {
      const gt = src.indexOf('>', lt);
      depth--;
      if (depth === 0 && open) {
        items.push(makeElement(src, open.qname, open.attrs, scope, open.start, gt + 1, open.contentStart, lt));
        open = undefined;
      }
      if (depth < 0) fail(src, 'malformed', 'unbalanced end tag', lt);
      pos = gt + 1;
    } else {
      const gt = startTagEnd(src, lt, to);
      if (depth === 0) {
        const t = parseTagAttrs(src.slice(lt, gt));
        if (t.selfClosing) items.push(makeElement(src, t.qname, t.attrs, scope, lt, gt, gt, gt));
        else {
          open = { qname: t.qname, attrs: t.attrs, start: lt, contentStart: gt };
          depth = 1;
        }
      } else if (src.charCodeAt(gt - 2) !== 0x2f) depth++;
      pos = gt;
    }
  }
  if (depth !== 0) fail(src, 'malformed', 'unbalanced element content', from);
  return items;
}

/** Children of an element, splitting raw content the first time they are asked for. */
export function itemsOf(src: string, el: XElement): XItem[] {
  if (el.items === undefined) el.items = scanContent(src, el.contentStart, el.contentEnd, el.scope);
  return el.items;
}

export function childElements(src: string, el: XElement): XElement[] {
  return itemsOf(src, el).filter((i): i is XElement => i.kind === 'element');
}

type FxpNode = Record<string, unknown>;
type FxpMeta = { startIndex: number; endIndex: number };

function fromFxp(src: string, node: FxpNode, parentScope: NamespaceScope, depth: number): XElement {
  const qname = Object.keys(node).find((k) => k !== ':@') ?? '';
  const meta = (node as Record<symbol, FxpMeta | undefined>)[META];
  if (!meta) fail(src, 'malformed', `no position for <${qname}>`);
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  const start = meta.startIndex;
  const end = meta.endIndex;
  const contentStart = startTagEnd(src, start, end);
  const selfClosing = src.charCodeAt(contentStart - 2) === 0x2f;
  const contentEnd = selfClosing ? contentStart : src.lastIndexOf('</', end - 1);
  const el = makeElement(src, qname, rawAttrs, parentScope, start, end, contentStart, contentEnd);
  if (depth < SKELETON_DEPTH) {
    const items: XItem[] = [];
    for (const child of (node[qname] ?? []) as FxpNode[]) {
      if ('#text' in child) items.push({ kind: 'text', raw: String(child['#text']), offset: contentStart });
      else if ('#cdata' in child) {
        const parts = child['#cdata'] as { '#text'?: unknown }[];
        items.push({ kind: 'cdata', value: parts.map((p) => String(p['#text'] ?? '')).join(''), offset: contentStart });
      } else items.push(fromFxp(src, child, el.scope, depth + 1));
    }
    el.items = items;
  }
  return el;
}

/**
 * Parse an envelope (or any small XML document) under the hostile-input rules.
 * Throws EnvelopeError with line and column.
 */
export function parseEnvelope(text: string, limits: EnvelopeLimits = {}, work: NamespaceWork = { steps: 0 }): ParsedEnvelope {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (src.trim() === '') throw new EnvelopeError('empty', 'the body is empty');
  preScan(src, limits.maxElements ?? 200_000);
  const v = XMLValidator.validate(src, { allowBooleanAttributes: false });
  if (v !== true) {
    const line = v.err.line;
    const col = (v.err as { col?: number }).col;
    throw new EnvelopeError('malformed', `not well-formed XML: ${v.err.msg}`, line, col);
  }
  let parsed: FxpNode[];
  try {
    parsed = fxp.parse(src) as FxpNode[];
  } catch (e) {
    throw new EnvelopeError('malformed', `not well-formed XML: ${(e as Error).message}`);
  }
  const roots = parsed.filter((n) => !('#text' in n) && !('#cdata' in n));
  if (roots.length !== 1) throw new EnvelopeError('malformed', `expected one root element, found ${roots.length}`);
  const ctx: NamespaceContext = {
    maxNamespaces: limits.maxNamespaces ?? 64,
    maxInScope: limits.maxNamespacesInScope ?? 256,
    work,
  };
  const root = fromFxp(src, roots[0] as FxpNode, NamespaceScope.root(ctx), 1);
  return { src, root };
}

/**
 * The text of a simple-content element: text decoded, CDATA literal, line ends normalised.
 * Reports which form carried it. Element children are not text: `hasElements` says so.
 */
export function textOf(src: string, el: XElement): { text: string; cdata: boolean; escaped: boolean; hasElements: boolean } {
  let text = '';
  let cdata = false;
  let escaped = false;
  let hasElements = false;
  for (const it of itemsOf(src, el)) {
    if (it.kind === 'element') hasElements = true;
    else if (it.kind === 'cdata') {
      text += it.value.replace(/\r\n?/g, '\n');
      cdata = true;
    } else {
      try {
        text += decodeEntities(it.raw.replace(/\r\n?/g, '\n'));
      } catch (e) {
        if (e instanceof EntityError) fail(src, 'entity', e.message, it.offset + e.offset);
        throw e;
      }
      if (it.raw.trim() !== '') escaped = true;
    }
  }
  return { text, cdata, escaped, hasElements };
}

export function lineOf(src: string, offset: number): { line: number; column: number } {
  return lineColumn(src, offset);
}
