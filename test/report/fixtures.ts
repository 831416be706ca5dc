/**
 * Run folders for the report tests: a RunRecord built here (valid per validateRecord, written
 * with writeRecord) plus the evidence files it names — SOAP requests/responses carrying a V3
 * message (as CDATA and escaped), a retrieved CDA document, hostile content (markup injection),
 * planted secrets — and performance stages with latency, per-second series and an HDR histogram.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judge, summarize, type CaseRecord, type PerformanceRecord, type RunRecord } from '../../src/run/record.js';
import { writeRecord } from '../../src/run/record-io.js';
import { SecretRegistry } from '../../src/run/secrets.js';
import { LatencyHistogram } from '../../src/perf/index.js';

/** Personal data planted in the evidence (synthetic: 99xxxx area codes, 1990000 block). */
export const PATIENT = { name: '测试甲乙', contact: '测试丙', id: '990101198001011236', phone: '19900001234', doctor: '测试医生' };
/** A valid check character (GB 11643) for the planted ID. */
export const FREE_TEXT_ID = '990102198503150021';

/** Secrets planted into the run folder; none may appear in any output. */
export const SECRETS = {
  registered: 'reg-SECRET-7f3a9c21d4e5',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.QmVhcmVyU2VjcmV0',
  wssePassword: 'wsse-P@ssw0rd-91ab',
  basic: 'YWRtaW46c3VwZXJzZWNyZXQ=',
  urlPassword: 'url-pass-5566',
  apiKey: 'apikey-0099-zz-7788',
  jsonToken: 'json-tok-abcdef123456',
  pemBody: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
};

export function secretRegistry(): SecretRegistry {
  const s = new SecretRegistry();
  s.register('env:HIS_TOKEN', SECRETS.registered);
  return s;
}

export const HOSTILE = {
  script: '<script>window.__pwned=1</script>',
  img: '"><img src=x onerror="window.__pwned=2">',
  closePre: '</pre></details><script>window.__pwned=3</script>',
};

const v3Register = (name: string, id: string, phone: string): string => `<PRPA_IN201311UV02 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0">
<id root="2.16.156.10011.0" extension="MSG-0001"/><interactionId root="2.16.840.1.113883.1.6" extension="PRPA_IN201311UV02"/>
<controlActProcess classCode="CACT" moodCode="EVN"><subject typeCode="SUBJ"><registrationRequest classCode="REG" moodCode="RQO"><subject1 typeCode="SBJ"><patient classCode="PAT">
<id><item root="2.16.156.10011.1.11" extension="P-0001"/></id>
<patientPerson classCode="PSN" determinerCode="INSTANCE">
<id><item root="2.16.156.10011.1.3" extension="${id}"/></id>
<name xsi:type="BAG_EN" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><item><part value="${name}"/></item></name>
<telecom xsi:type="BAG_TEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><item value="${phone}"/></telecom>
<personalRelationship><relationshipHolder1><name><item><part value="${PATIENT.contact}"/></item></name></relationshipHolder1></personalRelationship>
</patientPerson></patient></subject1></registrationRequest></subject></controlActProcess></PRPA_IN201311UV02>`;

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const soap11 = (body: string, header = ''): string => `<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>${header}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

const wsse = `<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>his</wsse:Username><wsse:Password Type="PasswordText">${SECRETS.wssePassword}</wsse:Password></wsse:UsernameToken></wsse:Security>`;

const cdaDoc = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3"><realmCode code="CN"/><title>病历概要</title>
<recordTarget typeCode="RCT"><patientRole classCode="PAT"><id root="2.16.156.10011.1.2" extension="HR-1"/>
<patient classCode="PSN" determinerCode="INSTANCE"><id root="2.16.156.10011.1.3" extension="${PATIENT.id}"/><name>${PATIENT.name}</name></patient></patientRole></recordTarget>
<author><assignedAuthor><assignedPerson><name>${PATIENT.doctor}</name></assignedPerson></assignedAuthor></author>
<component><structuredBody><component><section><text>备注 ${HOSTILE.closePre} 联系电话 010-88886666 联系人身份证 ${FREE_TEXT_ID} 手机 +86 13912345678</text></section></component></structuredBody></component>
</ClinicalDocument>`;

export interface FixtureOptions {
  /** 'pass': everything passes; 'faulty': some cases fail/error, a stage regresses */
  variant: 'pass' | 'faulty';
  dir?: string;
  runId?: string;
  startedAt?: string;
  /** plant secrets and hostile markup (default true) */
  hostile?: boolean;
}

