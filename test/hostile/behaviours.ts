/**
 * The hostile behaviours: each is one way a platform under test can misbehave, with what the
 * harness must make of it. A behaviour is reached at `/<name>` on the hostile server (TLS ones
 * on the TLS server of their certificate) and breaks the good answer in one precise way.
 *
 * `expect.transport` is what Transport.send reports (Exchange.error.kind, or 'ok' when it hands
 * over a V3 message); `expect.rule` is then the validator finding that message must raise
 * ('pass' for the tolerated ones, which must not be held against the platform), `warning` a
 * warning the exchange must carry.
 */
import { createGzip } from 'node:zlib';
import type net from 'node:net';
import type { TransportErrorKind } from '../../src/transport/index.js';
import { type Answer, envelope } from './answers.js';
import { type ConnState, head, response, sleep, stream, untilClosed, type WireRequest, write } from './wire.js';

export interface HostileEnv {
  /** absolute path of the canary file (XXE file entities point here) */
  canaryFile: string;
  /** loopback canary for XXE URL entities */
  xxeCanaryUrl: string;
  /** loopback canary on another port, for redirects */
  redirectCanaryUrl: string;
  /** this server's own URL for a behaviour (redirect loops) */
  selfUrl(name: string): string;
}

export interface Ctx {
  socket: net.Socket;
  req: WireRequest;
  state: ConnState;
  env: HostileEnv;
  answer(targetId?: string): Answer;
}

export interface Expect {
  transport: TransportErrorKind | 'ok';
  /** for transport 'ok': the rule the V3 answer raises in validateText, or 'pass' */
  rule?: string;
  /** the underlying error code or envelope problem code, when it is stable */
  code?: string;
  warning?: RegExp;
}

export type TlsKind = 'untrusted' | 'expired' | 'trusted';

export interface Behaviour {
  name: string;
  what: string;
  expect: Expect;
  /** served by the TLS server with this certificate */
  tls?: TlsKind;
  /** the client must speak this binding (default soap11) */
  binding?: 'soap11' | 'soap12';
  /** the client must turn certificate verification off (and the record say so) */
  verifyOff?: boolean;
  /** a control: the harness must accept it */
  control?: boolean;
  serve(c: Ctx): Promise<void> | void;
}

const MB = 1024 * 1024;

async function send(c: Ctx, status: number, contentType: string | undefined, body: Buffer | string, extra?: Record<string, string>): Promise<void> {
  await write(c.socket, response(status, contentType, body, extra));
}

async function good(c: Ctx, a: Answer = c.answer()): Promise<void> {
  await send(c, a.status, a.contentType, a.body);
}

/** The good answer with its V3 message replaced by `v3` (same envelope, same headers). */
async function withV3(c: Ctx, v3: (a: Answer) => string): Promise<void> {
  const a = c.answer();
  const e = envelope(a.binding, v3(a));
  await send(c, e.status, e.contentType, e.body);
}

/** The good answer's envelope text edited by `edit`. */
async function withEnvelope(c: Ctx, edit: (env: string, a: Answer) => string | Buffer, contentType?: string): Promise<void> {
  const a = c.answer();
  const out = edit(a.body.toString('utf8'), a);
  await send(c, a.status, contentType ?? a.contentType, out);
}

const ROOT_CLOSE = /<\/([A-Z]{4}_IN\d{6}[A-Z0-9]*)>\s*$/;

/** Put a DOCTYPE after the XML declaration of `xml` and `ref` as text just inside the root. */
function withDoctype(xml: string, rootName: string, subset: string, ref: string): string {
  const decl = /^<\?xml[^>]*\?>/.exec(xml)?.[0] ?? '';
  const rest = xml.slice(decl.length);
  return `${decl}<!DOCTYPE ${rootName} [${subset}]>${rest.replace(ROOT_CLOSE, `${ref}</$1>`)}`;
}

function v3Root(v3: string): string {
  return ROOT_CLOSE.exec(v3)?.[1] ?? 'MCCI_IN000002UV01';
}

const LAUGHS = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)].join('');

