import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import type { PerformanceProfile, PerformanceStage, PlanDef } from '../../src/catalog/types.js';
import { fastUnwrap, ResponseCheck } from '../../src/perf/check.js';
import { foldValidation, loadProfileFile, loopLagBound, PerfConfigError, resolveStages, runProfile } from '../../src/perf/profile.js';
import { RequestBuilder, serviceLoad } from '../../src/perf/requests.js';
import { renderPerformance } from '../../src/perf/table.js';
import type { StageResult } from '../../src/perf/types.js';
import { buildAck, buildQueryResponse, readMessage } from '../../src/samples/message.js';
import { sampleEntityValues } from '../../src/samples/message-values.js';
import { resolveBinding } from '../../src/transport/binding.js';
import { readRequest, unwrapResponse, writeResponse } from '../../src/transport/envelope.js';
import { startEchoPlatform } from './profile-server.js';

const catalog = loadCatalog();
const soap = resolveBinding('soap11');
const plan5a = catalog.plans.find((p) => p.id === 'hospital-5a')!;
const tmp = mkdtempSync(join(tmpdir(), 'hutong-profile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const stage = (over: Partial<PerformanceStage>): PerformanceStage => ({
  name: 's',
  service: 'PatientInfoQuery',
  model: 'closed',
  users: 50,
  warmupSeconds: 10,
  durationSeconds: 60,
  thresholds: ['avg<1000ms'],
  assumed: true,
  ...over,
});

describe('resolveStages', () => {
  it('keeps the plan figures in plan mode and caps them in short mode, scaling rps bounds', () => {
    const p: PerformanceProfile = {
      stages: [
        stage({ name: 'q', thinkTimeMs: 1000 }),
        stage({ name: 'o', model: 'open', users: undefined, rate: 100, thresholds: ['p(95)<3s', 'rps>=95'] }),
      ],
      short: { warmupSeconds: 1, durationSeconds: 3, maxUsers: 5, maxRate: 20, maxThinkTimeMs: 10 },
    };
    const plan = resolveStages(p, 'plan');
    expect(plan[0]!.stage).toMatchObject({ model: 'closed', users: 50, warmupS: 10, durationS: 60, thinkTimeMs: 1000 });
    expect(plan[1]!.stage).toMatchObject({ model: 'open', rate: 100, thresholds: ['p(95)<3s', 'rps>=95'] });
    const short = resolveStages(p, 'short');
    expect(short[0]!.stage).toMatchObject({ users: 5, warmupS: 1, durationS: 3, thinkTimeMs: 10 });
    expect(short[1]!.stage).toMatchObject({ rate: 20, durationS: 3, thresholds: ['p(95)<3s', 'rps>=19'] });
    expect(short[1]!.thresholds[1]).toEqual({ expr: 'rps>=19', scaledFrom: 'rps>=95' });
  });

  it('rejects bad thresholds and model fields before any load, naming the stage', () => {
    expect(() => resolveStages({ stages: [stage({ thresholds: ['p95<3s'] })] })).toThrow(PerfConfigError);
    expect(() => resolveStages({ stages: [stage({ thresholds: ['p95<3s'] })] })).toThrow(/"s".*p95<3s/);
    expect(() => resolveStages({ stages: [stage({ users: undefined })] })).toThrow(/needs users/);
    expect(() => resolveStages({ stages: [stage({ model: 'open', users: undefined })] })).toThrow(/needs rate/);
    expect(() => resolveStages({ stages: [stage({}), stage({})] })).toThrow(/duplicate/);
  });

  it('every level plan has a profile that resolves, for both modes', () => {
    for (const p of catalog.plans.filter((x) => x.performance)) {
      for (const mode of ['plan', 'short'] as const) expect(resolveStages(p.performance!, mode).length).toBeGreaterThan(0);
      for (const s of p.performance!.stages) expect(() => serviceLoad(catalog, s.service, p.kind)).not.toThrow();
    }
    expect(catalog.plans.filter((x) => x.kind === 'hospital').every((p) => p.performance)).toBe(true);
    // a regional plan's stages load the WS/T 790 services (their own case ids), not the hospital ones
    const regional = catalog.regionalServices?.find((s) => s.code === 'PatientInfoQuery');
    if (regional) expect(serviceLoad(catalog, 'PatientInfoQuery', 'regional').service).toBe(regional);
  });

  it('tolerates event-loop lag up to a tenth of the tightest latency bound, 25 ms at least', () => {
    const [a] = resolveStages({ stages: [stage({ thresholds: ['avg<1000ms', 'p(95)<3s', 'errors<1%'] })] });
    const [b] = resolveStages({ stages: [stage({ thresholds: ['p(99)<100ms'] })] });
    const [c] = resolveStages({ stages: [stage({ thresholds: ['errors<1%'] })] });
    expect([loopLagBound(a!), loopLagBound(b!), loopLagBound(c!)]).toEqual([100, 25, 25]);
  });
});