function stage(name: string, service: string, baseMs: number, fail: boolean): PerformanceRecord {
  const h = LatencyHistogram.create();
  const series: { t: number; requests: number; errors: number; p50: number; p99: number }[] = [];
  let seed = name.length * 7919 + baseMs;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (let t = 0; t < 10; t++) {
    const n = 40 + Math.round(rnd() * 10);
    for (let i = 0; i < n; i++) h.recordUs(1000 * baseMs * (0.6 + rnd() * 0.8 + (rnd() < 0.05 ? 3 : 0)));
    series.push({ t, requests: n, errors: fail && t > 6 ? 2 : 0, p50: baseMs * (0.9 + rnd() * 0.2), p99: baseMs * (2 + rnd()) });
  }
  const s = h.summary();
  return {
    name, service, result: fail ? 'fail' : 'pass', required: true,
    thresholds: [{ expr: 'p(95)<3s', pass: !fail, actual: fail ? 3100 : s.p95Ms }, { expr: 'errors<0.1%', pass: !fail, actual: fail ? '1.2%' : '0%', assumed: true }],
    model: 'closed', users: 20, durationS: 10, requests: h.count, errorCount: fail ? 6 : 0, errors: fail ? { 'http-status:500': 6 } : {},
    rps: h.count / 10,
    latency: { p50: s.p50Ms, p90: s.p90Ms, p95: s.p95Ms, p99: s.p99Ms, p999: s.p999Ms, mean: s.meanMs, max: s.maxMs, min: s.minMs },
    series, generator: { cpuPct: 20 }, latencyHdr: h.encode(),
  };
}

