import { TEXT, stringValue, type XmlNode } from './node.js';
import { cdaOrder, type OrderTable } from './order.js';
import { parseCatalogPath, type AttrName, type Predicate, type QName, type RelPath } from './path-grammar.js';

/**
 * Building from catalogue paths (semantics in src/catalog/types.ts): a step whose element
 * (with its predicates) exists is reused, otherwise created carrying what its predicates
 * assert; a trailing @attr receives the value, otherwise the element's text does. New
 * children go where the schema orders them (order.ts), so documents pass the XSD.
 */
export interface BuildOptions {
  /** child order; default the CDA table. V3 messages pass their own or none (creation order). */
  table?: OrderTable | null;
}

// The schema type each built node has, so `component` under structuredBody and under section
// are ordered as their own types. Nodes made elsewhere fall back to their name (roots) or xsi:type.
const nodeTypes = new WeakMap<XmlNode, string>();

export function buildPath(ctx: XmlNode, catalogPath: string, value?: string, opts: BuildOptions = {}): XmlNode {
  const table = opts.table === undefined ? cdaOrder() : opts.table;
  const p = parseCatalogPath(catalogPath);
  let cur = ctx;
  for (const step of p.steps) cur = stepInto(cur, step, step.predicates, table);
  if (value !== undefined) {
    if (p.attribute) cur.attrs[attrKey(p.attribute)] = value;
    else cur.text = value;
  }
  return cur;
}

/** Insert a child (e.g. built with el()) where the schema orders it, typing its subtree. */
export function insertChild(parent: XmlNode, child: XmlNode, opts: BuildOptions = {}): XmlNode {
  const table = opts.table === undefined ? cdaOrder() : opts.table;
  place(parent, child, table);
  return child;
}

/** The schema type a node is known to have (xsi:type first), if any. */
export function schemaTypeOf(node: XmlNode, table: OrderTable | null = cdaOrder()): string | undefined {
  if (table === null) return undefined;
  const xsiType = node.attrs['xsi:type'];
  if (xsiType !== undefined) {
    const local = xsiType.slice(xsiType.indexOf(':') + 1);
    if (table.types[local]) return local;
  }
  return nodeTypes.get(node) ?? table.roots[node.name];
}

/** Declare a node's schema type (for a root other than ClinicalDocument, or a detached subtree). */
export function setSchemaType(node: XmlNode, type: string): void {
  nodeTypes.set(node, type);
}

function stepInto(parent: XmlNode, q: QName, predicates: Predicate[], table: OrderTable | null): XmlNode {
  const name = elementName(q);
  for (const c of parent.children) {
    if (c.name === name && predicates.every((pr) => holds(c, pr))) return c;
  }
  const child: XmlNode = { name, attrs: {}, children: [] };
  place(parent, child, table);
  for (const pr of predicates) realise(child, pr, table);
  return child;
}

/**
 * Make a predicate true of a new node. Intermediate steps are shared; the node receiving the
 * value is reused only if it does not already carry a different value, so two predicates on
 * one step (`[hl7:id/@root='a'][hl7:id/@root='b']`) make two ids instead of overwriting.
 */
function realise(node: XmlNode, pr: Predicate, table: OrderTable | null): void {
  if (holds(node, pr)) return;
  const steps = pr.rel.steps;
  const attr = pr.rel.attribute;
  let target = node;
  if (steps.length > 0) {
    let cur = node;
    for (const s of steps.slice(0, -1)) cur = stepInto(cur, s, [], table);
    const name = elementName(steps[steps.length - 1]!);
    const free = cur.children.find((c) => c.name === name && (attr ? c.attrs[attrKey(attr)] === undefined : c.text === undefined && c.children.length === 0));
    if (free) target = free;
    else {
      target = { name, attrs: {}, children: [] };
      place(cur, target, table);
    }
  }
  if (attr) target.attrs[attrKey(attr)] = pr.value;
  else target.text = pr.value;
}

/** XPath semantics on the light tree: some node the relative path reaches has the value. */
function holds(node: XmlNode, pr: Predicate): boolean {
  return reach(node, pr.rel).some((n) => (pr.rel.attribute ? n.attrs[attrKey(pr.rel.attribute)] === pr.value : stringValue(n) === pr.value));
}

