import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { scanTree, type JElement } from '../xml/jstree.js';
import { buildAutomaton, isEmptyParticle, type Max, type Particle } from './content.js';
import {
  clark, XS, XsdJsUnsupported,
  type AttrUseData, type CompiledSchema, type ComplexTypeData, type ElementData, type Facets, type NsConstraint, type SimpleDef, type TypeData, type WildcardData,
} from './model.js';

/**
 * Schema reader and compiler: XSD files (entry + xs:include / xs:import closure, read from
 * disk only) → CompiledSchema. It implements the constructs our schema sets use and refuses
 * everything else with XsdJsUnsupported — including unknown attributes on schema elements
 * (block, final, substitutionGroup, …) — so a set using more keeps libxml2 as its only engine.
 */

const MAX_SCHEMA_BYTES = 20 * 1024 * 1024;

interface Doc {
  file: string;
  tns: string;
  elementQualified: boolean;
  attributeQualified: boolean;
}

interface Def {
  node: JElement;
  doc: Doc;
}

/** Attributes each schema element may carry (beyond foreign-namespace ones); anything else is unsupported. */
const ALLOWED: Record<string, readonly string[]> = {
  schema: ['targetNamespace', 'elementFormDefault', 'attributeFormDefault', 'version', 'id'],
  include: ['schemaLocation', 'id'],
  import: ['namespace', 'schemaLocation', 'id'],
  elementGlobal: ['name', 'type', 'nillable', 'fixed', 'default', 'id'],
  elementLocal: ['name', 'type', 'minOccurs', 'maxOccurs', 'form', 'nillable', 'fixed', 'default', 'id'],
  elementRef: ['ref', 'minOccurs', 'maxOccurs', 'id'],
  complexType: ['name', 'mixed', 'abstract', 'id'],
  complexContent: ['mixed', 'id'],
  derivation: ['base', 'id'],
  compositor: ['minOccurs', 'maxOccurs', 'id'],
  groupDef: ['name', 'id'],
  groupRef: ['ref', 'minOccurs', 'maxOccurs', 'id'],
  attributeGroupDef: ['name', 'id'],
  attributeGroupRef: ['ref', 'id'],
  attribute: ['name', 'type', 'use', 'fixed', 'default', 'form', 'id'],
  attributeRef: ['ref', 'use', 'fixed', 'default', 'id'],
  any: ['namespace', 'processContents', 'minOccurs', 'maxOccurs', 'id'],
  anyAttribute: ['namespace', 'processContents', 'id'],
  simpleType: ['name', 'id'],
  list: ['itemType', 'id'],
  union: ['memberTypes', 'id'],
  facet: ['value', 'fixed', 'id'],
};

const FACETS = new Set(['enumeration', 'pattern', 'minLength', 'maxLength', 'length', 'minInclusive', 'maxInclusive', 'minExclusive', 'maxExclusive', 'whiteSpace', 'totalDigits', 'fractionDigits']);

function check(node: JElement, allowed: keyof typeof ALLOWED): void {
  const ok = ALLOWED[allowed]!;
  for (const a of node.attrs) {
    if (a.ns !== '') continue; // foreign attributes are allowed and carry no meaning
    if (!ok.includes(a.local)) throw new XsdJsUnsupported(`xs:${node.local}/@${a.local} is not supported`);
  }
}

function att(node: JElement, name: string): string | undefined {
  return node.attr(name)?.value;
}

/** Schema children, without annotations; a non-XS child is an error. */
function kids(node: JElement): JElement[] {
  const out: JElement[] = [];
  for (const c of node.children) {
    if (c.ns !== XS) throw new XsdJsUnsupported(`foreign element ${c.local} in schema`);
    if (c.local !== 'annotation') out.push(c);
  }
  return out;
}

function collapse(s: string): string {
  return s.replace(/[ \t\r\n]+/g, ' ').trim();
}

/** A form / formDefault value; anything but the two keywords is refused rather than guessed. */
function formValue(v: string | undefined): 'qualified' | 'unqualified' | undefined {
  if (v === undefined) return undefined;
  const c = collapse(v);
  if (c !== 'qualified' && c !== 'unqualified') throw new XsdJsUnsupported(`form value ${v}`);
  return c;
}