describe('profile files', () => {
  it('accepts a bare profile or {performance: …} and checks it against the plan schema', () => {
    const a = join(tmp, 'a.yaml');
    writeFileSync(a, 'stages:\n  - { name: x, service: DocumentRegister, model: open, rate: 5, warmupSeconds: 0, durationSeconds: 1, thresholds: [errors<1%], assumed: false }\n');
    expect(loadProfileFile(a).stages[0]!.rate).toBe(5);
    const b = join(tmp, 'b.json');
    writeFileSync(b, JSON.stringify({ performance: { poolSize: 3, stages: [stage({})] } }));
    expect(loadProfileFile(b).poolSize).toBe(3);
    const c = join(tmp, 'c.yaml');
    writeFileSync(c, 'stages:\n  - { name: x, service: DocumentRegister, model: open, rate: 5, warmupSeconds: 0, durationSeconds: 1, thresholds: [], assumed: false, colour: red }\n');
    expect(() => loadProfileFile(c)).toThrow(/colour/);
  });
});

describe('requests under load', () => {
  const load = serviceLoad(catalog, 'PatientInfoRegister');
  it('builds a fresh message per request: unique message ids and unique keys for registers', () => {
    const b = new RequestBuilder(load, { binding: soap, endpointPath: '/soap11', runTag: 'T', seedBase: 1000 });
    const reqs = [0, 1, 2].map((i) => b.build(i));
    expect(new Set(reqs.map((r) => r.messageId)).size).toBe(3);
    expect(new Set(reqs.map((r) => r.spec.body)).size).toBe(3);
    const ids = reqs.map((r) => {
      const got = readRequest(soap, r.spec.headers!['Content-Type'], r.spec.headers!, String(r.spec.body));
      if ('error' in got) throw new Error(got.error.reason);
      return readMessage(got.v3xml).messageId;
    });
    expect(ids).toEqual(reqs.map((r) => r.messageId));
    const keys = [0, 1, 2].map((i) => b.values(i)['patientId']);
    expect(new Set(keys).size).toBe(3);
    expect(reqs[0]!.spec.path).toBe('/soap11');
  });

  it('queries ask for pooled keys, in turn', () => {
    const q = serviceLoad(catalog, 'PatientInfoQuery');
    const pool = [1, 2].map((s) => sampleEntityValues(q.entity, s));
    const b = new RequestBuilder(q, { binding: soap, endpointPath: '/x', runTag: 'T', seedBase: 0, pool });
    const keyOf = (i: number): string | undefined => {
      const spec = b.build(i).spec;
      const got = readRequest(soap, spec.headers!['Content-Type'], spec.headers!, String(spec.body));
      if ('error' in got) throw new Error(got.error.reason);
      return readMessage(got.v3xml, { service: q.service }).queryKey?.['patientId'];
    };
    expect([keyOf(0), keyOf(1), keyOf(2)]).toEqual([pool[0]!['patientId'], pool[1]!['patientId'], pool[0]!['patientId']]);
    expect(() => new RequestBuilder(q, { binding: soap, endpointPath: '/x', runTag: 'T', seedBase: 0 })).toThrow(/no pooled/);
    expect(() => serviceLoad(catalog, 'PatientInfoMerge')).toThrow(/merge/);
  });
});

