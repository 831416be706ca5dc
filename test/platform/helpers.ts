import { loadCatalog } from '../../src/catalog/index.js';
import type { Catalog, ServiceDef } from '../../src/catalog/types.js';
import { buildRequest, readMessage, type ReadMessageResult } from '../../src/samples/message.js';
import { sampleEntityValues } from '../../src/samples/message-values.js';
import { createTransport, type Exchange, type Transport } from '../../src/transport/index.js';
import type { BindingKind } from '../../src/transport/binding.js';
import type { RunningPlatform } from '../../src/platform/index.js';

export const catalog: Catalog = loadCatalog();

export function service(code: string): ServiceDef {
  const s = catalog.services.find((x) => x.code === code);
  if (!s) throw new Error(`no service ${code}`);
  return s;
}

let n = 0;
export function request(s: ServiceDef, values: Record<string, string>, id = `T${++n}-${s.code}`): { xml: string; id: string } {
  const entity = catalog.entities.get(s.entity)!;
  const known = new Set(entity.fields.map((f) => f.name));
  const clean = Object.fromEntries(Object.entries(values).filter(([k]) => known.has(k)));
  return { id, xml: buildRequest(s, entity, clean, { messageId: id, creationTime: '20250301093000', sender: 'hutong-test', receiver: 'platform' }) };
}

export function values(entity: string, seed: number, shared: Record<string, string> = {}): Record<string, string> {
  return sampleEntityValues(catalog.entities.get(entity)!, seed, { shared });
}

export function transportFor(p: RunningPlatform, kind: BindingKind = 'soap11', connections = 4): Transport {
  const url = kind === 'soap11' ? p.urls.soap11 : kind === 'soap12' ? p.urls.soap12 : p.urls.http;
  return createTransport({ url, binding: kind, connections, timeoutMs: 20_000 });
}

export interface Reply {
  ex: Exchange;
  read?: ReadMessageResult;
}

export async function call(t: Transport, s: ServiceDef, vals: Record<string, string>): Promise<Reply & { id: string }> {
  const { xml, id } = request(s, vals);
  const ex = await t.send(s.code, xml);
  const r: Reply & { id: string } = { ex, id };
  if (ex.v3xml) r.read = readMessage(ex.v3xml, { service: s });
  return r;
}