function occurs(node: JElement): { min: number; max: Max } {
  const mn = att(node, 'minOccurs');
  const mx = att(node, 'maxOccurs');
  const min = mn === undefined ? 1 : Number(collapse(mn));
  const max: Max = mx === undefined ? 1 : collapse(mx) === 'unbounded' ? 'unbounded' : Number(collapse(mx));
  if (!Number.isInteger(min) || min < 0 || (max !== 'unbounded' && (!Number.isInteger(max) || max < 0))) throw new XsdJsUnsupported('bad minOccurs/maxOccurs');
  return { min, max };
}

class Compiler {
  readonly types: TypeData[] = [];
  readonly elements: ElementData[] = [];
  readonly globals: Record<string, number> = {};
  readonly typeNames: Record<string, number> = {};
  readonly globalAttrs: Record<string, number> = {};
  readonly globalAttrFixed: Record<string, string> = {};

  private readonly docs = new Map<string, Doc>();
  private readonly typeDefs = new Map<string, Def>();
  private readonly elementDefs = new Map<string, Def>();
  private readonly groupDefs = new Map<string, Def>();
  private readonly attrGroupDefs = new Map<string, Def>();
  private readonly attrDefs = new Map<string, Def>();

  private readonly typeIndex = new Map<string, number>();
  /** effective particle of each compiled complex type (for extensions) */
  private readonly particles = new Map<number, Particle | null>();
  private readonly inProgress = new Set<string>();
  private readonly builtins = new Map<string, number>();
  private readonly anonSimple = new Map<JElement, number>();
  private readonly pending = new Map<number, { node: JElement; doc: Doc }>();
  private readonly bodyState = new Map<number, 'doing' | 'done'>();

  constructor() {
    // xs:anyType: mixed, any element (lax), any attribute (lax)
    const wc: WildcardData = { ns: { mode: 'any' }, process: 'lax' };
    const p: Particle = { k: 'any', wc, min: 0, max: 'unbounded' };
    this.types.push({ kind: 'complex', name: clark(XS, 'anyType'), abstract: false, content: 'mixed', states: buildAutomaton(p), attrs: [], anyAttr: wc });
    this.particles.set(0, p);
    this.typeIndex.set(clark(XS, 'anyType'), 0);
    this.typeNames[clark(XS, 'anyType')] = 0;
  }

  // ------------------------------------------------------------------------- reading

  read(file: string): void {
    const path = resolve(file);
    if (this.docs.has(path)) return;
    if (!existsSync(path)) throw new XsdJsUnsupported(`schema file not found: ${path}`);
    const bytes = readFileSync(path);
    if (bytes.length > MAX_SCHEMA_BYTES) throw new XsdJsUnsupported(`schema file too large: ${path}`);
    let text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const decl = /^<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(text);
    if (decl && !/^utf-?8$/i.test(decl[1]!)) throw new XsdJsUnsupported(`schema encoding ${decl[1]} not supported`);
    if (/<!DOCTYPE|<!ENTITY/.test(text)) throw new XsdJsUnsupported('schema with a DOCTYPE');
    const root = scanTree(text);
    if (root.ns !== XS || root.local !== 'schema') throw new XsdJsUnsupported(`${path} is not an XML Schema`);
    check(root, 'schema');
    const doc: Doc = {
      file: path,
      tns: att(root, 'targetNamespace') ?? '',
      elementQualified: formValue(att(root, 'elementFormDefault')) === 'qualified',
      attributeQualified: formValue(att(root, 'attributeFormDefault')) === 'qualified',
    };
    this.docs.set(path, doc);
    const reg = (m: Map<string, Def>, node: JElement) => {
      const name = att(node, 'name');
      if (name === undefined) throw new XsdJsUnsupported(`global xs:${node.local} without a name`);
      const key = clark(doc.tns, name);
      if (m.has(key)) throw new XsdJsUnsupported(`duplicate global ${key}`);
      m.set(key, { node, doc });
    };
    for (const c of kids(root)) {
      switch (c.local) {
        case 'include': {
          check(c, 'include');
          const loc = att(c, 'schemaLocation');
          if (loc === undefined || /^[a-z][a-z0-9+.-]*:/i.test(loc)) throw new XsdJsUnsupported(`include without a local schemaLocation`);
          const inc = resolve(dirname(path), loc);
          this.read(inc);
          const d = this.docs.get(inc)!;
          if (d.tns !== doc.tns) throw new XsdJsUnsupported('xs:include of another target namespace (chameleon include)');
          break;
        }
        case 'import': {
          check(c, 'import');
          const loc = att(c, 'schemaLocation');
          if (loc === undefined || /^[a-z][a-z0-9+.-]*:/i.test(loc)) throw new XsdJsUnsupported(`import without a local schemaLocation`);
          const imp = resolve(dirname(path), loc);
          this.read(imp);
          if (this.docs.get(imp)!.tns !== (att(c, 'namespace') ?? '')) throw new XsdJsUnsupported('xs:import namespace differs from the imported targetNamespace');
          break;
        }
        case 'element': check(c, 'elementGlobal'); reg(this.elementDefs, c); break;
        case 'complexType': case 'simpleType': reg(this.typeDefs, c); break;
        case 'group': check(c, 'groupDef'); reg(this.groupDefs, c); break;
        case 'attributeGroup': check(c, 'attributeGroupDef'); reg(this.attrGroupDefs, c); break;
        case 'attribute': check(c, 'attribute'); reg(this.attrDefs, c); break;
        default: throw new XsdJsUnsupported(`xs:${c.local} at the top level is not supported`);
      }
    }
  }

