import { JElement } from './jstree.js';

/**
 * One pass over decoded XML text that both proves it well-formed (XML 1.0 + Namespaces, the
 * subset CDA and V3 use) and builds the JElement tree the content layers read — the fast path
 * that lets `hutong validate` skip libxml2's parse.
 *
 * CONSERVATIVE by design: ok:true only when every construct met was fully checked, so that
 * libxml2 (src/xml/parse.ts PARSE_OPTIONS) is certain to accept the text and to build the same
 * tree (src/xml/jstree.ts treeFromDom). Anything not checked here — a DOCTYPE, a processing
 * instruction inside the root, a non-ASCII name, a relative or unusual namespace URI, an
 * encoding outside the few we see, a declaration of the xml/xmlns prefixes — is ok:false, and
 * the caller asks libxml2, whose verdict and messages stay authoritative. The differential test
 * (test/xml/wellformed.test.ts) holds this against libxml2 on samples, hostile inputs and
 * generated mutations.
 *
 * The same scanner, in trusted mode, is scanTree: text libxml2 already accepted, where the
 * constructs strict mode refuses to vouch for are read (PIs skipped, names taken as written)
 * instead of refused.
 */

export type Checked = { ok: true; root: JElement } | { ok: false; reason: string };

export interface ScanOptions {
  /** refuse element nesting deeper than this (the root is depth 1); default 256 as parseXml */
  maxDepth?: number;
}

/** libxml2's DEFAULT_MAX_DEPTH in src/xml/parse.ts (not imported: parse.ts loads libxml2-wasm) */
const DEFAULT_DEPTH = 256;
/** libxml2 stops at 2048 levels even with XML_PARSE_HUGE: never vouch near it */
const DEPTH_CAP = 1024;
/** libxml2 records element lines in 16 bits here */
const MAX_LINE = 65535;
/** names longer than this are not vouched for (libxml2 has its own name-length limits) */
const MAX_NAME = 1000;
/** more attributes on one element, or more namespaces in scope, are not vouched for: keeps the duplicate checks and scope copies bounded on hostile input */
const MAX_ATTRS = 256;
const MAX_SCOPE = 64;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Well-formedness proven by one scan, and the tree; ok:false = not proven (caller uses libxml2). */
export function scanChecked(text: string, opts: ScanOptions = {}): Checked {
  const maxDepth = Math.min(opts.maxDepth ?? DEFAULT_DEPTH, DEPTH_CAP);
  try {
    return { ok: true, root: scan(text, maxDepth, true) };
  } catch (err) {
    // anything unexpected (a bug, memory) is "not proven" too: libxml2 then decides
    return { ok: false, reason: err instanceof NotProven ? err.message : `scanner error: ${String(err)}` };
  }
}

/** The tree of text libxml2 already accepted (no DOCTYPE); throws when the text is not well-formed. */
export function scanTrusted(text: string): JElement {
  try {
    return scan(text, Infinity, false);
  } catch (err) {
    if (err instanceof NotProven) throw new Error(`scanTree: ${err.message}`);
    throw err;
  }
}

class NotProven extends Error {}

function fail(reason: string, at: number): never {
  throw new NotProven(`${reason} (offset ${at})`);
}

// ------------------------------------------------------------------------- characters

/*
 * Every character of the text is checked exactly once, by the part of the scan that reads it
 * (names by the NAME table, text, attribute values, comments, CDATA and PIs by loops over
 * these tables): cheaper than a whole-text regex pass. 1 marks what needs a closer look.
 */
