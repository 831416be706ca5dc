import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkValue } from '../../src/catalog/format.js';
import type { EntityDef, ServiceDef } from '../../src/catalog/types.js';
import { buildAck, buildQueryResponse, buildRequest, extractRecords, extractValues, readMessage } from '../../src/samples/message.js';
import { sampleEntityValues } from '../../src/samples/message-values.js';
import { disposeV3Validators, validateV3 } from '../../src/samples/v3-schema.js';
import { withXml } from '../../src/xml/parse.js';
import { selectValue } from '../../src/xml/path.js';

// Reads the catalogue files directly until src/catalog's loadCatalog lands.
const ROOT = new URL('../../', import.meta.url);
const readJson = <T>(p: string): T => JSON.parse(readFileSync(new URL(p, ROOT), 'utf8')) as T;
const services = readJson<{ services: ServiceDef[] }>('scenarios/services.json').services;
const entities = new Map(readJson<{ entities: EntityDef[] }>('scenarios/entities.json').entities.map((e) => [e.name, e]));
const entityOf = (s: ServiceDef): EntityDef => entities.get(s.entity)!;
const svc = (code: string): ServiceDef => services.find((s) => s.code === code)!;

const opts = (n: number) => ({ messageId: `MSG-${String(n).padStart(6, '0')}`, creationTime: '20250301093000', sender: 'HIS-TEST', receiver: 'HIP-TEST' });

afterAll(() => disposeV3Validators());

function expectValid(xml: string, what: string): void {
  const r = validateV3(xml);
  expect(r.problems, what).toEqual([]);
  expect(r.ok, what).toBe(true);
}

describe('sampleEntityValues', () => {
  it('is deterministic and fits every field format the catalogue gives', () => {
    for (const e of entities.values()) {
      expect(sampleEntityValues(e, 7), e.name).toEqual(sampleEntityValues(e, 7));
      for (let seed = 1; seed <= 20; seed++) {
        const v = sampleEntityValues(e, seed);
        for (const f of e.fields) {
          expect(v[f.name], `${e.name}.${f.name}`).toBeTruthy();
          if (f.format) expect(checkValue(f.format, v[f.name]!), `${e.name}.${f.name} ${f.format} ${v[f.name]}`).toEqual({ ok: true });
        }
      }
    }
  });

  it('gives different seeds different keys and keeps shared values as given', () => {
    const e = entities.get('outpatientVisit')!;
    expect(sampleEntityValues(e, 1).visitSerialNo).not.toBe(sampleEntityValues(e, 2).visitSerialNo);
    expect(sampleEntityValues(e, 1, { shared: { patientId: 'P-SHARED' } }).patientId).toBe('P-SHARED');
    expect(sampleEntityValues(e, 1, { omit: ['reason'] }).reason).toBeUndefined();
  });
});

describe('buildRequest for every service', () => {
  services.forEach((s, i) => {
    it(`${s.caseId} ${s.code}: builds, validates against our V3 XSD and reads back`, () => {
      const e = entityOf(s);
      const all = sampleEntityValues(e, i + 1);
      const values = s.queryParams ? Object.fromEntries(s.queryParams.map((q) => [q.field, all[q.field]!])) : all;
      const xml = buildRequest(s, e, values, opts(i));
      expectValid(xml, s.code);
      const m = readMessage(xml, { service: s });
      expect(m.root).toBe(s.request);
      expect(m.interactionId).toBe(s.request);
      expect(m.interactionIdRoot).toBe('2.16.156.10011.2.5.1.2');
      expect(m.messageId).toBe(opts(i).messageId);
      expect(m.messageIdRoot).toBe('2.16.156.10011.2.5.1.1');
      expect(m.sender).toBe('HIS-TEST');
      expect(m.receiver).toBe('HIP-TEST');
      expect(extractValues(s, e, xml)).toEqual(values);
      if (s.queryParams) expect(m.queryKey).toEqual(values);
    });
  });
});