  // ------------------------------------------------------------------------- names

  private qname(node: JElement, value: string): { ns: string; local: string } {
    const v = collapse(value);
    const i = v.indexOf(':');
    const prefix = i === -1 ? '' : v.slice(0, i);
    const ns = node.scope.get(prefix);
    if (ns === undefined && prefix !== '') throw new XsdJsUnsupported(`undeclared prefix in ${v}`);
    return { ns: ns ?? '', local: i === -1 ? v : v.slice(i + 1) };
  }

  /** Type index by QName (compiling it on first use). */
  typeRef(node: JElement, value: string): number {
    const q = this.qname(node, value);
    const key = clark(q.ns, q.local);
    const have = this.typeIndex.get(key);
    if (have !== undefined) return have;
    if (q.ns === XS) {
      if (q.local === 'anyType') return 0;
      return this.builtin(q.local);
    }
    if (!this.typeDefs.has(key)) throw new XsdJsUnsupported(`type ${key} not found`);
    return this.typeByKey(key);
  }

  private builtin(local: string): number {
    const have = this.builtins.get(local);
    if (have !== undefined) return have;
    const i = this.types.push({ kind: 'simple', name: clark(XS, local), def: { kind: 'builtin', name: local } }) - 1;
    this.builtins.set(local, i);
    this.typeIndex.set(clark(XS, local), i);
    this.typeNames[clark(XS, local)] = i;
    return i;
  }

  // ------------------------------------------------------------------------- simple types

  private simpleTypeIndex(node: JElement, doc: Doc, name?: string): number {
    if (name === undefined) {
      const have = this.anonSimple.get(node);
      if (have !== undefined) return have;
    }
    const def = this.simpleDef(node, doc);
    const t: TypeData = name === undefined ? { kind: 'simple', def } : { kind: 'simple', name, def };
    const i = this.types.push(t) - 1;
    if (name !== undefined) {
      this.typeIndex.set(name, i);
      this.typeNames[name] = i;
    } else this.anonSimple.set(node, i);
    return i;
  }

  private simpleOf(i: number): SimpleDef {
    const t = this.types[i]!;
    if (t.kind !== 'simple') throw new XsdJsUnsupported('a complex type where a simple type is needed');
    return t.def;
  }

