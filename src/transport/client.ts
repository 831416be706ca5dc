/**
 * The harness side of the wire: one undici Pool for the configured origin, one `send` per
 * service call, and an Exchange that records what happened — including every way a platform
 * can fail to answer. `send` never throws for anything the platform does.
 *
 * Guarantees:
 *  - only the configured origin is ever contacted (the Pool is bound to it, the connector
 *    checks it again, redirects are reported and never followed);
 *  - every exchange ends within its budget: undici's headersTimeout/bodyTimeout catch a silent
 *    peer, an overall deadline catches a slow drip that keeps resetting the body timer (and is
 *    the precise one: undici's parser timers tick at about half a second);
 *  - at most `maxResponseBytes` are read; beyond that the exchange is aborted ('too-large');
 *  - secrets (Authorization, Cookie, plan-marked headers and parameters) never appear in an
 *    Exchange: redacted by name, and their values scrubbed from everything recorded.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { buildConnector, Pool } from 'undici';
import { TOOL_VERSION } from '../version.js';
import { type Binding, type BindingInput, type BindingKind, resolveBinding } from './binding.js';
import { decodeBody, encodeBody, parseContentType } from './charset.js';
import { classifyError, type FailureState, type TransportError } from './classify.js';
import { type EnvelopeLimits } from './envelope-tree.js';
import { type PayloadForm, type SoapFault, unwrapResponse, wrapRequest } from './envelope.js';
import { REDACTED, redact, redactUrl, Scrubber } from './redact.js';
import { excerpt } from './xmltext.js';

export interface TlsOptions {
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  servername?: string;
  /** default true; turning it off is recorded on every exchange */
  rejectUnauthorized?: boolean;
}

export type AuthOptions =
  | { basic: { username: string; password: string } }
  | { bearer: string }
  | { header: string; value: string };

export interface TransportOptions {
  /** endpoint URL (http or https); credentials may not be embedded in it */
  url: string;
  binding?: BindingInput | Binding;
  /** connections in the pool (default 4) */
  connections?: number;
  keepAliveTimeoutMs?: number;
  /** TCP + TLS connect timeout (default 10 000) */
  connectTimeoutMs?: number;
  /** default total budget per send (default 60 000) */
  timeoutMs?: number;
  /** time to response headers (default: the send's budget) */
  headersTimeoutMs?: number;
  /** longest silence between body chunks (default: the send's budget) */
  bodyTimeoutMs?: number;
  /** response bytes kept; more aborts the exchange (default 20 MiB) */
  maxResponseBytes?: number;
  tls?: TlsOptions;
  auth?: AuthOptions;
  /** extra request headers (added after the binding's) */
  headers?: Record<string, string>;
  /** more header / query parameter / SOAP parameter names whose values are secret */
  secret?: string[];
  envelope?: EnvelopeLimits;
  userAgent?: string;
}

export interface SendOptions {
  /** total budget for this exchange, connect to last byte */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExchangeRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string | string[]>;
  body: string;
  bytes: number;
}

export interface ExchangeResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** the body bytes read (at most the byte limit) */
  body: Buffer;
  bytes: number;
  /** false when the body was cut short (limit, timeout, reset) */
  complete: boolean;
  /** charset used to decode the body for unwrapping */
  charset?: string;
}

export interface ConnectionInfo {
  reused: boolean;
  remoteAddress?: string;
  remotePort?: number;
  tls?: { protocol: string | null; cipher?: string; authorized: boolean; authorizationError?: string };
}

export interface Exchange {
  action: string;
  binding: BindingKind;
  startedAt: string;
  ok: boolean;
  request: ExchangeRequest;
  response?: ExchangeResponse;
  /**
   * Microseconds from the start of send (process.hrtime): connectUs only when this exchange
   * opened its connection (TCP + TLS), ttfbUs to the response headers, totalUs to the end.
   */
  timings: { connectUs?: number; ttfbUs?: number; totalUs: number };
  connection?: ConnectionInfo;
  /** present for https endpoints, so a disabled certificate check is visible on every exchange */
  tls?: { rejectUnauthorized: boolean };
  v3xml?: string;
  payloadForm?: PayloadForm;
  fault?: SoapFault;
  error?: TransportError;
  warnings: string[];
}