let gzipBomb: Promise<Buffer> | undefined;
/** 200 MB of zeros, gzip-compressed (about 200 KB), built by streaming: never held uncompressed. */
export function bomb(): Promise<Buffer> {
  gzipBomb ??= new Promise((resolve, reject) => {
    const z = createGzip({ level: 1 });
    const out: Buffer[] = [];
    z.on('data', (d: Buffer) => out.push(d));
    z.on('end', () => resolve(Buffer.concat(out)));
    z.on('error', reject);
    const zero = Buffer.alloc(MB);
    let left = 200;
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (!z.write(zero)) {
          z.once('drain', pump);
          return;
        }
      }
      z.end();
    };
    pump();
  });
  return gzipBomb;
}

export const BEHAVIOURS: readonly Behaviour[] = [
  // --- controls: a correct answer must pass, or the suite proves nothing --------------------
  { name: 'ok', what: 'a correct answer (control)', control: true, expect: { transport: 'ok', rule: 'pass' }, serve: (c) => good(c) },
  { name: 'tls-trusted', what: 'https with a certificate from the CA the config trusts (control)', control: true, tls: 'trusted', expect: { transport: 'ok', rule: 'pass' }, serve: (c) => good(c) },
  {
    name: 'tls-verify-off', what: 'https, untrusted certificate, plan turns verification off: connects and says so', control: true, tls: 'untrusted', verifyOff: true,
    expect: { transport: 'ok', rule: 'pass', warning: /verification is OFF/ }, serve: (c) => good(c),
  },

  // --- TLS ---------------------------------------------------------------------------------
  { name: 'tls-untrusted', what: 'https with a self-signed certificate nobody trusts', tls: 'untrusted', expect: { transport: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, serve: (c) => good(c) },
  { name: 'tls-expired', what: 'https with an expired certificate from the trusted CA', tls: 'expired', expect: { transport: 'tls', code: 'CERT_HAS_EXPIRED' }, serve: (c) => good(c) },

  // --- entities ---------------------------------------------------------------------------
  {
    name: 'xxe-file-envelope', what: 'SOAP envelope with a DOCTYPE whose entity is the canary file', expect: { transport: 'bad-envelope', code: 'doctype' },
    serve: (c) => withEnvelope(c, (env) => withDoctype(env, 'soap:Envelope', `<!ENTITY leak SYSTEM "file://${c.env.canaryFile}">`, '').replace('</soap:Body>', '<x>&leak;</x></soap:Body>')),
  },
  {
    name: 'xxe-url-envelope', what: 'SOAP envelope with an entity pointing at the loopback canary server', expect: { transport: 'bad-envelope', code: 'doctype' },
    serve: (c) => withEnvelope(c, (env) => withDoctype(env, 'soap:Envelope', `<!ENTITY leak SYSTEM "${c.env.xxeCanaryUrl}">`, '').replace('</soap:Body>', '<x>&leak;</x></soap:Body>')),
  },
  {
    name: 'xxe-file-payload', what: 'valid envelope; the V3 message inside declares a file entity (canary)', expect: { transport: 'ok', rule: 'HT-PRE-ENTITY' },
    serve: (c) => withV3(c, (a) => withDoctype(a.v3, v3Root(a.v3), `<!ENTITY leak SYSTEM "file://${c.env.canaryFile}">`, '&leak;')),
  },
  {
    name: 'xxe-url-payload', what: 'valid envelope; the V3 message declares a URL entity (loopback canary)', expect: { transport: 'ok', rule: 'HT-PRE-ENTITY' },
    serve: (c) => withV3(c, (a) => withDoctype(a.v3, v3Root(a.v3), `<!ENTITY leak SYSTEM "${c.env.xxeCanaryUrl}">`, '&leak;')),
  },
  {
    name: 'xxe-parameter-entity', what: 'V3 message with an external parameter entity (out-of-band XXE)', expect: { transport: 'ok', rule: 'HT-PRE-ENTITY' },
    serve: (c) => withV3(c, (a) => withDoctype(a.v3, v3Root(a.v3), `<!ENTITY % ext SYSTEM "${c.env.xxeCanaryUrl}"> %ext;`, '')),
  },
  {
    name: 'billion-laughs-envelope', what: 'entity expansion bomb in the SOAP envelope', expect: { transport: 'bad-envelope', code: 'doctype' },
    serve: (c) => withEnvelope(c, (env) => withDoctype(env, 'soap:Envelope', LAUGHS, '').replace('</soap:Body>', '<x>&lol9;</x></soap:Body>')),
  },
  {
    name: 'billion-laughs-payload', what: 'entity expansion bomb in the V3 message', expect: { transport: 'ok', rule: 'HT-PRE-ENTITY' },
    serve: (c) => withV3(c, (a) => withDoctype(a.v3, v3Root(a.v3), LAUGHS, '&lol9;')),
  },

  // --- size -------------------------------------------------------------------------------
  {
    name: 'huge-body', what: '200 MB body with Content-Length, streamed', expect: { transport: 'too-large' },
    serve: async (c) => {
      const total = 200 * MB;
      if (await write(c.socket, head(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(total) }))) await stream(c.socket, total, Buffer.from(' '), false);
    },
  },
  {
    name: 'huge-body-chunked', what: '200 MB chunked body (no length announced), streamed', expect: { transport: 'too-large' },
    serve: async (c) => {
      if (await write(c.socket, head(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Transfer-Encoding': 'chunked' }))) await stream(c.socket, 200 * MB, Buffer.from('<a>'), true);
    },
  },
  {
    name: 'endless-chunked', what: 'a chunked body that never ends, as fast as the client reads', expect: { transport: 'too-large' },
    serve: async (c) => {
      if (!(await write(c.socket, head(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Transfer-Encoding': 'chunked' })))) return;
      while (await stream(c.socket, 4 * MB, Buffer.from('<soap:Envelope>'), true, false) === 4 * MB) { /* forever */ }
    },
  },
  {
    name: 'endless-chunked-slow', what: 'a chunked body that never ends, one small chunk every 100 ms', expect: { transport: 'timeout-body' },
    serve: async (c) => {
      if (!(await write(c.socket, head(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Transfer-Encoding': 'chunked' })))) return;
      while (await write(c.socket, '5\r\n<a/> \r\n')) await sleep(100);
    },
  },
  {
    name: 'content-length-1gb', what: 'Content-Length 1 GB, then a short body and silence', expect: { transport: 'too-large' },
    serve: async (c) => {
      await write(c.socket, Buffer.concat([head(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(1024 * MB) }), c.answer().body]));
      await untilClosed(c.socket);
    },
  },
  {
    name: 'huge-attribute', what: 'V3 answer whose targetMessage id is a 10 MB attribute', expect: { transport: 'ok', rule: 'HT-MSG-ACK-TARGET' },
    serve: (c) => withV3(c, (a) => a.v3.replace(`extension="${a.requestId}"`, `extension="${'A'.repeat(10 * MB)}"`)),
  },
  {
    name: 'gzip-bomb', what: 'Content-Encoding: gzip, 200 KB that inflate to 200 MB (the client must not inflate)', expect: { transport: 'bad-envelope' },
    serve: async (c) => send(c, 200, 'text/xml; charset=utf-8', await bomb(), { 'Content-Encoding': 'gzip' }),
  },
  {
    name: 'header-flood', what: 'response headers that go on and on (over any sane header size)', expect: { transport: 'protocol' },
    serve: async (c) => {
      if (!(await write(c.socket, 'HTTP/1.1 200 OK\r\n'))) return;
      for (let i = 0; i < 20_000; i++) if (!(await write(c.socket, `X-Flood-${i}: ${'x'.repeat(100)}\r\n`))) return;
      await untilClosed(c.socket);
    },
  },

  // --- time -------------------------------------------------------------------------------
  { name: 'no-response', what: 'reads the request, never answers (headers never come)', expect: { transport: 'timeout-headers' }, serve: (c) => untilClosed(c.socket) },
  {
    name: 'partial-headers', what: 'half a status line, then silence', expect: { transport: 'timeout-headers' },
    serve: async (c) => {
      await write(c.socket, 'HTTP/1.1 200 OK\r\nContent-Ty');
      await untilClosed(c.socket);
    },
  },
  {
    name: 'stall-after-headers', what: 'headers announce a body that never comes (slowloris)', expect: { transport: 'timeout-body' },
    serve: async (c) => {
      await write(c.socket, head(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': '5000' }));
      await untilClosed(c.socket);
    },
  },
  {
    name: 'drip-body', what: 'the body arrives one byte every 150 ms (resets any idle timer)', expect: { transport: 'timeout-body' },
    serve: async (c) => {
      const body = c.answer().body;
      if (!(await write(c.socket, head(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(body.length) })))) return;
      for (const byte of body) {
        if (!(await write(c.socket, Buffer.from([byte])))) return;
        await sleep(150);
      }
    },
  },

  // --- broken framing and connections --------------------------------------------------------
  {
    name: 'reset-mid-body', what: 'connection reset (RST) half-way through the body', expect: { transport: 'connect-reset' },
    serve: async (c) => {
      const body = c.answer().body;
      await write(c.socket, Buffer.concat([head(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(body.length) }), body.subarray(0, body.length >> 1)]));
      await sleep(50);
      c.socket.resetAndDestroy();
    },
  },
  {
    name: 'content-length-short', what: 'Content-Length larger than the body, then the server closes', expect: { transport: 'connect-reset' },
    serve: async (c) => {
      const body = c.answer().body;
      await write(c.socket, Buffer.concat([head(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(body.length + 1000) }), body]));
      c.socket.end();
    },
  },
  {
    name: 'close-without-response', what: 'reads the request and closes the connection', expect: { transport: 'connect-reset' },
    serve: (c) => {
      c.socket.end();
    },
  },
  {
    name: 'not-http', what: 'answers with bytes that are not HTTP', expect: { transport: 'protocol' },
    serve: (c) => {
      c.socket.end('SSH-2.0-OpenSSH_8.9\r\n\0\0\0garbage\r\n\r\n');
    },
  },
  {
    name: 'keepalive-lag', what: 'kept-alive connection answering each request with the answer to the previous one (first: a phantom)', expect: { transport: 'ok', rule: 'HT-MSG-ACK-TARGET' },
    serve: async (c) => {
      const prev = typeof c.state.prev === 'string' ? c.state.prev : 'PHANTOM-REQUEST-0';
      c.state.prev = c.answer().requestId;
      await good(c, c.answer(prev));
    },
  },
  {
    name: 'keepalive-extra-response', what: 'a correct answer followed by an unsolicited second response for another message id', expect: { transport: 'ok', rule: 'pass' },
    serve: async (c) => {
      const a = c.answer();
      const phantom = c.answer('PHANTOM-REQUEST-1');
      await write(c.socket, Buffer.concat([response(a.status, a.contentType, a.body), response(phantom.status, phantom.contentType, phantom.body)]));
    },
  },

  // --- HTTP status and redirects -----------------------------------------------------------
  { name: 'http-401', what: '401 with WWW-Authenticate', expect: { transport: 'http-status' }, serve: (c) => send(c, 401, 'text/plain; charset=utf-8', 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="hip"' }) },
  { name: 'http-403', what: '403 with an HTML page', expect: { transport: 'http-status' }, serve: (c) => send(c, 403, 'text/html; charset=utf-8', '<html><body><h1>403 Forbidden</h1></body></html>') },
  { name: 'http-500', what: '500 with an HTML stack trace', expect: { transport: 'http-status' }, serve: (c) => send(c, 500, 'text/html; charset=utf-8', '<html><body><pre>java.lang.NullPointerException\n\tat com.hip.Server.handle(Server.java:42)</pre></body></html>') },
  { name: 'http-503', what: '503 with Retry-After', expect: { transport: 'http-status' }, serve: (c) => send(c, 503, 'text/plain; charset=utf-8', 'Service Unavailable', { 'Retry-After': '120' }) },
  { name: 'html-200', what: 'an HTML error page with status 200', expect: { transport: 'bad-envelope' }, serve: (c) => send(c, 200, 'text/html; charset=utf-8', '<!DOCTYPE html><html><head><title>错误</title></head><body><p>系统繁忙，请稍后再试</p></body></html>') },
  { name: 'empty-200', what: 'status 200 with an empty body', expect: { transport: 'no-body' }, serve: (c) => send(c, 200, 'text/xml; charset=utf-8', '') },
  { name: 'redirect-loop', what: '302 to itself', expect: { transport: 'redirect' }, serve: (c) => send(c, 302, undefined, '', { Location: c.env.selfUrl('redirect-loop') }) },
  { name: 'redirect-other-host', what: '307 to another port (canary server): must not be followed', expect: { transport: 'redirect' }, serve: (c) => send(c, 307, undefined, '', { Location: c.env.redirectCanaryUrl }) },

  // --- SOAP ---------------------------------------------------------------------------------
  {
    name: 'soap-fault', what: 'a SOAP 1.1 fault with HTTP 500', expect: { transport: 'soap-fault' },
    serve: (c) =>
      send(c, 500, 'text/xml; charset=utf-8', `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>数据库连接失败</faultstring></soap:Fault></soap:Body></soap:Envelope>`),
  },
  {
    name: 'soap11-fault-to-soap12', what: 'a SOAP 1.1 fault in answer to a SOAP 1.2 request', binding: 'soap12', expect: { transport: 'soap-fault', warning: /SOAP 1\.1 envelope but the binding is SOAP 1\.2/ },
    serve: (c) => send(c, 500, 'text/xml; charset=utf-8', `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:VersionMismatch</faultcode><faultstring>only SOAP 1.1</faultstring></soap:Fault></soap:Body></soap:Envelope>`),
  },
  { name: 'wrong-content-type', what: 'a correct envelope sent as application/json', expect: { transport: 'ok', rule: 'pass', warning: /Content-Type is application\/json/ }, serve: (c) => withEnvelope(c, (e) => e, 'application/json') },
  { name: 'truncated-envelope', what: 'the envelope cut off half-way (Content-Length matches the cut)', expect: { transport: 'bad-envelope', code: 'malformed' }, serve: (c) => withEnvelope(c, (e) => e.slice(0, e.length >> 1)) },
  { name: 'truncated-payload', what: 'a complete envelope carrying half a V3 message', expect: { transport: 'ok', rule: 'HT-PRE-MALFORMED' }, serve: (c) => withV3(c, (a) => a.v3.slice(0, a.v3.length >> 1)) },
  { name: 'trailing-garbage', what: 'a correct envelope followed by junk', expect: { transport: 'bad-envelope', code: 'malformed' }, serve: (c) => withEnvelope(c, (e) => `${e}<junk>trailing</junk> garbage`) },
  { name: 'nul-bytes', what: 'NUL bytes inside the envelope', expect: { transport: 'bad-envelope', code: 'forbidden-char' }, serve: (c) => withEnvelope(c, (e) => e.replace('<soap:Body>', '<soap:Body>\0\0\0')) },
  { name: 'double-escaped', what: 'the V3 message escaped twice inside the envelope', expect: { transport: 'bad-envelope', code: 'double-escaped' }, serve: (c) => withEnvelope(c, (e, a) => e.replace(/<!\[CDATA\[[\s\S]*\]\]>/, a.v3.replace(/&/g, '&amp;amp;').replace(/</g, '&amp;lt;').replace(/>/g, '&amp;gt;'))) },
  {
    name: 'deep-nesting-header', what: '100 000 nested elements in the SOAP Header (ignored, never recursed into)', expect: { transport: 'ok', rule: 'pass' },
    serve: (c) => withEnvelope(c, (e) => e.replace('<soap:Body>', `<soap:Header>${'<d>'.repeat(100_000)}${'</d>'.repeat(100_000)}</soap:Header><soap:Body>`)),
  },
  {
    name: 'deep-nesting-payload', what: '100 000 nested elements inside the V3 message', expect: { transport: 'ok', rule: 'HT-PRE-TOO-DEEP' },
    serve: (c) => withV3(c, (a) => a.v3.replace(ROOT_CLOSE, `${'<d>'.repeat(100_000)}${'</d>'.repeat(100_000)}</$1>`)),
  },
  {
    // 0.24 MB that once cost seconds per response: every declaring child copied the whole scope (n²)
    name: 'namespace-flood', what: 'the response element declares 6 000 namespaces over 6 000 children declaring one each', expect: { transport: 'bad-envelope', code: 'too-many-namespaces' },
    serve: (c) => withEnvelope(c, (e) => e.replace(/(<soap:Body>\s*<[^\s>/]+)([^>]*>)/, (_m, open: string, rest: string) =>
      `${open}${Array.from({ length: 6000 }, (_, i) => ` xmlns:n${i}="urn:flood:${i}"`).join('')}${rest}${'<p xmlns:k="urn:flood:k">x</p>'.repeat(6000)}`)),
  },

  // --- encodings ----------------------------------------------------------------------------
  {
    name: 'invalid-utf8', what: 'bytes that are not UTF-8 inside a body declared UTF-8', expect: { transport: 'ok', rule: 'HT-PRE-ENCODING', warning: /not valid UTF-8/ },
    serve: (c) => withEnvelope(c, (e) => {
      const b = Buffer.from(e, 'utf8');
      const at = b.indexOf('<acknowledgementDetail>') >= 0 ? b.indexOf('<acknowledgementDetail>') : b.indexOf('<controlActProcess');
      return Buffer.concat([b.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), b.subarray(at)]);
    }),
  },
  {
    name: 'gbk-declared-utf8', what: 'a GBK-encoded body whose Content-Type and declarations say UTF-8', expect: { transport: 'ok', rule: 'HT-PRE-ENCODING', warning: /not valid UTF-8/ },
    serve: async (c) => {
      const { default: iconv } = await import('iconv-lite');
      const a = c.answer();
      const e = envelope(a.binding, a.v3.replace(/(<text value=")[^"]*"/, '$1文档注册成功，患者信息已保存"')).body.toString('utf8');
      await send(c, 200, 'text/xml; charset=utf-8', iconv.encode(e, 'gbk'));
    },
  },
  { name: 'bom-utf8', what: 'a correct envelope starting with a UTF-8 BOM', expect: { transport: 'ok', rule: 'pass' }, serve: (c) => withEnvelope(c, (e) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(e, 'utf8')])) },
  {
    name: 'bom-utf16le', what: 'a correct envelope in UTF-16LE with its BOM, no charset in Content-Type', expect: { transport: 'ok', rule: 'pass' },
    serve: (c) => withEnvelope(c, (e) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(e.replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le')]), 'text/xml'),
  },
  {
    name: 'bom-utf16be', what: 'a correct envelope in UTF-16BE with its BOM, no charset in Content-Type', expect: { transport: 'ok', rule: 'pass' },
    serve: (c) => withEnvelope(c, (e) => {
      const le = Buffer.from(e.replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le');
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
    }, 'text/xml'),
  },
  {
    name: 'bom-mismatch', what: 'a UTF-8 BOM on a body whose Content-Type says GBK', expect: { transport: 'ok', rule: 'pass', warning: /byte-order mark/ },
    serve: (c) => withEnvelope(c, (e) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(e, 'utf8')]), 'text/xml; charset=gbk'),
  },

  // --- wrong but well-formed V3 -----------------------------------------------------------------
  { name: 'ack-other-id', what: 'an AA acknowledgement echoing another message id', expect: { transport: 'ok', rule: 'HT-MSG-ACK-TARGET' }, serve: (c) => good(c, c.answer('SOMEONE-ELSES-MESSAGE-42')) },
  {
    name: 'duplicate-ids', what: 'the V3 answer carries its message id element twice', expect: { transport: 'ok', rule: 'HT-XSD-INVALID' },
    serve: (c) => withV3(c, (a) => a.v3.replace(/(<id root="[^"]*" extension="[^"]*"\/>)/, '$1$1')),
  },
  {
    name: 'echo-credentials', what: 'an AA acknowledgement whose detail text echoes every request header (credentials included)', expect: { transport: 'ok', rule: 'pass' },
    serve: (c) => withV3(c, (a) => a.v3.replace(/(<text value=")[^"]*"/, `$1${JSON.stringify(c.req.headers).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`)),
  },
  { name: 'ack-error', what: 'an AE acknowledgement where AA is expected', expect: { transport: 'ok', rule: 'HT-MSG-ACK-TYPE' }, serve: (c) => withV3(c, (a) => a.v3.replace('typeCode="AA"', 'typeCode="AE"')) },
];

export function behaviour(name: string): Behaviour {
  const b = BEHAVIOURS.find((x) => x.name === name);
  if (!b) throw new Error(`no hostile behaviour ${name}`);
  return b;
}
