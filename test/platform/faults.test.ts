import { afterEach, describe, expect, it } from 'vitest';
import { findPlan } from '../../src/validate/index.js';
import { FAULT_PROFILES, startPlatform, UnknownFaultError, type RunningPlatform } from '../../src/platform/index.js';
import { decodeContent, missingSection, wrongCode, wrongTemplate } from '../../src/platform/docfaults.js';
import { hasRequiredSection, hasVerifiedCode } from '../../src/platform/faults.js';
import { extractRecords, readMessage } from '../../src/samples/message.js';
import { sampleDocument } from '../../src/samples/document.js';
import { sampleVisit } from '../../src/samples/visit.js';
import type { Transport } from '../../src/transport/index.js';
import { validateText } from '../../src/validate/index.js';
import { call, catalog, service, transportFor, values } from './helpers.js';

let p: RunningPlatform | undefined;
let t: Transport | undefined;
afterEach(async () => {
  await t?.close();
  await p?.close();
  t = undefined;
  p = undefined;
});

async function platform(faults: string[], extra: Parameters<typeof startPlatform>[0] = {}): Promise<Transport> {
  p = await startPlatform({ catalog, seedVisits: 0, faults, ...extra });
  t = transportFor(p);
  return t;
}

const errorRules = (xml: string): string[] => validateText(xml, { catalog }).findings.filter((f) => f.severity === 'error').map((f) => f.rule);
const template = (code: string) => catalog.documents.find((d) => d.code === code)!;

function documentValues(code: string, seed: number): Record<string, string> {
  const xml = sampleDocument(template(code), catalog, { seed, visit: sampleVisit(seed) });
  return { ...values('document', seed), documentId: `DOC-${code}-${seed}`, typeCode: code, content: Buffer.from(xml).toString('base64') };
}

async function retrieve(tr: Transport, doc: Record<string, string>): Promise<string> {
  expect((await call(tr, service('DocumentRegister'), doc)).read?.ack?.typeCode).toBe('AA');
  const r = await call(tr, service('DocumentRetrieve'), { documentId: doc.documentId! });
  const recs = extractRecords(service('DocumentRetrieve'), catalog.entities.get('document')!, r.ex.v3xml!);
  expect(recs.length).toBe(1);
  return decodeContent(recs[0]!.content!)!.xml;
}