/** in text: control characters (TAB, LF, CR looked at too), '&', ']', '<' (the end of the run) */
const TEXT = new Uint8Array(128);
/** in attribute values: control characters, quotes, '&', '<' */
const ATTR = new Uint8Array(128);
/** in comments, CDATA, PIs: control characters */
const CTRL = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) TEXT[c] = ATTR[c] = CTRL[c] = 1;
TEXT[0x26] = TEXT[0x5d] = TEXT[0x3c] = 1;
ATTR[0x22] = ATTR[0x27] = ATTR[0x26] = ATTR[0x3c] = 1;

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** ASCII name characters: 1 = may start a name, 2 = may continue one (':' is handled apart). */
const NAME = new Uint8Array(128);
for (let c = 0x41; c <= 0x5a; c++) NAME[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) NAME[c] = 1;
NAME[0x5f] = 1;
for (let c = 0x30; c <= 0x39; c++) NAME[c] = 2;
NAME[0x2d] = 2;
NAME[0x2e] = 2;

// ------------------------------------------------------------------------- references

const PREDEF: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** Replace character and predefined entity references; undefined when one is not well-formed (or, strict, refers to U+FEFF). */
function decodeRefs(s: string, strict: boolean): string | undefined {
  let out = '';
  let from = 0;
  for (let a = s.indexOf('&'); a !== -1; a = s.indexOf('&', from)) {
    const semi = s.indexOf(';', a + 1);
    if (semi === -1) return undefined;
    out += s.slice(from, a);
    if (s.charCodeAt(a + 1) === 0x23 /* # */) {
      const hex = s.charCodeAt(a + 2) === 0x78 /* x */;
      let k = hex ? a + 3 : a + 2;
      if (k === semi) return undefined;
      let cp = 0;
      for (; k < semi; k++) {
        const c = s.charCodeAt(k);
        let d: number;
        if (c >= 0x30 && c <= 0x39) d = c - 0x30;
        else if (hex && c >= 0x61 && c <= 0x66) d = c - 0x57;
        else if (hex && c >= 0x41 && c <= 0x46) d = c - 0x37;
        else return undefined;
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10ffff) return undefined;
      }
      if (!isXmlChar(cp) || (cp === 0xfeff && strict)) return undefined;
      out += String.fromCodePoint(cp);
    } else {
      const v = PREDEF[s.slice(a + 1, semi)];
      if (v === undefined) return undefined;
      out += v;
    }
    from = semi + 1;
  }
  return out + s.slice(from);
}

// ------------------------------------------------------------------------- namespaces

