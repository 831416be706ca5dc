/**
 * The server side's fast path for reading a SOAP request: one forward pass over the envelope,
 * no tree, a handful of allocations (the parameter texts and the result).
 *
 * The tree parser of envelope-tree.ts (pre-scan, fast-xml-parser validation and parse, then
 * raw-content splitting) costs ~190 µs on a 3 KB query envelope — most of a 5 000 req/s budget.
 * This scanner reads only the shape every binding-conformant client sends:
 *
 *   [<?xml version=… encoding=… standalone=…?>] ws
 *   <Envelope …> ws [<Header/> | <Header> ws </Header>] ws
 *     <Body …> ws <operation …> (ws <param …>(text | CDATA)*</param>)* ws </operation> ws </Body>
 *   ws </Envelope> ws
 *
 * and answers `undefined` ("unsure") for anything else, so readRequest falls back to the tree
 * parser, which then accepts or refuses exactly as before. It never refuses anything itself:
 * every fault a client can get still comes from the tree path, with its message and position.
 * Among the things that always fall back: comments, processing instructions, DOCTYPE and any
 * other `<!` markup (refused by the tree path), a Header with blocks, more than 32 attributes
 * on one start tag (keeps every check linear), non-ASCII or
 * multi-colon names, `<` in attribute values, duplicate attributes, undeclared or `xml`/
 * `xmlns` prefixes on elements, prefix undeclarations, text or extra elements outside the
 * parameters, more than one Body child, parameters with child elements (inline payloads),
 * parameters in the wrong namespace (the tree path warns about those), references the strict
 * decoder refuses, characters XML forbids, the element limit reached, names fast-xml-parser
 * guards against prototype pollution (__proto__, constructor, toString …), and every payload or
 * service-code problem the tree path names (empty, double-escaped, not XML, invalid code).
 *
 * What it accepts it must read exactly as the tree path does (test/transport/envelope-scan.test.ts
 * runs both over the catalogue's requests, the hostile corpus and random mutations): text is
 * decoded with the same strict decoder after the same line-end normalisation, CDATA is taken
 * literally, attribute values are normalised and decoded the same way, and the same
 * first-occurrence rules pick the action, message and extra parameters.
 */
import { type Binding, isValidAction } from './binding.js';
import { decodeEntities, firstForbiddenChar } from './xmltext.js';

export interface ScannedRequest {
  action: string;
  v3xml: string;
  form: 'escaped' | 'cdata' | 'mixed';
  params: Record<string, string>;
}

