import { CDA_CN_DIR, loadSchemaSet, validateXsd, type SchemaSet } from '../../src/validate/xsd.js';
import { V3_DIR } from '../../src/validate/layers/xsd.js';
import { scanTree, type JElement } from '../../src/xml/jstree.js';
import { withXml } from '../../src/xml/parse.js';
import { acceptsTree, compileSchemaDir, type Acceptance, type CompiledSchema } from '../../src/xsdjs/index.js';

/**
 * The differential harness of the xsdjs tests: libxml2-wasm (src/validate/xsd.ts, the engine
 * the XSD layer runs) is the oracle; the JavaScript validator runs on scanTree of the same
 * text. Soundness: ours valid ⇒ libxml2 valid.
 */

export const documents: CompiledSchema = compileSchemaDir(CDA_CN_DIR).ClinicalDocument!;
export const messages: Record<string, CompiledSchema> = compileSchemaDir(V3_DIR);

const cdaSet = loadSchemaSet(CDA_CN_DIR);
const v3Set = loadSchemaSet(V3_DIR);

export interface Verdicts {
  lib: boolean;
  /** libxml2's first complaint */
  libFirst?: string;
  ours: Acceptance;
}

function setFor(root: string): SchemaSet {
  return root === 'ClinicalDocument' ? cdaSet : v3Set;
}

export function schemaFor(root: JElement): CompiledSchema | undefined {
  return root.local === 'ClinicalDocument' ? documents : messages[root.local];
}

/** Both verdicts on one text (a document of CDA-CN or a V3 message of schemas/xsd/v3). */
export function verdicts(text: string, schema?: CompiledSchema, set?: SchemaSet): Verdicts {
  const tree = scanTree(text);
  const sc = schema ?? schemaFor(tree);
  const ours: Acceptance = sc === undefined ? { valid: false, reason: 'no schema' } : acceptsTree(sc, tree, text);
  const issues = withXml(text, (doc) => validateXsd(doc, set ?? setFor(doc.root.name)));
  const v: Verdicts = { lib: issues.length === 0, ours };
  if (issues[0]) v.libFirst = issues[0].message;
  return v;
}

// ------------------------------------------------------------------ a mutable copy of a tree

/** An element as written: qualified name, attributes in order, children (strings are text). */
export interface MNode {
  name: string;
  attrs: [string, string][];
  kids: (MNode | string)[];
}

/** The tree of a text as MNodes, text between children kept exactly (white space included). */
export function toNodes(text: string): MNode {
  const root = scanTree(text);
  const chunks = root.chunks;
  const prefixOf = (scope: ReadonlyMap<string, string>, ns: string): string | undefined => {
    for (const [p, u] of scope) if (u === ns) return p;
    return undefined;
  };
  const conv = (el: JElement): MNode => {
    const p = el.ns === '' ? '' : prefixOf(el.scope, el.ns);
    const n: MNode = { name: p ? `${p}:${el.local}` : el.local, attrs: [], kids: [] };
    const parentScope = el.parent?.scope;
    if (el.scope !== parentScope) {
      for (const [pre, uri] of el.scope) {
        if (pre === 'xml' || parentScope?.get(pre) === uri) continue;
        n.attrs.push([pre === '' ? 'xmlns' : `xmlns:${pre}`, uri]);
      }
    }
    for (const a of el.attrs) {
      const ap = a.ns === '' ? '' : prefixOf(el.scope, a.ns);
      n.attrs.push([ap ? `${ap}:${a.local}` : a.local, a.value]);
    }
    let pos = el.textStart;
    const text = (from: number, to: number) => {
      const s = chunks.slice(from, to).join('');
      if (s !== '') n.kids.push(s);
    };
    for (const c of el.children) {
      text(pos, c.textStart);
      n.kids.push(conv(c));
      pos = c.textEnd;
    }
    text(pos, el.textEnd);
    return n;
  };
  return conv(root);
}

const escText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
const escAttr = (s: string) => escText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');

export function toText(n: MNode): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  const w = (x: MNode) => {
    out.push('<', x.name);
    for (const [k, v] of x.attrs) out.push(' ', k, '="', escAttr(v), '"');
    if (x.kids.length === 0) {
      out.push('/>');
      return;
    }
    out.push('>');
    for (const k of x.kids) typeof k === 'string' ? out.push(escText(k)) : w(k);
    out.push('</', x.name, '>');
  };
  w(n);
  return out.join('');
}

/** Elements in document order. */
export function elementsOf(n: MNode): MNode[] {
  const out: MNode[] = [];
  const go = (x: MNode) => {
    out.push(x);
    for (const k of x.kids) if (typeof k !== 'string') go(k);
  };
  go(n);
  return out;
}

export function parentOf(root: MNode, target: MNode): MNode | undefined {
  for (const e of elementsOf(root)) if (e.kids.includes(target)) return e;
  return undefined;
}

export function clone(n: MNode): MNode {
  return { name: n.name, attrs: n.attrs.map(([k, v]) => [k, v]), kids: n.kids.map((k) => (typeof k === 'string' ? k : clone(k))) };
}

export function setAttr(n: MNode, name: string, value: string): void {
  const a = n.attrs.find(([k]) => k === name);
  if (a) a[1] = value;
  else n.attrs.push([name, value]);
}

/** The first element (document order) with this local name and an optional test. */
export function find(root: MNode, local: string, test: (n: MNode) => boolean = () => true): MNode {
  const e = elementsOf(root).find((x) => x.name.replace(/^.*:/, '') === local && test(x));
  if (!e) throw new Error(`no <${local}>`);
  return e;
}