export interface Transport {
  readonly url: string;
  readonly origin: string;
  readonly binding: Binding;
  send(action: string, v3xml: string, opts?: SendOptions): Promise<Exchange>;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

// --- per-request connection details, from undici's diagnostics channels --------------------------

interface SendCtx {
  phase: FailureState['phase'];
  connectUs?: number;
  connection?: ConnectionInfo;
}

const kConnect = Symbol('hutong.connect');
type TaggedSocket = Socket & { [kConnect]?: { us: number; fresh: boolean } };

// Keyed by the request body Buffer, the one object both our send and undici's Request hold.
// (An empty body cannot be matched: undici stores null. Such an exchange still works; only a
// deadline before its headers is then reported as timeout-connect rather than timeout-headers.)
const inflight = new WeakMap<object, SendCtx>();
let subscribed = false;

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:client:sendHeaders', (msg) => {
    const { request, socket } = msg as { request: { body?: unknown }; socket: TaggedSocket };
    const ctx = request.body && typeof request.body === 'object' ? inflight.get(request.body) : undefined;
    if (!ctx) return;
    ctx.phase = 'headers';
    const tag = socket[kConnect];
    const info: ConnectionInfo = { reused: !tag?.fresh };
    if (tag?.fresh) {
      ctx.connectUs = tag.us;
      tag.fresh = false;
    }
    if (socket.remoteAddress) info.remoteAddress = socket.remoteAddress;
    if (socket.remotePort) info.remotePort = socket.remotePort;
    const tls = socket as Partial<TLSSocket>;
    if (tls.encrypted) {
      const t: NonNullable<ConnectionInfo['tls']> = { protocol: tls.getProtocol?.() ?? null, authorized: tls.authorized === true };
      const cipher = tls.getCipher?.()?.name;
      if (cipher) t.cipher = cipher;
      if (tls.authorizationError) t.authorizationError = String(tls.authorizationError);
      info.tls = t;
    }
    ctx.connection = info;
  });
}

// --- helpers --------------------------------------------------------------------------------------

function usSince(t0: bigint): number {
  return Number((process.hrtime.bigint() - t0) / 1000n);
}

function authHeader(auth: AuthOptions | undefined): { name: string; value: string; secrets: string[] } | undefined {
  if (!auth) return undefined;
  if ('basic' in auth) {
    const token = Buffer.from(`${auth.basic.username}:${auth.basic.password}`, 'utf8').toString('base64');
    return { name: 'Authorization', value: `Basic ${token}`, secrets: [auth.basic.password, token] };
  }
  if ('bearer' in auth) return { name: 'Authorization', value: `Bearer ${auth.bearer}`, secrets: [auth.bearer] };
  return { name: auth.header, value: auth.value, secrets: [auth.value] };
}

function joinPath(base: string, extra: string): string {
  if (extra === '') return base || '/';
  return `${base.replace(/\/+$/, '')}${extra}`;
}

