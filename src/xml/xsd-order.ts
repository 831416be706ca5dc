import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { XmlElement } from 'libxml2-wasm';
import { parseXml } from './parse.js';
import { NS, prefixOf } from './ns.js';

/**
 * Child-element order per complex type, as an XSD prescribes it. Types are named by their XSD
 * name (hl7 namespace unprefixed, e.g. "POCD_MT000040.Patient"); anonymous types by
 * "<owner type>/<element>". Child names are written as the light tree writes them
 * (hl7 unprefixed, "sdtc:x" otherwise).
 */
export interface OrderTable {
  /** global elements (document roots) → their type */
  roots: Record<string, string>;
  types: Record<string, TypeOrder>;
}

export interface TypeOrder {
  /** child element names in an order every content model of the type accepts */
  children: string[];
  /** child element name → its type (absent for simple / unknown types) */
  childTypes: Record<string, string>;
  /** children every instance must have (minOccurs ≥ 1 outside any choice) */
  required?: string[];
  /** children that may occur at most once */
  single?: string[];
}

const XS = 'http://www.w3.org/2001/XMLSchema';

interface SchemaDoc {
  targetNamespace: string;
  root: XNode;
}

/**
 * Schema documents are copied once into plain objects: walking them through the wasm wrappers
 * call by call costs more than the parse. Annotations are dropped on the way.
 */
interface XNode {
  name: string;
  ns: string;
  attrs: Record<string, string>;
  /** in-scope namespace prefixes ('' for the default namespace) */
  prefixes: Record<string, string>;
  children: XNode[];
}

function toPlain(e: XmlElement, inherited: Record<string, string>): XNode {
  const decl = e.nsDeclarations;
  const prefixes = Object.keys(decl).length > 0 ? { ...inherited, ...decl } : inherited;
  const attrs: Record<string, string> = {};
  for (const a of e.attrs) attrs[a.name] = a.value;
  const children: XNode[] = [];
  for (let c = e.firstChild; c !== null; c = c.next) {
    if (c instanceof XmlElement && !(c.namespaceUri === XS && c.name === 'annotation')) children.push(toPlain(c, prefixes));
  }
  return { name: e.name, ns: e.namespaceUri, attrs, prefixes, children };
}

/**
 * Derive an order table from an XSD and everything it includes or imports. Precedence comes
 * from xs:sequence; alternatives of an xs:choice are unordered among themselves, and a
 * topological sort (ties by first appearance) gives one order that satisfies every sequence.
 */
export function deriveOrderTable(entryXsd: string): OrderTable {
  const docs: { dispose(): void }[] = [];
  try {
    const schemas = loadSchemas(resolve(entryXsd), docs);
    return new Deriver(schemas).run();
  } finally {
    for (const d of docs) d.dispose();
  }
}

function loadSchemas(entry: string, docs: { dispose(): void }[]): SchemaDoc[] {
  const seen = new Set<string>();
  const out: SchemaDoc[] = [];
  // an included schema without a targetNamespace takes the includer's (chameleon include)
  const visit = (file: string, inheritedNs: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const doc = parseXml(readFileSync(file), { fileName: file, maxBytes: 20 * 1024 * 1024 });
    docs.push(doc);
    const root = toPlain(doc.root, {});
    const targetNamespace = root.attrs['targetNamespace'] ?? inheritedNs;
    out.push({ targetNamespace, root });
    for (const c of root.children) {
      if (c.ns === XS && (c.name === 'include' || c.name === 'import' || c.name === 'redefine')) {
        const loc = c.attrs['schemaLocation'];
        if (loc && !/^[a-z]+:/i.test(loc)) visit(resolve(dirname(file), loc), c.name === 'import' ? '' : targetNamespace);
      }
    }
  };
  visit(entry, '');
  return out;
}

function xs(e: XNode, local: string): boolean {
  return e.ns === XS && e.name === local;
}

/** A content particle flattened to the element names it can start with, in order, plus the sequence edges inside it. */
interface Particle {
  names: string[];
}

class Deriver {
  private readonly complexTypes = new Map<string, { el: XNode; ns: string }>();
  private readonly groups = new Map<string, { el: XNode; ns: string }>();
  private readonly globals = new Map<string, { el: XNode; ns: string }>();
  private readonly table: OrderTable = { roots: {}, types: {} };
  private readonly pending: { key: string; el: XNode; ns: string }[] = [];

