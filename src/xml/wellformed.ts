import { isXmlnsName, NAME, NameTrie } from './intern.js';
import { JElement, type DocumentText, type JAttr } from './jstree.js';

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
  } finally {
    releaseChunks();
  }
}

/** The tree of text libxml2 already accepted (no DOCTYPE); throws when the text is not well-formed. */
export function scanTrusted(text: string): JElement {
  try {
    return scan(text, Infinity, false);
  } catch (err) {
    if (err instanceof NotProven) throw new Error(`scanTree: ${err.message}`);
    throw err;
  } finally {
    releaseChunks();
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

/*
 * Written as top-level functions over explicit arguments, and one loop in scan() whose state is
 * in locals: V8 inlines and optimises these better than closures over a dozen shared variables.
 * The characters are read from a typed array of the text's code units (unitsOf), and lines
 * counted where the LFs are read. The tree is built without garbage: names come from the name
 * trie (one string object per name, no slice per element), attribute and child arrays are made once at their exact size
 * (from buffers reused within the scan), elements without attributes or children keep JElement's
 * shared frozen empty arrays, the open elements are parallel arrays rather than an object each, and
 * indentation text ("\n" and spaces, most text runs of a document) comes from a table.
 */

/** Element and attribute names of at most 64 characters, in at most 8192 trie nodes and 512 rows (176 KB; see NameTrie). */
const NAMES = new NameTrie(8192, 64, 512);

/** The names' trie, for tests: how many names and nodes it holds. */
export function internedNames(): { names: number; nodes: number; maxNodes: number } {
  return { names: NAMES.size, nodes: NAMES.nodesUsed, maxNodes: NAMES.nodes };
}

/**
 * The text's UTF-16 code units in a typed array, with a 0 after the last: the scan reads these
 * rather than text.charCodeAt (a typed-array load is a fraction of a string access, whose
 * representation V8 checks on every call). Copied natively (Buffer.write, UTF-16LE), into one
 * buffer reused from document to document (it grows to the largest document up to UNITS_KEPT
 * code units; a larger one gets a buffer of its own). Every read is at most one past the last
 * character (the 0 stops names, values and runs of spaces), so what an earlier, longer
 * document left further on is never read.
 */
const UNITS_KEPT = 1 << 21;
let units = new Uint16Array(1 << 14);
let unitBytes = Buffer.from(units.buffer, units.byteOffset, units.byteLength);

function unitsOf(text: string): Uint16Array {
  const need = text.length + 1;
  let u = units;
  let b = unitBytes;
  if (u.length < need) {
    u = new Uint16Array(Math.max(need, Math.min(u.length * 2, UNITS_KEPT)));
    b = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    if (u.length <= UNITS_KEPT) {
      units = u;
      unitBytes = b;
    }
  }
  b.write(text, 0, 'utf16le');
  u[text.length] = 0;
  return u;
}

/** Indentation text runs: "\n" followed by k spaces, made once each (k < INDENTS). */
const INDENTS = 256;
const indents: string[] = [];
function indent(k: number): string {
  let s = indents[k];
  if (s === undefined) s = indents[k] = '\n' + ' '.repeat(k);
  return s;
}

/** How far back among the siblings the previous one of the same name is looked for before a map is kept. */
const NEAR = 16;

/** Per open element with many children: namespace → local name → the last such child's index. */
type Counts = Map<string, Map<string, number>>;

/**
 * The position of an element named {ns}local among its parent's children of the same name (the
 * children so far are kids[from, to)): one more than the nearest such sibling's. Usually found a
 * few siblings back; a parent with many children keeps a map of counts instead (counts[top]), so
 * hostile fan-out stays linear.
 */
function siblingIndex(kids: JElement[], from: number, to: number, local: string, ns: string, counts: (Counts | undefined)[], top: number): number {
  let c = counts[top];
  if (c === undefined) {
    const stop = to - NEAR;
    for (let k = to - 1; k >= from && k >= stop; k--) {
      const s = kids[k]!;
      if (s.local === local && s.ns === ns) return s.index + 1;
    }
    if (stop < from) return 1;
    c = new Map();
    counts[top] = c;
    for (let k = from; k < to; k++) {
      const s = kids[k]!;
      let m = c.get(s.ns);
      if (m === undefined) c.set(s.ns, (m = new Map()));
      m.set(s.local, s.index);
    }
  }
  let m = c.get(ns);
  if (m === undefined) c.set(ns, (m = new Map()));
  const k = (m.get(local) ?? 0) + 1;
  m.set(local, k);
  return k;
}

/**
 * A character at k >= 0xD800: the index of its last code unit; fails on an unpaired surrogate,
 * U+FFFE, U+FFFF, and U+FEFF (a byte-order mark inside the text: in a large document libxml2
 * drops it from most text and attribute values and keeps it in some — cause not pinned down;
 * found by the fuzz test).
 */
function wide(u: Uint16Array, k: number, c: number, strict: boolean): number {
  if (c < 0xdc00) {
    const d = u[k + 1]!;
    if (d >= 0xdc00 && d <= 0xdfff) return k + 1;
  } else if (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) return k;
  if (strict) fail('unpaired surrogate, U+FEFF, U+FFFE or U+FFFF', k);
  return k;
}

/** Characters of [from, to) in a comment, CDATA section or PI. */
function plainChars(u: Uint16Array, from: number, to: number, strict: boolean): void {
  if (!strict) return;
  for (let k = from; k < to; k++) {
    const c = u[k]!;
    if (c < 128) {
      if (CTRL[c] !== 0 && c !== 0x0a && c !== 0x09 && c !== 0x0d) fail('character not allowed in XML', k);
    } else if (c >= 0xd800) k = wide(u, k, c, strict);
  }
}

/**
 * What nameEnd read last: the offset of its colon (from the name's start; the last one in
 * trusted mode), -1 for none; and its node in NAMES (0 when it is not there: cut it from the text).
 */
let nameColon = -1;
let nameNode = 0;

/**
 * End of an (unprefixed or prefixed) name starting at j; fails when there is none. Sets
 * nameColon and nameNode. The characters are followed along NAMES as they are read; a name that
 * ends on a name node is one of the well-formed names added before (no check left to do), any
 * other name is checked here and then added.
 */
function nameEnd(text: string, u: Uint16Array, j: number, strict: boolean): number {
  const n = text.length;
  const chain = NAMES.chain;
  const rowOf = NAMES.rowOf;
  const rows = NAMES.rows;
  const c0 = u[j]!;
  if (!(c0 < 128 && NAME[c0] === 1)) {
    if (strict || c0 < 128 || Number.isNaN(c0)) fail('name expected', j);
  }
  // the root has a row
  let node = c0 < 128 ? rows[(1 << 7) | c0]! : 0;
  let k = j + 1;
  let colon = -1;
  for (; k < n; k++) {
    const c = u[k]!;
    if (c < 128) {
      if (node !== 0) {
        // NAMES.child(node, c), inlined
        const e = chain[node]!;
        let t: number;
        if (e >>> 16 === c) t = e & 0xffff;
        else {
          const r = rowOf[node]!;
          t = r === 0 ? 0 : rows[(r << 7) | c]!;
        }
        if (t !== 0) {
          node = t;
          if (c === 0x3a) colon = k;
          continue;
        }
      }
      if (NAME[c] !== 0) {
        node = 0;
        continue;
      }
      if (c === 0x3a /* : */) {
        if (colon !== -1 && strict) fail('more than one colon in a name', k);
        colon = k;
        node = 0;
        continue;
      }
      break;
    }
    if (strict) fail('non-ASCII name character', k);
    node = 0;
  }
  if (node !== 0 && NAMES.names[node] !== undefined) {
    nameNode = node;
    nameColon = NAMES.colons[node]!;
    return k;
  }
  if (strict) {
    if (colon !== -1 && (colon === j || colon === k - 1 || !(u[colon + 1]! < 128 && NAME[u[colon + 1]!] === 1))) fail('malformed qualified name', j);
    if (k - j > MAX_NAME) fail('name too long', j);
  }
  nameColon = colon === -1 ? -1 : colon - j;
  nameNode = NAMES.add(text, j, k);
  return k;
}

/** After '<!--' at lt: the index past '-->'. */
function comment(text: string, u: Uint16Array, lt: number, strict: boolean): number {
  const end = text.indexOf('-->', lt + 4);
  if (end === -1) fail('unterminated comment', lt);
  plainChars(u, lt + 4, end, strict);
  if (strict) {
    const dd = text.indexOf('--', lt + 4);
    if (dd < end) fail("'--' inside a comment", dd);
    // '<!--->' and a '-' right after '<!--' read differently by some parsers: not vouched for
    if (end > lt + 4 && (u[lt + 4]! === 0x2d || u[end - 1]! === 0x2d)) fail("comment starting or ending with '-'", lt);
  }
  return end + 3;
}

/** A processing instruction at lt, outside the root (strict) or anywhere (trusted): the index past '?>'. */
function pi(text: string, u: Uint16Array, lt: number, strict: boolean): number {
  const end = text.indexOf('?>', lt + 2);
  if (end === -1) fail('unterminated processing instruction', lt);
  plainChars(u, lt + 2, end, strict);
  if (strict) {
    const t = nameEnd(text, u, lt + 2, strict);
    const target = text.slice(lt + 2, t);
    if (target.indexOf(':') !== -1 || /^xml$/i.test(target) || /^xml/i.test(target) && target !== 'xml-stylesheet') fail(`processing instruction target '${target}' not vouched for`, lt);
    if (t !== end && !isSpace(u[t]!)) fail('processing instruction target not followed by white space', t);
  }
  return end + 2;
}

/**
 * The text chunks of the document being scanned, CHUNKS[0, chunkCount): one buffer reused from
 * document to document (growing an array chunk by chunk allocated twice the final array in
 * copies); the document gets an exact copy when its scan is done, and the buffer lets go of the
 * strings after every scan (releaseChunks).
 */
const CHUNKS: string[] = [];
let chunkCount = 0;
const NO_TEXT: string[] = [];

/**
 * The scan's working arrays of numbers (small integers: storing one costs no write barrier),
 * reused from document to document; entries past what the current scan wrote are stale.
 */
const W = {
  /** per open element: where its name is in the text, and its length (the end tag must repeat it) */
  openQs: [] as number[],
  openQl: [] as number[],
  /** per open element: where its children start in kids */
  openKids: [] as number[],
  /** per attribute of the current start tag: offset of the colon in its name, -1 for none */
  colons: [] as number[],
  /** per attribute: whether it is a namespace declaration: 1 yes, 0 no */
  xmlns: [] as number[],
};

/** Past this length a working array is dropped after the scan rather than kept (hostile fan-out or depth). */
const KEEP = 4096;

function releaseChunks(): void {
  if (chunkCount > KEEP * 4) CHUNKS.length = 0;
  else CHUNKS.fill('', 0, chunkCount);
  chunkCount = 0;
  if (W.openQs.length > KEEP) W.openQs.length = W.openQl.length = W.openKids.length = 0;
  if (W.colons.length > KEEP) W.colons.length = W.xmlns.length = 0;
}

/** How many LFs the last textRun read. */
let runLfs = 0;

/** LFs among the code units [from, to). */
function lfsIn(u: Uint16Array, from: number, to: number): number {
  let c = 0;
  for (let k = from; k < to; k++) if (u[k] === 0x0a) c++;
  return c;
}

/** The text run from `from` inside the root up to the next '<' (returned): checked, line ends and references resolved, pushed to chunks. */
function textRun(text: string, u: Uint16Array, from: number, strict: boolean): number {
  const n = text.length;
  let refs = false;
  let cr = false;
  let to = from;
  let lfs = 0;
  if (u[from]! === 0x0a) {
    lfs = 1;
    // indentation ("\n" and spaces up to the next tag), most text runs of a document: from the table
    to++;
    while (u[to]! === 0x20) to++;
    if (u[to]! === 0x3c && to - from <= INDENTS) {
      CHUNKS[chunkCount++] = indent(to - from - 1);
      runLfs = 1;
      return to;
    }
  }
  for (; to < n; to++) {
    const c = u[to]!;
    if (c < 128) {
      if (TEXT[c] === 0) continue;
      if (c === 0x3c) break;
      if (c === 0x26) refs = true;
      else if (c === 0x5d) {
        if (u[to + 1]! === 0x5d && u[to + 2]! === 0x3e && strict) fail("']]>' in text", to);
      } else if (c === 0x0d) cr = true;
      else if (c === 0x0a) lfs++;
      else if (c !== 0x09 && strict) fail('character not allowed in XML', to);
    } else if (c >= 0xd800) to = wide(u, to, c, strict);
  }
  if (to >= n) fail('end of input inside the root element', n);
  runLfs = lfs;
  if (to === from) return to;
  let s = text.slice(from, to);
  if (cr) s = s.replace(/\r\n?/g, '\n');
  if (refs) {
    const d = decodeRefs(s, strict);
    if (d === undefined) {
      if (strict) fail('malformed or undeclared reference', from);
    } else s = d;
  }
  CHUNKS[chunkCount++] = s;
  return to;
}

/**
 * The scanner. strict: prove well-formedness (throw NotProven on anything unproven); trusted
 * (strict false): the text is known well-formed, read it as libxml2 did.
 */
function scan(text: string, maxDepth: number, strict: boolean): JElement {
  const n = text.length;
  NAMES.clearIfFull();
  const u = unitsOf(text);
  chunkCount = 0;
  const texts: DocumentText = { list: NO_TEXT };
  // the working arrays of numbers are module-level (see W); those of objects are made here: a
  // young object stored into a long-lived array costs a write barrier's slow path, every time
  const { openQs, openQl, openKids, colons, xmlns } = W;
  /** the open elements, as parallel arrays (depth = how many are open); entries past depth are stale */
  const openEl: JElement[] = [];
  const openCounts: (Counts | undefined)[] = [];
  /** the children of the open elements so far, each element's after its parent's (kids[0, kidTop)) */
  const kids: JElement[] = [];
  // attributes of the current start tag, reused from tag to tag
  const names: string[] = [];
  const locals: string[] = [];
  const prefixes: string[] = [];
  const values: string[] = [];
  const built: JAttr[] = [];
  let depth = 0;
  let kidTop = 0;
  let root: JElement | undefined;

  /*
   * Element lines without a search per line: text runs count the LFs they read (runLfs), and
   * every other place that can read an LF (white space inside tags, attribute values with white
   * space, comments, CDATA, PIs, the prolog) sets gapLf; only then are the LFs of that stretch,
   * [lfPos, here), counted from the code units. line = 1 + the LFs before lfPos.
   */
  let line = 1;
  let lfPos = 0;
  let gapLf = true;
  /** the default namespace of the scope last looked at */
  let defaultFor: ReadonlyMap<string, string> | undefined;
  let defaultNs = '';

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
    while (i < n && isSpace(u[i]!)) i++;
    if (i >= n) fail('no root element', i);
    if (u[i]! !== 0x3c) fail('content before the root element', i);
    const c = u[i + 1]!;
    if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', i)) i = comment(text, u, i, strict);
      else if (text.startsWith('<!DOCTYPE', i)) fail('DOCTYPE', i);
      else fail('markup declaration before the root', i);
    } else if (c === 0x3f /* ? */) i = pi(text, u, i, strict);
    else break;
  }

  // ---- the root element and its content
  for (;;) {
    if (depth === 0 && root !== undefined) break;
    // the first time round i is at the root's '<' (the prolog loop saw to it)
    let lt = i;
    if (depth > 0) {
      if (gapLf) {
        line += lfsIn(u, lfPos, i);
        gapLf = false;
      }
      lt = textRun(text, u, i, strict);
      line += runLfs;
      lfPos = lt;
    }
    const c = u[lt + 1]!;
    if (c === 0x2f /* / */) {
      if (depth === 0) fail('end tag before the root element', lt);
      depth--;
      const qs = openQs[depth]!;
      const ql = openQl[depth]!;
      const e = lt + 2 + ql;
      if (e > n) fail(`end tag does not match <${text.slice(qs, qs + ql)}>`, lt);
      for (let k = 0; k < ql; k++) if (u[lt + 2 + k]! !== u[qs + k]!) fail(`end tag does not match <${text.slice(qs, qs + ql)}>`, lt);
      if (e < n && u[e]! !== 0x3e && !isSpace(u[e]!)) fail(`end tag does not match <${text.slice(qs, qs + ql)}>`, lt);
      let k = e;
      while (k < n && isSpace(u[k]!)) {
        if (u[k] === 0x0a) gapLf = true;
        k++;
      }
      if (u[k]! !== 0x3e) fail('malformed end tag', lt);
      const el = openEl[depth]!;
      el.textEnd = chunkCount;
      const from = openKids[depth]!;
      const m = kidTop - from;
      if (m > 0) {
        // array literals up to 3: made at their size without a call
        el.children = m === 1 ? [kids[from]!] : m === 2 ? [kids[from]!, kids[from + 1]!] : m === 3 ? [kids[from]!, kids[from + 1]!, kids[from + 2]!] : kids.slice(from, kidTop);
        kidTop = from;
      }
      openCounts[depth] = undefined;
      i = k + 1;
      continue;
    }
    if (c === 0x21 /* ! */) {
      gapLf = true;
      if (text.startsWith('<!--', lt)) {
        i = comment(text, u, lt, strict);
      } else if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) fail('unterminated CDATA section', lt);
        plainChars(u, lt + 9, end, strict);
        let s = text.slice(lt + 9, end);
        if (s.indexOf('\r') !== -1) s = s.replace(/\r\n?/g, '\n');
        CHUNKS[chunkCount++] = s;
        i = end + 3;
      } else fail('markup declaration inside the root', lt);
      continue;
    }
    if (c === 0x3f /* ? */) {
      if (strict) fail('processing instruction inside the root', lt);
      gapLf = true;
      i = pi(text, u, lt, strict);
      continue;
    }

    // ---- start tag: name, attributes, '>' or '/>'
    let j = nameEnd(text, u, lt + 1, strict);
    const colon = nameColon;
    let local: string;
    let prefix = '';
    {
      const node = nameNode;
      if (node !== 0) {
        local = NAMES.locals[node]!;
        prefix = NAMES.prefixes[node]!;
      } else if (colon === -1) local = text.slice(lt + 1, j);
      else {
        prefix = text.slice(lt + 1, lt + 1 + colon);
        local = text.slice(lt + 2 + colon, j);
      }
    }
    const qlen = j - (lt + 1);
    let count = 0;
    let selfClosing = false;
    for (;;) {
      const sp = j;
      while (j < n && isSpace(u[j]!)) {
        if (u[j] === 0x0a) gapLf = true;
        j++;
      }
      const ch = u[j]!;
      if (ch === 0x3e /* > */) {
        j++;
        break;
      }
      if (ch === 0x2f /* / */) {
        if (u[j + 1]! !== 0x3e) fail("'/' not followed by '>' in a start tag", j);
        selfClosing = true;
        j += 2;
        break;
      }
      if (j === sp) fail('white space expected before an attribute', j);
      const ne = nameEnd(text, u, j, strict);
      const ac = nameColon;
      let name: string;
      const node = nameNode;
      if (node !== 0) {
        name = NAMES.names[node]!;
        locals[count] = NAMES.locals[node]!;
        prefixes[count] = NAMES.prefixes[node]!;
        xmlns[count] = NAMES.xmlns[node]!;
      } else {
        name = text.slice(j, ne);
        xmlns[count] = isXmlnsName(name) ? 1 : 0;
        if (ac === -1) {
          locals[count] = name;
          prefixes[count] = '';
        } else {
          locals[count] = name.slice(ac + 1);
          prefixes[count] = name.slice(0, ac);
        }
      }
      colons[count] = ac;
      j = ne;
      while (j < n && isSpace(u[j]!)) {
        if (u[j] === 0x0a) gapLf = true;
        j++;
      }
      if (u[j]! !== 0x3d /* = */) fail("'=' expected after an attribute name", j);
      j++;
      while (j < n && isSpace(u[j]!)) {
        if (u[j] === 0x0a) gapLf = true;
        j++;
      }
      const quote = u[j]!;
      if (quote !== 0x22 && quote !== 0x27) fail('quoted attribute value expected', j);
      let p = j + 1;
      let ws = false;
      let refs = false;
      for (;; p++) {
        const v = u[p]!;
        if (v < 128) {
          if (ATTR[v] === 0) continue;
          if (p >= n) fail('end of input in an attribute value', p);
          if (v === quote) break;
          if (v === 0x3c /* < */) fail("'<' in an attribute value", p);
          if (v === 0x26 /* & */) refs = true;
          else if (v === 0x0a || v === 0x09 || v === 0x0d) ws = true;
          else if (v < 0x20 && strict) fail('character not allowed in XML', p);
        } else if (v >= 0xd800) p = wide(u, p, v, strict);
      }
      let value = text.slice(j + 1, p);
      // line ends first (CRLF is one space), then white space → space, then references
      if (ws) {
        gapLf = true;
        value = value.replace(/\r\n?/g, '\n').replace(/[\n\t]/g, ' ');
      }
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
    const parent = depth > 0 ? openEl[depth - 1]! : undefined;
    const el0Scope = parent?.scope;
    let own: Map<string, string> | undefined;
    let plainAttrs = 0;
    for (let k = 0; k < count; k++) {
      const name = names[k]!;
      if (xmlns[k] === 0) {
        plainAttrs++;
        continue;
      }
      const declared = name.length === 5 ? '' : name.slice(6);
      const uri = values[k]!;
      if (strict) {
        if (declared === 'xml' || declared === 'xmlns') fail(`declaration of the reserved prefix ${declared}`, lt);
        if (declared === '' ? uri !== '' && !NS_URI.test(uri) : !NS_URI.test(uri)) fail(`namespace URI not vouched for: ${JSON.stringify(uri.slice(0, 80))}`, lt);
        if (uri === XML_NS || uri === XMLNS_NS) fail('reserved namespace URI declared', lt);
      }
      own ??= new Map(el0Scope ?? BASE);
      own.set(declared, uri);
    }
    if (own && strict && own.size > MAX_SCOPE) fail(`more than ${MAX_SCOPE} namespaces in scope`, lt);
    const scope: ReadonlyMap<string, string> = own ?? el0Scope ?? BASE;
    let ns: string;
    if (colon === -1) {
      // siblings and descendants share their scope object: look the default namespace up once per scope
      if (scope !== defaultFor) {
        defaultFor = scope;
        defaultNs = scope.get('') ?? '';
      }
      ns = defaultNs;
    }
    else {
      const u = scope.get(prefix);
      if (u === undefined || (strict && (prefix === 'xml' || prefix === 'xmlns'))) {
        if (strict) fail(`element prefix ${prefix} not declared (or reserved)`, lt);
      }
      ns = u ?? '';
    }
    if (depth + 1 > maxDepth) fail(`element nesting deeper than ${maxDepth}`, lt);
    // the line of the start tag's '>' (positions asked for only grow: each LF counted once)
    if (gapLf) {
      line += lfsIn(u, lfPos, j - 1);
      gapLf = false;
    }
    lfPos = j - 1;
    const el = new JElement(local, ns, line < MAX_LINE ? line : MAX_LINE, parent ?? null, texts);
    if (own) el.scope = own;
    else if (el0Scope) el.scope = el0Scope;
    if (plainAttrs > 0) {
      let m = 0;
      for (let k = 0; k < count; k++) {
        if (xmlns[k] === 1) continue;
        let a: JAttr;
        if (colons[k] === -1) a = { local: locals[k]!, ns: '', value: values[k]!, parent: el };
        else {
          const ap = prefixes[k]!;
          const u = scope.get(ap);
          if (u === undefined && strict) fail(`attribute prefix ${ap} not declared`, lt);
          a = { local: locals[k]!, ns: u ?? '', value: values[k]!, parent: el };
          if (strict) {
            for (let q = 0; q < m; q++) {
              const b = built[q]!;
              if (b.local === a.local && b.ns === a.ns) fail(`attribute {${a.ns}}${a.local} repeated`, lt);
            }
          }
        }
        built[m++] = a;
      }
      // array literals up to 4: made at their size without a call
      el.attrs = m === 1 ? [built[0]!] : m === 2 ? [built[0]!, built[1]!] : m === 3 ? [built[0]!, built[1]!, built[2]!] : m === 4 ? [built[0]!, built[1]!, built[2]!, built[3]!] : built.slice(0, m);
    }
    el.textStart = chunkCount;
    if (parent) {
      el.index = siblingIndex(kids, openKids[depth - 1]!, kidTop, local, ns, openCounts, depth - 1);
      kids[kidTop++] = el;
    } else root = el;
    if (selfClosing) el.textEnd = chunkCount;
    else {
      openEl[depth] = el;
      openQs[depth] = lt + 1;
      openQl[depth] = qlen;
      openKids[depth] = kidTop;
      openCounts[depth] = undefined;
      depth++;
    }
    i = j;
  }

  // ---- after the root: white space, comments, processing instructions only
  for (;;) {
    while (i < n && isSpace(u[i]!)) i++;
    if (i >= n) break;
    if (u[i]! !== 0x3c) fail('content after the root element', i);
    const c = u[i + 1]!;
    if (c === 0x21 && text.startsWith('<!--', i)) i = comment(text, u, i, strict);
    else if (c === 0x3f) i = pi(text, u, i, strict);
    else fail('markup after the root element', i);
  }
  texts.list = CHUNKS.slice(0, chunkCount);
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
