/**
 * A small loopback V3 platform for the profile tests: registers/adds store the record by its
 * key, queries answer from the store (no record → AA/NF), everything through the same binding
 * code the harness uses (src/transport readRequest/writeResponse, src/samples builders).
 * Options: a fixed added latency and an acknowledgement type to answer with.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Catalog } from '../../src/catalog/types.js';
import { buildAck, buildQueryResponse, extractValues, readMessage } from '../../src/samples/message.js';
import { resolveBinding, type Binding } from '../../src/transport/binding.js';
import { readRequest, writeResponse } from '../../src/transport/envelope.js';

export interface EchoPlatform {
  url: string;
  requests: number;
  byAction: Record<string, number>;
  messageIds: Set<string>;
  close(): Promise<void>;
}

export async function startEchoPlatform(catalog: Catalog, opts: { delayMs?: number; ack?: 'AA' | 'AE'; binding?: Binding } = {}): Promise<EchoPlatform> {
  const binding = opts.binding ?? resolveBinding('soap11');
  const store = new Map<string, Map<string, Record<string, string>>>();
  const state: EchoPlatform = { url: '', requests: 0, byAction: {}, messageIds: new Set(), close: async () => undefined };
  const answer = (body: Buffer, req: http.IncomingMessage): ReturnType<typeof writeResponse> => {
    const r = readRequest(binding, req.headers['content-type'], req.headers, body, { path: req.url ?? '/' });
    if ('error' in r) return writeResponse(binding, r.error);
    const service = catalog.services.find((s) => s.code === r.action);
    if (!service) return writeResponse(binding, { faultCode: 'Sender', reason: `unknown action ${r.action}` });
    state.byAction[r.action] = (state.byAction[r.action] ?? 0) + 1;
    const entity = catalog.entities.get(service.entity)!;
    const key = entity.fields.find((f) => f.key)!.name;
    const msg = readMessage(r.v3xml, { service });
    if (msg.messageId) state.messageIds.add(msg.messageId);
    const meta = { messageId: `ECHO-${state.requests}`, creationTime: '20250101000000', sender: 'echo', receiver: 'hutong' };
    const table = store.get(entity.name) ?? new Map<string, Record<string, string>>();
    store.set(entity.name, table);
    if (service.queryParams) {
      const k = msg.queryKey?.[key];
      const rec = k === undefined ? undefined : table.get(k);
      return writeResponse(binding, buildQueryResponse(service, entity, msg.messageId ?? '', rec ? [rec] : [], meta));
    }
    const values = extractValues(service, entity, r.v3xml);
    if (values[key]) table.set(values[key]!, values);
    return writeResponse(binding, buildAck({ messageId: msg.messageId ?? '', interactionId: service.request }, { typeCode: opts.ack ?? 'AA', ...meta }));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      const out = answer(Buffer.concat(chunks), req);
      const send = (): void => {
        res.writeHead(out.status, out.headers);
        res.end(out.body);
      };
      if (opts.delayMs) setTimeout(send, opts.delayMs);
      else send();
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/soap11`;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}
