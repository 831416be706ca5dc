import { kids, selectJ, type JElement, type JSelected } from '../../xml/jstree.js';

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

interface IndexedEntry {
  el: JElement;
  /** @code and @displayName of every hl7:observation/hl7:code under the entry: the predicates test them independently */
  codes: Set<string>;
  names: Set<string>;
}

export class SectionEntries {
  private entries: IndexedEntry[] | undefined;

  constructor(private readonly section: JElement) {}

  /** What `path` selects from the section, or undefined when the path is not of the indexed shape. */
  select(path: string): JSelected[] | undefined {
    const m = BY_OBSERVATION_CODE.exec(path);
    if (!m) return undefined;
    const [, code, name, rest] = m as unknown as [string, string, string | undefined, string];
    this.entries ??= this.build();
    const out: JSelected[] = [];
    for (const e of this.entries) {
      if (e.codes.has(code) && (name === undefined || e.names.has(name))) out.push(...selectJ(e.el, rest));
    }
    return out;
  }

  private build(): IndexedEntry[] {
    const list: IndexedEntry[] = [];
    for (const entry of kids(this.section, 'entry')) {
      const e: IndexedEntry = { el: entry, codes: new Set(), names: new Set() };
      for (const obs of kids(entry, 'observation')) {
        for (const code of kids(obs, 'code')) {
          const c = code.attr('code');
          if (c) e.codes.add(c.value);
          const d = code.attr('displayName');
          if (d) e.names.add(d.value);
        }
      }
      if (e.codes.size > 0 || e.names.size > 0) list.push(e);
    }
    return list;
  }
}
