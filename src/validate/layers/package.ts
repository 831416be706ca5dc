import type { Finding } from '../../findings/types.js';
import { firstKid, lineOfJ as nodeLine, type JElement } from '../../xml/jstree.js';
import { NS } from '../../xml/ns.js';
import { finding } from '../rules.js';
import type { DocumentSummary } from '../types.js';
import { attr } from './context.js';

/**
 * Layer 6, the package: what no single file can show. Documents of one visit (sharing a
 * 门(急)诊号, 住院号 or encounter id) must name the same patient (ids and name: 整合性), and
 * no two documents may share a document id. Runs on summaries taken while each file was open,
 * so it costs nothing per document and works the same with worker threads.
 */

/** id roots that identify the patient (oid_conventions): 健康档案号, 身份证号, 医保卡号, 健康卡号, 本地患者ID */
const PATIENT_ID_ROOTS: Record<string, string> = {
  '2.16.156.10011.1.2': '健康档案标识号',
  '2.16.156.10011.1.3': '身份证号',
  '2.16.156.10011.1.15': '医保卡号',
  '2.16.156.10011.1.19': '健康卡号',
  '2.16.156.10011.2.5.1.4': '本地患者ID',
};
/** id roots that identify the visit: 门(急)诊号, 住院号 */
const VISIT_ID_ROOTS = new Set(['2.16.156.10011.1.10', '2.16.156.10011.1.11', '2.16.156.10011.1.12']);

const WHAT: Record<string, string> = { name: '患者姓名', gender: '性别代码', birth: '出生日期' };

/**
 * An element with its indexed XPath, known while walking down: xpathOf() would count every
 * preceding sibling of every ancestor, for each of the facts kept from every document. The
 * text is built only for the facts kept (most elements walked are not).
 */
class At {
  private text: string | undefined;

  constructor(readonly el: JElement, private readonly parent: At | undefined, private readonly step: string) {}

  get xpath(): string {
    return (this.text ??= this.parent === undefined ? this.step : `${this.parent.xpath}${this.step}`);
  }
}

function kids(at: At | undefined, name: string): At[] {
  if (!at) return [];
  const out: At[] = [];
  const cs = at.el.children;
  for (let i = 0, n = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c.local === name && c.ns === NS.hl7) out.push(new At(c, at, `/hl7:${name}[${++n}]`));
  }
  return out;
}

function first(at: At | undefined, ...path: string[]): At | undefined {
  let cur = at;
  for (const p of path) {
    if (!cur) return undefined;
    const c = firstKid(cur.el, p);
    cur = c ? new At(c, cur, `/hl7:${p}[1]`) : undefined;
  }
  return cur;
}

/** What the package layer needs of one document, read while it is open. */
export function summarise(root: JElement, path: string, documentType: string | undefined): DocumentSummary {
  const s: DocumentSummary = { path, visitKeys: [], patient: {} };
  if (documentType !== undefined) s.documentType = documentType;
  const top = new At(root, undefined, `/hl7:${root.local}`);
  const id = first(top, 'id');
  const idRoot = attr(id?.el, 'root');
  const idExt = attr(id?.el, 'extension');
  if (id && idRoot && idExt) {
    s.docId = { root: idRoot, extension: idExt, xpath: id.xpath };
    const l = nodeLine(id.el);
    if (l !== undefined) s.docId.line = l;
  }
  const fact = (what: string, at: At | undefined, value: string | undefined) => {
    if (!at || value === undefined || value.trim() === '' || s.patient[what]) return;
    const f: DocumentSummary['patient'][string] = { value: value.trim(), xpath: at.xpath };
    const l = nodeLine(at.el);
    if (l !== undefined) f.line = l;
    s.patient[what] = f;
  };
  for (const rt of kids(top, 'recordTarget')) {
    const role = first(rt, 'patientRole');
    if (!role) continue;
    const patient = first(role, 'patient');
    for (const i of [...kids(role, 'id'), ...kids(patient, 'id')]) {
      const r = attr(i.el, 'root') ?? '';
      const ext = attr(i.el, 'extension') ?? '';
      if (ext === '') continue;
      if (VISIT_ID_ROOTS.has(r)) s.visitKeys.push(`${r}|${ext}`);
      else if (PATIENT_ID_ROOTS[r] !== undefined) fact(`id ${r}`, i, ext);
    }
    const name = first(patient, 'name');
    fact('name', name, name?.el.content);
    const g = first(patient, 'administrativeGenderCode');
    fact('gender', g, attr(g?.el, 'code'));
    const b = first(patient, 'birthTime');
    fact('birth', b, attr(b?.el, 'value'));
  }
  for (const i of kids(first(top, 'componentOf', 'encompassingEncounter'), 'id')) {
    const r = attr(i.el, 'root') ?? '';
    const ext = attr(i.el, 'extension') ?? '';
    if (ext !== '') s.visitKeys.push(`${r}|${ext}`);
  }
  return s;
}

