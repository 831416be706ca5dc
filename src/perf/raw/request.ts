/**
 * HTTP/1.1 request bytes for the raw client (and the autocannon engine): built per request from
 * the factory's spec, validated so that nothing the factory returns can split a request.
 *
 * The factory's Host, Content-Length, Connection and Transfer-Encoding are ignored: the target's
 * origin and the body's length are the truth, and the connection is always kept alive.
 */
import type { RequestSpec } from '../types.js';

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TOKEN = METHOD;
/** origin-form: "/" then visible ASCII (a URL's path and query are percent-encoded) */
const PATH = /^\/[\x21-\x7e]*$/;
const UNSAFE_VALUE = /[\r\n\0]/;
const SKIPPED = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

/**
 * Header names seen before → "Name: " (null: a name we set ourselves), with the last value
 * found safe for it: a factory sends the same Content-Type or SOAPAction string every time, and
 * that string is then not scanned again (an identical string is the same verdict). Bounded.
 */
interface Prefix {
  text: string | null;
  lastSafe: string | undefined;
}
const PREFIXES = new Map<string, Prefix>();
const MAX_PREFIXES = 512;

function headerPrefix(k: string): Prefix {
  const known = PREFIXES.get(k);
  if (known !== undefined) return known;
  if (!TOKEN.test(k)) throw new InvalidRequestError(`invalid request header ${JSON.stringify(k)}`);
  const prefix: Prefix = { text: SKIPPED.has(k.toLowerCase()) ? null : `${k}: `, lastSafe: undefined };
  if (PREFIXES.size < MAX_PREFIXES) PREFIXES.set(k, prefix);
  return prefix;
}

function safeValue(k: string, p: Prefix, v: unknown): string {
  if (v === p.lastSafe) return v as string;
  if (typeof v !== 'string' || UNSAFE_VALUE.test(v)) throw new InvalidRequestError(`invalid request header ${JSON.stringify(k)}`);
  p.lastSafe = v;
  return v;
}

/**
 * The last request line and Host validated and built: under load every request of a stage has
 * the same method, path and host (an identical string is the same verdict).
 */
let lastMethod = '';
let lastPath = '';
let lastHost = '';
let lastStart = '';

/** A request the client refuses to write; the code is undici's for the same refusal. */
export class InvalidRequestError extends Error {
  readonly code = 'UND_ERR_INVALID_ARG';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

export type HeaderInput = Record<string, string | string[] | undefined> | null | undefined;

/**
 * The request head up to and including the blank line. bodyLength undefined: no body and no
 * Content-Length (GET/HEAD style); 0 or more: Content-Length is sent.
 */
export function requestHead(method: string, path: string, host: string, headers: HeaderInput, bodyLength: number | undefined): string {
  let head: string;
  if (method === lastMethod && path === lastPath && host === lastHost) head = lastStart;
  else {
    if (!METHOD.test(method)) throw new InvalidRequestError(`invalid HTTP method ${JSON.stringify(method)}`);
    if (!PATH.test(path)) throw new InvalidRequestError(`invalid request path ${JSON.stringify(path)}`);
    head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n`;
    lastMethod = method;
    lastPath = path;
    lastHost = host;
    lastStart = head;
  }
  if (headers) {
    for (const k in headers) {
      const v = headers[k];
      if (v === undefined) continue;
      const prefix = headerPrefix(k);
      const text = prefix.text;
      if (text === null) continue;
      if (typeof v === 'string') head += text + safeValue(k, prefix, v) + '\r\n';
      else {
        for (const one of v) head += text + safeValue(k, prefix, one) + '\r\n';
      }
    }
  }
  if (bodyLength !== undefined) head += `Content-Length: ${bodyLength}\r\n`;
  return head + '\r\n';
}

/** A request as one string (no body, or a string body: UTF-8), or head and byte body (corked into one write). */
export type RequestBytes = string | [head: string, body: Uint8Array];

export function requestBytes(method: string, path: string, host: string, headers: HeaderInput, body: string | Uint8Array | null | undefined): RequestBytes {
  if (body === null || body === undefined) return requestHead(method, path, host, headers, method === 'GET' || method === 'HEAD' ? undefined : 0);
  if (typeof body === 'string') return requestHead(method, path, host, headers, Buffer.byteLength(body, 'utf8')) + body;
  if (body instanceof Uint8Array) return [requestHead(method, path, host, headers, body.byteLength), body];
  throw new InvalidRequestError('request body must be a string or bytes (streams are not supported by the raw client)');
}

/** A RequestSpec serialised to one Buffer (the autocannon engine writes it as is). */
export function serializeRequest(spec: RequestSpec, host: string): Buffer {
  const method = spec.method ?? (spec.body === undefined ? 'GET' : 'POST');
  const b = requestBytes(method, spec.path, host, spec.headers, spec.body);
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.concat([Buffer.from(b[0], 'utf8'), b[1]]);
}