  private simpleDef(node: JElement, doc: Doc): SimpleDef {
    check(node, 'simpleType');
    const ks = kids(node);
    if (ks.length !== 1) throw new XsdJsUnsupported('xs:simpleType needs exactly one of restriction / list / union');
    const c = ks[0]!;
    if (c.local === 'restriction') {
      check(c, 'derivation');
      const inner = kids(c);
      let base: SimpleDef;
      const b = att(c, 'base');
      let rest = inner;
      if (b !== undefined) base = this.simpleOf(this.typeRef(c, b));
      else {
        const st = inner[0];
        if (st?.local !== 'simpleType') throw new XsdJsUnsupported('simple restriction without a base');
        base = this.simpleOf(this.simpleTypeIndex(st, doc));
        rest = inner.slice(1);
      }
      const facets: Facets = {};
      const patterns: string[] = [];
      for (const f of rest) {
        if (!FACETS.has(f.local)) throw new XsdJsUnsupported(`facet xs:${f.local} is not supported`);
        check(f, 'facet');
        const v = att(f, 'value');
        if (v === undefined) throw new XsdJsUnsupported(`facet xs:${f.local} without a value`);
        switch (f.local) {
          case 'enumeration': (facets.enumeration ??= []).push(v); break;
          case 'pattern': patterns.push(v); break;
          case 'minLength': case 'maxLength': case 'length': case 'totalDigits': case 'fractionDigits': {
            const n = Number(collapse(v));
            if (!Number.isInteger(n) || n < 0) throw new XsdJsUnsupported(`bad ${f.local}`);
            facets[f.local] = n;
            break;
          }
          case 'whiteSpace': {
            const w = collapse(v);
            if (w !== 'preserve' && w !== 'replace' && w !== 'collapse') throw new XsdJsUnsupported('bad whiteSpace');
            facets.whiteSpace = w;
            break;
          }
          default: facets[f.local as 'minInclusive'] = collapse(v);
        }
      }
      if (patterns.length > 0) facets.pattern = [patterns];
      return { kind: 'restriction', base, facets };
    }
    if (c.local === 'list') {
      check(c, 'list');
      const it = att(c, 'itemType');
      const inner = kids(c);
      if (it !== undefined) {
        if (inner.length > 0) throw new XsdJsUnsupported('xs:list with both itemType and a simpleType');
        return { kind: 'list', item: this.simpleOf(this.typeRef(c, it)) };
      }
      if (inner.length !== 1 || inner[0]!.local !== 'simpleType') throw new XsdJsUnsupported('xs:list without an item type');
      return { kind: 'list', item: this.simpleOf(this.simpleTypeIndex(inner[0]!, doc)) };
    }
    if (c.local === 'union') {
      check(c, 'union');
      const members: SimpleDef[] = [];
      const mt = att(c, 'memberTypes');
      if (mt !== undefined) for (const m of collapse(mt).split(' ').filter((x) => x !== '')) members.push(this.simpleOf(this.typeRef(c, m)));
      for (const k of kids(c)) {
        if (k.local !== 'simpleType') throw new XsdJsUnsupported(`xs:${k.local} in xs:union`);
        members.push(this.simpleOf(this.simpleTypeIndex(k, doc)));
      }
      if (members.length === 0) throw new XsdJsUnsupported('empty xs:union');
      return { kind: 'union', members };
    }
    throw new XsdJsUnsupported(`xs:${c.local} in xs:simpleType is not supported`);
  }

  // ------------------------------------------------------------------------- complex types

  /** A complex type's index; its body compiles later (ensureBody), so types may refer to each other through elements. */
  private complexType(node: JElement, doc: Doc, name?: string): number {
    check(node, 'complexType');
    const abstractAttr = att(node, 'abstract');
    if (abstractAttr !== undefined && abstractAttr !== 'true' && abstractAttr !== 'false') throw new XsdJsUnsupported('abstract must be true or false');
    const placeholder: ComplexTypeData = { kind: 'complex', abstract: abstractAttr === 'true', content: 'empty', states: [], attrs: [] };
    if (name !== undefined) placeholder.name = name;
    const idx = this.types.push(placeholder) - 1;
    if (name !== undefined) {
      this.typeIndex.set(name, idx);
      this.typeNames[name] = idx;
    }
    this.pending.set(idx, { node, doc });
    return idx;
  }

