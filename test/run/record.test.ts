import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordFileError, readRecord, writeRecord } from '../../src/run/record-io.js';
import { SecretRegistry } from '../../src/run/secrets.js';
import {
  decideVerdict, exitCodeFor, judge, summarize, validateRecord, type CaseRecord, type PerformanceRecord, type RunRecord,
} from '../../src/run/record.js';

const pass = (id: string, area: CaseRecord['area'] = 'service', extra: Partial<CaseRecord> = {}): CaseRecord => ({
  id, title: `case ${id}`, area, result: 'pass', findings: [], evidence: [`evidence/${id}/01-PatientInfoRegister-request.xml`], ...extra,
});

const errorFinding = { rule: 'HT-MSG-ACK-TARGET', severity: 'error' as const, message: '确认消息的 targetMessage/id 与请求不符', clause: 'WS/T 846-2024', xpath: '/hl7:MCCI_IN000002UV01/hl7:acknowledgement' };

function fullRecord(): RunRecord {
  const cases: CaseRecord[] = [
    pass('EMR-PL-01-T01', 'service', { startedAt: '2025-05-06T09:00:01.250Z', durationMs: 41.5 }),
    pass('EMR-PL-04-F01'),
    pass('EMR-SD-01', 'document'),
    pass('EMR-DE-01', 'dataset', { findings: [{ rule: 'HT-TERM-CODE-UNKNOWN', severity: 'warning', message: '值域代码未登记' }] }),
    { id: 'EMR-PL-90-T01', title: 'beyond the level', area: 'service', result: 'fail', required: false, findings: [errorFinding], evidence: [] },
  ];
  const performance: PerformanceRecord[] = [
    { name: 'PatientInfoQuery-50u', service: 'PatientInfoQuery', result: 'pass', thresholds: [{ expr: 'p(95)<3s', pass: true, actual: 812.4, assumed: true }], latency: { p50: 120 } },
  ];
  return {
    recordVersion: 1,
    runId: '20250506-090000-ab12',
    verdict: decideVerdict(cases, performance),
    plan: 'hospital-5a',
    level: '5a',
    institution: '某市示例医院（合成）',
    expert: '测试专家甲',
    target: 'https://platform.example.invalid/hip',
    binding: { kind: 'soap11', operation: 'HIPMessageServer', namespace: 'urn:hl7-org:v3', params: { action: 'action', message: 'message' }, messageAs: 'cdata' },
    tls: { verify: true, customCa: false, clientCertificate: false },
    startedAt: '2025-05-06T09:00:00.000+08:00',
    finishedAt: '2025-05-06T09:10:00.000+08:00',
    tool: {
      version: '0.1.0',
      catalogVersion: 'abc123',
      layers: [{ id: 'xsd', name: 'XSD', engine: 'libxml2-wasm', engineVersion: '0.7.2', dataVersion: 'cda-cn-1', ran: true }],
    },
    assumptions: [{ figure: 'p(95) threshold', value: '3s', source: { standard: 'WS/T 447-2014', clause: '性能要求', verified: false, note: 'official figure not public' } }],
    summary: summarize(cases),
    cases,
    performance,
  };
}

