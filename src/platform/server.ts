import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadCatalog } from '../catalog/index.js';
import { resolveBinding, type Binding, type BindingInput } from '../transport/binding.js';
import { readRequest, writeResponse, type ServerFault } from '../transport/envelope.js';
import { TOOL_VERSION } from '../version.js';
import { compileCatalog } from './catalog-index.js';
import { ActiveFaults } from './faults.js';
import { handle, type Answer, type HandlerContext } from './handlers.js';
import { Responder } from './respond.js';
import { materialiser, seedStore } from './seed.js';
import { Store } from './store.js';
import type { PlatformOptions, PlatformUrls, RunningPlatform } from './types.js';
import { wsdl } from './wsdl.js';

/**
 * The reference platform's HTTP side: node:http with header/request/idle timeouts and a body
 * limit, every binding at once (/soap11, /soap12, /http, /http/<Action>), WSDL, health, a
 * request log, and a graceful close that lets in-flight requests finish before the database
 * is checkpointed and closed.
 */

export const DEFAULT_MAX_BODY = 20 * 1024 * 1024;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const IDLE_TIMEOUT_MS = 60_000;

interface Bindings {
  soap11: Binding;
  soap12: Binding;
  http: Binding;
  httpPath: Binding;
}

function bindingsOf(opts: PlatformOptions): Bindings {
  const base: Exclude<BindingInput, string> = opts.binding ?? {};
  const { http: httpOpts, ...soap } = base;
  return {
    soap11: resolveBinding({ ...soap, kind: 'soap11' }),
    soap12: resolveBinding({ ...soap, kind: 'soap12' }),
    http: resolveBinding({ charset: soap.charset ?? 'utf-8', kind: 'http', http: { ...httpOpts, actionIn: 'header' } }),
    // /http/<Action>: the service code is the last path segment (a header, when sent, must agree)
    httpPath: resolveBinding({ charset: soap.charset ?? 'utf-8', kind: 'http', http: { ...httpOpts, actionIn: 'both', path: '/{action}' } }),
  };
}

function pathOf(url: string | undefined): { path: string; query: string } {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? { path: u, query: '' } : { path: u.slice(0, q), query: u.slice(q + 1) };
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  res.end(body);
}

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const body = Buffer.from(text, 'utf8');
  send(res, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length), ...extra }, body);
}

