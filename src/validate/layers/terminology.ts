import type { ValueSetDef } from '../../catalog/types.js';
import { elementsInOrder, isElement, type JAttr, type JElement } from '../../xml/jstree.js';
import { ElementKeys, Findings, type LayerContext } from './context.js';
import type { ResolvedEntry } from './template.js';

/**
 * Layer 4, terminology: every coded value (code + codeSystem + displayName) against the
 * catalogue's value sets. Entries the template places are checked against the value set the
 * template names (wrong codeSystem, code outside the set, displayName differing); every other
 * coded element in the file against the value set its codeSystem names. Data element ids used
 * as observation codes must be in WS 363. A code system the catalogue does not know is said
 * once per file (info), never silently passed.
 */

export const DE_CODE_SYSTEM = '2.16.156.10011.2.2.1';
// code systems whose codes are checked elsewhere (document type, section LOINC) or are HL7's own: see skippedSystem
const CODED = new Set(['CD', 'CE', 'CV', 'CS']);

/**
 * Whether codes of this system are left to other checks (the document type code system, LOINC for section codes) or are HL7's own
 * (2.16.840.1.113883.5.… and 2.16.840.1.113883.1.11.…). Written out, not as a regular
 * expression nor a memo keyed by the value: it runs for every coded element of a document.
 */
export function skippedSystem(system: string): boolean {
  if (system === '2.16.156.10011.2.4') return true;
  if (!system.startsWith('2.16.840.1.113883.')) return false;
  return system === '2.16.840.1.113883.6.1' || system.startsWith('5.', 18) || system.startsWith('1.11.', 18);
}

export function runTerminology(ctx: LayerContext, resolved: ResolvedEntry[]): Findings {
  const f = new Findings(ctx.file);
  const catalog = ctx.catalog;
  // coded elements the template's entries already checked, keyed by their code
  const covered = new ElementKeys();
  const unknownSystems = new Set<string>();
  const reportUnknown = (system: string, code: string, el: JElement) => {
    if (unknownSystems.has(system)) return;
    unknownSystems.add(system);
    f.add('HT-TERM-SYSTEM-UNKNOWN', { codeSystem: system, code }, el);
  };

  for (const r of resolved) {
    const e = r.entry;
    if (!e.valueSet) continue;
    for (const n of r.nodes) {
      const holder = !isElement(n) ? (n.local === 'code' ? n.parent : null) : CODED.has(e.dataType) ? n : null;
      if (!holder || holder.attr('nullFlavor')) continue;
      const code = holder.attr('code')?.value ?? '';
      if (code === '') continue; // the template layer reports the empty value
      covered.add(holder, code);
      const system = holder.attr('codeSystem')?.value;
      if (e.dataType !== 'CS' && system !== e.valueSet) {
        f.add('HT-TERM-SYSTEM', { name: e.name, expected: e.valueSet, actual: system ?? '（无 none）' }, holder.attr('codeSystem') ?? holder, { paramsEn: { actual: system ?? '(none)' } });
      }
      const vs = catalog.valueSets.get(e.valueSet);
      if (!vs) {
        reportUnknown(e.valueSet, code, holder);
        continue;
      }
      // a template that fixes displayName in its path uses it to tell roles apart (法定代理人 …), not as the code's name
      checkCode(f, vs, e.name, code, holder, !e.xpath.includes("@displayName='"));
    }
  }

  // //*[@code and @codeSystem]
  const all = elementsInOrder(ctx.root);
  for (let i = 0; i < all.length; i++) {
    const n = all[i]!;
    // one pass over the attributes: the first of each name without a namespace, as attr(name)
    const as = n.attrs;
    if (as.length < 2) continue; // @code and @codeSystem at least
    let codeAt: JAttr | undefined;
    let systemAt: JAttr | undefined;
    let nullFlavor = false;
    for (let k = 0; k < as.length; k++) {
      const a = as[k]!;
      if (a.ns !== '') continue;
      const l = a.local;
      // by length first: a length is cheaper than a comparison, and most names have another
      if (l.length === 4) {
        if (l === 'code') codeAt ??= a;
      } else if (l.length === 10) {
        if (l === 'codeSystem') systemAt ??= a;
        else if (l === 'nullFlavor') nullFlavor = true;
      }
    }
    if (!codeAt || !systemAt || nullFlavor) continue;
    const code = codeAt.value;
    const system = systemAt.value;
    if (code === '' || system === '' || skippedSystem(system)) continue;
    if (covered.has(n, code)) continue;
    if (system === DE_CODE_SYSTEM) {
      if (!catalog.dataElements.has(code)) f.add('HT-TERM-DE-UNKNOWN', { de: code }, codeAt);
      continue;
    }
    const vs = catalog.valueSets.get(system);
    if (!vs) {
      reportUnknown(system, code, n);
      continue;
    }
    checkCode(f, vs, n.attr('displayName')?.value ?? n.local, code, n);
  }
  return f;
}

function checkCode(f: Findings, vs: ValueSetDef, name: string, code: string, holder: JElement, checkDisplay = true): void {
  // an empty concept list names a classification the catalogue does not enumerate (ICD-10 …)
  if (vs.concepts.length === 0) return;
  const concept = conceptIndex(vs).get(code);
  if (!concept) {
    // a list only an unofficial source gives cannot fail a file on its own
    f.add('HT-TERM-CODE-UNKNOWN', { name, code, valueSet: vs.oid, valueSetName: vs.name }, holder.attr('code') ?? holder, vs.verified ? {} : { severity: 'warning' });
    return;
  }
  const display = checkDisplay ? holder.attr('displayName')?.value : undefined;
  if (display !== undefined && display !== concept.display && concept.display !== '') {
    f.add('HT-TERM-DISPLAY', { name, code, valueSet: vs.oid, expected: concept.display, actual: display }, holder.attr('displayName') ?? holder);
  }
}

const indexes = new WeakMap<ValueSetDef, Map<string, { code: string; display: string }>>();

function conceptIndex(vs: ValueSetDef): Map<string, { code: string; display: string }> {
  let m = indexes.get(vs);
  if (!m) {
    m = new Map(vs.concepts.map((c) => [c.code, c]));
    indexes.set(vs, m);
  }
  return m;
}