function whatOf(key: string): string {
  if (key.startsWith('id ')) {
    const r = key.slice(3);
    return `${PATIENT_ID_ROOTS[r] ?? '患者标识'}（${r}）`;
  }
  return WHAT[key] ?? key;
}

/** Cross-file findings, by file path. */
export function runPackage(docs: DocumentSummary[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const add = (path: string, f: Finding) => {
    const list = out.get(path) ?? [];
    list.push(f);
    out.set(path, list);
  };

  // document id uniqueness
  const byId = new Map<string, DocumentSummary[]>();
  for (const d of docs) {
    if (!d.docId) continue;
    const k = `${d.docId.root}|${d.docId.extension}`;
    const list = byId.get(k) ?? [];
    list.push(d);
    byId.set(k, list);
  }
  for (const list of byId.values()) {
    if (list.length < 2) continue;
    for (const d of list) {
      const where: Parameters<typeof finding>[2] = { file: d.path, xpath: d.docId!.xpath };
      if (d.docId!.line !== undefined) where.line = d.docId!.line;
      add(d.path, finding('HT-PKG-DOCID-DUP', { id: `${d.docId!.extension}（root ${d.docId!.root}）`, count: list.length }, where));
    }
  }

  // visits: documents sharing any visit key, transitively
  const parent = docs.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const byKey = new Map<string, number>();
  docs.forEach((d, i) => {
    for (const k of d.visitKeys) {
      const j = byKey.get(k);
      if (j === undefined) byKey.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, DocumentSummary[]>();
  docs.forEach((d, i) => {
    if (d.visitKeys.length === 0) return;
    const g = find(i);
    const list = groups.get(g) ?? [];
    list.push(d);
    groups.set(g, list);
  });

  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const facts = new Set(group.flatMap((d) => Object.keys(d.patient)));
    for (const what of facts) {
      const counts = new Map<string, number>();
      for (const d of group) {
        const v = d.patient[what]?.value;
        if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      if (counts.size < 2) continue;
      // the value most documents carry is taken as the visit's; ties go to the first file
      let majority = '';
      let best = -1;
      for (const d of group) {
        const v = d.patient[what]?.value;
        if (v !== undefined && (counts.get(v) ?? 0) > best) {
          best = counts.get(v)!;
          majority = v;
        }
      }
      const ref = group.find((d) => d.patient[what]?.value === majority)!;
      for (const d of group) {
        const fact = d.patient[what];
        if (!fact || fact.value === majority) continue;
        const where: Parameters<typeof finding>[2] = { file: d.path, xpath: fact.xpath };
        if (fact.line !== undefined) where.line = fact.line;
        add(d.path, finding('HT-PKG-PATIENT-MISMATCH', { what: `${whatOf(what)}，与 ${baseName(ref.path)} 比较`, a: fact.value, b: majority }, where));
      }
    }
  }
  return out;
}

function baseName(p: string): string {
  return p.split(/[\\/!]/).pop() ?? p;
}
