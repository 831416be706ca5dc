import { compilePath, selectCompiled, type CompiledPath, type JElement, type JSelected } from '../../xml/jstree.js';
import { NS } from '../../xml/ns.js';

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

  constructor(private readonly section: JElement) {}

  /** What `path` selects from the section, or undefined when the path is not of the indexed shape. */
  select(path: string): JSelected[] | undefined {
    const shape = shapeOf(path);
    return shape === null ? undefined : this.selectShape(shape);
  }

  /** What a path of the indexed shape (shapeOf) selects from the section. */
  selectShape(shape: IndexedPath): JSelected[] {
    this.byCode ??= this.build();
    const out: JSelected[] = [];
    const list = this.byCode.get(shape.code);
    if (list === undefined) return out;
    const name = shape.name;
    for (let i = 0; i < list.length; i++) {
      const el = list[i]!;
      // the two predicates test code and name independently: any observation code of the entry may carry the name
      if (name !== undefined && !hasDisplayName(el, name)) continue;
      const got = selectCompiled(el, (shape.rest ??= compilePath(shape.restText)));
      for (let k = 0; k < got.length; k++) out.push(got[k]!);
    }
    return out;
  }

  private build(): Map<string, JElement[]> {
    const byCode = new Map<string, JElement[]>();
    const cs = this.section.children;
    for (let i = 0; i < cs.length; i++) {
      const entry = cs[i]!;
      if (entry.local !== 'entry' || entry.ns !== NS.hl7) continue;
      someObservationCode(entry, (code) => {
        const c = code.attr('code');
        if (!c) return false;
        const list = byCode.get(c.value);
        if (list === undefined) byCode.set(c.value, [entry]);
        else if (list[list.length - 1] !== entry) list.push(entry);
        return false;
      });
    }
    return byCode;
  }
}

/** Whether some hl7:observation/hl7:code of the entry has this @displayName. */
function hasDisplayName(entry: JElement, name: string): boolean {
  return someObservationCode(entry, (code) => code.attr('displayName')?.value === name);
}

/** Visits the entry's hl7:observation/hl7:code elements in document order until `test` says true. */
function someObservationCode(entry: JElement, test: (code: JElement) => boolean): boolean {
  const os = entry.children;
  for (let j = 0; j < os.length; j++) {
    const obs = os[j]!;
    if (obs.local !== 'observation' || obs.ns !== NS.hl7) continue;
    const ks = obs.children;
    for (let k = 0; k < ks.length; k++) {
      const code = ks[k]!;
      if (code.local === 'code' && code.ns === NS.hl7 && test(code)) return true;
    }
  }
  return false;
}
