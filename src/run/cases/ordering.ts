/**
 * Case order: every case after the cases it needs or must follow (register before query, a
 * query's T01 after its entity's register/add, documents after the document services,
 * datasets last), otherwise in the order the plan lists them. Stable: the same plan always
 * gives the same order, which --resume relies on.
 */
import type { CaseSpec } from './types.js';

export function orderCases(cases: readonly CaseSpec[]): CaseSpec[] {
  const byId = new Map(cases.map((c) => [c.id, c] as const));
  const index = new Map(cases.map((c, i) => [c.id, i] as const));
  const out: CaseSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: CaseSpec): void => {
    const s = state.get(c.id);
    if (s === 'done') return;
    if (s === 'visiting') return; // a cycle in the data: keep plan order for the rest
    state.set(c.id, 'visiting');
    const before = [...new Set([...c.needs, ...c.after])]
      .map((id) => byId.get(id))
      .filter((x): x is CaseSpec => x !== undefined)
      .sort((a, b) => index.get(a.id)! - index.get(b.id)!);
    for (const d of before) visit(d);
    state.set(c.id, 'done');
    out.push(c);
  };
  for (const c of cases) visit(c);
  return out;
}
