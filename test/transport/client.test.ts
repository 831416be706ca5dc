import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BindingInput,
  createTransport,
  readRequest,
  resolveBinding,
  type Transport,
  type TransportOptions,
  writeResponse,
} from '../../src/transport/index.js';
import { closedPort, httpServer, tcpServer, type TestServer } from './servers.js';

const REQUEST = '<PRPA_IN201311UV02 xmlns="urn:hl7-org:v3"><id extension="MSG-NET-1"/><note><![CDATA[x ]]></note><!-- ]]> --></PRPA_IN201311UV02>';
const ACK = '<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3"><acknowledgement typeCode="AA"/></MCCI_IN000002UV01>';
const SHORT = 300; // ms: every timeout in these tests

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

async function server(handler: Parameters<typeof httpServer>[0], tls?: { cert: Buffer; key: Buffer }): Promise<TestServer> {
  const s = await httpServer(handler, tls);
  cleanup.push(() => s.close());
  return s;
}

function transport(opts: TransportOptions): Transport {
  const t = createTransport(opts);
  cleanup.push(() => t.destroy());
  return t;
}

/** A reference-platform stand-in: readRequest → ACK (or the fault readRequest gives) → writeResponse. */
function platform(input: BindingInput): Parameters<typeof httpServer>[0] {
  const b = resolveBinding(input);
  return (req, res, body) => {
    const r = readRequest(b, req.headers['content-type'], req.headers, body, { path: req.url ?? '/' });
    const out = writeResponse(b, 'error' in r ? r.error : ACK.replace('AA', `AA" action="${r.action}`));
    res.writeHead(out.status, out.headers).end(out.body);
  };
}

function reply(status: number, headers: http.OutgoingHttpHeaders, body: string | Buffer): Parameters<typeof httpServer>[0] {
  return (_req, res) => res.writeHead(status, headers).end(body);
}

describe('round trips over real sockets', () => {
  const bindings: [string, BindingInput][] = [
    ['soap11 / CDATA', 'soap11'],
    ['soap12 / escaped', { kind: 'soap12', messageAs: 'escaped' }],
    ['dhcc namespace, input1/input2', { namespace: 'http://www.dhcc.com.cn', params: { action: 'input1', message: 'input2' } }],
    ['http, action in path', { kind: 'http', http: { actionIn: 'path' } }],
  ];
  it.each(bindings)('%s', async (_n, binding) => {
    const s = await server(platform(binding));
    // One connection, so the second call must reuse it (with more, undici may open another
    // before the first is marked idle).
    const t = transport({ url: `${s.url}/HIPService/HIPMessageServer.asmx`, binding, connections: 1 });
    const first = await t.send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(first.error).toBeUndefined();
    expect(first.ok).toBe(true);
    expect(first.v3xml).toBe(ACK.replace('AA', 'AA" action="PatientInfoRegister'));
    expect(first.response?.status).toBe(200);
    expect(first.connection?.reused).toBe(false);
    expect(first.timings.connectUs).toBeTypeOf('number');
    expect(first.timings.ttfbUs).toBeTypeOf('number');
    expect(first.timings.totalUs).toBeGreaterThanOrEqual(first.timings.ttfbUs ?? 0);
    const second = await t.send('PatientInfoUpdate', REQUEST, { timeoutMs: 5_000 });
    expect(second.ok).toBe(true);
    expect(second.connection?.reused).toBe(true); // keep-alive
    expect(second.timings.connectUs).toBeUndefined();
    const path = s.requests[0]?.url;
    expect(path).toBe(typeof binding === 'object' && binding.kind === 'http' ? '/HIPService/HIPMessageServer.asmx/hip/PatientInfoRegister' : '/HIPService/HIPMessageServer.asmx');
  });

  it('a platform with other names answers with a fault that says why', async () => {
    const s = await server(platform({ namespace: 'http://www.dhcc.com.cn', params: { action: 'input1', message: 'input2' } }));
    const ex = await transport({ url: s.url, binding: { soapActionCheck: 'ignore' } }).send('PatientInfoRegister', REQUEST);
    expect(ex.error?.kind).toBe('soap-fault');
    expect(ex.fault?.reason).toContain('unknown operation {urn:hl7-org:v3}HIPMessageServer');
  });
});