describe('fault profiles', () => {
  it('every profile is listed with a description and computes its cases for every plan', () => {
    expect(FAULT_PROFILES.map((f) => f.name)).toEqual(['wrong-code', 'missing-section', 'wrong-template', 'ae-valid', 'no-target', 'wrong-interaction', 'f01-data', 'slow', 'http-500', 'soap-fault', 'malformed-xml']);
    const plan = findPlan(catalog, 'hospital-5a')!;
    for (const f of FAULT_PROFILES) {
      expect(f.description).toMatch(/\S/);
      const ids = f.failsCases(plan, catalog);
      for (const id of ids) expect(id).toMatch(/^EMR-(PL-\d{2}-(T|F)01|SD-\d{2})$/);
      if (f.name === 'slow') expect(ids).toEqual([]);
      else expect(ids.length).toBeGreaterThan(0);
    }
    const p3 = findPlan(catalog, 'hospital-3')!;
    expect(FAULT_PROFILES.find((f) => f.name === 'f01-data')!.failsCases(p3, catalog)).toEqual(['EMR-PL-15-F01', 'EMR-PL-16-F01']);
    expect(FAULT_PROFILES.find((f) => f.name === 'no-target')!.failsCases(p3, catalog)).toEqual([]);
  });

  it('an unknown profile is refused', async () => {
    await expect(startPlatform({ catalog, seedVisits: 0, faults: ['nope'] })).rejects.toBeInstanceOf(UnknownFaultError);
  });

  it('document corruptions break exactly the templates failsCases names', () => {
    const verified = hasVerifiedCode(catalog);
    for (const d of catalog.documents.filter((x) => x.family === 'wst500')) {
      const xml = sampleDocument(d, catalog, { seed: 11, visit: sampleVisit(11) });
      const wc = wrongCode(xml, catalog);
      expect(wc === undefined ? 'pass' : errorRules(wc).includes('HT-TERM-CODE-UNKNOWN') ? 'fail' : 'pass', `wrong-code ${d.code}`).toBe(verified(d) ? 'fail' : 'pass');
      const ms = missingSection(xml, catalog);
      expect(ms, d.code).toBeDefined();
      expect(ms).not.toBe(xml);
      expect(errorRules(ms!).includes('HT-TPL-SECTION-MISSING') ? 'fail' : 'pass', `missing-section ${d.code}`).toBe(hasRequiredSection(d) ? 'fail' : 'pass');
      expect(errorRules(wrongTemplate(xml, catalog)!), d.code).toContain('HT-TPL-TEMPLATEID');
    }
  }, 60_000);

  for (const [name, rule] of [['wrong-code', 'HT-TERM-CODE-UNKNOWN'], ['missing-section', 'HT-TPL-SECTION-MISSING'], ['wrong-template', 'HT-TPL-TEMPLATEID']] as const) {
    it(`${name}: DocumentRetrieve returns a broken document, DocumentAccess the registered one`, async () => {
      const tr = await platform([name]);
      const doc = documentValues('C0001', 21);
      const got = await retrieve(tr, doc);
      expect(errorRules(got)).toContain(rule);
      const listed = await call(tr, service('DocumentAccess'), { documentId: doc.documentId! });
      expect(extractRecords(service('DocumentAccess'), catalog.entities.get('document')!, listed.ex.v3xml!)[0]?.content).toBe(doc.content);
    });
  }

  it('without faults the retrieved document is the registered one and conforms', async () => {
    const tr = await platform([]);
    const doc = documentValues('C0001', 21);
    const got = await retrieve(tr, doc);
    expect(Buffer.from(got).toString('base64')).toBe(doc.content);
    expect(errorRules(got)).toEqual([]);
  });

  it('ae-valid: update of an existing key and a query that finds records get AE; F01 stays clean', async () => {
    const tr = await platform(['ae-valid']);
    const v = values('patient', 31);
    expect((await call(tr, service('PatientInfoRegister'), v)).read?.ack?.typeCode).toBe('AA');
    const u = await call(tr, service('PatientInfoUpdate'), v);
    expect(u.read?.ack?.typeCode).toBe('AE');
    expect(u.read?.ack?.detail).toMatch(/ae-valid/);
    const q = await call(tr, service('PatientInfoQuery'), { patientId: v.patientId! });
    expect(q.read?.ack?.typeCode).toBe('AE');
    expect(q.read?.recordCount).toBe(0);
    const miss = await call(tr, service('PatientInfoQuery'), { patientId: 'HTNX-none' });
    expect(miss.read?.ack?.typeCode).toBe('AA');
    expect(miss.read?.queryAck?.responseCode).toBe('NF');
  });

  it('no-target: update acknowledgements lack targetMessage, register ones keep it', async () => {
    const tr = await platform(['no-target']);
    const v = values('patient', 32);
    const r = await call(tr, service('PatientInfoRegister'), v);
    expect(r.read?.ack?.targetMessageId).toBe(r.id);
    const u = await call(tr, service('PatientInfoUpdate'), v);
    expect(u.read?.ack?.typeCode).toBe('AA');
    expect(u.read?.ack?.targetMessageId).toBeUndefined();
    expect(validateText(u.ex.v3xml!, { catalog, expect: { service: 'PatientInfoUpdate', requestId: u.id } }).findings.map((f) => f.rule)).toContain('HT-MSG-ACK-TARGET');
  });

  it('wrong-interaction: query responses with records carry the request interactionId', async () => {
    const tr = await platform(['wrong-interaction']);
    const v = values('patient', 33);
    await call(tr, service('PatientInfoRegister'), v);
    const q = await call(tr, service('PatientInfoQuery'), { patientId: v.patientId! });
    expect(q.read?.root).toBe('PRPA_IN201306UV02');
    expect(q.read?.interactionId).toBe('PRPA_IN201305UV02');
    expect(validateText(q.ex.v3xml!, { catalog, expect: { service: 'PatientInfoQuery', requestId: q.id } }).findings.map((f) => f.rule)).toContain('HT-MSG-INTERACTION');
    const miss = await call(tr, service('PatientInfoQuery'), { patientId: 'HTNX-none' });
    expect(miss.read?.interactionId).toBe('PRPA_IN201306UV02');
  });

  it('f01-data: a key that does not exist is answered with a record', async () => {
    const tr = await platform(['f01-data']);
    const q = await call(tr, service('PatientInfoQuery'), { patientId: 'HTNX-none' });
    expect(q.read?.recordCount).toBe(1);
    expect(validateText(q.ex.v3xml!, { catalog, expect: { service: 'PatientInfoQuery', requestId: q.id, records: 'none' } }).findings.map((f) => f.rule)).toContain('HT-MSG-QUERY-UNEXPECTED');
  });

  it('slow: every service answer is delayed by latencyMs, health is not', async () => {
    const tr = await platform(['slow'], { latencyMs: 300 });
    const t0 = Date.now();
    const q = await call(tr, service('PatientInfoQuery'), { patientId: 'HTNX-none' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(q.read?.ack?.typeCode).toBe('AA');
    expect((await fetch(p!.urls.health)).status).toBe(200);
  });

  it('http-500: the odd-position query services always answer HTTP 500, the others work', async () => {
    const tr = await platform(['http-500']);
    const bad = await call(tr, service('OrganizationInfoQuery'), { deptId: 'X' });
    expect(bad.ex.response?.status).toBe(500);
    expect(bad.ex.error).toBeDefined();
    const good = await call(tr, service('PatientInfoQuery'), { patientId: 'X' });
    expect(good.ex.response?.status).toBe(200);
  });

  it('soap-fault: a write that deserves AE gets a SOAP fault instead', async () => {
    const tr = await platform(['soap-fault']);
    const v = values('patient', 34);
    delete v.patientId;
    const r = await call(tr, service('PatientInfoRegister'), v);
    expect(r.ex.response?.status).toBe(500);
    expect(r.ex.fault?.reason ?? r.ex.error?.message).toMatch(/处理失败/);
    expect((await call(tr, service('PatientInfoRegister'), values('patient', 35))).read?.ack?.typeCode).toBe('AA');
  });

  it('malformed-xml: query responses with records of the even-position services are not well-formed', async () => {
    const tr = await platform(['malformed-xml']);
    const v = values('patient', 36);
    await call(tr, service('PatientInfoRegister'), v);
    const { xml } = await import('./helpers.js').then((h) => h.request(service('PatientInfoQuery'), { patientId: v.patientId! }));
    const ex = await tr.send('PatientInfoQuery', xml);
    const got = ex.v3xml ?? '';
    expect(() => readMessage(got)).toThrow();
    const miss = await call(tr, service('PatientInfoQuery'), { patientId: 'HTNX-none' });
    expect(miss.read?.queryAck?.responseCode).toBe('NF');
  });
});
