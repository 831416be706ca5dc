import { detached } from './detach.js';

/**
 * The element and attribute names the scanner has met, as a trie over their ASCII characters:
 * the scanner follows it while it reads a name (usually one load from a small typed array per
 * character, in place of the name-character table it would consult anyway), and when the name
 * ends on a node where a
 * known name ends, that node holds the name's string — with its prefix and local part split at
 * the colon. No slice, no hash, no comparison: each element carries the same string object for
 * the same name, so nothing is allocated per name and later `===` and Map lookups on names
 * compare one pointer.
 *
 * Only names that are well-formed ASCII QNames (at most one colon, neither side empty, no
 * digit, '-' or '.' to start either side) of at most `maxLength` characters are added, so
 * ending on a name node proves the name well-formed: the scanner skips its own checks then.
 *
 * Layout, for the cache: most nodes have one child, kept with its character in one 32-bit word
 * per node (`chain`); a node that gets a second child gets a row of 128 entries (`rows`), at
 * most `maxRows` of them. For 8192 nodes and 512 rows that is 176 KB.
 *
 * Bounded on hostile input: at most `nodes` nodes and `maxRows` rows; when they
 * are used up no more names are added, and the scanner cuts names from the text as it did before
 * the table; `clearIfFull()` (called before a document, never during one, so node numbers stay
 * valid for a whole scan) empties a full table so that the next documents' names fill it again.
 * The strings are detached from the text they were read from (a kept substring would keep its
 * whole document alive).
 */
export class NameTrie {
  /** per node: its first child and that child's character, (c << 16) | child; 0 for none (node 0 is the root) */
  readonly chain: Uint32Array;
  /** per node: its row in `rows` once it has a second child, 0 for none (the root has row 1 from the start) */
  readonly rowOf: Uint16Array;
  /** rows[row * 128 + c]: the child after ASCII character c, 0 for none */
  readonly rows: Uint16Array;
  /** per node: the name ending there, undefined when none does */
  readonly names: (string | undefined)[];
  /** per name node: the part before the colon, '' for none */
  readonly prefixes: string[];
  /** per name node: the part after the colon, or the whole name */
  readonly locals: string[];
  /** per name node: the offset of the colon, -1 for none */
  readonly colons: Int16Array;
  /** per name node: 1 when the name is xmlns or xmlns:something (a namespace declaration) */
  readonly xmlns: Uint8Array;
  private used = 1;
  private usedRows = 2;
  private count = 0;
  private full = false;

  constructor(
    readonly nodes: number,
    readonly maxLength: number,
    readonly maxRows: number,
  ) {
    if (nodes > 0x10000 || maxRows > 0x10000) throw new Error('NameTrie: at most 65536 nodes and rows');
    this.chain = new Uint32Array(nodes);
    this.rowOf = new Uint16Array(nodes);
    this.rows = new Uint16Array(maxRows * 128);
    this.rowOf[0] = 1;
    this.names = new Array<string | undefined>(nodes).fill(undefined);
    this.prefixes = new Array<string>(nodes).fill('');
    this.locals = new Array<string>(nodes).fill('');
    this.colons = new Int16Array(nodes);
    this.xmlns = new Uint8Array(nodes);
  }

  /** How many names the trie holds. */
  get size(): number {
    return this.count;
  }

  /** How many nodes are in use (never more than `nodes`). */
  get nodesUsed(): number {
    return this.used;
  }

  /**
   * Add text[start, end) when it is a well-formed ASCII QName of at most maxLength characters
   * and there is room: its node, else 0.
   */
  add(text: string, start: number, end: number): number {
    const len = end - start;
    if (len > this.maxLength || len === 0 || this.full) return 0;
    let colon = -1;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c >= 128) return 0;
      if (c === 0x3a) {
        if (colon !== -1) return 0;
        colon = k - start;
      } else if (NAME[c] === 0) return 0;
    }
    if (NAME[text.charCodeAt(start)] !== 1) return 0;
    if (colon !== -1 && (colon === len - 1 || NAME[text.charCodeAt(start + colon + 1)] !== 1)) return 0;
    // room for a whole new path: each node added may need a row for its parent
    if (this.used + len > this.nodes || this.usedRows + len > this.maxRows) {
      this.full = true;
      return 0;
    }
    let node = 0;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      let t = this.child(node, c);
      if (t === 0) {
        t = this.used++;
        const e = this.chain[node]!;
        let r = this.rowOf[node]!;
        if (e === 0 && r === 0) this.chain[node] = (c << 16) | t;
        else {
          if (r === 0) {
            r = this.usedRows++;
            this.rowOf[node] = r;
            this.rows[(r << 7) | (e >>> 16)] = e & 0xffff;
          }
          this.rows[(r << 7) | c] = t;
        }
      }
      node = t;
    }
    if (this.names[node] !== undefined) return node;
    const name = detached(text.slice(start, end));
    this.names[node] = name;
    this.colons[node] = colon;
    this.prefixes[node] = colon === -1 ? '' : name.slice(0, colon);
    this.locals[node] = colon === -1 ? name : name.slice(colon + 1);
    this.xmlns[node] = isXmlnsName(name) ? 1 : 0;
    this.count++;
    return node;
  }

  /** The child of `node` after ASCII character c, 0 for none (the scanner inlines the same lookup). */
  child(node: number, c: number): number {
    const e = this.chain[node]!;
    if (e >>> 16 === c) return e & 0xffff;
    const r = this.rowOf[node]!;
    return r === 0 ? 0 : this.rows[(r << 7) | c]!;
  }

  /** Empty the trie when it ran out of nodes (between documents only). */
  clearIfFull(): void {
    if (this.full) this.clear();
  }

  clear(): void {
    this.chain.fill(0);
    this.rowOf.fill(0);
    this.rows.fill(0);
    this.rowOf[0] = 1;
    this.usedRows = 2;
    this.names.fill(undefined);
    this.prefixes.fill('');
    this.locals.fill('');
    this.colons.fill(0);
    this.xmlns.fill(0);
    this.used = 1;
    this.count = 0;
    this.full = false;
  }
}

/** ASCII name characters apart from ':' (the scanner's table too): 1 = may start a name (or the part after the colon), 2 = may continue one. */
export const NAME = new Uint8Array(128);
for (let c = 0x41; c <= 0x5a; c++) NAME[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) NAME[c] = 1;
NAME[0x5f] = 1;
for (let c = 0x30; c <= 0x39; c++) NAME[c] = 2;
NAME[0x2d] = 2;
NAME[0x2e] = 2;

/** A namespace declaration's attribute name: xmlns or xmlns:prefix. */
export function isXmlnsName(name: string): boolean {
  return name.charCodeAt(0) === 0x78 /* x */ && name.startsWith('xmlns') && (name.length === 5 || name.charCodeAt(5) === 0x3a);
}
