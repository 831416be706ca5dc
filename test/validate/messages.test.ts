import { readdirSync, readFileSync } from 'node:fs';
import { XmlElement } from 'libxml2-wasm';
import { describe, expect, it } from 'vitest';
import type { ServiceDef } from '../../src/catalog/types.js';
import { buildRequest } from '../../src/samples/message.js';
import { sampleEntityValues } from '../../src/samples/message-values.js';
import { resolveBinding, wrapRequest } from '../../src/transport/index.js';
import { parseTestName, validateText } from '../../src/validate/index.js';
import { selectPath } from '../../src/xml/index.js';
import { catalog, errors, hasShared, mutate, rules, setAttr, SHARED, request, response, wrap } from './helpers.js';


const svc = (code: string) => catalog.services.find((s) => s.code === code)!;
const fileOf = (s: ServiceDef, v = 'T01') => `${s.caseId}-${s.name}-${v}.xml`;

describe('every service: the built request and its response pass', () => {
  it('covers the 69 services', () => expect(catalog.services).toHaveLength(69));
  for (const s of catalog.services) {
    it(`${s.caseId} ${s.code}`, () => {
      const req = validateText(request(s), { fileName: fileOf(s) });
      expect(errors(req)).toEqual([]);
      expect(req).toMatchObject({ kind: 'v3-request', service: s.code, verdict: 'pass' });
      const rsp = validateText(response(s), { expect: { service: s.code, requestId: wrap.messageId, ...(s.responseRecords ? { records: 'some' as const } : {}) } });
      expect(errors(rsp)).toEqual([]);
      expect(rsp).toMatchObject({ kind: s.responseRecords ? 'v3-query-response' : 'v3-ack', service: s.code, verdict: 'pass' });
    });
  }
});

