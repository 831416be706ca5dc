import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../src/platform/index.js';
import { readMessage } from '../../src/samples/message.js';
import { createTransport } from '../../src/transport/index.js';
import { canaryFile, type CanaryFile, canaryServer, type CanaryServer } from './canary.js';
import { ACTION, registerRequest } from './request.js';

/**
 * The reference platform under the same malformed-input corpus a harness must survive: every
 * input gets a fault (or a refusal), never a crash, a hang or a leak of a local file; a slow
 * client does not block others; afterwards the platform still answers a valid request.
 */

let p: RunningPlatform;
let canary: CanaryFile;
let xxe: CanaryServer;
const MB = 1024 * 1024;

interface RawReply { status: number; headers: string; body: string; closed: boolean }

/**
 * One raw HTTP exchange: `head` and then `body` chunks (generated, never held whole), read
 * until the server closes or answers completely; bounded by `timeoutMs`.
 */
function raw(port: number, head: string, body: () => Iterable<Buffer | string>, timeoutMs = 15_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let closed = false;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      const text = got.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, headers: end === -1 ? text : text.slice(0, end), body: end === -1 ? '' : text.slice(end + 4), closed });
    };
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const text = got.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const len = /content-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1];
      if (end !== -1 && len !== undefined && got.length >= end + 4 + Number(len)) {
        s.destroy();
        finish();
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      closed = true;
      if (timer) finish();
    });
    s.on('connect', async () => {
      s.write(head);
      for (const chunk of body()) {
        if (s.destroyed) return;
        if (!s.write(chunk)) await new Promise<void>((r) => { s.once('drain', r); s.once('close', r); });
      }
    });
  });
}

function* once(b: string | Buffer): Iterable<Buffer | string> {
  yield b;
}

function soapHead(bytes: number | 'chunked', contentType = 'text/xml; charset=utf-8'): string {
  const len = bytes === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${bytes}`;
  return `POST /soap11 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nSOAPAction: "urn:hl7-org:v3/HIPMessageServer"\r\n${len}\r\nConnection: close\r\n\r\n`;
}

function envelope(v3: string, doctype = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${doctype}<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><HIPMessageServer xmlns="urn:hl7-org:v3"><action>${ACTION}</action><message><![CDATA[${v3}]]></message></HIPMessageServer></soap:Body></soap:Envelope>`;
}

async function post(body: string | Buffer, contentType?: string): Promise<RawReply> {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return raw(p.port, soapHead(b.length, contentType), () => once(b));
}

const LAUGHS = `<!DOCTYPE soap:Envelope [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>`;

/** A refusal: an HTTP error status with a SOAP fault or text, or a V3 AE/AR acknowledgement. */
function refused(r: RawReply): boolean {
  if (r.status >= 400 && r.status < 600) return true;
  if (r.status !== 200) return false;
  const m = /<!\[CDATA\[([\s\S]*)\]\]>/.exec(r.body)?.[1];
  if (!m) return false;
  const ack = readMessage(m).ack?.typeCode;
  return ack === 'AE' || ack === 'AR';
}

beforeAll(async () => {
  canary = canaryFile();
  xxe = await canaryServer();
  p = await startPlatform({ port: 0 });
});

afterAll(async () => {
  await p?.close();
  await xxe?.close();
  canary?.remove();
});