describe('request content', () => {
  it('writes fields where the catalogue says, with codeSystem from the value set and structural attributes', () => {
    const s = svc('PatientInfoRegister');
    const xml = buildRequest(s, entityOf(s), { patientId: 'P001', name: '测试甲', genderCode: '1', birthDate: '19800101', idCardNo: '990101198001010011' }, opts(1));
    withXml(xml, (doc) => {
      const p = 'hl7:controlActProcess/hl7:subject/hl7:registrationRequest/hl7:subject1/hl7:patient';
      expect(selectValue(doc, `${p}/hl7:id/hl7:item/@root`)).toBe('2.16.156.10011.2.5.1.4');
      expect(selectValue(doc, `${p}/hl7:id/hl7:item/@extension`)).toBe('P001');
      expect(selectValue(doc, `${p}/hl7:patientPerson/hl7:administrativeGenderCode/@codeSystem`)).toBe('2.16.156.10011.2.3.3.4');
      expect(selectValue(doc, `${p}/hl7:patientPerson/hl7:name/hl7:item/hl7:part/@value`)).toBe('测试甲');
      expect(selectValue(doc, 'hl7:controlActProcess/@classCode')).toBe('CACT');
      expect(selectValue(doc, 'hl7:controlActProcess/hl7:subject/@typeCode')).toBe('SUBJ');
      expect(selectValue(doc, `${p}/@classCode`)).toBe('PAT');
      expect(selectValue(doc, `${p}/hl7:patientPerson/@determinerCode`)).toBe('INSTANCE');
      expect(selectValue(doc, 'hl7:acceptAckCode/@code')).toBe('AL');
    });
  });

  it('keeps XML-special and non-ASCII characters intact', () => {
    const s = svc('OrderInfoAdd');
    const nasty = `测试 <&> "引号" 'x' ]]> \u00e9`;
    const xml = buildRequest(s, entityOf(s), { orderId: 'O-1', itemContent: nasty, patientId: 'P1' }, opts(2));
    expectValid(xml, 'escaping');
    expect(extractValues(s, entityOf(s), xml)).toEqual({ orderId: 'O-1', itemContent: nasty, patientId: 'P1' });
  });

  it('gives each predicate its own element (two id items, two asOtherIDs)', () => {
    const s = svc('PatientInfoRegister');
    const e = entityOf(s);
    const xml = buildRequest(s, e, { patientId: 'P9', healthCardNo: 'HC9', healthRecordNo: 'HR9' }, opts(3));
    withXml(xml, (doc) => {
      const pp = 'hl7:controlActProcess/hl7:subject/hl7:registrationRequest/hl7:subject1/hl7:patient/hl7:patientPerson';
      expect(doc.root.find(`${pp.replace(/hl7:/g, 'v3:')}/v3:asOtherIDs`, { v3: 'urn:hl7-org:v3' })).toHaveLength(2);
    });
    expect(extractValues(s, e, xml)).toEqual({ patientId: 'P9', healthCardNo: 'HC9', healthRecordNo: 'HR9' });
  });

  it('puts the key in queryId where the practitioner convention does, and a fresh query id otherwise', () => {
    const access = svc('DocumentAccess');
    const xml = buildRequest(access, entityOf(access), { documentId: 'DOC-7', patientId: 'P7' }, opts(4));
    expect(readMessage(xml, { service: access }).queryKey).toEqual({ documentId: 'DOC-7', patientId: 'P7' });
    const retrieve = svc('DocumentRetrieve');
    const xml2 = buildRequest(retrieve, entityOf(retrieve), { documentId: 'DOC-7' }, opts(5));
    withXml(xml2, (doc) => expect(selectValue(doc, 'hl7:controlActProcess/hl7:queryByParameter/hl7:queryId/@extension')).toBe(opts(5).messageId));
    expect(extractValues(retrieve, entityOf(retrieve), xml2)).toEqual({ documentId: 'DOC-7' });
  });

  it('ignores non-parameter fields for queries and rejects unknown field names', () => {
    const s = svc('PatientInfoQuery');
    const e = entityOf(s);
    const xml = buildRequest(s, e, { patientId: 'P1', telecom: '19900001111' }, opts(6));
    expect(readMessage(xml, { service: s }).queryKey).toEqual({ patientId: 'P1' });
    expect(() => buildRequest(s, e, { patientID: 'typo' }, opts(7))).toThrow(/no field patientID/);
    expect(() => buildRequest(s, entityOf(svc('OrderInfoAdd')), {}, opts(8))).toThrow(/carries patient/);
  });

  it('reads a query key sent under another id root only when it is unambiguous', () => {
    const s = svc('OrderInfoQuery');
    const xml = buildRequest(s, entityOf(s), { orderId: 'ORD-1' }, opts(9)).replace('2.16.156.10011.2.5.1.31', '2.16.156.10011.1.28');
    expect(readMessage(xml, { service: s }).queryKey).toEqual({ orderId: 'ORD-1' });
  });
});