describe('record.json schema', () => {
  it('accepts a full example', () => {
    const r = validateRecord(fullRecord());
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.record.verdict).toBe('通过');
    expect(r.record.summary).toEqual({ pass: 4, fail: 1, error: 0, skip: 0, byArea: {
      service: { pass: 2, fail: 1, error: 0, skip: 0 }, document: { pass: 1, fail: 0, error: 0, skip: 0 },
      dataset: { pass: 1, fail: 0, error: 0, skip: 0 }, performance: { pass: 0, fail: 0, error: 0, skip: 0 },
    } });
  });

  it('accepts an invalid run (verdict 不通过, exit 3)', () => {
    const rec = { ...fullRecord(), verdict: '不通过' as const, invalid: { reason: 'target unreachable: ECONNREFUSED 127.0.0.1:9' }, cases: [], performance: [], summary: summarize([]) };
    const r = validateRecord(rec);
    expect(r.ok).toBe(true);
    expect(exitCodeFor(rec)).toBe(3);
  });

  const bad: [string, (r: Record<string, unknown> & RunRecord) => unknown, RegExp][] = [
    ['unknown top-level key', (r) => ({ ...r, verdikt: '通过' }), /unknown property "verdikt"/],
    ['missing runId', (r) => { const { runId: _omit, ...rest } = r; return rest; }, /runId/],
    ['verdict outside the two values', (r) => ({ ...r, verdict: 'pass' }), /\/verdict/],
    ['unknown area', (r) => ({ ...r, cases: [{ ...r.cases[0], area: 'network' }] }), /\/cases\/0\/area/],
    ['unknown result', (r) => ({ ...r, cases: [{ ...r.cases[0], result: 'ok' }] }), /\/cases\/0\/result/],
    ['absolute evidence path', (r) => ({ ...r, cases: [{ ...r.cases[0], evidence: ['/etc/passwd'] }] }), /\/cases\/0\/evidence\/0/],
    ['evidence path escaping the run folder', (r) => ({ ...r, cases: [{ ...r.cases[0], evidence: ['evidence/../../x'] }] }), /\/cases\/0\/evidence\/0/],
    ['bad finding severity', (r) => ({ ...r, cases: [{ ...r.cases[0], findings: [{ ...errorFinding, severity: 'fatal' }] }] }), /findings\/0\/severity/],
    ['bad timestamp', (r) => ({ ...r, startedAt: 'yesterday' }), /\/startedAt/],
    ['bad level', (r) => ({ ...r, level: '6' }), /\/level/],
    ['case id with a slash', (r) => ({ ...r, cases: [{ ...r.cases[0], id: '../x' }] }), /\/cases\/0\/id/],
    ['duplicate case ids', (r) => ({ ...r, cases: [r.cases[0], r.cases[0]], summary: summarize([r.cases[0]!, r.cases[0]!]) }), /duplicate case id/],
    ['summary not matching the cases', (r) => ({ ...r, summary: { ...r.summary, pass: 99 } }), /summary does not match/],
    ['verdict not following from the cases', (r) => ({ ...r, verdict: '不通过' }), /verdict 不通过 does not follow/],
    ['invalid run claiming 通过', (r) => ({ ...r, invalid: { reason: 'x' } }), /verdict 通过 does not follow/],
    ['pass with an error finding', (r) => {
      const cases = [{ ...r.cases[0]!, findings: [errorFinding] }, ...r.cases.slice(1)];
      return { ...r, cases, verdict: '不通过', summary: summarize(cases) };
    }, /is pass but has error findings/],
    ['fail without a reason or finding', (r) => {
      const cases: CaseRecord[] = [{ ...r.cases[0]!, result: 'fail' }, ...r.cases.slice(1)];
      return { ...r, cases, verdict: '不通过', summary: summarize(cases) };
    }, /without a reason or finding/],
    ['finished before started', (r) => ({ ...r, finishedAt: '2025-05-06T08:00:00.000+08:00' }), /finishedAt is before startedAt/],
    ['performance stage with unknown result', (r) => ({ ...r, performance: [{ name: 'x', result: 'ok' }] }), /\/performance\/0\/result/],
  ];
  for (const [name, mutate, expected] of bad) {
    it(`rejects: ${name}`, () => {
      const r = validateRecord(mutate(fullRecord() as Record<string, unknown> & RunRecord));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n')).toMatch(expected);
    });
  }

  it('rejects non-objects', () => {
    expect(validateRecord(null).ok).toBe(false);
    expect(validateRecord([]).ok).toBe(false);
  });
});