describe('message mutations are caught by the right rule', () => {
  const reg = svc('PatientInfoRegister');
  const query = svc('PatientInfoQuery');

  it('wrong interactionId → HT-MSG-INTERACTION', () => {
    const xml = mutate(request(reg), (root) => setAttr(selectPath(root, 'hl7:interactionId')[0] as XmlElement, 'extension', 'PRPA_IN201314UV02'));
    expect(rules(validateText(xml), 'error')).toContain('HT-MSG-INTERACTION');
  });

  it('an acknowledgement that does not echo the request id → HT-MSG-ACK-TARGET', () => {
    const r = validateText(response(reg), { expect: { service: reg.code, requestId: 'SOME-OTHER-ID' } });
    expect(rules(r, 'error')).toEqual(['HT-MSG-ACK-TARGET']);
    expect(r.findings[0]!.xpath).toContain('targetMessage');
  });

  it('AE where AA is expected → HT-MSG-ACK-TYPE; AE without a reason → HT-MSG-ACK-DETAIL too', () => {
    const ae = response(reg, 'AE');
    const r = validateText(ae, { expect: { service: reg.code, requestId: wrap.messageId } });
    expect(rules(r, 'error')).toContain('HT-MSG-ACK-TYPE');
    expect(r.findings.find((f) => f.rule === 'HT-MSG-ACK-TYPE')!.message).toContain('AE');
    expect(validateText(ae, { expect: { ack: 'AE', requestId: wrap.messageId } }).verdict).toBe('pass');
    const bare = mutate(ae, (root) => (selectPath(root, 'hl7:acknowledgement/hl7:acknowledgementDetail')[0] as XmlElement).remove());
    expect(rules(validateText(bare, { expect: { ack: 'AE' } }), 'warning')).toContain('HT-MSG-ACK-DETAIL');
  });

  it('query response: no record for an existing key → HT-MSG-QUERY-EMPTY; records for an absent key → HT-MSG-QUERY-UNEXPECTED', () => {
    const none = response(query, 'AA', 0);
    expect(rules(validateText(none, { expect: { service: query.code, requestId: wrap.messageId, records: 'some', key: 'P001' } }), 'error')).toContain('HT-MSG-QUERY-EMPTY');
    expect(validateText(none, { expect: { service: query.code, requestId: wrap.messageId, records: 'none' } }).verdict).toBe('pass');
    const two = response(query, 'AA', 2);
    expect(rules(validateText(two, { expect: { service: query.code, requestId: wrap.messageId, records: 'none', key: 'NOPE' } }), 'error')).toContain('HT-MSG-QUERY-UNEXPECTED');
  });

  it('a register request without a required field → HT-MSG-FIELD-MISSING', () => {
    const entity = catalog.entities.get(reg.entity)!;
    const field = entity.fields.find((f) => f.required && f.key)!;
    const values = sampleEntityValues(entity, 1);
    delete values[field.name];
    const r = validateText(buildRequest(reg, entity, values, wrap));
    expect(rules(r, 'error')).toContain('HT-MSG-FIELD-MISSING');
    expect(r.findings.find((f) => f.rule === 'HT-MSG-FIELD-MISSING')!.message).toContain(field.label);
  });

  it('a message sent where another service was expected → HT-MSG-ROOT', () => {
    expect(rules(validateText(request(reg), { expect: { service: 'ProviderInfoRegister' } }), 'error')).toContain('HT-MSG-ROOT');
  });

  it('a message id without its OID → HT-MSG-ID; a creationTime that is no date → HT-MSG-CREATIONTIME', () => {
    const xml = mutate(request(reg), (root) => {
      setAttr(selectPath(root, 'hl7:id')[0] as XmlElement, 'root', '1.2.3');
      setAttr(selectPath(root, 'hl7:creationTime')[0] as XmlElement, 'value', '20230230120000');
    });
    expect(rules(validateText(xml), 'error')).toEqual(expect.arrayContaining(['HT-MSG-ID', 'HT-MSG-CREATIONTIME']));
  });

  it('an unknown interaction → HT-MSG-INTERACTION-UNKNOWN', () => {
    const xml = request(reg).replaceAll('PRPA_IN201311UV02', 'PRPA_IN999999UV99');
    expect(rules(validateText(xml), 'error')).toContain('HT-MSG-INTERACTION-UNKNOWN');
  });

  it('a SOAP envelope is unwrapped and the V3 message inside validated', () => {
    for (const kind of ['soap11', 'soap12'] as const) {
      const env = wrapRequest(resolveBinding(kind), reg.code, request(reg)).body;
      const r = validateText(env, { fileName: fileOf(reg) });
      expect(r).toMatchObject({ kind: 'v3-request', service: reg.code, envelope: kind, verdict: 'pass' });
    }
    const broken = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>';
    expect(rules(validateText(broken), 'error')).toContain('HT-PRE-SOAP');
  });

  it('a file name for another service → HT-PRE-FILENAME; a missing -T01/-F01 too', () => {
    expect(rules(validateText(request(reg), { fileName: fileOf(svc('ProviderInfoRegister')) }), 'warning')).toContain('HT-PRE-FILENAME');
    expect(rules(validateText(request(reg), { fileName: `${reg.caseId}-${reg.name}.xml` }), 'warning')).toContain('HT-PRE-FILENAME');
  });

  it('services sharing an interaction are told apart by content when the name does not say', () => {
    // OutPatientInfoAdd / InPatientInfoAdd / DischargeInfoAdd all send PRPA_IN400001UV
    for (const code of ['OutPatientInfoAdd', 'InPatientInfoAdd', 'DischargeInfoAdd']) {
      const r = validateText(request(svc(code)));
      expect(r.service === undefined || r.service === code, `${code} → ${r.service}`).toBe(true);
      expect(r.verdict).toBe('pass');
    }
  });
});

/** the services an AMBIGUOUS finding says the content fits */
function fits(r: ReturnType<typeof validateText>): string[] {
  const f = r.findings.find((x) => x.rule === 'HT-MSG-SERVICE-AMBIGUOUS');
  return f ? /fits each of (.*), so it/.exec(f.messageEn!)![1]!.split(', ') : [];
}

