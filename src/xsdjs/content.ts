import { XsdJsUnsupported, type NsConstraint, type StateData, type WildcardData } from './model.js';

/**
 * Content models → deterministic automata. A particle tree (sequence / choice / element /
 * wildcard with minOccurs/maxOccurs) is unrolled into a regular expression over positions
 * and turned into its Glushkov automaton: one state per position, plus the initial state.
 * XSD's Unique Particle Attribution makes that automaton deterministic; when it is not
 * (a schema libxml2 would refuse, or a bounded repetition our unrolling makes ambiguous),
 * compilation throws XsdJsUnsupported so the caller keeps libxml2.
 */

export type Max = number | 'unbounded';

export type Particle =
  | { k: 'el'; elem: number; ns: string; local: string; min: number; max: Max }
  | { k: 'any'; wc: WildcardData; min: number; max: Max }
  | { k: 'seq' | 'choice'; items: Particle[]; min: number; max: Max };

/** Unrolling bound: beyond this many copies a bounded repetition is not compiled. */
const MAX_COPIES = 32;

type Pos = { k: 'el'; elem: number; ns: string; local: string } | { k: 'any'; wc: WildcardData };

type Re =
  | { op: 'sym'; pos: number }
  | { op: 'eps' }
  | { op: 'seq' | 'alt'; items: Re[] }
  | { op: 'opt' | 'star' | 'plus'; item: Re };

/** True when the particle can only match the empty sequence (XSD's "empty content"). */
export function isEmptyParticle(p: Particle | null): boolean {
  if (p === null || p.max === 0) return true;
  if (p.k === 'el' || p.k === 'any') return false;
  return p.items.every(isEmptyParticle) && (p.k === 'seq' || p.items.length > 0 || p.min === 0);
}

export function buildAutomaton(root: Particle | null): StateData[] {
  const positions: Pos[] = [];
  const re = root === null ? { op: 'eps' as const } : toRe(root, positions);
  const follow: Set<number>[] = positions.map(() => new Set());
  const g = glushkov(re, follow);
  const states: StateData[] = [];
  const mk = (targets: Iterable<number>, final: boolean): StateData => {
    const s: StateData = { final, edges: [], wild: [] };
    for (const t of targets) {
      const p = positions[t]!;
      if (p.k === 'el') {
        for (const e of s.edges) if (e.ns === p.ns && e.local === p.local) throw new XsdJsUnsupported(`content model not deterministic at element {${p.ns}}${p.local}`);
        for (const w of s.wild) if (allows(w.wc.ns, p.ns)) throw new XsdJsUnsupported(`content model not deterministic: wildcard and {${p.ns}}${p.local}`);
        s.edges.push({ ns: p.ns, local: p.local, elem: p.elem, to: t + 1 });
      } else {
        for (const e of s.edges) if (allows(p.wc.ns, e.ns)) throw new XsdJsUnsupported(`content model not deterministic: wildcard and {${e.ns}}${e.local}`);
        if (s.wild.length > 0) throw new XsdJsUnsupported('content model with two competing wildcards');
        s.wild.push({ wc: p.wc, to: t + 1 });
      }
    }
    return s;
  };
  states.push(mk(g.first, g.nullable));
  const last = new Set(g.last);
  positions.forEach((_, i) => states.push(mk(follow[i]!, last.has(i))));
  return states;
}

export function allows(c: NsConstraint, ns: string): boolean {
  if (c.mode === 'any') return true;
  if (c.mode === 'not') return !c.ns.includes(ns);
  return c.ns.includes(ns);
}

function toRe(p: Particle, positions: Pos[]): Re {
  const one = (): Re => {
    if (p.k === 'el') {
      positions.push({ k: 'el', elem: p.elem, ns: p.ns, local: p.local });
      return { op: 'sym', pos: positions.length - 1 };
    }
    if (p.k === 'any') {
      positions.push({ k: 'any', wc: p.wc });
      return { op: 'sym', pos: positions.length - 1 };
    }
    const items = p.items.map((x) => toRe(x, positions));
    return { op: p.k === 'seq' ? 'seq' : 'alt', items };
  };
  const { min, max } = p;
  // maxOccurs 0 (a particle that is not there) and empty choices (which match nothing): how
  // libxml2 reads them is not modelled
  if (max === 0) throw new XsdJsUnsupported('maxOccurs="0"');
  if (p.k === 'choice' && p.items.length === 0) throw new XsdJsUnsupported('an empty xs:choice');
  if (min > MAX_COPIES || (max !== 'unbounded' && max > MAX_COPIES)) throw new XsdJsUnsupported(`occurrence bound too large (${min}..${max})`);
  if (max !== 'unbounded' && max < min) throw new XsdJsUnsupported('maxOccurs < minOccurs');
  if (min === 1 && max === 1) return one();
  if (min === 0 && max === 1) return { op: 'opt', item: one() };
  if (min === 0 && max === 'unbounded') return { op: 'star', item: one() };
  if (min === 1 && max === 'unbounded') return { op: 'plus', item: one() };
  // general bounds: min copies, then (max - min) nested optional copies or a final plus
  const items: Re[] = [];
  for (let i = 0; i < (max === 'unbounded' ? min - 1 : min); i++) items.push(one());
  if (max === 'unbounded') items.push({ op: 'plus', item: one() });
  else {
    let tail: Re | undefined;
    for (let i = 0; i < max - min; i++) {
      const c = one();
      tail = { op: 'opt', item: tail === undefined ? c : { op: 'seq', items: [c, tail] } };
    }
    if (tail) items.push(tail);
  }
  return { op: 'seq', items };
}

interface G {
  nullable: boolean;
  first: number[];
  last: number[];
}

function glushkov(re: Re, follow: Set<number>[]): G {
  switch (re.op) {
    case 'eps':
      return { nullable: true, first: [], last: [] };
    case 'sym':
      return { nullable: false, first: [re.pos], last: [re.pos] };
    case 'alt': {
      const gs = re.items.map((x) => glushkov(x, follow));
      return { nullable: gs.length === 0 || gs.some((g) => g.nullable), first: gs.flatMap((g) => g.first), last: gs.flatMap((g) => g.last) };
    }
    case 'seq': {
      let acc: G = { nullable: true, first: [], last: [] };
      for (const x of re.items) {
        const g = glushkov(x, follow);
        for (const l of acc.last) for (const f of g.first) follow[l]!.add(f);
        acc = {
          nullable: acc.nullable && g.nullable,
          first: acc.nullable ? [...acc.first, ...g.first] : acc.first,
          last: g.nullable ? [...acc.last, ...g.last] : g.last,
        };
      }
      return acc;
    }
    case 'opt': {
      const g = glushkov(re.item, follow);
      return { ...g, nullable: true };
    }
    case 'star':
    case 'plus': {
      const g = glushkov(re.item, follow);
      for (const l of g.last) for (const f of g.first) follow[l]!.add(f);
      return { ...g, nullable: re.op === 'star' || g.nullable };
    }
  }
}