describe('classified failures', () => {
  it('SOAP 1.1 fault with HTTP 500', async () => {
    const f = writeResponse(resolveBinding('soap11'), { faultCode: 'Receiver', reason: '数据库不可用', detail: 'ORA-00000' });
    const s = await server(reply(f.status, f.headers, f.body));
    const ex = await transport({ url: s.url }).send('PatientInfoRegister', REQUEST);
    expect(ex.ok).toBe(false);
    expect(ex.error?.kind).toBe('soap-fault');
    expect(ex.fault).toMatchObject({ version: '1.1', code: 'Server', reason: '数据库不可用', detail: 'ORA-00000' });
    expect(ex.response?.status).toBe(500);
    expect(ex.warnings).toEqual([]);
  });

  it('SOAP 1.2 Sender fault with HTTP 400, and a fault with the wrong status is flagged', async () => {
    const f = writeResponse(resolveBinding('soap12'), { faultCode: 'Sender', reason: 'bad message' });
    const s = await server(reply(f.status, f.headers, f.body));
    const ex = await transport({ url: s.url, binding: 'soap12' }).send('PatientInfoRegister', REQUEST);
    expect(ex.error?.kind).toBe('soap-fault');
    expect(ex.fault).toMatchObject({ version: '1.2', code: 'Sender', reason: 'bad message' });
    expect(ex.response?.status).toBe(400);
    const s200 = await server(reply(200, f.headers, f.body));
    const ex200 = await transport({ url: s200.url, binding: 'soap12' }).send('PatientInfoRegister', REQUEST);
    expect(ex200.error?.kind).toBe('soap-fault');
    expect(ex200.warnings.join()).toMatch(/came with HTTP 200; the SOAP HTTP binding uses 400/);
  });

  it('500 with an HTML body', async () => {
    const s = await server(reply(500, { 'Content-Type': 'text/html; charset=utf-8' }, '<html><body><h1>Internal Server Error</h1></body></html>'));
    const ex = await transport({ url: s.url }).send('PatientInfoRegister', REQUEST);
    expect(ex.error?.kind).toBe('http-status');
    expect(ex.error?.message).toMatch(/HTTP 500 \(text\/html\)/);
    expect(ex.response?.body.toString()).toContain('Internal Server Error');
  });

  it('200 with something that is not an envelope', async () => {
    const s = await server(reply(200, { 'Content-Type': 'text/xml' }, '<result>OK</result>'));
    const ex = await transport({ url: s.url }).send('PatientInfoRegister', REQUEST);
    expect(ex.error).toMatchObject({ kind: 'bad-envelope', code: 'not-envelope' });
  });

  it('200 with an empty body', async () => {
    const s = await server(reply(200, { 'Content-Type': 'text/xml' }, ''));
    expect((await transport({ url: s.url }).send('PatientInfoRegister', REQUEST)).error?.kind).toBe('no-body');
  });

  it('a body over the byte limit: announced by Content-Length, or streamed', async () => {
    const big = Buffer.alloc(50_000, 'x');
    const s = await server(reply(200, { 'Content-Type': 'text/xml', 'Content-Length': big.length }, big));
    const ex = await transport({ url: s.url, maxResponseBytes: 1_000 }).send('PatientInfoRegister', REQUEST);
    expect(ex.error?.kind).toBe('too-large');
    expect(ex.response?.complete).toBe(false);
    const chunked = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.write(big.subarray(0, 20_000));
      res.end(big.subarray(20_000));
    });
    const ex2 = await transport({ url: chunked.url, maxResponseBytes: 1_000 }).send('PatientInfoRegister', REQUEST);
    expect(ex2.error?.kind).toBe('too-large');
    expect(ex2.response?.bytes).toBe(1_000);
    expect(ex2.error?.message).toContain('1000 bytes kept');
  });

  it('headers that never come: the overall budget, and undici’s headers timeout', async () => {
    const s = await server(() => {}); // never answers
    const ex = await transport({ url: s.url }).send('PatientInfoRegister', REQUEST, { timeoutMs: SHORT });
    expect(ex.error?.kind).toBe('timeout-headers');
    expect(ex.response).toBeUndefined();
    const ex2 = await transport({ url: s.url, headersTimeoutMs: SHORT / 2 }).send('PatientInfoRegister', REQUEST, { timeoutMs: 10_000 });
    expect(ex2.error).toMatchObject({ kind: 'timeout-headers', code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('a body that stalls (undici’s body timeout) and one that drips (the overall deadline)', async () => {
    const stall = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': '1000' });
      res.write('<soap:Envelope');
    });
    const ex = await transport({ url: stall.url, bodyTimeoutMs: SHORT / 2 }).send('PatientInfoRegister', REQUEST, { timeoutMs: 10_000 });
    expect(ex.error).toMatchObject({ kind: 'timeout-body', code: 'UND_ERR_BODY_TIMEOUT' });
    expect(ex.response?.body.toString()).toBe('<soap:Envelope');
    expect(ex.response?.complete).toBe(false);

    const timers: NodeJS.Timeout[] = [];
    cleanup.push(async () => timers.forEach(clearInterval));
    const drip = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      timers.push(setInterval(() => res.write(' '), 20)); // each byte resets a per-chunk timer
    });
    const ex2 = await transport({ url: drip.url, bodyTimeoutMs: SHORT }).send('PatientInfoRegister', REQUEST, { timeoutMs: SHORT });
    expect(ex2.error?.kind).toBe('timeout-body');
    expect(ex2.error?.message).toContain(`within the ${SHORT} ms budget`);
  });

  it('a connection reset mid-body', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': '10000' });
      res.write('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">', () => {
        setTimeout(() => req.socket.resetAndDestroy(), 20);
      });
    });
    const ex = await transport({ url: s.url }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(ex.error?.kind).toBe('connect-reset');
    expect(ex.response?.complete).toBe(false);
  });

  it('a redirect is reported, never followed', async () => {
    const s = await server(reply(302, { Location: 'http://127.0.0.2:1/elsewhere' }, ''));
    const ex = await transport({ url: s.url }).send('PatientInfoRegister', REQUEST);
    expect(ex.error?.kind).toBe('redirect');
    expect(ex.error?.message).toContain('http://127.0.0.2:1/elsewhere');
    expect(s.requests).toHaveLength(1);
  });

  it('connection refused', async () => {
    const port = await closedPort();
    const ex = await transport({ url: `http://127.0.0.1:${port}/` }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(ex.error).toMatchObject({ kind: 'connect-refused', code: 'ECONNREFUSED' });
  });

  it('a response that is not HTTP', async () => {
    const s = await tcpServer((sock) => sock.once('data', () => sock.end('HELLO THERE\r\n\r\n')));
    cleanup.push(() => s.close());
    const ex = await transport({ url: s.url }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(ex.error?.kind).toBe('protocol');
  });

  it('the caller can abort', async () => {
    const s = await server(() => {});
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const ex = await transport({ url: s.url }).send('PatientInfoRegister', REQUEST, { timeoutMs: 10_000, signal: ac.signal });
    expect(ex.error?.kind).toBe('aborted');
  });
});