describe('buildAck', () => {
  it.each(['AA', 'AE', 'AR'] as const)('%s: validates and echoes the request id', (typeCode) => {
    const req = { messageId: 'REQ-1', interactionId: 'PRPA_IN201311UV02' };
    const xml = buildAck(req, { typeCode, messageId: 'ACK-1', creationTime: '20250301093001', detail: typeCode === 'AA' ? undefined : '患者ID缺失' });
    expectValid(xml, typeCode);
    const m = readMessage(xml);
    expect(m.root).toBe('MCCI_IN000002UV01');
    expect(m.interactionId).toBe('MCCI_IN000002UV01');
    expect(m.messageId).toBe('ACK-1');
    expect(m.acceptAckCode).toBe('NE');
    expect(m.ack?.typeCode).toBe(typeCode);
    expect(m.ack?.targetMessageId).toBe('REQ-1');
    expect(m.ack?.detail).toBe(typeCode === 'AA' ? 'PRPA_IN201311UV02 成功' : '患者ID缺失');
  });
});

describe('buildQueryResponse', () => {
  const queries = services.filter((s) => s.queryParams);

  it.each(queries.map((s) => [s.code, s] as const))('%s: records round-trip and validate', (_code, s) => {
    const e = entityOf(s);
    const records = [sampleEntityValues(e, 101), sampleEntityValues(e, 102)];
    const xml = buildQueryResponse(s, e, 'REQ-9', records, { ...opts(10), queryId: 'Q-9' });
    expectValid(xml, s.code);
    const m = readMessage(xml, { service: s });
    expect(m.root).toBe(s.response);
    expect(m.interactionId).toBe(s.response);
    expect(m.ack).toEqual({ typeCode: 'AA', targetMessageId: 'REQ-9', detail: '查询成功，共 2 条记录' });
    expect(m.queryAck).toEqual({ queryId: 'Q-9', responseCode: 'OK', total: 2, current: 2, remaining: 0 });
    expect(m.recordCount).toBe(2);
    expect(extractRecords(s, e, xml)).toEqual(records);
    expect(extractValues(s, e, xml)).toEqual(records[0]);
  });

  it('answers an absent key (F01) with AA, no records and a clear no-result queryAck', () => {
    const s = svc('PatientInfoQuery');
    const e = entityOf(s);
    const xml = buildQueryResponse(s, e, 'REQ-F01', [], opts(11));
    expectValid(xml, 'empty');
    const m = readMessage(xml, { service: s });
    expect(m.ack?.typeCode).toBe('AA');
    expect(m.ack?.detail).toContain('未查询到');
    expect(m.queryAck).toEqual({ queryId: 'REQ-F01', responseCode: 'NF', total: 0, current: 0, remaining: 0 });
    expect(m.recordCount).toBe(0);
    expect(extractRecords(s, e, xml)).toEqual([]);
    expect(extractValues(s, e, xml)).toEqual({});
  });

  it('answers an error with AE, no records and queryResponseCode AE', () => {
    const s = svc('OrderInfoQuery');
    const e = entityOf(s);
    const xml = buildQueryResponse(s, e, 'REQ-AE', [sampleEntityValues(e, 1)], { ...opts(12), typeCode: 'AE', detail: '查询参数缺失' });
    expectValid(xml, 'AE');
    const m = readMessage(xml, { service: s });
    expect(m.ack).toEqual({ typeCode: 'AE', targetMessageId: 'REQ-AE', detail: '查询参数缺失' });
    expect(m.queryAck?.responseCode).toBe('AE');
    expect(m.recordCount).toBe(0);
  });

  it('refuses a service that is not a query', () => {
    const s = svc('PatientInfoRegister');
    expect(() => buildQueryResponse(s, entityOf(s), 'R', [], opts(13))).toThrow(/not a query/);
  });
});

