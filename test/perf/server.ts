/**
 * A loopback node:http server for the generator tests, with behaviours chosen per request.
 * Delays are enforced against performance.now() (a timer can fire a little early relative to
 * the high-resolution clock), so a "20 ms" server really takes at least 20 ms.
 */
import http from 'node:http';
import { afterEach, vi } from 'vitest';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ResponseChecker } from '../../src/perf/index.js';

export type Behaviour =
  | { kind: 'reply'; status: number; body: string }
  | { kind: 'hang' }
  | { kind: 'reset' };

export interface TestServerOptions {
  /** minimum time from request arrival to response, ms */
  delayMs?: number;
  /** n is 1-based in arrival order; default: 200 with an AA acknowledgement */
  behave?: (n: number, body: string) => Behaviour;
  /** once, this long after the first request arrives, hold every response for stallMs */
  stallAfterMs?: number;
  stallMs?: number;
}

export interface TestServer {
  url: string;
  count: number;
  bodies: string[];
  /** request headers, in arrival order (lower-cased names, as node:http gives them) */
  headers: http.IncomingHttpHeaders[];
  tally: Record<string, number>;
  close(): Promise<void>;
}

export const ACK_AA = '<MCCI_IN000002UV01><acknowledgement typeCode="AA"/></MCCI_IN000002UV01>';
/** The shape of a caller's transport + acknowledgement check, for the generator tests. */
export const ackChecker: ResponseChecker = (status, _headers, body) => {
  if (status !== 200) return `http-status:${status}`;
  const m = /typeCode="([A-Z]{2})"/.exec(body.toString('utf8'));
  if (!m) return 'invalid-body';
  return m[1] === 'AA' ? null : `ack-${m[1]}`;
};

export const ACK_AE = '<MCCI_IN000002UV01><acknowledgement typeCode="AE"/></MCCI_IN000002UV01>';

function sleepUntil(t: number, fn: () => void): void {
  const left = t - performance.now();
  if (left <= 0) fn();
  else setTimeout(() => sleepUntil(t, fn), Math.ceil(left));
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const sockets = new Set<import('node:net').Socket>();
  let firstAt: number | undefined;
  let stallUntil: number | undefined;
  const state: TestServer = {
    url: '',
    count: 0,
    bodies: [],
    headers: [],
    tally: {},
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = http.createServer((req, res) => {
    const arrived = performance.now();
    firstAt ??= arrived;
    if (opts.stallAfterMs !== undefined && stallUntil === undefined && arrived - firstAt >= opts.stallAfterMs) {
      stallUntil = arrived + (opts.stallMs ?? 0);
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = ++state.count;
      const body = Buffer.concat(chunks).toString('utf8');
      state.bodies.push(body);
      state.headers.push(req.headers);
      const b: Behaviour = opts.behave?.(n, body) ?? { kind: 'reply', status: 200, body: ACK_AA };
      const key = b.kind === 'reply' ? (b.body === ACK_AE ? 'AE' : String(b.status)) : b.kind;
      state.tally[key] = (state.tally[key] ?? 0) + 1;
      if (b.kind === 'hang') return;
      if (b.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      let due = arrived + (opts.delayMs ?? 0);
      if (stallUntil !== undefined && arrived < stallUntil) due = Math.max(due, stallUntil);
      sleepUntil(due, () => {
        res.writeHead(b.status, { 'content-type': 'text/xml; charset=utf-8' });
        res.end(b.body);
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * A `server()` that starts a test server and registers it to be closed (and mocks restored)
 * after each test of the suite (or file) it is called in.
 */
export function trackedServers(): (...args: Parameters<typeof startTestServer>) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (...args) => {
    const s = await startTestServer(...args);
    servers.push(s);
    return s;
  };
}