describe('the reference platform under the malformed-input corpus', () => {
  const req = () => registerRequest(7).xml;
  const corpus: Record<string, () => Promise<RawReply>> = {
    'xxe file entity in the envelope': () => post(envelope(req(), `<!DOCTYPE soap:Envelope [<!ENTITY leak SYSTEM "file://${canary.path}">]>`).replace('</soap:Body>', '<x>&leak;</x></soap:Body>')),
    'xxe URL entity in the V3 message': () => post(envelope(req().replace(/^<\?xml[^>]*\?>/, `<?xml version="1.0"?><!DOCTYPE RCMR_IN000002UV02 [<!ENTITY leak SYSTEM "${xxe.url}">]>`).replace('</RCMR_IN000002UV02>', '&leak;</RCMR_IN000002UV02>'))),
    'billion laughs': () => post(envelope(req(), LAUGHS).replace('</soap:Body>', '<x>&lol9;</x></soap:Body>')),
    '100 000-deep nesting': () => post(envelope(req()).replace('<soap:Body>', `<soap:Body>${'<d>'.repeat(100_000)}${'</d>'.repeat(100_000)}`)),
    '100 000-deep nesting in the V3 message': () => post(envelope(req().replace('</RCMR_IN000002UV02>', `${'<d>'.repeat(100_000)}${'</d>'.repeat(100_000)}</RCMR_IN000002UV02>`))),
    'truncated envelope': () => post(envelope(req()).slice(0, 2000)),
    'invalid UTF-8': () => post(Buffer.concat([Buffer.from(envelope(req()).slice(0, 600)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(envelope(req()).slice(600))])),
    'wrong Content-Type': () => post(envelope(req()), 'application/json'),
    'NUL bytes': () => post(envelope(req()).replace('<soap:Body>', '<soap:Body>\0\0')),
    'not XML at all': () => post('%PDF-1.4 \u0000\u0001 binary'),
    '200 MB body with Content-Length (streamed)': () => raw(p.port, soapHead(200 * MB), function* () {
      const chunk = Buffer.alloc(MB, 0x20);
      for (let i = 0; i < 200; i++) yield chunk;
    }),
    '200 MB chunked body (streamed)': () => raw(p.port, soapHead('chunked'), function* () {
      const chunk = Buffer.concat([Buffer.from(`${(MB).toString(16)}\r\n`), Buffer.alloc(MB, 0x20), Buffer.from('\r\n')]);
      for (let i = 0; i < 200; i++) yield chunk;
    }),
  };

  for (const [name, send] of Object.entries(corpus)) {
    it(`${name}: refused with a fault, no crash, no local file in the answer`, async () => {
      const r = await send();
      if (process.env.HOSTILE_DEBUG) console.log(`[hostile] platform ${name}: ${r.headers.split('\r\n')[0]} ${r.body.replace(/\s+/g, ' ').slice(0, 160)}`);
      expect(refused(r), `${r.status} ${r.headers.split('\r\n')[0]} ${r.body.slice(0, 300)}`).toBe(true);
      // a SOAP 1.1 fault that blames the sender (Client), with the status SOAP 1.1 uses (or 413/415)
      expect([413, 415, 500]).toContain(r.status);
      expect(r.body).toContain('<faultcode>soap:Client</faultcode>');
      expect(r.body).not.toContain(canary.text);
      // and the platform is still up after each one
      const h = await fetch(p.urls.health);
      expect(h.status).toBe(200);
    });
  }

  it('a slowloris client (headers dripping) does not block anyone else', async () => {
    const slow = net.connect(p.port, '127.0.0.1');
    slow.on('error', () => {});
    await new Promise<void>((r) => slow.once('connect', () => r()));
    const head = soapHead(100);
    let i = 0;
    const drip = setInterval(() => {
      if (i < head.length && !slow.destroyed) slow.write(head[i++] as string);
    }, 200);
    try {
      const t = createTransport({ url: p.urls.soap11, timeoutMs: 10_000, connections: 1 });
      const r = registerRequest(8);
      const ex = await t.send(ACTION, r.xml);
      await t.destroy();
      expect(ex.ok, JSON.stringify(ex.error)).toBe(true);
      expect(readMessage(ex.v3xml as string).ack?.typeCode).toBe('AA');
    } finally {
      clearInterval(drip);
      slow.destroy();
    }
  });

  it('a Content-Length of 1 GB with a short body and a hang-up does not hurt it', async () => {
    await new Promise<void>((resolve) => {
      const s = net.connect(p.port, '127.0.0.1', () => {
        s.write(soapHead(1024 * MB));
        s.end('<soap:Envelope');
      });
      s.on('error', () => {});
      s.on('close', () => resolve());
      s.resume();
    });
    expect((await fetch(p.urls.health)).status).toBe(200);
  });

  it('after the whole corpus it still answers a valid request, and touched no canary', async () => {
    const t = createTransport({ url: p.urls.soap11, timeoutMs: 10_000 });
    const r = registerRequest(9);
    const ex = await t.send(ACTION, r.xml);
    await t.destroy();
    expect(ex.ok, JSON.stringify(ex.error)).toBe(true);
    const ack = readMessage(ex.v3xml as string).ack;
    expect(ack?.typeCode).toBe('AA');
    expect(ack?.targetMessageId).toBe(r.messageId);
    expect(xxe.hits()).toBe(0);
    if (canary.atimeWorks) expect(canary.wasRead()).toBe(false);
  });
});
