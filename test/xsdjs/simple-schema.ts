import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Facets, SimpleDef } from '../../src/xsdjs/simple.js';
import { scanTree, type JElement } from '../../src/xml/jstree.js';
import { XS } from './simple-oracle.js';

/**
 * Test-side reading of the simple types of a schema folder into SimpleDefs (the engine's own
 * reader is src/xsdjs' business; this one only feeds the differential tests), and the way
 * back: a SimpleDef written as an anonymous xs:simpleType for the oracle schema.
 */

export interface AttrDecl {
  /** attribute local name */
  name: string;
  /** the type as written (QName) or 'anonymous' */
  typeName: string;
  def: SimpleDef;
}

export interface SchemaTypes {
  named: Map<string, SimpleDef>;
  attrs: AttrDecl[];
}

const xs = (e: JElement, local: string): JElement[] => e.children.filter((c) => c.ns === XS && c.local === local);
const attr = (e: JElement, name: string): string | undefined => e.attr(name)?.value;

function* all(e: JElement): Generator<JElement> {
  yield e;
  for (const c of e.children) yield* all(c);
}

export function readSchemaTypes(dir: string, files?: string[]): SchemaTypes {
  const names = files ?? readdirSync(dir).filter((f) => f.endsWith('.xsd'));
  const roots = names.map((f) => scanTree(readFileSync(join(dir, f), 'utf8')));
  const namedEls = new Map<string, JElement>();
  for (const r of roots) for (const st of xs(r, 'simpleType')) namedEls.set(attr(st, 'name')!, st);
  const named = new Map<string, SimpleDef>();

  const ref = (qn: string): SimpleDef => {
    const [p, l] = qn.includes(':') ? qn.split(':') : ['', qn];
    if (p === 'xs') return { kind: 'builtin', name: l! };
    const have = named.get(l!);
    if (have !== undefined) return have;
    const el = namedEls.get(l!);
    if (el === undefined) throw new Error(`no simple type ${qn}`);
    const d = fromSimpleType(el);
    named.set(l!, d);
    return d;
  };

  const fromSimpleType = (st: JElement): SimpleDef => {
    const res = xs(st, 'restriction')[0];
    if (res !== undefined) {
      const b = attr(res, 'base');
      const base = b !== undefined ? ref(b) : fromSimpleType(xs(res, 'simpleType')[0]!);
      const f: Facets = {};
      const enums = xs(res, 'enumeration').map((e) => attr(e, 'value')!);
      if (enums.length > 0) f.enumeration = enums;
      const pats = xs(res, 'pattern').map((e) => attr(e, 'value')!);
      if (pats.length > 0) f.pattern = [pats];
      for (const k of ['minLength', 'maxLength', 'length', 'totalDigits', 'fractionDigits'] as const) {
        const e = xs(res, k)[0];
        if (e !== undefined) f[k] = Number(attr(e, 'value'));
      }
      for (const k of ['minInclusive', 'maxInclusive', 'minExclusive', 'maxExclusive'] as const) {
        const e = xs(res, k)[0];
        if (e !== undefined) f[k] = attr(e, 'value')!;
      }
      const w = xs(res, 'whiteSpace')[0];
      if (w !== undefined) f.whiteSpace = attr(w, 'value') as Facets['whiteSpace'] & string;
      return { kind: 'restriction', base, facets: f };
    }
    const list = xs(st, 'list')[0];
    if (list !== undefined) {
      const it = attr(list, 'itemType');
      return { kind: 'list', item: it !== undefined ? ref(it) : fromSimpleType(xs(list, 'simpleType')[0]!) };
    }
    const un = xs(st, 'union')[0]!;
    const members = (attr(un, 'memberTypes') ?? '').split(/\s+/).filter((x) => x !== '').map(ref);
    for (const m of xs(un, 'simpleType')) members.push(fromSimpleType(m));
    return { kind: 'union', members };
  };

  for (const n of namedEls.keys()) ref(n);
  const attrs: AttrDecl[] = [];
  for (const r of roots) {
    for (const e of all(r)) {
      if (e.ns !== XS || e.local !== 'attribute' || attr(e, 'name') === undefined) continue;
      const t = attr(e, 'type');
      if (t !== undefined) {
        const [p, l] = t.includes(':') ? t.split(':') : ['', t];
        if (p !== 'xs' && !namedEls.has(l!)) continue; // not a simple type of this set
        attrs.push({ name: attr(e, 'name')!, typeName: t, def: ref(t) });
      } else {
        const st = xs(e, 'simpleType')[0];
        if (st !== undefined) attrs.push({ name: attr(e, 'name')!, typeName: 'anonymous', def: fromSimpleType(st) });
      }
    }
  }
  return { named, attrs };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A SimpleDef as the content of an xs:attribute (an anonymous xs:simpleType), or a type="..." attribute for a built-in. */
export function simpleTypeXml(def: SimpleDef): string {
  switch (def.kind) {
    case 'builtin':
      return `<xs:simpleType><xs:restriction base="xs:${def.name}"/></xs:simpleType>`;
    case 'list':
      return `<xs:simpleType><xs:list>${simpleTypeXml(def.item)}</xs:list></xs:simpleType>`;
    case 'union':
      return `<xs:simpleType><xs:union>${def.members.map(simpleTypeXml).join('')}</xs:union></xs:simpleType>`;
    case 'restriction': {
      const f = def.facets;
      // every pattern step but the last is its own restriction step
      const steps = f.pattern ?? [];
      let inner = simpleTypeXml(def.base);
      for (const step of steps.slice(0, -1)) {
        inner = `<xs:simpleType><xs:restriction>${inner}${step.map((p) => `<xs:pattern value="${esc(p)}"/>`).join('')}</xs:restriction></xs:simpleType>`;
      }
      let facets = '';
      for (const p of steps.at(-1) ?? []) facets += `<xs:pattern value="${esc(p)}"/>`;
      for (const e of f.enumeration ?? []) facets += `<xs:enumeration value="${esc(e)}"/>`;
      for (const k of ['length', 'minLength', 'maxLength', 'minInclusive', 'maxInclusive', 'minExclusive', 'maxExclusive', 'totalDigits', 'fractionDigits', 'whiteSpace'] as const) {
        if (f[k] !== undefined) facets += `<xs:${k} value="${esc(String(f[k]))}"/>`;
      }
      return `<xs:simpleType><xs:restriction>${inner}${facets}</xs:restriction></xs:simpleType>`;
    }
  }
}