export async function startPlatform(opts: PlatformOptions = {}): Promise<RunningPlatform> {
  const catalog = opts.catalog ?? loadCatalog();
  const kind = opts.kind ?? 'hospital';
  const faults = new ActiveFaults(opts.faults ?? [], catalog, kind);
  const bindings = bindingsOf(opts);
  const index = compileCatalog(catalog, kind);
  const store = new Store(opts.db === ':memory:' ? undefined : opts.db);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const latency = faults.has('slow') ? Math.max(0, opts.latencyMs ?? 1500) : 0;
  const log = opts.log;
  const ctx: HandlerContext = { index, store, responder: new Responder(), faults, materialise: materialiser(store, catalog) };
  let seededCount = 0;
  try {
    seededCount = seedStore(store, catalog, opts.seed ?? 1, opts.seedVisits ?? 3, kind);
  } catch (e) {
    store.close();
    throw e;
  }

  let inflight = 0;
  let served = 0;
  let closing = false;
  const idle: (() => void)[] = [];
  const done = (): void => {
    inflight--;
    if (inflight === 0) for (const f of idle.splice(0)) f();
  };
  let urls: PlatformUrls;
  let wsdlText = '';

  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS, keepAliveTimeout: 5_000 }, (req, res) => {
    inflight++;
    served++;
    const started = process.hrtime.bigint();
    let action = '-';
    let outcome = '-';
    res.on('close', () => {
      if (log) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log(`${new Date().toISOString()} ${req.socket.remoteAddress ?? '-'} ${req.method ?? '-'} ${req.url ?? '-'} ${action} ${res.statusCode} ${outcome} ${ms.toFixed(1)}ms`);
      }
      done();
    });
    if (closing) res.setHeader('Connection', 'close');
    const { path, query } = pathOf(req.url);

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/health') {
        // cpu and served let a benchmark compute CPU time per request on a shared machine
        const cpu = process.cpuUsage();
        const body = JSON.stringify({
          status: closing ? 'closing' : 'ok', version: TOOL_VERSION, catalog: catalog.version, kind, records: store.count(), seeded: seededCount,
          faults: [...faults.on], inflight, served, cpuUs: cpu.user + cpu.system,
        });
        send(res, closing ? 503 : 200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) }, body);
        return;
      }
      if (((path === '/soap11' || path === '/soap12') && /^wsdl$/i.test(query)) || path === '/wsdl') {
        send(res, 200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(Buffer.byteLength(wsdlText)) }, wsdlText);
        return;
      }
    }
    const b = path === '/soap11' ? bindings.soap11 : path === '/soap12' ? bindings.soap12 : path === '/http' ? bindings.http : path.startsWith('/http/') ? bindings.httpPath : undefined;
    if (!b) {
      sendText(res, 404, `no such endpoint ${path}; try /soap11 /soap12 /http /soap11?wsdl /health\n`);
      req.resume();
      return;
    }
    if (req.method !== 'POST') {
      sendText(res, 405, `${path} takes POST\n`, { Allow: 'POST' });
      req.resume();
      return;
    }
    const fault = (f: ServerFault): void => {
      const out = writeResponse(b, f);
      send(res, out.status, out.headers, out.body);
    };
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxBody) {
      res.setHeader('Connection', 'close');
      fault({ faultCode: 'Sender', reason: `请求体过大 request body of ${declared} bytes exceeds the limit of ${maxBody}`, status: 413 });
      outcome = 'too-large';
      req.resume();
      return;
    }
    readBody(req, maxBody, (err, body) => {
      if (err || !body) {
        outcome = err === 'too-large' ? 'too-large' : 'aborted';
        res.setHeader('Connection', 'close');
        if (err === 'too-large') fault({ faultCode: 'Sender', reason: `请求体超过上限 request body exceeds the limit of ${maxBody} bytes`, status: 413 });
        return;
      }
      const rr = readRequest(b, req.headers['content-type'], req.headers, body, { path });
      let answer: Answer;
      if ('error' in rr) {
        answer = { fault: rr.error, outcome: 'rejected' };
      } else {
        action = rr.action;
        try {
          answer = handle(ctx, rr.action, rr.v3xml);
        } catch (e) {
          answer = { fault: { faultCode: 'Receiver', reason: `internal error: ${e instanceof Error ? e.message : String(e)}` }, outcome: 'error' };
          log?.(`internal error on ${rr.action}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        }
      }
      outcome = answer.outcome;
      const out = 'xml' in answer ? writeResponse(b, answer.xml) : writeResponse(b, answer.fault);
      if (latency > 0 && 'service' in answer && answer.service !== undefined) {
        setTimeout(() => send(res, out.status, out.headers, out.body), latency);
      } else {
        send(res, out.status, out.headers, out.body);
      }
    });
  });
  server.timeout = IDLE_TIMEOUT_MS;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((e: unknown) => {
    store.close();
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  urls = { soap11: `${base}/soap11`, soap12: `${base}/soap12`, http: `${base}/http`, wsdl: `${base}/soap11?wsdl`, health: `${base}/health` };
  wsdlText = wsdl(bindings.soap11, urls);

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      server.close(() => undefined);
      server.closeIdleConnections();
      const finish = (): void => {
        server.closeAllConnections();
        store.close();
        resolve();
      };
      if (inflight === 0) finish();
      else {
        const t = setTimeout(finish, REQUEST_TIMEOUT_MS + Math.max(latency, 0));
        idle.push(() => {
          clearTimeout(t);
          finish();
        });
      }
    });
    return closed;
  };
  return { urls, port, host, seeded: Promise.resolve(), close };
}

type BodyError = 'too-large' | 'aborted';

function readBody(req: IncomingMessage, max: number, cb: (err: BodyError | undefined, body?: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  let finished = false;
  const end = (err: BodyError | undefined, body?: Buffer): void => {
    if (finished) return;
    finished = true;
    cb(err, body);
  };
  req.on('data', (c: Buffer) => {
    if (over) return;
    size += c.length;
    if (size > max) {
      over = true;
      chunks.length = 0;
      end('too-large');
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => end(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  req.on('aborted', () => end('aborted'));
  req.on('error', () => end('aborted'));
}