  private ensureBody(idx: number): void {
    const p = this.pending.get(idx);
    if (p === undefined) return;
    const st = this.bodyState.get(idx);
    if (st === 'done') return;
    if (st === 'doing') throw new XsdJsUnsupported(`circular derivation at ${this.types[idx]!.name ?? 'an anonymous type'}`);
    this.bodyState.set(idx, 'doing');
    this.complexBody(idx, p.node, p.doc, this.types[idx] as ComplexTypeData);
    this.bodyState.set(idx, 'done');
  }

  private complexBody(idx: number, node: JElement, doc: Doc, placeholder: ComplexTypeData): void {
    const name = placeholder.name;
    const bool = (v: string | undefined) => {
      if (v === undefined) return undefined;
      const c = collapse(v);
      if (c === 'true' || c === '1') return true;
      if (c === 'false' || c === '0') return false;
      throw new XsdJsUnsupported('bad boolean');
    };
    const ks = kids(node);
    let mixed = bool(att(node, 'mixed')) ?? false;
    let base = 0;
    let derivation: 'extension' | 'restriction' = 'restriction';
    let body: JElement[] = ks;
    if (ks[0]?.local === 'simpleContent') throw new XsdJsUnsupported('xs:simpleContent is not supported');
    if (ks[0]?.local === 'complexContent') {
      if (ks.length !== 1) throw new XsdJsUnsupported('xs:complexContent must be the only child');
      const cc = ks[0];
      check(cc, 'complexContent');
      mixed = bool(att(cc, 'mixed')) ?? mixed;
      const d = kids(cc);
      if (d.length !== 1 || (d[0]!.local !== 'extension' && d[0]!.local !== 'restriction')) throw new XsdJsUnsupported('xs:complexContent needs one extension or restriction');
      check(d[0]!, 'derivation');
      derivation = d[0]!.local as 'extension' | 'restriction';
      const b = att(d[0]!, 'base');
      if (b === undefined) throw new XsdJsUnsupported('derivation without a base');
      base = this.typeRef(d[0]!, b);
      this.ensureBody(base);
      if (this.types[base]!.kind !== 'complex') throw new XsdJsUnsupported('complexContent derived from a simple type');
      if (derivation === 'extension' && base === 0) throw new XsdJsUnsupported('extension of xs:anyType is not supported');
      body = kids(d[0]!);
    }
    // body: [particle] attribute* anyAttribute?
    let i = 0;
    let explicit: Particle | null = null;
    const first = body[0];
    if (first && ['sequence', 'choice', 'group', 'all'].includes(first.local)) {
      explicit = this.particle(first, doc, new Set());
      i = 1;
    }
    const own = this.attributeUses(body.slice(i), doc, new Set());
    const baseT = this.types[base] as ComplexTypeData;
    const baseP = this.particles.get(base);
    if (baseP === undefined && base !== 0) throw new XsdJsUnsupported('base type not compiled (circular derivation)');
    let particle: Particle | null;
    let content: ComplexTypeData['content'];
    const empty = isEmptyParticle(explicit);
    if (derivation === 'extension') {
      if (empty) {
        particle = baseP ?? null;
        content = baseT.content;
      } else if (isEmptyParticle(baseP ?? null)) {
        particle = explicit;
        content = mixed ? 'mixed' : 'element';
        if (baseT.content === 'mixed' && !mixed) throw new XsdJsUnsupported('extension changes mixed');
      } else {
        if ((baseT.content === 'mixed') !== mixed) throw new XsdJsUnsupported('extension changes mixed');
        particle = { k: 'seq', items: [baseP!, explicit!], min: 1, max: 1 };
        content = mixed ? 'mixed' : 'element';
      }
    } else {
      particle = empty ? null : explicit;
      content = mixed ? 'mixed' : empty ? 'empty' : 'element';
    }
    // attributes: restriction inherits the base's uses unless overridden or prohibited; extension adds
    const uses = new Map<string, AttrUseData>();
    const prohibited: string[] = [];
    if (base !== 0) for (const u of baseT.attrs) uses.set(clark(u.ns, u.local), u);
    for (const [k, u] of own.uses) {
      if (u === 'prohibited') {
        if (derivation === 'extension') throw new XsdJsUnsupported('prohibited attribute in an extension');
        uses.delete(k);
        prohibited.push(k);
      } else {
        if (derivation === 'extension' && uses.has(k)) throw new XsdJsUnsupported(`extension redeclares attribute ${k}`);
        uses.set(k, u);
      }
    }
    let anyAttr = own.wildcard;
    if (derivation === 'extension' && baseT.anyAttr) {
      if (anyAttr && JSON.stringify(anyAttr) !== JSON.stringify(baseT.anyAttr)) throw new XsdJsUnsupported('attribute wildcard union');
      anyAttr = baseT.anyAttr;
    }
    const t: ComplexTypeData = { kind: 'complex', abstract: placeholder.abstract, base, derivation, content, states: buildAutomaton(particle), attrs: [...uses.values()] };
    if (name !== undefined) t.name = name;
    if (anyAttr) t.anyAttr = anyAttr;
    if (prohibited.length > 0) t.prohibited = prohibited;
    this.types[idx] = t;
    this.particles.set(idx, particle);
  }

