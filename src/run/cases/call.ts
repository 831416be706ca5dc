/** One service call of a case: build the request from the catalogue, send it (journaled), read the answer. */
import type { ServiceDef } from '../../catalog/types.js';
import { buildRequest } from '../../samples/message.js';
import type { CaseBuilder, CaseContext, SendResult } from './types.js';
import type { Values } from './data.js';

function ts(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

const counters = new WeakMap<CaseBuilder, number>();

/** Send `values` to `service` for a case; transport findings and evidence go to `out`. */
export async function call(ctx: CaseContext, out: CaseBuilder, caseId: string, service: ServiceDef, values: Values): Promise<SendResult> {
  const n = (counters.get(out) ?? 0) + 1;
  counters.set(out, n);
  const entity = ctx.catalog.entities.get(service.entity);
  if (!entity) throw new Error(`service ${service.code}: unknown entity ${service.entity}`);
  const requestId = `HT${ctx.data.seed}-${caseId}-${n}`;
  const known = new Set(entity.fields.map((f) => f.name));
  const clean = Object.fromEntries(Object.entries(values).filter(([k]) => known.has(k)));
  const xml = buildRequest(service, entity, clean, { messageId: requestId, creationTime: ts(new Date()), sender: 'hutong', receiver: 'platform' });
  const res = await ctx.send(caseId, service, xml, requestId);
  out.addEvidence(...res.evidence);
  out.add(...res.findings);
  return res;
}