  constructor(private readonly schemas: SchemaDoc[]) {
    for (const s of schemas) {
      for (const c of s.root.children) {
        const name = c.attrs['name'];
        if (!name) continue;
        const k = `${s.targetNamespace}|${name}`;
        if (xs(c, 'complexType')) this.complexTypes.set(k, { el: c, ns: s.targetNamespace });
        else if (xs(c, 'group')) this.groups.set(k, { el: c, ns: s.targetNamespace });
        else if (xs(c, 'element')) this.globals.set(k, { el: c, ns: s.targetNamespace });
      }
    }
  }

  run(): OrderTable {
    for (const [k, g] of this.globals) {
      const name = k.split('|')[1]!;
      const t = this.elementType(g.el, g.ns, 'global');
      if (t) this.table.roots[display(g.ns, name)] = t;
    }
    // every named type too: xsi:type (observation/value) reaches types no element declares
    for (const [k, ct] of this.complexTypes) {
      const [ns, local] = k.split('|') as [string, string];
      this.pending.push({ key: typeKey(ns, local), el: ct.el, ns: ct.ns });
    }
    while (this.pending.length > 0) {
      const p = this.pending.pop()!;
      if (this.table.types[p.key]) continue;
      this.table.types[p.key] = { children: [], childTypes: {} };
      this.table.types[p.key] = this.order(p.el, p.ns, p.key);
    }
    return pruneLeaves(this.table);
  }

  /** Type key of an element declaration; queues the type for ordering. */
  private elementType(decl: XNode, ns: string, owner: string): string | undefined {
    const typeAttr = decl.attrs['type'];
    if (typeAttr) {
      const q = resolveQName(decl, typeAttr, ns);
      if (q.ns === XS) return undefined;
      const ct = this.complexTypes.get(`${q.ns}|${q.local}`);
      if (!ct) return undefined; // simple type
      const key = typeKey(q.ns, q.local);
      this.pending.push({ key, el: ct.el, ns: ct.ns });
      return key;
    }
    const anon = decl.children.find((c) => xs(c, 'complexType'));
    if (anon) {
      const key = `${owner}/${decl.attrs['name'] ?? '?'}`;
      this.pending.push({ key, el: anon, ns });
      return key;
    }
    return undefined;
  }

  private order(ct: XNode, ns: string, key: string): TypeOrder {
    const childTypes: Record<string, string> = {};
    const firstSeen: string[] = [];
    const edges = new Map<string, Set<string>>();
    const note = (n: string) => { if (!firstSeen.includes(n)) firstSeen.push(n); };
    const edge = (a: string, b: string) => {
      if (a === b) return;
      let s = edges.get(a);
      if (!s) edges.set(a, (s = new Set()));
      s.add(b);
    };

    const required: string[] = [];
    const repeating = new Set<string>();
    const optional = (e: XNode) => e.attrs['minOccurs'] === '0';
    const repeats = (e: XNode) => (e.attrs['maxOccurs'] ?? '1') !== '1';
    // `must`: every instance of the type contains this particle
    const particle = (e: XNode, ownerNs: string, must: boolean, rep = false): Particle => {
      if (xs(e, 'element')) {
        if (e.attrs['maxOccurs'] === '0') return { names: [] }; // prohibited by a restriction
        let decl = e;
        let declNs = ownerNs;
        const ref = e.attrs['ref'];
        let name: string;
        if (ref) {
          const q = resolveQName(e, ref, ownerNs);
          const g = this.globals.get(`${q.ns}|${q.local}`);
          name = display(q.ns, q.local);
          if (g) { decl = g.el; declNs = g.ns; }
        } else {
          name = display(ownerNs, e.attrs['name'] ?? '?');
        }
        note(name);
        if (must && !optional(e) && !required.includes(name)) required.push(name);
        if (rep || repeats(e)) repeating.add(name);
        const t = this.elementType(decl, declNs, key);
        if (t && childTypes[name] === undefined) childTypes[name] = t;
        return { names: [name] };
      }
      if (xs(e, 'sequence')) {
        const parts = e.children.map((c) => particle(c, ownerNs, must && !optional(e), rep || repeats(e)));
        for (let i = 0; i < parts.length; i++)
          for (let j = i + 1; j < parts.length; j++)
            for (const a of parts[i]!.names) for (const b of parts[j]!.names) edge(a, b);
        return { names: parts.flatMap((p) => p.names) };
      }
      if (xs(e, 'choice')) {
        const alts = e.children.filter((c) => !xs(c, 'annotation'));
        return { names: alts.flatMap((c) => particle(c, ownerNs, must && !optional(e) && alts.length === 1, rep || repeats(e)).names) };
      }
      if (xs(e, 'all')) {
        return { names: e.children.flatMap((c) => particle(c, ownerNs, must && !optional(e), rep || repeats(e)).names) };
      }
      if (xs(e, 'group')) {
        const ref = e.attrs['ref'];
        if (ref) {
          const q = resolveQName(e, ref, ownerNs);
          const g = this.groups.get(`${q.ns}|${q.local}`);
          return g ? particle(g.el, g.ns, must && !optional(e), rep || repeats(e)) : { names: [] };
        }
        return { names: e.children.flatMap((c) => particle(c, ownerNs, must, rep).names) };
      }
      if (xs(e, 'complexType') || xs(e, 'complexContent')) {
        return { names: e.children.flatMap((c) => particle(c, ownerNs, must, rep).names) };
      }
      if (xs(e, 'extension')) {
        const base = e.attrs['base'];
        let inherited: string[] = [];
        if (base) {
          const q = resolveQName(e, base, ownerNs);
          const b = this.complexTypes.get(`${q.ns}|${q.local}`);
          if (b) inherited = particle(b.el, b.ns, must, rep).names;
        }
        const own = e.children.flatMap((c) => particle(c, ownerNs, must, rep).names);
        for (const a of inherited) for (const b of own) edge(a, b);
        return { names: [...inherited, ...own] };
      }
      if (xs(e, 'restriction')) {
        // a complex restriction restates its content model; a simple one has none
        return { names: e.children.flatMap((c) => particle(c, ownerNs, must, rep).names) };
      }
      return { names: [] }; // attributes, annotations, simpleContent
    };

    const isSimpleContent = ct.children.some((c) => xs(c, 'simpleContent'));
    if (!isSimpleContent) particle(ct, ns, true);
    const children = topoSort(firstSeen, edges);
    const out: TypeOrder = { children, childTypes };
    if (required.length > 0) out.required = children.filter((c) => required.includes(c));
    const single = children.filter((c) => !repeating.has(c));
    if (single.length > 0) out.single = single;
    return out;
  }
}