/** Write a run folder; returns its path and the record written. */
export function makeRun(opts: FixtureOptions): { dir: string; record: RunRecord } {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'hutong-report-'));
  mkdirSync(dir, { recursive: true });
  const faulty = opts.variant === 'faulty';
  const hostile = opts.hostile !== false;
  const ev = (caseId: string, name: string, body: string): string => {
    mkdirSync(join(dir, 'evidence', caseId), { recursive: true });
    writeFileSync(join(dir, 'evidence', caseId, name), body);
    return `evidence/${caseId}/${name}`;
  };
  const t0 = Date.parse(opts.startedAt ?? '2026-12-01T08:00:00.000Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();

  const cases: CaseRecord[] = [];
  // register: T01 passes; in the faulty run the platform answers AE and echoes secrets back
  const reqT01 = soap11(`<HIPMessageServer><action>PatientInfoRegister</action><message><![CDATA[${v3Register(PATIENT.name, PATIENT.id, PATIENT.phone)}]]></message></HIPMessageServer>`, hostile ? wsse : '');
  const resT01 = faulty
    ? soap11(`<HIPMessageServerResponse><return>${escapeXml(`<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3"><acknowledgement typeCode="AE"><acknowledgementDetail><text>患者 ${PATIENT.name} 身份证 ${PATIENT.id} 重复 ${hostile ? HOSTILE.script : ''} token=${hostile ? SECRETS.registered : 'x'}</text></acknowledgementDetail></acknowledgement></MCCI_IN000002UV01>`)}</return></HIPMessageServerResponse>`)
    : soap11('<HIPMessageServerResponse><return>&lt;MCCI_IN000002UV01 xmlns="urn:hl7-org:v3"&gt;&lt;acknowledgement typeCode="AA"/&gt;&lt;/MCCI_IN000002UV01&gt;</return></HIPMessageServerResponse>');
  const evT01 = [ev('EMR-PL-01-T01', '01-PatientInfoRegister-request.xml', reqT01), ev('EMR-PL-01-T01', '01-PatientInfoRegister-response.xml', resT01)];
  cases.push(faulty
    ? {
      id: 'EMR-PL-01-T01', title: '个人信息注册服务 T01', area: 'service', result: 'fail', evidence: evT01, startedAt: at(1), durationMs: 120,
      findings: [{
        rule: 'HT-MSG-ACK-CODE', severity: 'error', message: `应答码为 AE，期望 AA（患者 ${PATIENT.name}）${hostile ? HOSTILE.img : ''}`, messageEn: 'acknowledgement AE, expected AA',
        hint: '检查平台对合规注册请求的处理', clause: 'WS/T 846.1-2024 §6.2', xpath: '/hl7:MCCI_IN000002UV01/hl7:acknowledgement/@typeCode',
      }],
    }
    : { id: 'EMR-PL-01-T01', title: '个人信息注册服务 T01', area: 'service', result: 'pass', evidence: evT01, findings: [], startedAt: at(1), durationMs: 80 });
  cases.push({ id: 'EMR-PL-01-F01', title: '个人信息注册服务 F01', area: 'service', result: 'pass', evidence: [], findings: [], durationMs: 40 });
  // query: fine in both
  cases.push({ id: 'EMR-PL-02-T01', title: '个人信息查询服务 T01', area: 'service', result: 'pass', evidence: [], findings: [], durationMs: 60 });
  // update: errors in the faulty run (connection reset); reason carries a credential header
  cases.push(faulty
    ? { id: 'EMR-PL-03-T01', title: '个人信息更新服务 T01', area: 'service', result: 'error', evidence: [ev('EMR-PL-03-T01', '01-PatientInfoUpdate-request.xml', `Authorization: Basic ${SECRETS.basic}\nX-Api-Key: ${SECRETS.apiKey}\n\n${soap11('<x/>')}`)], findings: [], reason: hostile ? `connection reset by http://his:${SECRETS.urlPassword}@127.0.0.1:9/soap11 (Authorization: Bearer ${SECRETS.bearer})` : 'connection reset' }
    : { id: 'EMR-PL-03-T01', title: '个人信息更新服务 T01', area: 'service', result: 'pass', evidence: [], findings: [] });
  // an optional service that was skipped
  cases.push({ id: 'EMR-PL-40-T01', title: '术语查询服务 T01', area: 'service', result: 'skip', required: false, reason: '本级别不要求', evidence: [], findings: [] });
  // document: schema findings in the faulty run
  const evSD = [ev('EMR-SD-01', '03-DocumentRetrieve-response.xml', soap11(`<HIPMessageServerResponse><return><![CDATA[${cdaDoc}]]></return></HIPMessageServerResponse>`)),
    ev('EMR-SD-01', 'retrieved-C0001.xml', cdaDoc)];
  if (hostile) evSD.push(ev('EMR-SD-01', 'notes.json', `{"token": "${SECRETS.jsonToken}", "note": "-----BEGIN PRIVATE KEY-----\\n${SECRETS.pemBody}\\n-----END PRIVATE KEY-----"}`));
  cases.push(faulty
    ? {
      id: 'EMR-SD-01', title: '病历概要', area: 'document', result: 'fail', evidence: evSD, durationMs: 300,
      findings: [
        { rule: 'HT-XSD-INVALID', severity: 'error', message: `元素 realmCode 的 code 属性值无效 ${hostile ? HOSTILE.closePre : ''}`, clause: 'WS/T 500.1-2016 §5.1', xpath: '/ClinicalDocument/realmCode', hint: 'realmCode 必须为 CN', line: 2, column: 40, file: 'retrieved-C0001.xml' },
        { rule: 'HT-TPL-ENTRY-MISSING', severity: 'error', message: '缺少必填数据元 DE02.01.039.00 患者姓名', clause: 'WS/T 500.1-2016 §5.2.1', xpath: '/ClinicalDocument/recordTarget/patientRole/patient/name', hint: '补充患者姓名' },
        { rule: 'HT-TPL-TITLE', severity: 'warning', message: '文档标题与模板不一致', clause: 'WS/T 500.1-2016 §5' },
      ],
    }
    : { id: 'EMR-SD-01', title: '病历概要', area: 'document', result: 'pass', evidence: evSD, findings: [{ rule: 'HT-TPL-TITLE', severity: 'info', message: '标题符合' }], durationMs: 280 });
  cases.push({ id: 'EMR-DE-01', title: 'WS 445.01 基本信息', area: 'dataset', result: 'pass', evidence: [], findings: [] });

  const performance = [stage('register-steady', 'PatientInfoRegister', faulty ? 42 : 20, faulty), stage('query-steady', 'PatientInfoQuery', 12, false)];
  const verdict = judge(cases, performance).verdict;
  const record: RunRecord = {
    recordVersion: 1,
    runId: opts.runId ?? `run-${opts.variant}`,
    verdict,
    plan: 'hospital-5a',
    level: '5a',
    institution: '测试人民医院',
    expert: '王测评',
    target: hostile ? `http://127.0.0.1:18080/soap11?token=${SECRETS.registered}` : 'http://127.0.0.1:18080/soap11',
    binding: { kind: 'soap11', operation: 'HIPMessageServer', messageAs: 'cdata' },
    startedAt: at(0),
    finishedAt: at(65),
    tool: { version: '0.1.0', catalogVersion: 'cat-1', layers: [{ id: 'xsd', name: 'XSD', engine: 'libxml2-wasm', engineVersion: '0.7.2', dataVersion: 'cda-cn-1', ran: true }] },
    assumptions: [{ figure: 'p(95) 响应时间', value: '3s', source: { standard: '国家卫生健康委统计信息中心 测评方案', verified: false, note: '非官方数值' } }],
    summary: summarize(cases),
    cases,
    performance,
  };
  writeRecord(dir, record, new SecretRegistry());
  return { dir, record };
}