function bare(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

function portOf(protocol: string, port: string | undefined): string {
  return port || (protocol === 'https:' ? '443' : '80');
}

function header(h: Record<string, string | string[]>, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

const DEFAULTS = {
  connections: 4,
  keepAliveTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  timeoutMs: 60_000,
  maxResponseBytes: 20 * 1024 * 1024,
};

export function createTransport(opts: TransportOptions): Transport {
  const url = new URL(opts.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol} (http or https only)`);
  if (url.username || url.password) throw new TypeError('credentials in the URL are not allowed: use the auth option');
  if (url.hash) throw new TypeError('the endpoint URL may not have a #fragment');
  const binding = resolveBinding(opts.binding);
  const origin = url.origin;
  const https = url.protocol === 'https:';
  const rejectUnauthorized = opts.tls?.rejectUnauthorized !== false;
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxBytes = opts.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
  for (const [n, v] of [['timeoutMs', timeoutMs], ['maxResponseBytes', maxBytes], ['connections', opts.connections ?? 1]] as const) {
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${n} must be a positive number`);
  }

  const auth = authHeader(opts.auth);
  const secretNames = [...binding.secret, ...(opts.secret ?? [])];
  if (auth) secretNames.push(auth.name);
  const secretValues: string[] = [...(auth?.secrets ?? [])];
  const lowerSecret = new Set(secretNames.map((n) => n.toLowerCase()));
  for (const [k, v] of [...Object.entries(binding.headers), ...Object.entries(opts.headers ?? {})]) if (lowerSecret.has(k.toLowerCase())) secretValues.push(v);
  for (const p of binding.extraParams) if (secretNames.includes(p.name)) secretValues.push(p.value);
  for (const [k, v] of url.searchParams) if (secretNames.includes(k)) secretValues.push(v);
  const scrub = new Scrubber(secretValues);
  // The recorded request body is rebuilt with secret SOAP parameters blanked, never copied from the wire.
  const recordBinding: Binding = { ...binding, extraParams: binding.extraParams.map((p) => (secretNames.includes(p.name) ? { ...p, value: REDACTED } : p)) };

  const inner = buildConnector({
    timeout: opts.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    ...(https
      ? {
          rejectUnauthorized,
          ...(opts.tls?.ca !== undefined ? { ca: opts.tls.ca } : {}),
          ...(opts.tls?.cert !== undefined ? { cert: opts.tls.cert } : {}),
          ...(opts.tls?.key !== undefined ? { key: opts.tls.key } : {}),
          ...(opts.tls?.passphrase !== undefined ? { passphrase: opts.tls.passphrase } : {}),
          ...(opts.tls?.servername !== undefined ? { servername: opts.tls.servername } : {}),
        }
      : {}),
  } as buildConnector.BuildOptions);
  const connector: buildConnector.connector = (o, cb) => {
    // Defence in depth: the Pool only knows one origin, but never let a socket go elsewhere.
    if (o.protocol !== url.protocol || bare(o.hostname) !== bare(url.hostname) || portOf(o.protocol, o.port) !== portOf(url.protocol, url.port)) {
      cb(new Error(`refusing to connect to ${o.protocol}//${o.hostname}:${o.port}: only ${origin} is allowed`), null);
      return;
    }
    const t0 = process.hrtime.bigint();
    inner(o, (e, socket) => {
      if (socket) (socket as TaggedSocket)[kConnect] = { us: usSince(t0), fresh: true };
      if (e) cb(e, null);
      else cb(null, socket as NonNullable<typeof socket>);
    });
  };
  const pool = new Pool(origin, {
    connections: opts.connections ?? DEFAULTS.connections,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? DEFAULTS.keepAliveTimeoutMs,
    connect: connector,
  });
  subscribeOnce();

  const staticHeaders: Record<string, string> = { 'User-Agent': opts.userAgent ?? `hutong/${TOOL_VERSION}`, ...(opts.headers ?? {}) };
  if (auth) staticHeaders[auth.name] = auth.value;

  async function send(action: string, v3xml: string, sopts: SendOptions = {}): Promise<Exchange> {
    const wrapped = wrapRequest(binding, action, v3xml);
    const recorded = recordBinding === binding ? wrapped : wrapRequest(recordBinding, action, v3xml);
    const path = joinPath(url.pathname === '/' ? '' : url.pathname, wrapped.path) + url.search;
    const headers: Record<string, string> = { ...wrapped.headers };
    for (const [k, v] of Object.entries(staticHeaders)) {
      for (const e of Object.keys(headers)) if (e.toLowerCase() === k.toLowerCase()) delete headers[e];
      headers[k] = v;
    }
    const body = encodeBody(wrapped.body, binding.charset);
    const budget = sopts.timeoutMs ?? timeoutMs;
    const ctx: SendCtx = { phase: 'connect' };
    const state: FailureState = { phase: 'connect', timeoutMs: budget };
    const warnings: string[] = [];
    if (https && !rejectUnauthorized) warnings.push('TLS certificate verification is OFF for this endpoint (tls.rejectUnauthorized: false)');

    const ex: Exchange = {
      action,
      binding: binding.kind,
      startedAt: new Date().toISOString(),
      ok: false,
      request: {
        method: 'POST',
        url: redactUrl(new URL(path, origin).toString(), secretNames),
        headers: redact({ ...headers, 'Content-Length': String(body.length) }, secretNames),
        body: recorded.body,
        bytes: body.length,
      },
      timings: { totalUs: 0 },
      warnings,
    };
    if (https) ex.tls = { rejectUnauthorized };

    const ac = new AbortController();
    const abort = (why: NonNullable<FailureState['abortedBy']>): void => {
      state.abortedBy ??= why;
      ac.abort(new Error(why));
    };
    const timer = setTimeout(() => abort('deadline'), budget);
    const onCallerAbort = (): void => abort('caller');
    if (sopts.signal?.aborted) abort('caller');
    sopts.signal?.addEventListener('abort', onCallerAbort, { once: true });

    inflight.set(body, ctx);
    const t0 = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      const res = await pool.request({
        path,
        method: 'POST',
        headers,
        body,
        signal: ac.signal,
        headersTimeout: Math.min(opts.headersTimeoutMs ?? budget, budget),
        bodyTimeout: Math.min(opts.bodyTimeoutMs ?? budget, budget),
      });
      ex.timings.ttfbUs = usSince(t0);
      state.phase = 'body';
      const resHeaders = res.headers as Record<string, string | string[]>;
      const response: ExchangeResponse = {
        status: res.statusCode,
        headers: redact(resHeaders, secretNames),
        body: Buffer.alloc(0),
        bytes: 0,
        complete: false,
      };
      ex.response = response;
      const declared = Number(header(resHeaders, 'content-length'));
      try {
        if (Number.isFinite(declared) && declared > maxBytes) {
          abort('too-large');
          throw new Error(`Content-Length ${declared} exceeds the limit`);
        }
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          const room = maxBytes - received;
          if (chunk.length > room) {
            if (room > 0) chunks.push(chunk.subarray(0, room));
            received = maxBytes;
            abort('too-large');
            break;
          }
          chunks.push(chunk);
          received += chunk.length;
        }
        if (state.abortedBy) throw new Error(state.abortedBy);
        response.complete = true;
      } finally {
        response.body = Buffer.concat(chunks);
        response.bytes = response.body.length;
        if (!response.complete) res.body.destroy();
      }
      interpret(ex, response, resHeaders);
    } catch (e) {
      if (state.phase !== 'body') state.phase = ctx.phase;
      ex.error = classifyError(e, state);
      if (ex.error.kind === 'too-large') {
        ex.error.message = `the response is larger than the ${maxBytes}-byte limit${ex.response ? ` (${received} bytes kept)` : ''}`;
      }
    } finally {
      clearTimeout(timer);
      sopts.signal?.removeEventListener('abort', onCallerAbort);
      inflight.delete(body);
      ex.timings.totalUs = usSince(t0);
      if (ctx.connectUs !== undefined) ex.timings.connectUs = ctx.connectUs;
      if (ctx.connection) ex.connection = ctx.connection;
      ex.ok = ex.error === undefined;
    }
    return scrub.deep(ex);
  }

  function interpret(ex: Exchange, res: ExchangeResponse, headers: Record<string, string | string[]>): void {
    const status = res.status;
    const ctype = header(headers, 'content-type');
    if (status >= 300 && status < 400) {
      const loc = header(headers, 'location');
      ex.error = { kind: 'redirect', message: `HTTP ${status} redirect${loc ? ` to ${loc}` : ''} (redirects are never followed)` };
      return;
    }
    const success = status >= 200 && status < 300;
    if (res.bytes === 0) {
      ex.error = success
        ? { kind: 'no-body', message: `HTTP ${status} with an empty body: no V3 response` }
        : { kind: 'http-status', message: `HTTP ${status} with an empty body` };
      return;
    }
    const decoded = decodeBody(res.body, ctype);
    res.charset = decoded.charset;
    ex.warnings.push(...decoded.warnings);
    const mt = parseContentType(ctype).type;
    const isXml = /xml/.test(mt) || (mt === '' && decoded.text.trimStart().startsWith('<'));
    if (!isXml && !success) {
      ex.error = { kind: 'http-status', message: `HTTP ${status} (${mt || 'no Content-Type'}): ${excerpt(decoded.text, 120)}` };
      return;
    }
    if (binding.kind !== 'http' && success) {
      const want = binding.kind === 'soap11' ? 'text/xml' : 'application/soap+xml';
      if (mt !== want) ex.warnings.push(`response Content-Type is ${mt || 'missing'}; SOAP ${binding.kind === 'soap11' ? '1.1' : '1.2'} uses ${want}`);
    }
    const u = unwrapResponse(binding, decoded.text, opts.envelope);
    ex.warnings.push(...u.warnings);
    if (u.kind === 'fault') {
      ex.fault = u.fault;
      const expect = u.fault.version === '1.1' ? 500 : /^(Sender|Client)/.test(u.fault.code) ? 400 : 500;
      if (status !== expect) ex.warnings.push(`SOAP ${u.fault.version} fault ${u.fault.code} came with HTTP ${status}; the SOAP HTTP binding uses ${expect}`);
      ex.error = { kind: 'soap-fault', message: `SOAP fault ${u.fault.codeQName}: ${u.fault.reason || '(no reason given)'}` };
      return;
    }
    if (u.kind === 'error') {
      if (!success) {
        ex.error = { kind: 'http-status', message: `HTTP ${status}: ${u.error.message}` };
        return;
      }
      const e: TransportError = { kind: 'bad-envelope', message: u.error.message, code: u.error.code };
      if (u.error.line !== undefined) e.line = u.error.line;
      if (u.error.column !== undefined) e.column = u.error.column;
      ex.error = e;
      return;
    }
    ex.v3xml = u.v3xml;
    ex.payloadForm = u.form;
    if (!success) ex.error = { kind: 'http-status', message: `HTTP ${status} with a V3 message in the body` };
  }

  return {
    url: redactUrl(url.toString(), secretNames),
    origin,
    binding,
    send,
    close: () => pool.close(),
    destroy: () => pool.destroy(),
  };
}