  private particle(node: JElement, doc: Doc, groups: Set<string>): Particle {
    switch (node.local) {
      case 'sequence':
      case 'choice': {
        check(node, 'compositor');
        const items = kids(node).map((c) => {
          if (!['element', 'sequence', 'choice', 'group', 'any'].includes(c.local)) throw new XsdJsUnsupported(`xs:${c.local} in xs:${node.local}`);
          return this.particle(c, doc, groups);
        });
        return { k: node.local === 'sequence' ? 'seq' : 'choice', items, ...occurs(node) };
      }
      case 'group': {
        check(node, 'groupRef');
        const ref = att(node, 'ref');
        if (ref === undefined) throw new XsdJsUnsupported('local xs:group without ref');
        const q = this.qname(node, ref);
        const key = clark(q.ns, q.local);
        const def = this.groupDefs.get(key);
        if (def === undefined) throw new XsdJsUnsupported(`group ${key} not found`);
        if (groups.has(key)) throw new XsdJsUnsupported(`circular group ${key}`);
        const ks = kids(def.node);
        if (ks.length !== 1 || (ks[0]!.local !== 'sequence' && ks[0]!.local !== 'choice')) throw new XsdJsUnsupported(`group ${key} is not one sequence or choice`);
        const inner = new Set(groups).add(key);
        const p = this.particle(ks[0]!, def.doc, inner);
        if (ks[0]!.attr('minOccurs') || ks[0]!.attr('maxOccurs')) throw new XsdJsUnsupported('occurrence on a group definition compositor');
        return { ...p, ...occurs(node) } as Particle;
      }
      case 'element':
        return this.localElement(node, doc);
      case 'any': {
        check(node, 'any');
        return { k: 'any', wc: this.wildcard(node, doc), ...occurs(node) };
      }
      default:
        throw new XsdJsUnsupported(`xs:${node.local} is not supported`);
    }
  }

  private wildcard(node: JElement, doc: Doc): WildcardData {
    const pc = collapse(att(node, 'processContents') ?? 'strict');
    if (pc !== 'skip' && pc !== 'lax' && pc !== 'strict') throw new XsdJsUnsupported('bad processContents');
    const n = collapse(att(node, 'namespace') ?? '##any');
    let ns: NsConstraint;
    if (n === '##any') ns = { mode: 'any' };
    else if (n === '##other') ns = { mode: 'not', ns: [doc.tns, ''] };
    else ns = { mode: 'list', ns: n.split(' ').map((x) => (x === '##targetNamespace' ? doc.tns : x === '##local' ? '' : x)) };
    return { ns, process: pc };
  }

