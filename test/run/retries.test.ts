/**
 * Site config `retries`: an exchange that got no answer (the server reset the connection) is
 * sent again, each attempt journaled as its own exchange; an exchange that was answered (HTTP
 * 500) never is; a resumed run does not repeat a completed case's attempts.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { runPlan, readRecord } from '../../src/run/index.js';
import { readJournal, type ExchangeEvent } from '../../src/run/journal.js';
import { backoffMs, retryable, withRetries } from '../../src/run/retry.js';
import type { Exchange } from '../../src/transport/client.js';
import { startMiniPlatform, type MiniPlatform } from './mini-platform.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'patient-plan.yaml');
const REGISTER = 'EMR-PL-01-T01';
const QUERY = 'EMR-PL-04-T01';
const catalog = loadCatalog();
let p: MiniPlatform;
let root: string;
let n = 0;

beforeAll(async () => {
  p = await startMiniPlatform(catalog);
  root = mkdtempSync(join(tmpdir(), 'hutong-retries-'));
});
afterAll(async () => {
  await p.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  p.resetFirst.clear();
  p.breakService.clear();
  p.resets.length = 0;
  delete p.onRequest;
});

function site(retries: number): string {
  const f = join(root, `site-${retries}.yaml`);
  writeFileSync(f, `retries: ${retries}\ntimeouts:\n  connectMs: 5000\n  headersMs: 10000\n  bodyMs: 10000\n  totalMs: 20000\n`);
  return f;
}

async function run(retries: number, signal?: AbortSignal) {
  const out = join(root, `run-${++n}`);
  const r = await runPlan({ plan: PLAN, target: p.urls.soap11, config: site(retries), out, perf: 'off', quiet: true, progress: () => undefined, env: {}, ...(signal ? { signal } : {}) });
  return { ...r, out };
}

function exchangesOf(dir: string, caseId: string): ExchangeEvent[] {
  return readJournal(dir).events.filter((e): e is ExchangeEvent => e.type === 'exchange' && e.caseId === caseId);
}

describe('retries', () => {
  it('a connection reset twice, retries 2: the case passes after 3 journaled attempts, and says so', async () => {
    p.resetFirst.set('PatientInfoRegister', 2);
    const r = await run(2);
    expect(p.resets).toEqual(['PatientInfoRegister', 'PatientInfoRegister']);
    const c = r.record.cases.find((x) => x.id === REGISTER)!;
    expect(c.result).toBe('pass');
    expect(r.record.verdict).toBe('通过');
    const ex = exchangesOf(r.out, REGISTER);
    expect(ex).toHaveLength(3);
    expect(ex.map((e) => e.error?.code)).toEqual(['connect-reset', 'connect-reset', undefined]);
    expect(ex.map((e) => e.response?.status)).toEqual([undefined, undefined, 200]);
    // the evidence of every attempt is on disk and named by the case
    for (const e of ex) expect(existsSync(join(r.out, e.request.file))).toBe(true);
    expect(new Set(ex.map((e) => e.request.file)).size).toBe(3);
    for (const e of ex) expect(c.evidence).toContain(e.request.file);
    const warnings = c.findings.filter((f) => f.rule === 'HT-TX-ERROR');
    expect(warnings.map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(warnings[0]!.message).toContain('第 1/3 次尝试未收到响应');
    expect(warnings[1]!.message).toContain('第 2/3 次尝试未收到响应');
    expect(warnings[1]!.message).toContain('第 3 次收到响应');
    expect(warnings[0]!.file).toBe(ex[0]!.request.file);
  }, 60_000);

  it('retries 0: the reset is the case\'s answer — it fails with the transport reason, one exchange', async () => {
    p.resetFirst.set('PatientInfoRegister', 1);
    const r = await run(0);
    const c = r.record.cases.find((x) => x.id === REGISTER)!;
    expect(c.result).toBe('fail');
    const errors = c.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.rule)).toEqual(['HT-TX-ERROR']);
    expect(errors[0]!.message).toMatch(/传输失败（connect-reset）/);
    expect(exchangesOf(r.out, REGISTER)).toHaveLength(1);
    expect(r.record.verdict).toBe('不通过');
    expect(r.exitCode).toBe(1);
  }, 60_000);

  it('more resets than retries: fails after retries + 1 attempts, the finding says how many', async () => {
    p.resetFirst.set('PatientInfoRegister', 5);
    const r = await run(2);
    const c = r.record.cases.find((x) => x.id === REGISTER)!;
    expect(c.result).toBe('fail');
    expect(exchangesOf(r.out, REGISTER)).toHaveLength(3);
    const error = c.findings.find((f) => f.severity === 'error')!;
    expect(error.rule).toBe('HT-TX-ERROR');
    expect(error.message).toContain('共尝试 3 次');
    // the F01 (the same service) met the two resets left and was answered on its third attempt
    expect(p.resets).toHaveLength(5);
    expect(exchangesOf(r.out, 'EMR-PL-01-F01').map((e) => e.response?.status)).toEqual([undefined, undefined, 200]);
    expect(r.record.cases.find((x) => x.id === 'EMR-PL-01-F01')?.result).toBe('pass');
  }, 60_000);

  it('HTTP 500 is an answer: never retried, whatever retries says', async () => {
    p.breakService.set('PatientInfoQuery', 'http-500');
    const before = p.requests.length;
    const r = await run(3);
    for (const id of [QUERY, 'EMR-PL-04-F01']) {
      const c = r.record.cases.find((x) => x.id === id)!;
      expect(c.result, id).toBe('fail');
      // the mini platform's 500 carries a SOAP fault: the answer is judged as such
      expect(c.findings.filter((f) => f.severity === 'error').map((f) => f.rule), id).toContain('HT-TX-FAULT');
      const ex = exchangesOf(r.out, id);
      expect(ex, id).toHaveLength(1);
      expect(ex[0]!.response?.status).toBe(500);
    }
    expect(p.requests.slice(before).filter((q) => q.action === 'PatientInfoQuery')).toHaveLength(2);
  }, 60_000);

  it('resume: the completed case\'s attempts are not repeated; the interrupted case runs again', async () => {
    p.resetFirst.set('PatientInfoRegister', 1);
    const ac = new AbortController();
    // interrupt while the query (after the register) is being answered
    p.onRequest = (action) => { if (action === 'PatientInfoQuery') ac.abort(); };
    const first = await run(1, ac.signal);
    expect(first.exitCode).toBe(3);
    expect(first.record.invalid?.reason).toMatch(/interrupted/);
    expect(first.record.cases.find((x) => x.id === REGISTER)?.result).toBe('pass');
    expect(exchangesOf(first.out, REGISTER)).toHaveLength(2);
    delete p.onRequest;
    const registersBefore = p.requests.filter((q) => q.action === 'PatientInfoRegister').length;

    const r = await runPlan({ resume: first.out, quiet: true, progress: () => undefined, env: {} });
    expect(r.exitCode).toBe(0);
    const rec = readRecord(first.out);
    expect(rec.verdict).toBe('通过');
    expect(exchangesOf(first.out, REGISTER)).toHaveLength(2);
    const events = readJournal(first.out).events;
    expect(events.filter((e) => e.type === 'case-start' && e.caseId === REGISTER)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'case-end' && e.caseId === QUERY)).toHaveLength(1);
    // neither register case (both ended before the interruption) sent anything again
    expect(p.requests.filter((q) => q.action === 'PatientInfoRegister')).toHaveLength(registersBefore);
    expect(p.resets).toHaveLength(1);
  }, 60_000);
});

describe('retry policy', () => {
  const ex = (o: Partial<Exchange>): Exchange => ({ action: 'A', binding: 'soap11', startedAt: '', ok: false, request: { method: 'POST', url: '', headers: {}, body: '', bytes: 0 }, timings: { totalUs: 0 }, warnings: [], ...o });

  it('only failures with no response at all are retryable; TLS, DNS, HTTP answers are not', () => {
    for (const kind of ['connect-refused', 'connect-reset', 'timeout-connect', 'timeout-headers'] as const) expect(retryable(ex({ error: { kind, message: '' } })), kind).toBe(true);
    for (const kind of ['tls', 'dns', 'protocol', 'aborted', 'redirect', 'http-status', 'soap-fault', 'timeout-body', 'too-large', 'other'] as const) expect(retryable(ex({ error: { kind, message: '' } })), kind).toBe(false);
    // a reset after the headers arrived: the platform answered
    expect(retryable(ex({ error: { kind: 'connect-reset', message: '' }, response: { status: 200, headers: {}, body: Buffer.alloc(0), bytes: 0, complete: false } }))).toBe(false);
    expect(retryable(ex({ ok: true }))).toBe(false);
  });

  it('backoff grows by 200 ms and is capped at 1 s', () => {
    expect([1, 2, 3, 5, 9].map(backoffMs)).toEqual([200, 400, 600, 1000, 1000]);
  });

  it('attempts stay within the budget: each gets what is left, none starts without time for it', async () => {
    let clock = 0;
    const given: number[] = [];
    const attempts = await withRetries({
      retries: 10, budgetMs: 2000, now: () => clock,
      attempt: async (timeoutMs) => {
        given.push(timeoutMs);
        clock += 500; // each attempt times out after 500 ms of the clock
        return { exchange: ex({ error: { kind: 'timeout-headers', message: '' } }), extra: null };
      },
    });
    // (the clock only moves with the attempts) 0 → 500, 500 → 1000, 1000 → 1500; then a 600 ms
    // wait would end past the 2 000 ms budget: no fourth attempt although retries allow ten
    expect(given).toEqual([2000, 1500, 1000]);
    expect(attempts).toHaveLength(3);
  });
});
