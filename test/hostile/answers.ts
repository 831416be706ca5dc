/**
 * What a well-behaved platform would have answered: the request read with the project's own
 * server-side binding code, then an AA acknowledgement (register/add/…) or an empty query
 * response (queries). Behaviours take this answer and break it in one precise way, so the one
 * thing wrong with a response is the thing under test.
 */
import { readFileSync } from 'node:fs';
import type { EntityDef, ServiceDef } from '../../src/catalog/types.js';
import { buildAck, buildQueryResponse, readMessage } from '../../src/samples/message.js';
import { type Binding, readRequest, resolveBinding, writeResponse } from '../../src/transport/index.js';
import type { WireRequest } from './wire.js';

// Read directly (not loadCatalog): the server must work even while the catalogue is mid-edit.
const ROOT = new URL('../../', import.meta.url);
const readJson = <T>(p: string): T => JSON.parse(readFileSync(new URL(p, ROOT), 'utf8')) as T;
let cache: { services: Map<string, ServiceDef>; entities: Map<string, EntityDef> } | undefined;
function catalogue(): NonNullable<typeof cache> {
  cache ??= {
    services: new Map(readJson<{ services: ServiceDef[] }>('scenarios/services.json').services.map((s) => [s.code, s])),
    entities: new Map(readJson<{ entities: EntityDef[] }>('scenarios/entities.json').entities.map((e) => [e.name, e])),
  };
  return cache;
}

export function service(code: string): ServiceDef | undefined {
  return catalogue().services.get(code);
}

export const BINDINGS = { soap11: resolveBinding('soap11'), soap12: resolveBinding('soap12'), http: resolveBinding('http') };

/** The binding a request came in on, from its Content-Type and path. */
export function bindingOf(req: WireRequest): Binding {
  const ct = req.headers['content-type'] ?? '';
  if (/application\/soap\+xml/i.test(ct)) return BINDINGS.soap12;
  if (/text\/xml/i.test(ct) && ('soapaction' in req.headers)) return BINDINGS.soap11;
  return BINDINGS.http;
}

export interface Answer {
  binding: Binding;
  action: string;
  requestId: string;
  interactionId: string;
  /** the V3 answer a good platform would send */
  v3: string;
  /** that answer in the binding's envelope */
  status: number;
  contentType: string;
  body: Buffer;
}

let serial = 0;

/** Build the good answer to `req`; `targetId` overrides the request id the answer echoes. */
export function goodAnswer(req: WireRequest, targetId?: string): Answer {
  const binding = bindingOf(req);
  const r = readRequest(binding, req.headers['content-type'], req.headers, req.body, { path: req.path });
  if ('error' in r) throw new Error(`hostile server could not read the request: ${r.error.reason}`);
  const m = readMessage(r.v3xml);
  const requestId = m.messageId ?? 'UNKNOWN';
  const interactionId = m.interactionId ?? 'UNKNOWN';
  const s = service(r.action);
  const id = `HOSTILE-${process.pid}-${++serial}`;
  const creationTime = '20260101120000';
  const target = targetId ?? requestId;
  let v3: string;
  if (s?.responseRecords) {
    const entity = catalogue().entities.get(s.entity) as EntityDef;
    v3 = buildQueryResponse(s, entity, target, [], { messageId: id, creationTime, sender: 'HOSTILE', receiver: 'hutong' });
  } else {
    v3 = buildAck({ messageId: target, interactionId }, { typeCode: 'AA', messageId: id, creationTime, sender: 'HOSTILE', receiver: 'hutong' });
  }
  return { ...envelope(binding, v3), binding, action: r.action, requestId, interactionId, v3 };
}

/** `v3` in the binding's response envelope, exactly as the reference platform writes it. */
export function envelope(binding: Binding, v3: string): { status: number; contentType: string; body: Buffer } {
  const w = writeResponse(binding, v3);
  return { status: w.status, contentType: w.headers['Content-Type'] ?? 'text/xml', body: w.body };
}