function reach(node: XmlNode, rel: RelPath): XmlNode[] {
  let nodes = [node];
  for (const s of rel.steps) {
    const name = elementName(s);
    nodes = nodes.flatMap((n) => n.children.filter((c) => c.name === name));
  }
  return nodes;
}

function place(parent: XmlNode, child: XmlNode, table: OrderTable | null): void {
  const ptype = schemaTypeOf(parent, table);
  const info = ptype !== undefined && table !== null ? table.types[ptype] : undefined;
  if (info !== undefined && table !== null) typeSubtree(child, info.childTypes[child.name], table);
  const order = info?.children;
  const rank = order ? order.indexOf(child.name) : -1;
  if (!order || rank === -1) {
    parent.children.push(child);
    return;
  }
  const rankOf = (n: XmlNode): number => {
    if (n.name === TEXT) return Number.POSITIVE_INFINITY;
    const r = order.indexOf(n.name);
    return r === -1 ? Number.POSITIVE_INFINITY : r;
  };
  const at = parent.children.findIndex((c) => rankOf(c) > rank);
  if (at === -1) parent.children.push(child);
  else parent.children.splice(at, 0, child);
}

function typeSubtree(node: XmlNode, type: string | undefined, table: OrderTable): void {
  if (type === undefined || node.name === TEXT) return;
  if (!nodeTypes.has(node)) nodeTypes.set(node, type);
  const effective = schemaTypeOf(node, table);
  const info = effective !== undefined ? table.types[effective] : undefined;
  if (!info) return;
  for (const c of node.children) typeSubtree(c, info.childTypes[c.name], table);
}

/** Element names as the light tree writes them: hl7 is the default namespace. */
function elementName(q: QName): string {
  return q.prefix === 'hl7' ? q.local : `${q.prefix}:${q.local}`;
}

function attrKey(a: AttrName): string {
  return a.prefix === undefined || a.prefix === 'hl7' ? a.local : `${a.prefix}:${a.local}`;
}

/**
 * Put every element of a tree in schema order (stable; unknown names keep their place at the
 * end). buildPath already inserts in order; this is for trees assembled by hand with el().
 */
export function orderTree(root: XmlNode, opts: BuildOptions = {}): XmlNode {
  const table = opts.table === undefined ? cdaOrder() : opts.table;
  if (table === null) return root;
  const visit = (n: XmlNode, type: string | undefined): void => {
    if (n.name === TEXT) return;
    if (type !== undefined && !nodeTypes.has(n)) nodeTypes.set(n, type);
    const t = schemaTypeOf(n, table);
    const info = t !== undefined ? table.types[t] : undefined;
    if (info && !n.children.some((c) => c.name === TEXT)) {
      const rank = (c: XmlNode) => {
        const r = info.children.indexOf(c.name);
        return r === -1 ? Number.POSITIVE_INFINITY : r;
      };
      n.children = n.children.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
    }
    for (const c of n.children) visit(c, info?.childTypes[c.name]);
  };
  visit(root, undefined);
  return root;
}

/**
 * Would building this path add a second instance of an element the schema allows only once?
 * Returns that element's name, or undefined. Lets a generator leave out an optional value that
 * would make the document invalid (e.g. age in years and age in months, both on patient/age).
 */
export function wouldDuplicate(ctx: XmlNode, catalogPath: string, opts: BuildOptions = {}): string | undefined {
  const table = opts.table === undefined ? cdaOrder() : opts.table;
  if (table === null) return undefined;
  const p = parseCatalogPath(catalogPath);
  let cur = ctx;
  for (const step of p.steps) {
    const name = elementName(step);
    const match = cur.children.find((c) => c.name === name && step.predicates.every((pr) => holds(c, pr)));
    if (match) {
      cur = match;
      continue;
    }
    const type = schemaTypeOf(cur, table);
    const single = type !== undefined ? table.types[type]?.single : undefined;
    return single?.includes(name) && cur.children.some((c) => c.name === name) ? name : undefined;
  }
  return undefined;
}