/** Any character firstForbiddenChar might object to; surrogates are checked properly only when present. */
const SUSPECT_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const XML_DECL =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]{1,3}"|'1\.[0-9]{1,3}')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._\-]{0,39}"|'[A-Za-z][A-Za-z0-9._\-]{0,39}'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;
/** attributes per start tag the scanner reads (so at most 4 × this many declarations in scope) */
const MAX_ATTRIBUTES = 32;
/** parseEnvelope's default limit (envelope-tree.ts) */
const DEFAULT_MAX_ELEMENTS = 200_000;
const DOUBLE_ESCAPED = /^&(lt|#60|#x3[cC]);/;

/** Thrown inside the scanner only, to unwind to "unsure"; never escapes scanRequest. */
class Unsure {}
const UNSURE = new Unsure();

/**
 * Names fast-xml-parser refuses or renames on the tree path (prototype-pollution guards: it
 * throws on __proto__/constructor/prototype and prefixes hasOwnProperty, toString … with "__"),
 * and the other Object.prototype names for good measure: such a name always falls back.
 */
const JS_RESERVED = new Set([
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'toLocaleString',
  'valueOf', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

function normaliseLineEnds(s: string): string {
  return s.indexOf('\r') === -1 ? s : s.replace(/\r\n?/g, '\n');
}

interface Tag {
  qname: string;
  local: string;
  ns: string;
  selfClosing: boolean;
}

interface Param {
  local: string;
  text: string;
  cdata: boolean;
  escaped: boolean;
}

class Scanner {
  pos: number;
  elements = 0;
  // in-scope namespace declarations, innermost last; '' is the default namespace
  private readonly prefixes: string[] = [];
  private readonly uris: string[] = [];

  constructor(
    readonly src: string,
    start: number,
    private readonly maxElements: number,
  ) {
    this.pos = start;
  }

  skipWs(): void {
    const s = this.src;
    let p = this.pos;
    while (p < s.length && isWs(s.charCodeAt(p))) p++;
    this.pos = p;
  }

  /** An NCName or prefix:NCName of ASCII name characters, ending the position after it. */
  private name(): string {
    const s = this.src;
    const start = this.pos;
    let p = start;
    if (!isNameStart(s.charCodeAt(p))) throw UNSURE;
    p++;
    while (isNameChar(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) === 0x3a /* : */) {
      p++;
      if (!isNameStart(s.charCodeAt(p))) throw UNSURE;
      p++;
      while (isNameChar(s.charCodeAt(p))) p++;
      if (s.charCodeAt(p) === 0x3a) throw UNSURE;
    }
    this.pos = p;
    const name = s.slice(start, p);
    if (JS_RESERVED.has(name) || JS_RESERVED.has(name.slice(name.indexOf(':') + 1))) throw UNSURE;
    return name;
  }

  lookup(prefix: string): string | undefined {
    for (let i = this.prefixes.length - 1; i >= 0; i--) if (this.prefixes[i] === prefix) return this.uris[i];
    return prefix === '' ? '' : undefined;
  }

  /** Scope depth before an element's own declarations; pass it to `leave` at its end tag. */
  get depth(): number {
    return this.prefixes.length;
  }

  leave(depth: number): void {
    this.prefixes.length = depth;
    this.uris.length = depth;
  }

  /** A start tag at `pos` (which is at '<'): its name resolved in the scope it declares. */
  startTag(): Tag {
    const s = this.src;
    if (s.charCodeAt(this.pos) !== 0x3c /* < */) throw UNSURE;
    if (++this.elements > this.maxElements) throw UNSURE;
    this.pos++;
    const qname = this.name();
    let attrNames: string[] | undefined;
    let selfClosing = false;
    for (;;) {
      const before = this.pos;
      this.skipWs();
      const c = s.charCodeAt(this.pos);
      if (c === 0x3e /* > */) {
        this.pos++;
        break;
      }
      if (c === 0x2f /* / */) {
        if (s.charCodeAt(this.pos + 1) !== 0x3e) throw UNSURE;
        this.pos += 2;
        selfClosing = true;
        break;
      }
      if (this.pos === before) throw UNSURE; // attributes must be separated by white space
      const an = this.name();
      this.skipWs();
      if (s.charCodeAt(this.pos) !== 0x3d /* = */) throw UNSURE;
      this.pos++;
      this.skipWs();
      const q = s.charCodeAt(this.pos);
      if (q !== 0x22 && q !== 0x27) throw UNSURE;
      const end = s.indexOf(q === 0x22 ? '"' : "'", this.pos + 1);
      if (end === -1) throw UNSURE;
      const raw = s.slice(this.pos + 1, end);
      if (raw.indexOf('<') !== -1) throw UNSURE;
      this.pos = end + 1;
      if (attrNames === undefined) attrNames = [an];
      // a short list keeps the duplicate check and the scope lookups cheap; more is unusual
      else if (attrNames.length >= MAX_ATTRIBUTES || attrNames.includes(an)) throw UNSURE;
      else attrNames.push(an);
      // the tree path's attribute-value normalisation and strict decoding, byte for byte
      let value: string;
      try {
        value = decodeEntities(raw.replace(/[\t\n\r]/g, ' '));
      } catch {
        throw UNSURE;
      }
      if (an === 'xmlns') this.declare('', value);
      else if (an.startsWith('xmlns:')) {
        const p = an.slice(6);
        if (value === '' || p === 'xml' || p === 'xmlns') throw UNSURE;
        this.declare(p, value);
      }
    }
    if (attrNames !== undefined) {
      for (const an of attrNames) {
        const c = an.indexOf(':');
        if (c === -1) continue;
        const ap = an.slice(0, c);
        if (ap !== 'xmlns' && ap !== 'xml' && this.lookup(ap) === undefined) throw UNSURE;
      }
    }
    const c = qname.indexOf(':');
    const prefix = c === -1 ? '' : qname.slice(0, c);
    if (prefix === 'xml' || prefix === 'xmlns') throw UNSURE;
    const ns = this.lookup(prefix);
    if (ns === undefined) throw UNSURE;
    return { qname, local: c === -1 ? qname : qname.slice(c + 1), ns, selfClosing };
  }

  private declare(prefix: string, uri: string): void {
    this.prefixes.push(prefix);
    this.uris.push(uri);
  }

  /** `</qname ws>` at `pos`. */
  endTag(qname: string): void {
    const s = this.src;
    if (s.charCodeAt(this.pos) !== 0x3c || s.charCodeAt(this.pos + 1) !== 0x2f || !s.startsWith(qname, this.pos + 2)) throw UNSURE;
    this.pos += 2 + qname.length;
    this.skipWs();
    if (s.charCodeAt(this.pos) !== 0x3e) throw UNSURE;
    this.pos++;
  }

  /** Whitespace, then an end tag or a start tag; true for the end tag of `qname` (consumed). */
  atEnd(qname: string): boolean {
    this.skipWs();
    if (this.src.charCodeAt(this.pos + 1) !== 0x2f) return false;
    this.endTag(qname);
    return true;
  }

  /** Simple content of a parameter whose start tag was just read: text and CDATA up to its end tag. */
  simpleContent(qname: string, local: string): Param {
    const s = this.src;
    let text = '';
    let cdata = false;
    let escaped = false;
    for (;;) {
      const lt = s.indexOf('<', this.pos);
      if (lt === -1) throw UNSURE;
      if (lt > this.pos) {
        const raw = s.slice(this.pos, lt);
        try {
          text += decodeEntities(normaliseLineEnds(raw));
        } catch {
          throw UNSURE;
        }
        if (raw.trim() !== '') escaped = true;
        this.pos = lt;
      }
      const c1 = s.charCodeAt(lt + 1);
      if (c1 === 0x2f /* / */) {
        this.endTag(qname);
        return { local, text, cdata, escaped };
      }
      if (c1 !== 0x21 /* ! */ || !s.startsWith('<![CDATA[', lt)) throw UNSURE;
      const e = s.indexOf(']]>', lt + 9);
      if (e === -1) throw UNSURE;
      text += normaliseLineEnds(s.slice(lt + 9, e));
      cdata = true;
      this.pos = e + 3;
    }
  }
}

/**
 * Read a SOAP request the way readRequest's tree path would, or answer undefined when the
 * envelope is anything but the plain shape (the caller then runs the tree path). `text` is the
 * decoded body; `envNs` the binding's envelope namespace; `maxElements` the element limit.
 */
export function scanRequest(b: Binding, envNs: string, text: string, maxElements = DEFAULT_MAX_ELEMENTS): ScannedRequest | undefined {
  if (SUSPECT_CHAR.test(text) && firstForbiddenChar(text) !== -1) return undefined;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const sc = new Scanner(text, start, maxElements);
  try {
    return scan(b, envNs, sc);
  } catch {
    // UNSURE, or anything unforeseen: the tree path decides (readRequest must never throw)
    return undefined;
  }
}

function scan(b: Binding, envNs: string, sc: Scanner): ScannedRequest | undefined {
  const src = sc.src;
  if (src.startsWith('<?', sc.pos)) {
    XML_DECL.lastIndex = sc.pos;
    if (!XML_DECL.test(src)) return undefined;
    sc.pos = XML_DECL.lastIndex;
  }
  sc.skipWs();
  const env = sc.startTag();
  if (env.local !== 'Envelope' || env.ns !== envNs || env.selfClosing) return undefined;

  sc.skipWs();
  const d1 = sc.depth;
  let body = sc.startTag();
  if (body.local === 'Header' && body.ns === envNs) {
    // only an empty Header: blocks need the mustUnderstand rules of the tree path
    if (!body.selfClosing && !sc.atEnd(body.qname)) return undefined;
    sc.leave(d1);
    sc.skipWs();
    body = sc.startTag();
  }
  if (body.local !== 'Body' || body.ns !== envNs || body.selfClosing) return undefined;

  sc.skipWs();
  const op = sc.startTag();
  if (op.local !== b.operation || op.ns !== b.namespace || op.selfClosing) return undefined;

  const paramNs = b.paramsQualified ? b.namespace : '';
  const params: Param[] = [];
  while (!sc.atEnd(op.qname)) {
    const d = sc.depth;
    const p = sc.startTag();
    if (p.ns !== paramNs) return undefined;
    params.push(p.selfClosing ? { local: p.local, text: '', cdata: false, escaped: false } : sc.simpleContent(p.qname, p.local));
    sc.leave(d);
  }
  if (!sc.atEnd(body.qname) || !sc.atEnd(env.qname)) return undefined;
  sc.skipWs();
  if (sc.pos !== src.length) return undefined;

  let actionEl: Param | undefined;
  let msgEl: Param | undefined;
  for (const p of params) {
    if (actionEl === undefined && p.local === b.params.action) actionEl = p;
    else if (msgEl === undefined && p.local === b.params.message) msgEl = p;
  }
  if (actionEl === undefined || msgEl === undefined) return undefined;
  const action = actionEl.text.trim();
  if (action === '' || !isValidAction(action)) return undefined;
  const v3xml = msgEl.text.trim();
  if (v3xml === '' || DOUBLE_ESCAPED.test(v3xml) || v3xml.charCodeAt(0) !== 0x3c) return undefined;

  let extra: Map<string, string> | undefined;
  if (params.length > 2) {
    extra = new Map();
    for (const p of params) if (p !== actionEl && p !== msgEl && !extra.has(p.local)) extra.set(p.local, p.text);
  }
  return {
    action,
    v3xml,
    form: msgEl.cdata && msgEl.escaped ? 'mixed' : msgEl.cdata ? 'cdata' : 'escaped',
    params: extra === undefined ? {} : Object.fromEntries(extra),
  };
}