describe('services sharing an interaction: content decides only when it can', () => {
  it('every built request without a file name: the right service, or ambiguity that lists it — never another', () => {
    let told = 0;
    for (const s of catalog.services) {
      const r = validateText(request(s));
      if (r.service !== undefined) {
        expect(r.service, s.code).toBe(s.code);
        told++;
      } else {
        expect(rules(r, 'info'), s.code).toContain('HT-MSG-SERVICE-AMBIGUOUS');
        expect(fits(r), s.code).toContain(s.code);
      }
      expect(r.verdict, s.code).toBe('pass');
    }
    expect(told).toBeGreaterThan(40);
  });

  it('an actId rooted as an order (2.16.156.10011.2.5.1.31) rules out the application queries (1.24)', () => {
    const r = validateText(request(svc('OrderInfoQuery')));
    expect(r.service).toBeUndefined();
    expect(fits(r)).toEqual(expect.arrayContaining(['OrderInfoQuery', 'OrderFillerStatusInfoQuery']));
    expect(fits(r)).not.toContain('ExamAppInfoQuery');
    expect(fits(r)).not.toContain('OperationScheduleInfoQuery');
  });

  it('the key OID tells 个人信息 from 就诊卡 (PRPA_IN201305UV02)', () => {
    for (const code of ['PatientInfoQuery', 'EncounterCardInfoQuery']) {
      const r = validateText(request(svc(code)));
      expect(r.service).toBe(code);
      expect(rules(r, 'info')).toContain('HT-MSG-SERVICE-INFERRED');
    }
  });

  it('the file name case id decides where content cannot', () => {
    const s = svc('TransferInfoQuery');
    expect(validateText(request(s)).service).toBeUndefined();
    expect(validateText(request(s), { fileName: fileOf(s) }).service).toBe(s.code);
  });
});

describe.skipIf(!hasShared)('practitioner query messages renamed (oracle in ../shared/reference)', () => {
  const dir = new URL('django-hip-service/query-test-messages/', SHARED);
  const names = hasShared ? readdirSync(dir).filter((n) => n.endsWith('.xml')).sort() : [];
  it('are never taken as another service (住院转科 is not 住院就诊, 医嘱执行状态 is not 医嘱信息)', () => {
    for (const n of names) {
      const r = validateText(readFileSync(new URL(n, dir)), { fileName: 'message.xml' });
      const caseNo = parseTestName(n)!.number;
      const right = catalog.services.filter((x) => Number(x.caseId.split('-')[2]) === caseNo).map((x) => x.code);
      if (r.service !== undefined) expect(right, `${n} → ${r.service}`).toContain(r.service);
      else expect(fits(r).some((c) => right.includes(c)), `${n}: ${fits(r).join(', ')}`).toBe(true);
    }
  });

  it('医嘱执行状态 (EMR-PL-60) is ambiguous with 医嘱信息, and the application queries are ruled out', () => {
    const n = names.find((x) => x.startsWith('EMR-PL-60-') && x.includes('T01'))!;
    const r = validateText(readFileSync(new URL(n, dir)), { fileName: 'message.xml' });
    expect(r.service).toBeUndefined();
    expect(fits(r)).toEqual(expect.arrayContaining(['OrderInfoQuery', 'OrderFillerStatusInfoQuery']));
    expect(fits(r)).not.toContain('ExamAppInfoQuery');
  });
});

describe('test-package names', () => {
  it('parses EMR-SD / EMR-PL / EHR-SD / EHR-DE', () => {
    expect(parseTestName('EMR-SD-04-门（急）诊病历-测试一-T01-001.xml')).toMatchObject({ role: 'document', family: 'EMR', number: 4, variant: 'T01' });
    expect(parseTestName('dir/EMR-PL-04-个人信息查询服务-F01.xml')).toMatchObject({ role: 'service', number: 4, variant: 'F01', label: '个人信息查询服务' });
    expect(parseTestName('EHR-SD-1-个人基本健康信息登记.xml')).toMatchObject({ role: 'document', family: 'EHR', number: 1 });
    expect(parseTestName('EHR-DE-03-出生医学证明-T01.xml')).toMatchObject({ role: 'dataset', family: 'EHR', number: 3 });
    expect(parseTestName('random.xml')).toBeUndefined();
  });
});

describe.skipIf(!hasShared)('the 50 practitioner query messages (oracle in ../shared/reference)', () => {
  const dir = new URL('django-hip-service/query-test-messages/', SHARED);
  const names = hasShared ? readdirSync(dir).filter((n) => n.endsWith('.xml')).sort() : [];

  it('are 50 files', () => expect(names).toHaveLength(50));

  for (const n of names) {
    it(`${n} is recognised as its service`, () => {
      const r = validateText(readFileSync(new URL(n, dir)), { fileName: n });
      const caseNo = parseTestName(n)!.number;
      const s = catalog.services.find((x) => x.code === r.service);
      expect(r.kind).toBe('v3-request');
      expect(s, n).toBeDefined();
      expect(Number(s!.caseId.split('-')[2])).toBe(caseNo);
      expect(s!.pattern === 'query' || s!.pattern === 'retrieve').toBe(true);
      expect(rules(r)).not.toContain('HT-PRE-FILENAME');
      expect(rules(r)).not.toContain('HT-XSD-INVALID');
    });
  }
});