/** Absolute URIs libxml2's URI parser certainly accepts: scheme ':' then a restricted character set. */
const NS_URI = /^[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/(?:[A-Za-z0-9\-._~!$'()*+,;=:]*@)?[A-Za-z0-9\-._~!$'()*+,;=]*(?::[0-9]+)?(?:\/[A-Za-z0-9\-._~!$'()*+,;=:@/]*)?|(?!\/\/)[A-Za-z0-9\-._~!$'()*+,;=:@/]*)$/;

// ------------------------------------------------------------------------- the scan

/** How far back among the siblings the previous one of the same name is looked for before a map is kept. */
const NEAR = 16;

/**
 * The position of `el` among its parent's children of the same name: one more than the nearest
 * such sibling's. Usually found a few siblings back; a parent with many children keeps a map
 * of counts instead, so hostile fan-out stays linear.
 */
function siblingIndex(parent: Frame, el: JElement): number {
  const kids = parent.el.children;
  const local = el.local;
  const ns = el.ns;
  let counts = parent.counts;
  if (counts === undefined) {
    const stop = kids.length - NEAR;
    for (let k = kids.length - 1; k >= 0 && k >= stop; k--) {
      const s = kids[k]!;
      if (s.local === local && s.ns === ns) return s.index + 1;
    }
    if (stop < 0) return 1;
    counts = parent.counts = new Map();
    for (const s of kids) counts.set(s.ns + ' ' + s.local, s.index);
  }
  const key = ns + ' ' + local;
  const k = (counts.get(key) ?? 0) + 1;
  counts.set(key, k);
  return k;
}

interface Frame {
  el: JElement;
  /** where the start tag's name is in the text, and its length (the end tag must repeat it) */
  qstart: number;
  qlen: number;
  counts: Map<string, number> | undefined;
}

/**
 * The scanner. strict: prove well-formedness (throw NotProven on anything unproven); trusted
 * (strict false): the text is known well-formed, read it as libxml2 did.
 */
function scan(text: string, maxDepth: number, strict: boolean): JElement {
  const n = text.length;
  const chunks: string[] = [];
  const stack: Frame[] = [];
  // attributes of the current start tag, reused from tag to tag
  const names: string[] = [];
  const values: string[] = [];
  /** offset of the colon in each attribute name, -1 for none */
  const colons: number[] = [];
  let root: JElement | undefined;

  let line = 1;
  let nextLf = text.indexOf('\n');
  /** Line of position pos (positions asked for only grow): LFs counted once each. */
  const lineAt = (pos: number): number => {
    while (nextLf !== -1 && nextLf < pos) {
      line++;
      nextLf = text.indexOf('\n', nextLf + 1);
    }
    return line;
  };
  /** offset of the colon in the name nameEnd last read, -1 for none */
  let lastColon = -1;
  /**
   * A character at k >= 0xD800: the index of its last code unit; fails on an unpaired
   * surrogate, U+FFFE, U+FFFF, and U+FEFF (a byte-order mark inside the text: in a large
   * document libxml2 drops it from most text and attribute values and keeps it in some — cause
   * not pinned down; found by the fuzz test).
   */
  const wide = (k: number, c: number): number => {
    if (c < 0xdc00) {
      const d = text.charCodeAt(k + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return k + 1;
    } else if (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) return k;
    if (strict) fail('unpaired surrogate, U+FEFF, U+FFFE or U+FFFF', k);
    return k;
  };
  /** Characters of [from, to) in a comment, CDATA section or PI. */
  const plainChars = (from: number, to: number): void => {
    if (!strict) return;
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c < 128) {
        if (CTRL[c] !== 0 && c !== 0x0a && c !== 0x09 && c !== 0x0d) fail('character not allowed in XML', k);
      } else if (c >= 0xd800) k = wide(k, c);
    }
  };

  /** End of an (unprefixed or prefixed) name starting at j; fails when there is none. */
  const nameEnd = (j: number): number => {
    const c0 = text.charCodeAt(j);
    if (!(c0 < 128 && NAME[c0] === 1)) {
      if (strict || c0 < 128 || Number.isNaN(c0)) fail('name expected', j);
    }
    let k = j + 1;
    let colon = -1;
    for (; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c < 128) {
        if (NAME[c] !== 0) continue;
        if (c === 0x3a /* : */) {
          if (colon !== -1 && strict) fail('more than one colon in a name', k);
          colon = k;
          continue;
        }
        break;
      }
      if (strict) fail('non-ASCII name character', k);
    }
    if (strict) {
      if (colon !== -1 && (colon === j || colon === k - 1 || !(text.charCodeAt(colon + 1) < 128 && NAME[text.charCodeAt(colon + 1)] === 1))) fail('malformed qualified name', j);
      if (k - j > MAX_NAME) fail('name too long', j);
    }
    lastColon = colon === -1 ? -1 : colon - j;
    return k;
  };

  /** After '<!--' at lt: the index past '-->'. */
  const comment = (lt: number): number => {
    const end = text.indexOf('-->', lt + 4);
    if (end === -1) fail('unterminated comment', lt);
    plainChars(lt + 4, end);
    if (strict) {
      const dd = text.indexOf('--', lt + 4);
      if (dd < end) fail("'--' inside a comment", dd);
      // '<!--->' and a '-' right after '<!--' read differently by some parsers: not vouched for
      if (end > lt + 4 && (text.charCodeAt(lt + 4) === 0x2d || text.charCodeAt(end - 1) === 0x2d)) fail("comment starting or ending with '-'", lt);
    }
    return end + 3;
  };

  /** A processing instruction at lt, outside the root (strict) or anywhere (trusted): the index past '?>'. */
  const pi = (lt: number): number => {
    const end = text.indexOf('?>', lt + 2);
    if (end === -1) fail('unterminated processing instruction', lt);
    plainChars(lt + 2, end);
    if (strict) {
      const t = nameEnd(lt + 2);
      const target = text.slice(lt + 2, t);
      if (target.indexOf(':') !== -1 || /^xml$/i.test(target) || /^xml/i.test(target) && target !== 'xml-stylesheet') fail(`processing instruction target '${target}' not vouched for`, lt);
      if (t !== end && !isSpace(text.charCodeAt(t))) fail('processing instruction target not followed by white space', t);
    }
    return end + 2;
  };

  /** The text run from `from` inside the root up to the next '<' (returned): checked, line ends and references resolved, pushed to chunks. */
  const textRun = (from: number): number => {
    let refs = false;
    let cr = false;
    let to = from;
    for (; to < n; to++) {
      const c = text.charCodeAt(to);
      if (c < 128) {
        if (TEXT[c] === 0) continue;
        if (c === 0x3c) break;
        if (c === 0x26) refs = true;
        else if (c === 0x5d) {
          if (text.charCodeAt(to + 1) === 0x5d && text.charCodeAt(to + 2) === 0x3e && strict) fail("']]>' in text", to);
        } else if (c === 0x0d) cr = true;
        else if (c !== 0x0a && c !== 0x09 && strict) fail('character not allowed in XML', to);
      } else if (c >= 0xd800) to = wide(to, c);
    }
    if (to >= n) fail('end of input inside the root element', n);
    if (to === from) return to;
    let s = text.slice(from, to);
    if (cr) s = s.replace(/\r\n?/g, '\n');
    if (refs) {
      const d = decodeRefs(s, strict);
      if (d === undefined) {
        if (strict) fail('malformed or undeclared reference', from);
      } else s = d;
    }
    chunks.push(s);
    return to;
  };

  let i = 0;
  // ---- XML declaration
  if (text.startsWith('<?xml', 0) && (isSpace(text.charCodeAt(5)) || text.charCodeAt(5) === 0x3f)) {
    const end = text.indexOf('?>', 5);
    if (end === -1) fail('unterminated XML declaration', 0);
    if (strict && !declVouched(text.slice(0, end + 2))) fail('XML declaration not vouched for (version 1.0, UTF-8/GBK/GB18030/GB2312, standalone)', 0);
    i = end + 2;
  }

  // ---- prolog: white space, comments, processing instructions, then the root
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) fail('no root element', i);
    if (text.charCodeAt(i) !== 0x3c) fail('content before the root element', i);
    const c = text.charCodeAt(i + 1);
    if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', i)) i = comment(i);
      else if (text.startsWith('<!DOCTYPE', i)) fail('DOCTYPE', i);
      else fail('markup declaration before the root', i);
    } else if (c === 0x3f /* ? */) i = pi(i);
    else break;
  }

  // ---- the root element and its content
  for (;;) {
    if (stack.length === 0 && root !== undefined) break;
    // the first time round i is at the root's '<' (the prolog loop saw to it)
    const lt = stack.length > 0 ? textRun(i) : i;
    const c = text.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      const f = stack.pop();
      if (f === undefined) fail('end tag before the root element', lt);
      const qs = f.qstart;
      const ql = f.qlen;
      const e = lt + 2 + ql;
      for (let k = 0; k < ql; k++) if (text.charCodeAt(lt + 2 + k) !== text.charCodeAt(qs + k)) fail(`end tag does not match <${text.slice(qs, qs + ql)}>`, lt);
      if (e < n && text.charCodeAt(e) !== 0x3e && !isSpace(text.charCodeAt(e))) fail(`end tag does not match <${text.slice(qs, qs + ql)}>`, lt);
      let k = e;
      while (k < n && isSpace(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) !== 0x3e) fail('malformed end tag', lt);
      f.el.textEnd = chunks.length;
      i = k + 1;
      continue;
    }
    if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        i = comment(lt);
      } else if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) fail('unterminated CDATA section', lt);
        plainChars(lt + 9, end);
        let s = text.slice(lt + 9, end);
        if (s.indexOf('\r') !== -1) s = s.replace(/\r\n?/g, '\n');
        chunks.push(s);
        i = end + 3;
      } else fail('markup declaration inside the root', lt);
      continue;
    }
    if (c === 0x3f /* ? */) {
      if (strict) fail('processing instruction inside the root', lt);
      i = pi(lt);
      continue;
    }

    // ---- start tag: name, attributes, '>' or '/>'
    let j = nameEnd(lt + 1);
    const qname = text.slice(lt + 1, j);
    const colon = lastColon;
    let count = 0;
    let selfClosing = false;
    for (;;) {
      const sp = j;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      const ch = text.charCodeAt(j);
      if (ch === 0x3e /* > */) {
        j++;
        break;
      }
      if (ch === 0x2f /* / */) {
        if (text.charCodeAt(j + 1) !== 0x3e) fail("'/' not followed by '>' in a start tag", j);
        selfClosing = true;
        j += 2;
        break;
      }
      if (j === sp) fail('white space expected before an attribute', j);
      const ne = nameEnd(j);
      const name = text.slice(j, ne);
      colons[count] = lastColon;
      j = ne;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== 0x3d /* = */) fail("'=' expected after an attribute name", j);
      j++;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      const quote = text.charCodeAt(j);
      if (quote !== 0x22 && quote !== 0x27) fail('quoted attribute value expected', j);
      let p = j + 1;
      let ws = false;
      let refs = false;
      for (;; p++) {
        const v = text.charCodeAt(p);
        if (v < 128) {
          if (ATTR[v] === 0) continue;
          if (v === quote) break;
          if (v === 0x3c /* < */) fail("'<' in an attribute value", p);
          if (v === 0x26 /* & */) refs = true;
          else if (v === 0x0a || v === 0x09 || v === 0x0d) ws = true;
          else if (v < 0x20 && strict) fail('character not allowed in XML', p);
        } else if (v >= 0xd800) p = wide(p, v);
        else if (v !== v /* NaN: past the end */) fail('end of input in an attribute value', p);
      }
      let value = text.slice(j + 1, p);
      // line ends first (CRLF is one space), then white space → space, then references
      if (ws) value = value.replace(/\r\n?/g, '\n').replace(/[\n\t]/g, ' ');
      if (refs) {
        const d = decodeRefs(value, strict);
        if (d === undefined) fail('malformed or undeclared reference in an attribute value', j);
        value = d;
      }
      if (strict) {
        if (count >= MAX_ATTRS) fail(`more than ${MAX_ATTRS} attributes`, j);
        for (let k = 0; k < count; k++) if (names[k] === name) fail(`attribute ${name} repeated`, j);
      }
      names[count] = name;
      values[count] = value;
      count++;
      j = p + 1;
    }

    // ---- namespaces: declarations first, then the element's and attributes' names
    const parent = stack.length > 0 ? stack[stack.length - 1]! : undefined;
    const el0Scope = parent?.el.scope;
    let own: Map<string, string> | undefined;
    let plainAttrs = 0;
    for (let k = 0; k < count; k++) {
      const name = names[k]!;
      if (name.charCodeAt(0) !== 0x78 /* x */ || !name.startsWith('xmlns') || (name.length > 5 && name.charCodeAt(5) !== 0x3a)) {
        plainAttrs++;
        continue;
      }
      const prefix = name.length === 5 ? '' : name.slice(6);
      const uri = values[k]!;
      if (strict) {
        if (prefix === 'xml' || prefix === 'xmlns') fail(`declaration of the reserved prefix ${prefix}`, lt);
        if (prefix === '' ? uri !== '' && !NS_URI.test(uri) : !NS_URI.test(uri)) fail(`namespace URI not vouched for: ${JSON.stringify(uri.slice(0, 80))}`, lt);
        if (uri === XML_NS || uri === XMLNS_NS) fail('reserved namespace URI declared', lt);
      }
      own ??= new Map(el0Scope ?? BASE);
      own.set(prefix, uri);
    }
    if (own && strict && own.size > MAX_SCOPE) fail(`more than ${MAX_SCOPE} namespaces in scope`, lt);
    const scope: ReadonlyMap<string, string> = own ?? el0Scope ?? BASE;
    let local = qname;
    let ns: string;
    if (colon === -1) ns = scope.get('') ?? '';
    else {
      const prefix = qname.slice(0, colon);
      local = qname.slice(colon + 1);
      const u = scope.get(prefix);
      if (u === undefined || (strict && (prefix === 'xml' || prefix === 'xmlns'))) {
        if (strict) fail(`element prefix ${prefix} not declared (or reserved)`, lt);
      }
      ns = u ?? '';
    }
    if (stack.length + 1 > maxDepth) fail(`element nesting deeper than ${maxDepth}`, lt);
    const el = new JElement(local, ns, Math.min(lineAt(j - 1), MAX_LINE), parent?.el ?? null, chunks);
    if (own) el.scope = own;
    else if (el0Scope) el.scope = el0Scope;
    if (plainAttrs > 0) {
      const first = el.attrs.length;
      for (let k = 0; k < count; k++) {
        const name = names[k]!;
        if (name.charCodeAt(0) === 0x78 && name.startsWith('xmlns') && (name.length === 5 || name.charCodeAt(5) === 0x3a)) continue;
        const ac = colons[k]!;
        if (ac === -1) {
          el.attrs.push({ local: name, ns: '', value: values[k]!, parent: el });
          continue;
        }
        const prefix = name.slice(0, ac);
        const u = scope.get(prefix);
        if (u === undefined && strict) fail(`attribute prefix ${prefix} not declared`, lt);
        const a = { local: name.slice(ac + 1), ns: u ?? '', value: values[k]!, parent: el };
        if (strict) {
          for (let m = first; m < el.attrs.length; m++) {
            const b = el.attrs[m]!;
            if (b.local === a.local && b.ns === a.ns) fail(`attribute {${a.ns}}${a.local} repeated`, lt);
          }
        }
        el.attrs.push(a);
      }
    }
    el.textStart = chunks.length;
    if (parent) {
      el.index = siblingIndex(parent, el);
      parent.el.children.push(el);
    } else root = el;
    if (selfClosing) el.textEnd = chunks.length;
    else stack.push({ el, qstart: lt + 1, qlen: qname.length, counts: undefined });
    i = j;
  }

  // ---- after the root: white space, comments, processing instructions only
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    if (text.charCodeAt(i) !== 0x3c) fail('content after the root element', i);
    const c = text.charCodeAt(i + 1);
    if (c === 0x21 && text.startsWith('<!--', i)) i = comment(i);
    else if (c === 0x3f) i = pi(i);
    else fail('markup after the root element', i);
  }
  return root!;
}

const BASE: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);

/** The XML declarations vouched for: version 1.0, an encoding from the few in use, standalone. */
const XML_DECL = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.0"|'1\.0')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"([A-Za-z0-9-]+)"|'([A-Za-z0-9-]+)'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>$/;
const ENCODINGS = new Set(['utf-8', 'gbk', 'gb2312', 'gb18030']);

function declVouched(decl: string): boolean {
  const m = XML_DECL.exec(decl);
  if (!m) return false;
  const enc = m[1] ?? m[2];
  return enc === undefined || ENCODINGS.has(enc.toLowerCase());
}