describe('secrets and TLS settings', () => {
  const TOKEN = 'tok-SECRET-7f3a9c';
  const API_KEY = 'key-SECRET-19d2e4';
  const PARAM = 'param-SECRET-55aa01';
  const QUERY = 'query-SECRET-0b0b0b';
  const PASSWORD = 'pw-SECRET-c0ffee';

  it('never appear in an exchange, even when the platform echoes them', async () => {
    const s = await server((req, res, body) => {
      // A careless platform: echoes everything it got into an error page and sets a cookie.
      res.writeHead(500, { 'Content-Type': 'text/html', 'Set-Cookie': `session=${TOKEN}`, 'X-Echo': String(req.headers['x-api-key']) });
      res.end(`<html><pre>${JSON.stringify(req.headers)}\n${req.url}\n${body.toString()}</pre></html>`);
    });
    const t = transport({
      url: `${s.url}/ws?appKey=${QUERY}&v=1`,
      auth: { bearer: TOKEN },
      binding: { headers: { 'X-Api-Key': API_KEY }, extraParams: [{ name: 'token', value: PARAM }], secret: ['X-Api-Key', 'token', 'appKey'] },
    });
    const ex = await t.send('PatientInfoRegister', REQUEST);
    // They did go out on the wire…
    const seen = s.requests[0];
    expect(seen?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen?.headers['x-api-key']).toBe(API_KEY);
    expect(seen?.body.toString()).toContain(`<token>${PARAM}</token>`);
    expect(seen?.url).toContain(QUERY);
    // …and are nowhere in what was recorded.
    const json = JSON.stringify({ ...ex, responseText: ex.response?.body.toString('utf8') });
    for (const secret of [TOKEN, API_KEY, PARAM, QUERY]) expect(json).not.toContain(secret);
    expect(ex.request.headers.Authorization).toBe('[REDACTED]');
    expect(ex.request.headers['X-Api-Key']).toBe('[REDACTED]');
    expect(ex.request.body).toContain('<token>[REDACTED]</token>');
    expect(ex.request.url).toContain('appKey=%5BREDACTED%5D');
    expect([ex.response?.headers['set-cookie']].flat()).toEqual(['[REDACTED]']);
    expect(t.url).not.toContain(QUERY);
  });

  it('basic auth: neither the password nor the token is recorded', async () => {
    const s = await server(reply(500, { 'Content-Type': 'text/plain' }, `bad password ${PASSWORD}`));
    const ex = await transport({ url: s.url, auth: { basic: { username: 'hutong', password: PASSWORD } } }).send('PatientInfoRegister', REQUEST);
    const b64 = Buffer.from(`hutong:${PASSWORD}`).toString('base64');
    expect(s.requests[0]?.headers.authorization).toBe(`Basic ${b64}`);
    const json = JSON.stringify({ ...ex, responseText: ex.response?.body.toString('utf8') });
    expect(json).not.toContain(PASSWORD);
    expect(json).not.toContain(b64);
  });

  const cert = readFileSync(new URL('./fixtures/tls-test-cert.pem', import.meta.url));
  const key = readFileSync(new URL('./fixtures/tls-test-key.pem', import.meta.url));

  it('https: an untrusted certificate is a tls error; a trusted CA and servername connect', async () => {
    const s = await server(platform('soap11'), { cert, key });
    const untrusted = await transport({ url: s.url }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(untrusted.error?.kind).toBe('tls');
    expect(untrusted.tls).toEqual({ rejectUnauthorized: true });

    const trusted = await transport({ url: s.url, tls: { ca: cert } }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(trusted.error).toBeUndefined();
    expect(trusted.connection?.tls).toMatchObject({ authorized: true });
    expect(trusted.connection?.tls?.protocol).toMatch(/^TLSv1\.[23]$/);

    const named = await transport({ url: s.url, tls: { ca: cert, servername: 'platform.test' } }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(named.ok).toBe(true);
    const wrongName = await transport({ url: s.url, tls: { ca: cert, servername: 'other.test' } }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(wrongName.error).toMatchObject({ kind: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('https with verification off connects, and says so on the exchange', async () => {
    const s = await server(platform('soap11'), { cert, key });
    const ex = await transport({ url: s.url, tls: { rejectUnauthorized: false } }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(ex.ok).toBe(true);
    expect(ex.tls).toEqual({ rejectUnauthorized: false });
    expect(ex.connection?.tls).toMatchObject({ authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(ex.warnings.join()).toContain('TLS certificate verification is OFF');
  });

  it('turning certificate checks off is visible even when nothing answers', async () => {
    const port = await closedPort();
    const ex = await transport({ url: `https://127.0.0.1:${port}/`, tls: { rejectUnauthorized: false } }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(ex.tls).toEqual({ rejectUnauthorized: false });
    expect(ex.warnings.join()).toContain('TLS certificate verification is OFF');
    const strict = await transport({ url: `https://127.0.0.1:${port}/` }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(strict.tls).toEqual({ rejectUnauthorized: true });
    const plain = await transport({ url: `http://127.0.0.1:${port}/` }).send('PatientInfoRegister', REQUEST, { timeoutMs: 5_000 });
    expect(plain.tls).toBeUndefined();
  });

  it('refuses URLs with credentials and unusable service codes', () => {
    expect(() => createTransport({ url: 'http://user:pw@127.0.0.1:1/' })).toThrow(/credentials/);
    expect(() => createTransport({ url: 'ftp://127.0.0.1/' })).toThrow(/protocol/);
    const t = transport({ url: 'http://127.0.0.1:1/' });
    return expect(t.send('Bad\r\nHeader', REQUEST)).rejects.toThrow(/invalid service code/);
  });
});

describe('lifecycle', () => {
  it('a send after close is reported as aborted, not blamed on the platform', async () => {
    const s = await server(platform('soap11'));
    const t = createTransport({ url: s.url });
    await t.close();
    const ex = await t.send('PatientInfoRegister', REQUEST);
    expect(ex.error?.kind).toBe('aborted');
  });
});
