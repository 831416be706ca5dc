import { attrNamed, passesPredicates, stepInto, type CompiledPath, type JAttr, type JElement, type JSelected } from '../../xml/jstree.js';

/**
 * Evaluating a fixed list of catalogue paths (a template's header entries, one section
 * template's entries) from one context element, many times — once per document. The paths'
 * prefixes are merged once into a tree of steps (a PathPlan: `hl7:recordTarget/hl7:patientRole`
 * is one node that a score of header paths continue from); a PlanRun evaluates that tree on
 * one document, each node at most once and only when a path asks for it. It does what
 * jstree's PathSelector does for such a list, without a per-document map of prefixes nor a
 * search for the longest one: the prefix of every path is known when the plan is made.
 *
 * Same nodes in the same order as selectCompiled (src/xml/jstree.ts), whose step, predicate and
 * attribute functions it uses: child steps with name, namespace and predicates
 * (test/validate/compiled-paths.test.ts compares the two on every catalogue path).
 */

type Step = CompiledPath['steps'][number];
type Name = NonNullable<CompiledPath['attribute']>;

/**
 * What `p` selects from `el`, appended to `out`: depth first, which for child steps is document
 * order (the nodes under one child all come before those under the next), without an array per
 * step.
 */
export function selectInto(el: JElement, p: CompiledPath, out: JSelected[]): void {
  const steps = p.steps;
  if (steps.length === 0) {
    if (!p.attribute) out.push(el);
    else {
      const at = attrNamed(el, p.attribute);
      if (at) out.push(at);
    }
    return;
  }
  walk(el, steps, 0, p.attribute, out);
}

function walk(el: JElement, steps: readonly Step[], i: number, a: Name | undefined, out: JSelected[]): void {
  const s = steps[i]!;
  const local = s.local;
  const ns = s.ns;
  const preds = s.predicates;
  const last = i === steps.length - 1;
  const cs = el.children;
  for (let k = 0; k < cs.length; k++) {
    const c = cs[k]!;
    if (c.local !== local || c.ns !== ns || (preds.length > 0 && !passesPredicates(c, preds))) continue;
    if (!last) walk(c, steps, i + 1, a, out);
    else if (!a) out.push(c);
    else {
      const at = attrNamed(c, a);
      if (at) out.push(at);
    }
  }
}

/** A path's place in a plan: the node of its last step (-1: the context itself) and its attribute. */
export interface PlannedPath {
  readonly node: number;
  readonly attribute: Name | undefined;
}

/** The merged prefixes of a list of paths, made once per list (see the module comment). */
export class PathPlan {
  private readonly steps: Step[] = [];
  private readonly parents: number[] = [];
  /** whether a node is a prefix of another path (its nodes are then shared, and copied when a path ends there) */
  private readonly inner: boolean[] = [];
  private readonly ends: boolean[] = [];
  // by the compiled steps' prefix ids: equal ids are equal prefixes (names, namespaces, predicates, literals)
  private readonly byPrefix = new Map<number, number>();

  get size(): number {
    return this.steps.length;
  }

  add(p: CompiledPath): PlannedPath {
    let node = -1;
    for (const s of p.steps) {
      if (node >= 0) this.inner[node] = true;
      let k = this.byPrefix.get(s.prefixId);
      if (k === undefined) {
        k = this.steps.length;
        this.steps.push(s);
        this.parents.push(node);
        this.inner.push(false);
        this.ends.push(false);
        this.byPrefix.set(s.prefixId, k);
      }
      node = k;
    }
    if (node >= 0) {
      // two paths ending at one node (the same path twice) must not share an array either
      if (this.ends[node]) this.inner[node] = true;
      this.ends[node] = true;
    }
    return { node, attribute: p.attribute };
  }

  step(k: number): Step {
    return this.steps[k]!;
  }

  parent(k: number): number {
    return this.parents[k]!;
  }

  isInner(k: number): boolean {
    return this.inner[k]!;
  }
}

/** A plan evaluated on one context element: each node's elements computed once, when first asked for. */
export class PlanRun {
  private readonly nodes: (JElement[] | undefined)[];
  private readonly top: JElement[];

  constructor(private readonly plan: PathPlan, ctx: JElement) {
    this.nodes = new Array<JElement[] | undefined>(plan.size);
    this.top = [ctx];
  }

  private at(k: number): JElement[] {
    if (k < 0) return this.top;
    let v = this.nodes[k];
    if (v === undefined) {
      const from = this.at(this.plan.parent(k));
      v = from.length === 0 ? from : stepInto(from, this.plan.step(k), []);
      this.nodes[k] = v;
    }
    return v;
  }

  /** The nodes a planned path selects, in document order, in an array of the caller's own. */
  select(p: PlannedPath): JSelected[] {
    const els = this.at(p.node);
    const a = p.attribute;
    if (!a) return p.node < 0 || els.length === 0 || this.plan.isInner(p.node) ? els.slice() : els;
    const out: JAttr[] = [];
    for (let j = 0; j < els.length; j++) {
      const at = attrNamed(els[j]!, a);
      if (at) out.push(at);
    }
    return out;
  }
}
