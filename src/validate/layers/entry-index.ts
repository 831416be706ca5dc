import { compilePath, type CompiledPath, type JElement, type JSelected } from '../../xml/jstree.js';
import { NS } from '../../xml/ns.js';
import { selectInto } from './path-plan.js';

/**
 * Most data elements a WS/T 500 section places are observations picked by their code:
 * `hl7:entry[hl7:observation/hl7:code/@code='DE…'][…/@displayName='…']/hl7:observation/hl7:value`.
 * Evaluated one by one, each walks every entry of the section for every data element; this
 * index reads the section's observation codes once and answers such paths by evaluating only the
 * remainder from the matching entries. The nodes and their order are those of the full path
 * (entries are siblings, so per-entry results concatenate in document order); any other path
 * shape is left to selectJ.
 */

const BY_OBSERVATION_CODE = /^hl7:entry\[hl7:observation\/hl7:code\/@code='([^']*)'\](?:\[hl7:observation\/hl7:code\/@displayName='([^']*)'\])?\/(hl7:observation\/.+)$/;

/** An indexed path, taken apart once per path text: the code, the display name, the remainder compiled. */
export interface IndexedPath {
  code: string;
  name: string | undefined;
  /** compiled on first use, as selectJ would parse it (a malformed remainder throws only when evaluated) */
  restText: string;
  rest?: CompiledPath;
}

const shapes = new Map<string, IndexedPath | null>();

/** The indexed shape of a path (cached by its text), or null when the index cannot answer it. */
export function shapeOf(path: string): IndexedPath | null {
  let s = shapes.get(path);
  if (s === undefined) {
    const m = BY_OBSERVATION_CODE.exec(path);
    s = m ? { code: m[1]!, name: m[2], restText: m[3]! } : null;
    if (shapes.size > 10_000) shapes.clear();
    shapes.set(path, s);
  }
  return s;
}

export class SectionEntries {
  /** @code of any hl7:observation/hl7:code under an entry → those entries, in document order, each once */
  private byCode: Map<string, JElement[]> | undefined;
  /** for a code, its entries by the @displayName of any of their hl7:observation/hl7:code (made when a path first asks for a name) */
  private byName: Map<string, Map<string, JElement[]>> | undefined;

  constructor(private readonly section: JElement) {}

  /** What `path` selects from the section, or undefined when the path is not of the indexed shape. */
  select(path: string): JSelected[] | undefined {
    const shape = shapeOf(path);
    return shape === null ? undefined : this.selectShape(shape);
  }

  /** What a path of the indexed shape (shapeOf) selects from the section, in an array of the caller's own. */
  selectShape(shape: IndexedPath): JSelected[] {
    this.byCode ??= this.build();
    const out: JSelected[] = [];
    const list = this.byCode.get(shape.code);
    if (list === undefined) return out;
    // the two predicates test code and name independently: any observation code of the entry may carry the name
    const named = shape.name === undefined ? list : this.named(shape.code, list).get(shape.name);
    if (named === undefined) return out;
    const rest = (shape.rest ??= compilePath(shape.restText));
    // depth first from each entry, into `out` (entries are siblings: their results follow in document order)
    for (let i = 0; i < named.length; i++) selectInto(named[i]!, rest, out);
    return out;
  }

  /**
   * The entries of a code by display name, in document order, each once per name: a section may
   * hold many entries of one code told apart by name (testing each entry for each name is
   * quadratic in them).
   */
  private named(code: string, list: readonly JElement[]): Map<string, JElement[]> {
    this.byName ??= new Map();
    let m = this.byName.get(code);
    if (m === undefined) {
      m = new Map();
      for (let i = 0; i < list.length; i++) addByObservationCode(list[i]!, 'displayName', m);
      this.byName.set(code, m);
    }
    return m;
  }

  // loops written out, no callbacks: this runs for every section of every document
  private build(): Map<string, JElement[]> {
    const byCode = new Map<string, JElement[]>();
    const hl7 = NS.hl7;
    const cs = this.section.children;
    for (let i = 0; i < cs.length; i++) {
      const entry = cs[i]!;
      if (entry.local === 'entry' && entry.ns === hl7) addByObservationCode(entry, 'code', byCode);
    }
    return byCode;
  }
}


/** The entry under the value of `attr` (code, displayName) of each of its hl7:observation/hl7:code elements that has one. */
function addByObservationCode(entry: JElement, attr: string, m: Map<string, JElement[]>): void {
  const hl7 = NS.hl7;
  const os = entry.children;
  for (let j = 0; j < os.length; j++) {
    const obs = os[j]!;
    if (obs.local !== 'observation' || obs.ns !== hl7) continue;
    const ks = obs.children;
    for (let k = 0; k < ks.length; k++) {
      const code = ks[k]!;
      if (code.local !== 'code' || code.ns !== hl7) continue;
      const v = code.attr(attr)?.value;
      if (v === undefined) continue;
      const list = m.get(v);
      if (list === undefined) m.set(v, [entry]);
      else if (list[list.length - 1] !== entry) list.push(entry);
    }
  }
}