describe('verdict rules', () => {
  const fail = (id: string, extra: Partial<CaseRecord> = {}): CaseRecord => ({ ...pass(id), result: 'fail', findings: [errorFinding], ...extra });

  it('V1: all required cases pass → 通过', () => {
    expect(decideVerdict([pass('A'), pass('B', 'document')])).toBe('通过');
  });
  it('V1: a required fail → 不通过', () => {
    expect(decideVerdict([pass('A'), fail('B')])).toBe('不通过');
  });
  it('V1: a required error → 不通过', () => {
    expect(decideVerdict([pass('A'), { ...pass('B'), result: 'error', reason: 'timeout' }])).toBe('不通过');
  });
  it('V1: skip never passes a required case', () => {
    const j = judge([pass('A'), { ...pass('B'), result: 'skip', reason: 'excluded in site config' }]);
    expect(j.verdict).toBe('不通过');
    expect(j.reasons).toEqual([expect.objectContaining({ id: 'B', rule: 'V1' })]);
  });
  it('V2: a pass label cannot hide an error finding', () => {
    const j = judge([pass('A', 'service', { findings: [errorFinding] })]);
    expect(j.verdict).toBe('不通过');
    expect(j.reasons[0]?.rule).toBe('V2');
  });
  it('V2: warnings and infos do not fail a case', () => {
    expect(decideVerdict([pass('A', 'service', { findings: [{ ...errorFinding, severity: 'warning' }, { ...errorFinding, severity: 'info' }] })])).toBe('通过');
  });
  it('V3: optional cases never change the verdict', () => {
    expect(decideVerdict([pass('A'), fail('B', { required: false }), { ...pass('C'), result: 'error', required: false, reason: 'x' }, { ...pass('D'), result: 'skip', required: false, reason: 'x' }])).toBe('通过');
  });
  it('V4: required performance stages must pass; invalid and skip never pass', () => {
    const cases = [pass('A')];
    expect(decideVerdict(cases, [{ name: 's', result: 'pass' }])).toBe('通过');
    expect(decideVerdict(cases, [{ name: 's', result: 'fail' }])).toBe('不通过');
    expect(decideVerdict(cases, [{ name: 's', result: 'invalid', reason: 'generator saturated' }])).toBe('不通过');
    expect(decideVerdict(cases, [{ name: 's', result: 'skip' }])).toBe('不通过');
    expect(decideVerdict(cases, [{ name: 's', result: 'fail', required: false }])).toBe('通过');
  });
  it('V5: nothing required → 不通过', () => {
    expect(decideVerdict([])).toBe('不通过');
    expect(decideVerdict([pass('A', 'service', { required: false })], [{ name: 's', result: 'pass', required: false }])).toBe('不通过');
    expect(judge([]).reasons[0]?.rule).toBe('V5');
  });
  it('performance stages alone can carry a run', () => {
    expect(decideVerdict([], [{ name: 's', result: 'pass' }])).toBe('通过');
  });
  it('V6 / exit codes', () => {
    expect(exitCodeFor({ verdict: '通过' })).toBe(0);
    expect(exitCodeFor({ verdict: '不通过' })).toBe(1);
    expect(exitCodeFor({ verdict: '不通过', invalid: { reason: 'unreachable' } })).toBe(3);
  });
  it('lists every reason against the verdict', () => {
    const j = judge([fail('A'), pass('B'), { ...pass('C'), result: 'skip', reason: 'no keys' }], [{ name: 'load', result: 'invalid' }]);
    expect(j.reasons.map((r) => `${r.rule}:${r.id}`)).toEqual(['V1:A', 'V1:C', 'V4:load']);
  });
});

describe('record.json on disk', () => {
  it('writes atomically, owner-only, with secrets scrubbed, and reads back validated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hutong-record-'));
    try {
      const secrets = new SecretRegistry();
      secrets.register('target.url password', 'pw-Secret-42');
      const rec = { ...fullRecord(), target: 'https://expert:pw-Secret-42@platform.example.invalid/hip' };
      const file = writeRecord(dir, rec, secrets);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('pw-Secret-42');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir)).toEqual(['record.json']);
      const back = readRecord(dir);
      expect(back.target).toBe('https://expert:[REDACTED:target.url password]@platform.example.invalid/hip');
      expect(back.cases).toEqual(rec.cases);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to write or read a record that breaks the contract', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hutong-record-'));
    try {
      expect(() => writeRecord(dir, { ...fullRecord(), verdict: '不通过' }, new SecretRegistry())).toThrow(RecordFileError);
      expect(existsSync(join(dir, 'record.json'))).toBe(false);
      writeFileSync(join(dir, 'record.json'), JSON.stringify({ ...fullRecord(), level: '9' }));
      expect(() => readRecord(dir)).toThrow(/\/level/);
      writeFileSync(join(dir, 'record.json'), '{"verdict":');
      expect(() => readRecord(dir)).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