  private elementData(node: JElement, doc: Doc, ns: string, local: string): ElementData {
    const ks = kids(node);
    let type: number;
    const t = att(node, 'type');
    if (t !== undefined) {
      if (ks.length > 0) throw new XsdJsUnsupported(`element ${local} with both a type and content`);
      type = this.typeRef(node, t);
    } else if (ks.length === 0) type = 0;
    else if (ks.length === 1 && ks[0]!.local === 'complexType') type = this.complexType(ks[0]!, doc);
    else if (ks.length === 1 && ks[0]!.local === 'simpleType') type = this.simpleTypeIndex(ks[0]!, doc);
    else throw new XsdJsUnsupported(`element ${local}: xs:${ks.map((k) => k.local).join(', xs:')} not supported`);
    const nil = att(node, 'nillable');
    const e: ElementData = { ns, local, type, nillable: nil !== undefined && collapse(nil) === 'true' };
    const fixed = att(node, 'fixed');
    const dflt = att(node, 'default');
    if (fixed !== undefined || dflt !== undefined) {
      if (this.types[type]!.kind !== 'simple') throw new XsdJsUnsupported(`element ${local}: fixed/default on a complex type`);
      if (fixed !== undefined) e.fixed = fixed;
      if (dflt !== undefined) e.default = dflt;
    }
    return e;
  }

  private localElement(node: JElement, doc: Doc): Particle {
    const ref = att(node, 'ref');
    if (ref !== undefined) {
      check(node, 'elementRef');
      const q = this.qname(node, ref);
      return { k: 'el', elem: this.globalElement(clark(q.ns, q.local)), ns: q.ns, local: q.local, ...occurs(node) };
    }
    check(node, 'elementLocal');
    const name = att(node, 'name');
    if (name === undefined) throw new XsdJsUnsupported('local element without a name');
    const form = formValue(att(node, 'form'));
    const qualified = form === undefined ? doc.elementQualified : form === 'qualified';
    const ns = qualified ? doc.tns : '';
    const data = this.elementData(node, doc, ns, name);
    const i = this.elements.push(data) - 1;
    return { k: 'el', elem: i, ns, local: name, ...occurs(node) };
  }

  globalElement(key: string): number {
    const have = this.globals[key];
    if (have !== undefined) return have;
    const def = this.elementDefs.get(key);
    if (def === undefined) throw new XsdJsUnsupported(`element ${key} not found`);
    const i = this.elements.push({ ns: def.doc.tns, local: att(def.node, 'name')!, type: 0, nillable: false }) - 1;
    this.globals[key] = i;
    this.elements[i] = this.elementData(def.node, def.doc, def.doc.tns, att(def.node, 'name')!);
    return i;
  }

  /** Attribute uses and the wildcard of a type body or attribute group. */
  private attributeUses(nodes: JElement[], doc: Doc, groups: Set<string>): { uses: Map<string, AttrUseData | 'prohibited'>; wildcard?: WildcardData } {
    const uses = new Map<string, AttrUseData | 'prohibited'>();
    let wildcard: WildcardData | undefined;
    const setWild = (w: WildcardData) => {
      if (wildcard !== undefined) throw new XsdJsUnsupported('more than one attribute wildcard (intersection) is not supported');
      wildcard = w;
    };
    for (const n of nodes) {
      if (n.local === 'attribute') {
        const [k, u] = this.attributeUse(n, doc);
        if (uses.has(k)) throw new XsdJsUnsupported(`duplicate attribute ${k}`);
        uses.set(k, u);
      } else if (n.local === 'attributeGroup') {
        check(n, 'attributeGroupRef');
        const ref = att(n, 'ref');
        if (ref === undefined) throw new XsdJsUnsupported('local xs:attributeGroup without ref');
        const q = this.qname(n, ref);
        const key = clark(q.ns, q.local);
        const def = this.attrGroupDefs.get(key);
        if (def === undefined) throw new XsdJsUnsupported(`attributeGroup ${key} not found`);
        if (groups.has(key)) throw new XsdJsUnsupported(`circular attributeGroup ${key}`);
        const g = this.attributeUses(kids(def.node), def.doc, new Set(groups).add(key));
        for (const [k, u] of g.uses) {
          if (uses.has(k)) throw new XsdJsUnsupported(`duplicate attribute ${k}`);
          uses.set(k, u);
        }
        if (g.wildcard) setWild(g.wildcard);
      } else if (n.local === 'anyAttribute') {
        check(n, 'anyAttribute');
        setWild(this.wildcard(n, doc));
      } else throw new XsdJsUnsupported(`xs:${n.local} among attributes`);
    }
    return wildcard ? { uses, wildcard } : { uses };
  }

