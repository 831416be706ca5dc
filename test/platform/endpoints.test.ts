import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../src/platform/index.js';
import { extractRecords, readMessage } from '../../src/samples/message.js';
import { PROJECT_ROOT } from '../../src/version.js';
import { call, catalog, request, service, transportFor, values } from './helpers.js';

let p: RunningPlatform;
const logs: string[] = [];
beforeAll(async () => {
  p = await startPlatform({ catalog, seedVisits: 0, log: (l) => logs.push(l) });
});
afterAll(async () => {
  await p?.close();
});

/** The hand-written request of docs/platform.md: escaped V3 XML inside HIPMessageServer. */
function soap11(action: string, v3: string): string {
  const esc = v3.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <HIPMessageServer xmlns="urn:hl7-org:v3">
      <action>${action}</action>
      <message>${esc}</message>
    </HIPMessageServer>
  </soap:Body>
</soap:Envelope>`;
}

function resultOf(envelope: string): string {
  const m = /<HIPMessageServerResult>(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?<\/HIPMessageServerResult>/.exec(envelope);
  if (!m) throw new Error(`no result in ${envelope.slice(0, 300)}`);
  return m[1]!;
}

async function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string; type: string }> {
  const r = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
  return { status: r.status, text: await r.text(), type: r.headers.get('content-type') ?? '' };
}

const SOAP11 = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"urn:hl7-org:v3/HIPMessageServer"' };

describe('bindings', () => {
  it('a hand-written SOAP 1.1 PatientInfoRegister then PatientInfoQuery returns AA and then the patient', async () => {
    const v = values('patient', 41);
    const reg = request(service('PatientInfoRegister'), v);
    const a = await post(p.urls.soap11, soap11('PatientInfoRegister', reg.xml), SOAP11);
    expect(a.status).toBe(200);
    expect(a.type).toMatch(/^text\/xml/);
    const ack = readMessage(resultOf(a.text));
    expect(ack.ack).toMatchObject({ typeCode: 'AA', targetMessageId: reg.id });
    const q = request(service('PatientInfoQuery'), { patientId: v.patientId! });
    const b = await post(p.urls.soap11, soap11('PatientInfoQuery', q.xml), SOAP11);
    const xml = resultOf(b.text);
    expect(readMessage(xml).ack?.targetMessageId).toBe(q.id);
    const recs = extractRecords(service('PatientInfoQuery'), catalog.entities.get('patient')!, xml);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ patientId: v.patientId, name: v.name, genderCode: v.genderCode, birthDate: v.birthDate });
  });

  it('the curl example of docs/platform.md works as written', async () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs/platform.md'), 'utf8');
    const body = (name: string): string => new RegExp(`cat > /tmp/${name}\\.xml <<'XML'\\n([\\s\\S]*?)\\nXML\\n`).exec(doc)![1]!;
    const a = await post(p.urls.soap11, body('register'), SOAP11);
    expect(readMessage(resultOf(a.text)).ack).toMatchObject({ typeCode: 'AA', targetMessageId: 'DEMO-0001' });
    const b = await post(p.urls.soap11, body('query'), SOAP11);
    const recs = extractRecords(service('PatientInfoQuery'), catalog.entities.get('patient')!, resultOf(b.text));
    expect(recs).toEqual([expect.objectContaining({ patientId: 'TEST000001', name: '测试患者', genderCode: '1', birthDate: '19800101' })]);
  });

  it('SOAP 1.2 and plain HTTP (header and path) serve the same store', async () => {
    const v = values('patient', 42);
    const t12 = transportFor(p, 'soap12');
    const th = transportFor(p, 'http');
    try {
      expect((await call(t12, service('PatientInfoRegister'), v)).read?.ack?.typeCode).toBe('AA');
      const q = await call(th, service('PatientInfoQuery'), { patientId: v.patientId! });
      expect(q.read?.recordCount).toBe(1);
      const raw = request(service('PatientInfoQuery'), { patientId: v.patientId! });
      const viaPath = await post(`${p.urls.http}/PatientInfoQuery`, raw.xml, { 'Content-Type': 'text/xml; charset=utf-8' });
      expect(viaPath.status).toBe(200);
      expect(readMessage(viaPath.text, { service: service('PatientInfoQuery') }).recordCount).toBe(1);
    } finally {
      await t12.close();
      await th.close();
    }
  });

  it('serves the WSDL and health', async () => {
    const w = await fetch(p.urls.wsdl);
    expect(w.status).toBe(200);
    const text = await w.text();
    expect(text).toContain('<wsdl:operation name="HIPMessageServer">');
    expect(text).toContain(`location="${p.urls.soap11}"`);
    expect(text).toContain(`location="${p.urls.soap12}"`);
    const h = await fetch(p.urls.health);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok' });
  });

  it('configurable SOAP names (DHCC style) are honoured', async () => {
    const q = await startPlatform({ catalog, seedVisits: 0, binding: { namespace: 'http://www.dhcc.com.cn', params: { action: 'input1', message: 'input2' } } });
    const { createTransport } = await import('../../src/transport/index.js');
    const tr = createTransport({ url: q.urls.soap11, binding: { kind: 'soap11', namespace: 'http://www.dhcc.com.cn', params: { action: 'input1', message: 'input2' } } });
    try {
      const r = await call(tr, service('PatientInfoRegister'), values('patient', 43));
      expect(r.read?.ack?.typeCode).toBe('AA');
      const plain = await post(q.urls.soap11, soap11('PatientInfoRegister', request(service('PatientInfoRegister'), values('patient', 44)).xml), SOAP11);
      expect(plain.status).toBe(500);
      expect(plain.text).toMatch(/unknown operation/);
    } finally {
      await tr.close();
      await q.close();
    }
  });

  it('logs one line per request', () => {
    expect(logs.some((l) => / POST \/soap11 PatientInfoRegister 200 write-ok /.test(l))).toBe(true);
  });
});

describe('bad input gets a fault, never a crash', () => {
  it('malformed envelope → SOAP 1.1 Client fault', async () => {
    const r = await post(p.urls.soap11, '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><oops></soap:Body>', SOAP11);
    expect(r.status).toBe(500);
    expect(r.text).toContain('<faultcode>soap:Client</faultcode>');
  });

  it('unknown action → fault naming it (SOAP 1.2: Sender, 400)', async () => {
    const v3 = request(service('PatientInfoQuery'), { patientId: 'X' }).xml;
    const env = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><HIPMessageServer xmlns="urn:hl7-org:v3"><action>NoSuchService</action><message><![CDATA[${v3}]]></message></HIPMessageServer></soap:Body></soap:Envelope>`;
    const r = await post(p.urls.soap12, env, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('soap:Sender');
    expect(r.text).toContain('NoSuchService');
  });

  it('XXE in the envelope and in a plain-HTTP V3 body → refused', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><HIPMessageServer xmlns="urn:hl7-org:v3"><action>PatientInfoQuery</action><message>&e;</message></HIPMessageServer></soap:Body></soap:Envelope>`;
    const a = await post(p.urls.soap11, xxe, SOAP11);
    expect(a.status).toBe(500);
    expect(a.text).not.toContain('root:');
    expect(a.text).toMatch(/DOCTYPE|DTD/i);
    const v3 = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><PRPA_IN201305UV02 xmlns="urn:hl7-org:v3"><id extension="&e;"/></PRPA_IN201305UV02>`;
    const b = await post(p.urls.http, v3, { 'Content-Type': 'text/xml', 'X-HIP-Action': 'PatientInfoQuery' });
    expect(b.status).toBe(400);
    expect(b.text).not.toContain('root:');
  });

  it('oversized body → 413, and the server keeps serving', async () => {
    const q = await startPlatform({ catalog, seedVisits: 0, maxBodyBytes: 64 * 1024 });
    try {
      const big = Buffer.alloc(200 * 1024, 0x20);
      const r = await post(q.urls.soap11, big, SOAP11);
      expect(r.status).toBe(413);
      // chunked (no Content-Length): the limit is enforced while streaming
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(q.urls.http, { method: 'POST', headers: { 'Content-Type': 'text/xml', 'X-HIP-Action': 'PatientInfoQuery', 'Transfer-Encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 8; i++) req.write(Buffer.alloc(16 * 1024, 0x20));
        req.end();
      });
      expect(status).toBe(413);
      expect((await fetch(q.urls.health)).status).toBe(200);
    } finally {
      await q.close();
    }
  });

  it('wrong media type, GET on a service, unknown path', async () => {
    expect((await post(p.urls.soap11, '<a/>', { 'Content-Type': 'application/json', SOAPAction: '""' })).status).toBe(415);
    expect((await fetch(p.urls.soap12)).status).toBe(405);
    expect((await fetch(p.urls.health.replace('/health', '/nope'))).status).toBe(404);
    expect((await fetch(p.urls.health)).status).toBe(200);
  });

  it('a V3 message of the wrong interaction for the action → AE explaining it', async () => {
    const v3 = request(service('PatientInfoQuery'), { patientId: 'X' }).xml;
    const r = await post(p.urls.soap11, soap11('PatientInfoRegister', v3), SOAP11);
    expect(r.status).toBe(200);
    const ack = readMessage(resultOf(r.text)).ack;
    expect(ack?.typeCode).toBe('AE');
    expect(ack?.detail).toMatch(/HT-MSG/);
  });
});

describe('hutong serve', () => {
  it('prints one line per binding, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/hutong.js'), 'serve', '--port', '0', '--seed-visits', '1', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 30_000);
      child.stdout.on('data', (d: string) => {
        out += d;
        if (/HEALTH/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    expect(out).toMatch(/^SOAP 1\.1 {2}http:\/\/127\.0\.0\.1:\d+\/soap11$/m);
    expect(out).toMatch(/^SOAP 1\.2 {2}http:\/\/127\.0\.0\.1:\d+\/soap12$/m);
    expect(out).toMatch(/^HTTP {6}http:\/\/127\.0\.0\.1:\d+\/http$/m);
    expect(out).toMatch(/^WSDL {6}http:\/\/127\.0\.0\.1:\d+\/soap11\?wsdl$/m);
    const health = /^HEALTH +(\S+)$/m.exec(out)![1]!;
    const h = (await (await fetch(health)).json()) as { records: number };
    expect(h.records).toBeGreaterThan(0);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 40_000);
});