/** Types without child elements need no order: drop their entries. */
export function pruneLeaves(table: OrderTable): OrderTable {
  const types: Record<string, TypeOrder> = {};
  const keep = (t: string) => (table.types[t]?.children.length ?? 0) > 0;
  for (const k of Object.keys(table.types).sort()) {
    const t = table.types[k]!;
    if (!keep(k)) continue;
    // references to leaf types stay: a node's type says what it is (PQ, TS …) even when it has no children to order
    types[k] = t;
  }
  const roots: Record<string, string> = {};
  for (const [k, v] of Object.entries(table.roots)) if (keep(v)) roots[k] = v;
  return { roots, types };
}

function topoSort(nodes: string[], edges: Map<string, Set<string>>): string[] {
  const indeg = new Map<string, number>(nodes.map((n) => [n, 0]));
  for (const [, bs] of edges) for (const b of bs) if (indeg.has(b)) indeg.set(b, indeg.get(b)! + 1);
  const done = new Set<string>();
  const out: string[] = [];
  while (out.length < nodes.length) {
    // the earliest-seen node with no unplaced predecessor; on a cycle, the earliest-seen left
    let pick = nodes.find((n) => !done.has(n) && indeg.get(n) === 0);
    if (pick === undefined) pick = nodes.find((n) => !done.has(n))!;
    done.add(pick);
    out.push(pick);
    for (const b of edges.get(pick) ?? []) if (indeg.has(b)) indeg.set(b, indeg.get(b)! - 1);
  }
  return out;
}

/** QName in a schema document; unprefixed names without a default namespace belong to the (chameleon) target namespace. */
function resolveQName(context: XNode, qname: string, schemaNs: string): { ns: string; local: string } {
  const i = qname.indexOf(':');
  const prefix = i > 0 ? qname.slice(0, i) : '';
  const local = i > 0 ? qname.slice(i + 1) : qname;
  return { ns: context.prefixes[prefix] ?? (prefix === '' ? schemaNs : ''), local };
}

function typeKey(ns: string, local: string): string {
  return ns === NS.hl7 || ns === '' ? local : `{${ns}}${local}`;
}

function display(ns: string, local: string): string {
  if (ns === NS.hl7 || ns === '') return local;
  const p = prefixOf(ns);
  return p ? `${p}:${local}` : `{${ns}}${local}`;
}