describe('our V3 XSDs reject what the harness cannot rely on', () => {
  const s = svc('PatientInfoRegister');
  const good = buildRequest(s, entityOf(s), { patientId: 'P1', name: '测试甲' }, opts(20));
  const ack = buildAck({ messageId: 'REQ', interactionId: s.request }, { typeCode: 'AA', messageId: 'A1', creationTime: '20250301093000' });
  const qr = buildQueryResponse(svc('PatientInfoQuery'), entityOf(s), 'REQ', [], opts(21));

  it.each([
    ['wrong message id root', good.replace('root="2.16.156.10011.2.5.1.1"', 'root="1.2.3"')],
    ['empty message id', good.replace(`extension="${opts(20).messageId}"`, 'extension=""')],
    ['wrong interactionId root', good.replace('root="2.16.156.10011.2.5.1.2"', 'root="2.16.156.10011.2.5.1.9"')],
    ['malformed interaction name', good.replace('extension="PRPA_IN201311UV02"', 'extension="PatientInfoRegister"')],
    ['bad creationTime', good.replace('value="20250301093000"', 'value="2025-03-01"')],
    ['processingCode outside D/P/T', good.replace('<processingCode code="P"/>', '<processingCode code="X"/>')],
    ['sender before receiver', good.replace(/(<receiver[\s\S]*?<\/receiver>)(<sender[\s\S]*?<\/sender>)/, '$2$1')],
    ['no controlActProcess', good.replace(/<controlActProcess[\s\S]*<\/controlActProcess>/, '')],
    ['acknowledgement typeCode outside AA/AE/AR', ack.replace('typeCode="AA"', 'typeCode="OK"')],
    ['acknowledgement without targetMessage', ack.replace(/<targetMessage>[\s\S]*?<\/targetMessage>/, '')],
    ['queryResponseCode outside OK/NF/QE/AE', qr.replace('<queryResponseCode code="NF"/>', '<queryResponseCode code="NONE"/>')],
    ['negative result count', qr.replace('<resultTotalQuantity value="0"/>', '<resultTotalQuantity value="-1"/>')],
  ])('%s', (_what, xml) => {
    expect(validateV3(xml).ok).toBe(false);
  });

  it('accepts the built messages the cases above start from', () => {
    for (const x of [good, ack, qr]) expect(validateV3(x).problems).toEqual([]);
  });

  it('reports a root it has no schema for instead of throwing', () => {
    const r = validateV3('<ClinicalDocument xmlns="urn:hl7-org:v3"/>');
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.message).toMatch(/no V3 schema/);
  });
});

describe('readMessage on hostile or foreign input', () => {
  it('refuses entity declarations instead of expanding them', () => {
    const evil = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><PRPA_IN201311UV02 xmlns="urn:hl7-org:v3"><id extension="&e;"/></PRPA_IN201311UV02>';
    expect(() => readMessage(evil)).toThrow();
  });

  it('reads a SOAP envelope as a foreign root without guessing', () => {
    const m = readMessage('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>');
    expect(m).toEqual({ root: 'Envelope', namespace: 'http://schemas.xmlsoap.org/soap/envelope/' });
  });
});