describe('the per-response check', () => {
  const q = serviceLoad(catalog, 'PatientInfoQuery');
  const rec = sampleEntityValues(q.entity, 7);
  const meta = { messageId: 'R1', creationTime: '20250101000000', sender: 'p', receiver: 'h' };
  const body = (xml: string): Buffer => writeResponse(soap, xml).body;
  const h = { 'content-type': 'text/xml; charset=utf-8' };
  const mk = (): ResponseCheck => {
    const c = new ResponseCheck({ binding: soap, service: q.service, catalog, validateEvery: 1, expectRecords: true });
    c.expect('M1');
    return c;
  };

  it('passes a query response that answers our request with its record', () => {
    expect(mk().check(200, h, body(buildQueryResponse(q.service, q.entity, 'M1', [rec], meta)))).toBeNull();
  });

  it('classifies every failure so the error count explains itself', () => {
    expect(mk().check(200, h, body(buildQueryResponse(q.service, q.entity, 'M1', [], meta)))).toBe('no-record');
    expect(mk().check(200, h, body(buildQueryResponse(q.service, q.entity, 'OTHER', [rec], meta)))).toBe('ack-mismatch');
    expect(mk().check(200, h, body(buildQueryResponse(q.service, q.entity, 'M1', [rec], { ...meta, typeCode: 'AE' })))).toBe('ack-AE');
    // an acknowledgement where a query response is due
    expect(mk().check(200, h, body(buildAck({ messageId: 'M1', interactionId: q.service.request }, { typeCode: 'AA', ...meta })))).toBe('invalid-body');
    const fault = writeResponse(soap, { faultCode: 'Receiver', reason: 'db down' });
    expect(mk().check(fault.status, fault.headers, fault.body)).toBe('soap-fault');
    expect(mk().check(503, {}, Buffer.from('busy'))).toBe('http-status:503');
    expect(mk().check(200, h, Buffer.from('not xml at all'))).toBe('invalid-body');
    expect(mk().check(200, h, body('<x xmlns="urn:hl7-org:v3"/>'))).toBe('ack-missing');
  });

  it('fast path: a CDATA-carried answer reads as the envelope parser reads it; anything else takes the full path', () => {
    const ack = buildAck({ messageId: 'M1', interactionId: q.service.request }, { typeCode: 'AA', ...meta });
    const text = writeResponse(soap, ack).body.toString('utf8');
    const full = unwrapResponse(soap, text);
    expect(full.kind === 'message' && full.v3xml).toBe(fastUnwrap(soap, text));
    const escaped = resolveBinding({ kind: 'soap11', messageAs: 'escaped' });
    expect(fastUnwrap(escaped, writeResponse(escaped, ack).body.toString('utf8'))).toBeUndefined();
    expect(fastUnwrap(soap, writeResponse(soap, { faultCode: 'Receiver', reason: 'x', detail: '<![CDATA[a]]>' }).body.toString('utf8'))).toBeUndefined();
    expect(fastUnwrap(soap, text.replace(/<\/soap:Envelope>\s*$/, ''))).toBeUndefined();
    expect(fastUnwrap(resolveBinding('http'), ack)).toBeUndefined();
  });

  it('keeps one response in validateEvery for full validation after the stage', () => {
    const c = new ResponseCheck({ binding: soap, service: q.service, catalog, validateEvery: 2, expectRecords: true });
    for (const id of ['A', 'B', 'C']) {
      c.expect(id);
      expect(c.check(200, h, body(buildQueryResponse(q.service, q.entity, id, [rec], meta)))).toBeNull();
    }
    expect(c.stats.validated).toBe(0);
    expect(c.validateSamples()).toBe(0);
    expect(c.stats.validated).toBe(2);
  });

  it('folds rejected samples into the errors and judges the error thresholds again', () => {
    const r = {
      requests: 100,
      errorCount: 0,
      errors: {},
      errorExamples: {},
      rps: 10,
      valid: true,
      passed: true,
      thresholds: [
        { text: 'errors<1%', ok: true, actual: 0, expected: 0.01, detail: '' },
        { text: 'avg<1000ms', ok: true, actual: 5, expected: 1000, detail: '' },
      ],
    } as unknown as StageResult;
    foldValidation(r, 2, { checked: 100, validated: 2, validationFailed: 2, findings: { 'HT-MSG-X': 2 } });
    expect(r.errors).toEqual({ 'invalid-body': 2 });
    expect(r.errorCount).toBe(2);
    expect(r.thresholds.map((t) => t.ok)).toEqual([false, true]);
    expect(r.passed).toBe(false);
    expect(r.errorExamples['invalid-body']).toMatch(/HT-MSG-X×2/);
  });
});

