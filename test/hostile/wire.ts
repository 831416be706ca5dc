/**
 * The raw HTTP/1.1 side of the hostile server: a tiny request reader on a plain or TLS socket
 * (so behaviours can answer with bytes no HTTP library would write), keep-alive, and the
 * helpers behaviours use to write, stream, stall and reset. Test code only.
 */
import type net from 'node:net';

export interface WireRequest {
  method: string;
  path: string;
  /** lower-cased names */
  headers: Record<string, string>;
  body: Buffer;
  /** 0-based index of this request on its connection */
  index: number;
}

/** Per-connection state a behaviour may keep (e.g. the previous request, for out-of-order answers). */
export type ConnState = Record<string, unknown>;

const MAX_HEAD = 64 * 1024;
const MAX_BODY = 8 * 1024 * 1024;

/**
 * Read requests off `socket` one at a time and hand each to `onRequest`; the next request is
 * read only after the returned promise settles (a behaviour that never answers never settles).
 */
export function serveSocket(socket: net.Socket, onRequest: (req: WireRequest, state: ConnState) => Promise<void> | void): void {
  let buf = Buffer.alloc(0);
  let busy = false;
  let index = 0;
  const state: ConnState = {};
  socket.on('error', () => {});
  const pump = (): void => {
    if (busy || socket.destroyed) return;
    const end = buf.indexOf('\r\n\r\n');
    if (end === -1) {
      if (buf.length > MAX_HEAD) socket.destroy();
      return;
    }
    const head = buf.subarray(0, end).toString('latin1').split('\r\n');
    const [method = '', path = '/'] = (head[0] ?? '').split(' ');
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const c = line.indexOf(':');
      if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
    }
    const len = Number(headers['content-length'] ?? '0');
    if (!Number.isFinite(len) || len < 0 || len > MAX_BODY) {
      socket.destroy();
      return;
    }
    if (buf.length < end + 4 + len) return;
    const body = Buffer.from(buf.subarray(end + 4, end + 4 + len));
    buf = buf.subarray(end + 4 + len);
    busy = true;
    const req: WireRequest = { method, path, headers, body, index: index++ };
    Promise.resolve()
      .then(() => onRequest(req, state))
      .catch(() => socket.destroy())
      .finally(() => {
        busy = false;
        pump();
      });
  };
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    pump();
  });
}

export function statusText(status: number): string {
  const t: Record<number, string> = {
    200: 'OK', 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect', 401: 'Unauthorized', 403: 'Forbidden',
    500: 'Internal Server Error', 503: 'Service Unavailable',
  };
  return t[status] ?? 'Status';
}

export function head(status: number, headers: Record<string, string>): Buffer {
  const lines = [`HTTP/1.1 ${status} ${statusText(status)}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** A complete response with Content-Length; keeps the connection open (keep-alive). */
export function response(status: number, contentType: string | undefined, body: Buffer | string, extra: Record<string, string> = {}): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const h: Record<string, string> = { ...(contentType ? { 'Content-Type': contentType } : {}), 'Content-Length': String(b.length), ...extra };
  return Buffer.concat([head(status, h), b]);
}

/** Write, respecting backpressure; resolves false when the peer went away. */
export function write(socket: net.Socket, data: Buffer | string): Promise<boolean> {
  if (socket.destroyed || !socket.writable) return Promise.resolve(false);
  return new Promise((resolve) => {
    const ok = socket.write(data);
    if (ok) {
      resolve(true);
      return;
    }
    const done = (v: boolean) => () => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(v);
    };
    const onDrain = done(true);
    const onClose = done(false);
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}

/** A promise that settles only when the socket closes: the behaviour "never answers". */
export function untilClosed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/**
 * Stream `total` bytes of `fill` in 64 KiB chunks (chunked encoding when `chunked`), generated
 * on the fly so the server never holds the body; stops when the peer disconnects.
 * Returns the number of bytes actually written.
 */
export async function stream(socket: net.Socket, total: number, fill: Buffer, chunked: boolean, last = true): Promise<number> {
  const size = 64 * 1024;
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += fill.length) fill.copy(data, i);
  // one framed chunk, built once and written again and again: nothing accumulates here
  const framed = chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data;
  let sent = 0;
  while (sent < total) {
    const n = Math.min(size, total - sent);
    const part = n === size ? framed : chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), data.subarray(0, n), Buffer.from('\r\n')]) : data.subarray(0, n);
    if (!(await write(socket, part))) return sent;
    sent += n;
  }
  if (chunked && last) await write(socket, '0\r\n\r\n');
  return sent;
}
