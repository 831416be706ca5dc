/**
 * A small loopback platform for the runner's unit tests (the reference platform lives in
 * src/platform): one in-memory table per entity; register/add store, update/merge need an
 * existing key (own entity or one with the same key fields), queries answer by key. Speaks the
 * three bindings through src/transport readRequest/writeResponse.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadCatalog } from '../../src/catalog/index.js';
import type { Catalog, ServiceDef } from '../../src/catalog/types.js';
import { buildAck, buildQueryResponse, extractValues, readMessage } from '../../src/samples/message.js';
import { readRequest, resolveBinding, writeResponse, type Binding } from '../../src/transport/index.js';

export interface MiniPlatform {
  urls: { soap11: string; soap12: string; http: string };
  requests: { action: string; path: string }[];
  /** make one service misbehave */
  breakService: Map<string, 'http-500' | 'ae'>;
  /** action -> how many of its next requests get a TCP reset instead of an answer */
  resetFirst: Map<string, number>;
  /** requests answered with a reset, by action */
  resets: string[];
  /** called with each request's action before it is answered (a test may interrupt the run there) */
  onRequest?: (action: string) => void;
  close(): Promise<void>;
}

export async function startMiniPlatform(catalog: Catalog = loadCatalog()): Promise<MiniPlatform> {
  const bindings: Record<string, Binding> = { '/soap11': resolveBinding('soap11'), '/soap12': resolveBinding('soap12'), '/http': resolveBinding('http') };
  const store = new Map<string, Map<string, Record<string, string>>>();
  const table = (e: string) => { let t = store.get(e); if (!t) { t = new Map(); store.set(e, t); } return t; };
  const keysOf = (e: string) => catalog.entities.get(e)!.fields.filter((f) => f.key).map((f) => f.name);
  const creators = new Set(catalog.services.filter((s) => s.pattern === 'register' || s.pattern === 'add').map((s) => s.entity));
  const requests: MiniPlatform['requests'] = [];
  const breakService: MiniPlatform['breakService'] = new Map();
  const resetFirst: MiniPlatform['resetFirst'] = new Map();
  const resets: string[] = [];
  let n = 0;

  const answer = (s: ServiceDef, v3: string): string | { fault: true } => {
    const entity = catalog.entities.get(s.entity)!;
    const head = readMessage(v3);
    const req = { messageId: head.messageId ?? '', interactionId: s.request };
    const ack = (t: 'AA' | 'AE', d?: string) => buildAck(req, { typeCode: t, ...(d ? { detail: d } : {}), messageId: `MINI${++n}`, creationTime: '20250101120000', sender: 'mini', receiver: head.sender ?? 'x' });
    const values = extractValues(s, entity, v3);
    const keys = keysOf(s.entity);
    const key = keys.map((k) => values[k] ?? '').join('|');
    const broken = breakService.get(s.code);
    if (broken === 'http-500') return { fault: true };
    if (s.queryParams) {
      const rec = keys.every((k) => values[k]) ? table(s.entity).get(key) : undefined;
      const opts = { messageId: `MINI${++n}`, creationTime: '20250101120000', sender: 'mini', receiver: 'x' };
      if (broken === 'ae') return buildQueryResponse(s, entity, req.messageId, [], { ...opts, typeCode: 'AE', detail: 'broken' });
      return buildQueryResponse(s, entity, req.messageId, rec ? [rec] : [], opts);
    }
    if (keys.some((k) => !values[k])) return ack('AE', `missing key ${keys.join(',')}`);
    if (broken === 'ae') return ack('AE', 'broken');
    if (s.pattern === 'register' || s.pattern === 'add') { table(s.entity).set(key, values); return ack('AA'); }
    const lookup = [s.entity, ...(creators.has(s.entity) ? [] : [...catalog.entities.keys()].filter((e) => creators.has(e) && keysOf(e).join() === keys.join()))];
    const found = lookup.map((e) => table(e).get(key)).find((x) => x);
    if (!found) return ack('AE', `no record ${key}`);
    table(s.entity).set(key, { ...(table(s.entity).get(key) ?? {}), ...values });
    return ack('AA');
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const b = bindings[path] ?? bindings['/' + path.split('/')[1]];
      if (!b) { res.writeHead(404).end(); return; }
      const r = readRequest(b, req.headers['content-type'], req.headers, Buffer.concat(chunks), { path });
      let out;
      if ('error' in r) out = writeResponse(b, r.error);
      else {
        const left = resetFirst.get(r.action) ?? 0;
        if (left > 0) {
          // what a crashing worker or an overloaded balancer does: RST, no response at all
          resetFirst.set(r.action, left - 1);
          resets.push(r.action);
          req.socket.resetAndDestroy();
          return;
        }
        self.onRequest?.(r.action);
        requests.push({ action: r.action, path });
        const s = catalog.services.find((x) => x.code === r.action);
        const a = s ? answer(s, r.v3xml) : { fault: true as const };
        out = typeof a === 'string' ? writeResponse(b, a) : writeResponse(b, { faultCode: 'Receiver', reason: 'internal error', status: 500 });
      }
      res.writeHead(out.status, out.headers).end(out.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const self: MiniPlatform = {
    urls: { soap11: `${base}/soap11`, soap12: `${base}/soap12`, http: `${base}/http` },
    requests, breakService, resetFirst, resets,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
  return self;
}