describe('runProfile against a loopback platform', () => {
  const mini = (stages: PerformanceStage[]): PlanDef => ({ ...plan5a, performance: { poolSize: 3, validateEvery: 5, stages } });

  it('registers a key pool, queries only those keys, and records every stage', async () => {
    const srv = await startEchoPlatform(catalog);
    try {
      const plan = mini([
        stage({ name: 'q', users: 2, warmupSeconds: 0.2, durationSeconds: 1, thresholds: ['avg<5s', 'errors<50%'] }),
        stage({ name: 'r', service: 'DocumentRegister', model: 'open', users: undefined, rate: 10, warmupSeconds: 0, durationSeconds: 1, thresholds: ['errors<50%'] }),
      ]);
      const lines: string[] = [];
      const recs = await runProfile({ plan, catalog, binding: soap, target: srv.url, progress: (l) => lines.push(l) });
      expect(srv.byAction['PatientInfoRegister']).toBe(3);
      expect(recs.map((r) => [r.name, r.service, r.model])).toEqual([['q', 'PatientInfoQuery', 'closed'], ['r', 'DocumentRegister', 'open']]);
      const [q, r] = recs;
      // an answered query of a registered key: none came back empty
      expect(q!.errors).toEqual({});
      expect(q!.requests as number).toBeGreaterThan(0);
      expect(q!.setup).toMatchObject({ registered: 3, failed: 0 });
      expect((q!.check as { validated: number }).validated).toBeGreaterThan(0);
      expect(r!.rate).toBe(10);
      expect(q!.thresholds!.map((t) => t.expr)).toEqual(['avg<5s', 'errors<50%']);
      expect(lines.some((l) => l.startsWith('setup:'))).toBe(true);
      // every request carried its own message id
      expect(srv.messageIds.size).toBe(srv.requests);
    } finally {
      await srv.close();
    }
  });

  it('an interrupted run reports the stages it did not run as skip', async () => {
    const srv = await startEchoPlatform(catalog);
    try {
      const ac = new AbortController();
      const plan = mini([
        stage({ name: 'a', service: 'DocumentRegister', users: 1, warmupSeconds: 0, durationSeconds: 0.3, thresholds: ['errors<50%'] }),
        stage({ name: 'b', service: 'DocumentRegister', users: 1, warmupSeconds: 0, durationSeconds: 0.3, thresholds: ['errors<50%'] }),
      ]);
      const recs = await runProfile({ plan, catalog, binding: soap, target: srv.url, signal: ac.signal, onStage: () => ac.abort() });
      expect(recs.map((r) => r.result)[1]).toBe('skip');
      expect(recs[1]!.reason).toMatch(/interrupted/);
      expect(recs[0]!.requests as number).toBeGreaterThan(0);
    } finally {
      await srv.close();
    }
  });

  it('an AE platform: registers fail with ack-AE, a query stage without keys fails with the setup reason', async () => {
    const srv = await startEchoPlatform(catalog, { ack: 'AE' });
    try {
      const plan = mini([
        stage({ name: 'q', users: 1, warmupSeconds: 0, durationSeconds: 0.5, thresholds: ['errors<1%'] }),
        stage({ name: 'r', service: 'DocumentRegister', users: 1, warmupSeconds: 0, durationSeconds: 0.5, thresholds: ['errors<1%'] }),
      ]);
      const dir = join(tmp, 'ae');
      const [q, r] = await runProfile({ plan, catalog, binding: soap, target: srv.url, evidenceDir: dir });
      expect(q!.result).toBe('fail');
      expect(q!.reason).toMatch(/setup: no patient record could be registered via PatientInfoRegister/);
      // fail, or invalid when this in-process server starved the generator: never pass
      expect(r!.result).not.toBe('pass');
      expect(Object.keys(r!.errors as object)).toEqual(['ack-AE']);
      expect(r!.thresholds![0]!.pass).toBe(false);
      // evidence: the first AE answer as the platform sent it
      expect(r!.evidence).toEqual(['evidence/perf/r/ack-AE.txt']);
      expect(readFileSync(join(dir, 'evidence/perf/r/ack-AE.txt'), 'utf8')).toMatch(/typeCode="AE"/);
      // the terminal table says why: errors by class with an example, ✗ on the broken threshold
      const text = renderPerformance([q!, r!]);
      expect(text).toMatch(/\d+ × ack-AE/);
      expect(text).toContain('✗ errors<1%');
      expect(text).toContain('setup: 0 records registered, 3 failed');
      expect(text).toMatch(/stages: 2, pass 0/);
    } finally {
      await srv.close();
    }
  });
});
