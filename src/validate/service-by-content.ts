import type { Catalog, ServiceDef } from '../catalog/types.js';
import { elementsJ as elements, selectJ as selectPath, type JElement } from '../xml/jstree.js';

/**
 * Which of the services sharing an interaction a message belongs to, told from its content
 * alone. Practitioners' messages copy one query template across services (住院就诊 and 住院转科,
 * 医嘱信息 and 医嘱执行状态 send the same parameters byte for byte), and one service's query
 * parameters are often a subset of another's, so the presence of parameters proves nothing
 * about queries. Two kinds of evidence are used:
 *
 * - contradiction, which excludes a service: its payload root is absent, or the slot its key
 *   identifier lives in (e.g. actId/value/item) is present but carries no item with the key's
 *   OID root (an actId of 2.16.156.10011.2.5.1.31 is an order, not an application 1.24);
 * - for records (registrations, updates, query responses), whose payload is the entity itself:
 *   the count of the entity's fields present, taken only when one service leads.
 *
 * A query request is taken only when one service is left after exclusion. Otherwise the
 * message is ambiguous and the services its content fits are listed: a wrong guess would run
 * the wrong field checks.
 */

export interface ContentVerdict {
  service?: ServiceDef;
  /** services the content does not contradict (all candidates when it contradicts every one) */
  compatible: ServiceDef[];
}

type Evidence = 'excluded' | 'supported' | 'neutral';

const ROOT_PREDICATE = /\[@root='[^']*'\]/;

/** The key identifier paths of a service, relative to its payload. */
function keyPaths(s: ServiceDef, catalog: Catalog, response: boolean): string[] {
  const entity = catalog.entities.get(s.entity);
  const keyFields = entity?.fields.filter((f) => f.key) ?? [];
  if (!response && s.queryParams) {
    const keyNames = new Set(keyFields.map((f) => f.name));
    const keys = s.queryParams.filter((p) => keyNames.has(p.field));
    return (keys.length > 0 ? keys : s.queryParams.slice(0, 1)).map((p) => p.xpath);
  }
  return keyFields.map((f) => f.xpath);
}

/** The identifier slot of a rooted key path: the path without its root predicate and attribute. */
function slotOf(path: string): string | undefined {
  if (!ROOT_PREDICATE.test(path)) return undefined;
  const steps = path.split('/');
  let i = steps.length - 1;
  while (i > 0 && !ROOT_PREDICATE.test(steps[i]!)) i--;
  return [...steps.slice(0, i), steps[i]!.replace(ROOT_PREDICATE, '')].join('/');
}

function keyEvidence(payloads: JElement[], paths: string[]): Evidence {
  let contradicted = false;
  for (const p of payloads) {
    for (const path of paths) {
      const slot = slotOf(path);
      if (slot === undefined) continue;
      if (selectPath(p, path).length > 0) return 'supported';
      if (selectPath(p, slot).length > 0) contradicted = true;
    }
  }
  return contradicted ? 'excluded' : 'neutral';
}

function hasElementChild(el: JElement): boolean {
  return el.children.length > 0;
}

function evidence(root: JElement, s: ServiceDef, catalog: Catalog): Evidence {
  const response = isResponse(root, s);
  if (!response) {
    const payload = elements(selectPath(root, s.payloadRoot));
    if (payload.length === 0) return 'excluded';
    return keyEvidence(payload, keyPaths(s, catalog, false));
  }
  const rr = s.responseRecords;
  if (!rr) return 'neutral';
  const records = elements(selectPath(root, rr.records));
  const payloads = records.flatMap((r) => elements(selectPath(r, rr.payloadRoot)));
  // records that carry another payload (placerGroup where observationRequest is due)
  if (payloads.length === 0) return records.some(hasElementChild) ? 'excluded' : 'neutral';
  return keyEvidence(payloads, keyPaths(s, catalog, true));
}

function fieldScore(root: JElement, s: ServiceDef, catalog: Catalog, response: boolean): number {
  const entity = catalog.entities.get(s.entity);
  if (!entity) return 0;
  const payloads = response && s.responseRecords
    ? elements(selectPath(root, s.responseRecords.records)).flatMap((r) => elements(selectPath(r, s.responseRecords!.payloadRoot)))
    : elements(selectPath(root, s.payloadRoot));
  const payload = payloads[0];
  return payload ? entity.fields.filter((f) => selectPath(payload, f.xpath).length > 0).length : 0;
}

function isResponse(root: JElement, s: ServiceDef): boolean {
  return root.local === s.response && root.local !== s.request;
}

export function serviceByContent(root: JElement, catalog: Catalog, candidates: ServiceDef[]): ContentVerdict {
  const judged = candidates.map((s) => ({ s, e: evidence(root, s, catalog) }));
  const compatible = judged.filter((j) => j.e !== 'excluded').map((j) => j.s);
  if (compatible.length === 1) return { service: compatible[0]!, compatible };
  if (compatible.length === 0) return { compatible: candidates };
  // query parameters are templates copied between services: their presence decides nothing
  if (compatible.some((s) => s.queryParams && !isResponse(root, s))) return { compatible };
  const scored = compatible.map((s) => ({ s, score: fieldScore(root, s, catalog, isResponse(root, s)) })).sort((a, b) => b.score - a.score);
  const [first, second] = scored;
  if (first && first.score > 0 && (!second || second.score < first.score)) return { service: first.s, compatible };
  return { compatible };
}
