import type { XmlElement } from 'libxml2-wasm';
import { selectPath, type Selected } from '../../xml/path.js';
import { elementsOf } from './context.js';

/**
 * Most data elements a WS/T 500 section places are observations picked by their code:
 * `hl7:entry[hl7:observation/hl7:code/@code='DE…'][…/@displayName='…']/hl7:observation/hl7:value`.
 * Evaluated one by one, libxml2 walks every entry of the section for every data element; this
 * index reads the section's observation codes once and answers such paths by evaluating only the
 * remainder from the matching entries. The nodes and their order are those of the full path
 * (entries are siblings, so per-entry results concatenate in document order); any other path
 * shape is left to selectPath.
 */

const BY_OBSERVATION_CODE = /^hl7:entry\[hl7:observation\/hl7:code\/@code='([^']*)'\](?:\[hl7:observation\/hl7:code\/@displayName='([^']*)'\])?\/(hl7:observation\/.+)$/;

interface IndexedEntry {
  el: XmlElement;
  /** @code and @displayName of every hl7:observation/hl7:code under the entry: the predicates test them independently */
  codes: Set<string>;
  names: Set<string>;
}

export class SectionEntries {
  private entries: IndexedEntry[] | undefined;

  constructor(private readonly section: XmlElement) {}

  /** What `path` selects from the section, or undefined when the path is not of the indexed shape. */
  select(path: string): Selected[] | undefined {
    const m = BY_OBSERVATION_CODE.exec(path);
    if (!m) return undefined;
    const [, code, name, rest] = m as unknown as [string, string, string | undefined, string];
    this.entries ??= this.build();
    const out: Selected[] = [];
    for (const e of this.entries) {
      if (e.codes.has(code) && (name === undefined || e.names.has(name))) out.push(...selectPath(e.el, rest));
    }
    return out;
  }

  private build(): IndexedEntry[] {
    const list: IndexedEntry[] = [];
    let cur: IndexedEntry | undefined;
    // document order: the codes of one entry come together
    for (const code of elementsOf(selectPath(this.section, 'hl7:entry/hl7:observation/hl7:code'))) {
      const entry = code.parent?.parent;
      if (!entry) continue;
      if (!cur || !cur.el.isSameNode(entry)) {
        cur = { el: entry, codes: new Set(), names: new Set() };
        list.push(cur);
      }
      const c = code.attr('code');
      if (c) cur.codes.add(c.value);
      const d = code.attr('displayName');
      if (d) cur.names.add(d.value);
    }
    return list;
  }
}