  private attributeUse(n: JElement, doc: Doc): [string, AttrUseData | 'prohibited'] {
    const use = collapse(att(n, 'use') ?? 'optional');
    if (use !== 'optional' && use !== 'required' && use !== 'prohibited') throw new XsdJsUnsupported('bad attribute use');
    let ns: string;
    let local: string;
    let type: number;
    let fixed = att(n, 'fixed');
    const ref = att(n, 'ref');
    if (ref !== undefined) {
      check(n, 'attributeRef');
      const q = this.qname(n, ref);
      ns = q.ns;
      local = q.local;
      const key = clark(ns, local);
      if (ns === 'http://www.w3.org/XML/1998/namespace') throw new XsdJsUnsupported('xml: attributes are not supported');
      const def = this.attrDefs.get(key);
      if (def === undefined) throw new XsdJsUnsupported(`attribute ${key} not found`);
      type = this.attrType(def.node, def.doc);
      fixed ??= att(def.node, 'fixed');
    } else {
      check(n, 'attribute');
      const name = att(n, 'name');
      if (name === undefined) throw new XsdJsUnsupported('attribute without a name');
      const form = formValue(att(n, 'form'));
      const qualified = form === undefined ? doc.attributeQualified : form === 'qualified';
      ns = qualified ? doc.tns : '';
      local = name;
      if (use === 'prohibited') return [clark(ns, local), 'prohibited'];
      type = this.attrType(n, doc);
    }
    if (use === 'prohibited') return [clark(ns, local), 'prohibited'];
    const u: AttrUseData = { ns, local, type, required: use === 'required' };
    if (fixed !== undefined) u.fixed = fixed;
    return [clark(ns, local), u];
  }

  private attrType(n: JElement, doc: Doc): number {
    const t = att(n, 'type');
    const ks = kids(n);
    if (t !== undefined) {
      if (ks.length > 0) throw new XsdJsUnsupported('attribute with both a type and a simpleType');
      const i = this.typeRef(n, t);
      this.simpleOf(i);
      return i;
    }
    if (ks.length === 0) return this.builtin('anySimpleType');
    if (ks.length !== 1 || ks[0]!.local !== 'simpleType') throw new XsdJsUnsupported('attribute content');
    return this.simpleTypeIndex(ks[0]!, doc);
  }

  /** A named type by Clark name, compiled on first use. */
  typeByKey(key: string): number {
    const have = this.typeIndex.get(key);
    if (have !== undefined) return have;
    const def = this.typeDefs.get(key)!;
    if (def.node.local === 'complexType') return this.complexType(def.node, def.doc, key);
    if (this.inProgress.has(key)) throw new XsdJsUnsupported(`circular type definition ${key}`);
    this.inProgress.add(key);
    try {
      return this.simpleTypeIndex(def.node, def.doc, key);
    } finally {
      this.inProgress.delete(key);
    }
  }

  finish(entry: string): CompiledSchema {
    for (const key of this.typeDefs.keys()) this.typeByKey(key);
    for (const key of this.elementDefs.keys()) this.globalElement(key);
    for (const [key, def] of this.attrDefs) {
      this.globalAttrs[key] = this.attrType(def.node, def.doc);
      const fixed = att(def.node, 'fixed');
      if (fixed !== undefined) this.globalAttrFixed[key] = fixed;
    }
    for (const idx of this.pending.keys()) this.ensureBody(idx); // Map iteration also visits types queued meanwhile
    return { format: 'hutong-xsdjs/1', entry, types: this.types, elements: this.elements, globals: this.globals, typeNames: this.typeNames, globalAttrs: this.globalAttrs, globalAttrFixed: this.globalAttrFixed };
  }
}

/** Compile the schema set whose entry file is `entry`. Throws XsdJsUnsupported for constructs the engine does not implement. */
export function compileEntry(entry: string): CompiledSchema {
  const c = new Compiler();
  const path = resolve(entry);
  c.read(path);
  return c.finish(path);
}
