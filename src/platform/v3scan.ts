/**
 * A small, strict XML scanner for the platform's query hot path. The transport's envelope
 * parser (fast-xml-parser, validator + parse) and libxml2-wasm each cost 100–300 µs per
 * V3 query message, more than the whole budget of 5 000 req/s; this one costs a few µs and
 * keeps the hostile-input rules: no DOCTYPE or other markup declarations (so no entities to
 * expand), only the predefined and numeric character references, balanced tags, unique
 * attributes, an element limit and a depth limit. Anything else throws ScanError. It builds
 * only what the catalogue paths need: elements with namespace-resolved names, decoded
 * attributes and concatenated text.
 */

export class ScanError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (offset ${offset})`);
    this.name = 'ScanError';
  }
}

export interface VNode {
  qname: string;
  local: string;
  ns: string;
  /** decoded attribute values by qualified name (xmlns declarations included) */
  attrs: Record<string, string>;
  scope: ReadonlyMap<string, string>;
  children: VNode[];
  /** text and CDATA directly inside the element, decoded */
  text: string;
}

export interface ScanLimits {
  maxElements?: number;
  maxDepth?: number;
  /**
   * namespace bindings in scope at one element (default 64). An element that declares one
   * copies its parent's scope, so without a bound n declarations on the root and n declaring
   * children cost n² (8 000 of each, 0.3 MB, stalled the platform for 25 s).
   */
  maxNamespaces?: number;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

// Names are [A-Za-z_\u00C0-\uFFFF][\w.\-:\u00B7\u00C0-\uFFFF]* (UTF-16 code units), white space
// [ \t\r\n]; read with charCode loops rather than sticky regexes: this loop runs once per
// character of every query and each regex exec allocated a match.
const HAS_WS_CTL = /[\t\n\r]/;

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0xc0;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x3a || c === 0xb7;
}

/** End of the name starting at p (p itself when there is none). */
function nameEnd(src: string, p: number): number {
  if (!isNameStart(src.charCodeAt(p))) return p;
  let i = p + 1;
  while (isNameChar(src.charCodeAt(i))) i++;
  return i;
}

function skipWs(src: string, p: number): number {
  let i = p;
  for (let c = src.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a; c = src.charCodeAt(++i));
  return i;
}

function decode(s: string, at: number): string {
  if (s.indexOf('&') === -1) return s;
  return s.replace(/&([^;&]{0,12});?/g, (m, ref: string, off: number) => {
    if (!m.endsWith(';')) throw new ScanError('unterminated character reference', at + off);
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp < 0x20 && cp !== 9 && cp !== 10 && cp !== 13)) throw new ScanError(`bad character reference &${ref};`, at + off);
      return String.fromCodePoint(cp);
    }
    const v = PREDEFINED[ref];
    if (v === undefined) throw new ScanError(`undeclared entity &${ref}; (only the five predefined ones are allowed)`, at + off);
    return v;
  });
}

function resolve(qname: string, scope: ReadonlyMap<string, string>, at: number, isAttr: boolean): { local: string; ns: string } {
  const c = qname.indexOf(':');
  if (c === -1) return { local: qname, ns: isAttr ? '' : scope.get('') ?? '' };
  const prefix = qname.slice(0, c);
  const ns = scope.get(prefix);
  if (ns === undefined) {
    if (prefix === 'xml') return { local: qname.slice(c + 1), ns: 'http://www.w3.org/XML/1998/namespace' };
    throw new ScanError(`undeclared namespace prefix ${prefix}`, at);
  }
  return { local: qname.slice(c + 1), ns };
}

export function scanXml(src: string, limits: ScanLimits = {}): VNode {
  const maxElements = limits.maxElements ?? 100_000;
  const maxDepth = limits.maxDepth ?? 256;
  const maxNamespaces = limits.maxNamespaces ?? 64;
  let pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: VNode[] = [];
  let root: VNode | undefined;
  let count = 0;
  const rootScope: ReadonlyMap<string, string> = new Map([['', '']]);
  const n = src.length;

  while (pos < n) {
    const lt = src.indexOf('<', pos);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > pos) {
      const raw = src.slice(pos, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decode(raw, pos);
      else if (raw.trim() !== '') throw new ScanError('text outside the root element', pos);
      if (raw.indexOf(']]>') !== -1) throw new ScanError('"]]>" in text', pos);
    }
    if (lt === -1) break;
    pos = lt;
    const c1 = src.charCodeAt(pos + 1);
    if (c1 === 0x3f /* ? */) {
      const end = src.indexOf('?>', pos + 2);
      if (end === -1) throw new ScanError('unterminated processing instruction', pos);
      pos = end + 2;
      continue;
    }
    if (c1 === 0x21 /* ! */) {
      if (src.startsWith('<!--', pos)) {
        const end = src.indexOf('-->', pos + 4);
        if (end === -1) throw new ScanError('unterminated comment', pos);
        pos = end + 3;
        continue;
      }
      if (src.startsWith('<![CDATA[', pos)) {
        const end = src.indexOf(']]>', pos + 9);
        if (end === -1) throw new ScanError('unterminated CDATA section', pos);
        const top = stack[stack.length - 1];
        if (!top) throw new ScanError('CDATA outside the root element', pos);
        top.text += src.slice(pos + 9, end);
        pos = end + 3;
        continue;
      }
      throw new ScanError('markup declarations (DOCTYPE, ENTITY …) are refused', pos);
    }
    if (c1 === 0x2f /* / */) {
      const e = nameEnd(src, pos + 2);
      const top = stack.pop();
      if (e === pos + 2 || !top || e - pos - 2 !== top.qname.length || !src.startsWith(top.qname, pos + 2)) {
        throw new ScanError(`mismatched end tag${top ? ` (expected </${top.qname}>)` : ''}`, pos);
      }
      const gt = skipWs(src, e);
      if (src.charCodeAt(gt) !== 0x3e) throw new ScanError('malformed end tag', pos);
      pos = gt + 1;
      continue;
    }
    // start tag
    const qEnd = nameEnd(src, pos + 1);
    if (qEnd === pos + 1) throw new ScanError('malformed tag', pos);
    if (root && stack.length === 0) throw new ScanError('more than one root element', pos);
    if (++count > maxElements) throw new ScanError(`more than ${maxElements} elements`, pos);
    if (stack.length >= maxDepth) throw new ScanError(`nesting deeper than ${maxDepth}`, pos);
    const qname = src.slice(pos + 1, qEnd);
    const attrs: Record<string, string> = {};
    let p = qEnd;
    let selfClosing = false;
    let declares = false;
    for (;;) {
      const ws = skipWs(src, p);
      const hadSpace = ws > p;
      p = ws;
      const ch = src.charCodeAt(p);
      if (ch === 0x3e) {
        p++;
        break;
      }
      if (ch === 0x2f && src.charCodeAt(p + 1) === 0x3e) {
        selfClosing = true;
        p += 2;
        break;
      }
      if (!hadSpace) throw new ScanError(`malformed start tag <${qname}>`, p);
      const aEnd = nameEnd(src, p);
      if (aEnd === p) throw new ScanError(`malformed attribute in <${qname}>`, p);
      const an = src.slice(p, aEnd);
      p = skipWs(src, aEnd);
      if (src.charCodeAt(p) !== 0x3d) throw new ScanError(`attribute ${an} without a value`, p);
      p = skipWs(src, p + 1);
      const q = src.charCodeAt(p);
      if (q !== 0x22 && q !== 0x27) throw new ScanError(`unquoted attribute ${an}`, p);
      const end = src.indexOf(q === 0x22 ? '"' : "'", p + 1);
      if (end === -1) throw new ScanError(`unterminated attribute ${an}`, p);
      const raw = src.slice(p + 1, end);
      if (raw.indexOf('<') !== -1) throw new ScanError(`"<" in attribute ${an}`, p);
      if (Object.prototype.hasOwnProperty.call(attrs, an)) throw new ScanError(`duplicate attribute ${an}`, p);
      const value = decode(raw, p + 1);
      attrs[an] = HAS_WS_CTL.test(value) ? value.replace(/[\t\n\r]/g, ' ') : value;
      if (an.startsWith('xmlns')) declares = true;
      p = end + 1;
    }
    const parent = stack[stack.length - 1];
    let scope = parent ? parent.scope : rootScope;
    if (declares) for (const k in attrs) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) {
        if (scope === (parent ? parent.scope : rootScope)) scope = new Map(scope);
        (scope as Map<string, string>).set(k === 'xmlns' ? '' : k.slice(6), attrs[k]!);
      }
    }
    if (scope.size > maxNamespaces) throw new ScanError(`more than ${maxNamespaces} namespace declarations in scope`, pos);
    const { local, ns } = resolve(qname, scope, pos, false);
    const node: VNode = { qname, local, ns, attrs, scope, children: [], text: '' };
    if (parent) parent.children.push(node);
    else root = node;
    if (!selfClosing) stack.push(node);
    pos = p;
  }
  if (stack.length > 0) throw new ScanError(`unclosed element <${stack[stack.length - 1]!.qname}>`, n);
  if (!root) throw new ScanError('no root element', 0);
  return root;
}
