import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import type { PerformanceStage } from '../../src/catalog/types.js';
import { exportK6, k6Threshold } from '../../src/perf/k6.js';
import { resolveBinding } from '../../src/transport/binding.js';

const catalog = loadCatalog();
const plan = catalog.plans.find((p) => p.id === 'hospital-5a')!;
const soap = resolveBinding('soap11');
const tmp = mkdtempSync(join(tmpdir(), 'hutong-k6-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface K6Options {
  scenarios: Record<string, { executor: string; exec: string; startTime: string; duration: string; vus?: number; rate?: number; timeUnit?: string; preAllocatedVUs?: number; tags: Record<string, string> }>;
  thresholds: Record<string, string[]>;
}

/** The options object of a generated script: the JSON between its markers. */
function optionsOf(script: string): K6Options {
  const m = /export const options = ([\s\S]*?);\n\/\/ end options/.exec(script);
  if (!m) throw new Error('no options in the script');
  return JSON.parse(m[1]!) as K6Options;
}

function dataOf(script: string, name: 'STAGES' | 'SETUP'): unknown {
  const m = new RegExp(`const ${name} = (.*);\\n`).exec(script);
  if (!m) throw new Error(`no ${name}`);
  return JSON.parse(m[1]!);
}

describe('k6 export', () => {
  it('translates every threshold form to k6 syntax', () => {
    const cases: [string, { metric: string; exprs: string[] }[]][] = [
      ['avg<1000ms', [{ metric: 'http_req_duration', exprs: ['avg<1000'] }]],
      ['p(95)<3s', [{ metric: 'http_req_duration', exprs: ['p(95)<3000'] }]],
      ['p(99.9)<=250ms', [{ metric: 'http_req_duration', exprs: ['p(99.9)<=250'] }]],
      ['med<500us', [{ metric: 'http_req_duration', exprs: ['med<0.5'] }]],
      ['min>=1ms', [{ metric: 'http_req_duration', exprs: ['min>=1'] }]],
      ['max<10s', [{ metric: 'http_req_duration', exprs: ['max<10000'] }]],
      ['errors<0.1%', [{ metric: 'http_req_failed', exprs: ['rate<0.001'] }, { metric: 'hutong_errors', exprs: ['rate<0.001'] }]],
      ['errors<=0.05', [{ metric: 'http_req_failed', exprs: ['rate<=0.05'] }, { metric: 'hutong_errors', exprs: ['rate<=0.05'] }]],
      // k6's http_reqs rate divides by the whole test's duration: a count over the stage is exact
      ['rps>=200', [{ metric: 'http_reqs', exprs: ['count>=12000'] }]],
    ];
    for (const [text, want] of cases) expect(k6Threshold(text, 60), text).toEqual(want);
  });

  it('writes one scenario per stage (and its warm-up), thresholds per scenario, bodies and setup data', () => {
    const script = exportK6({ plan, catalog, binding: soap, target: 'http://127.0.0.1:18080/soap11' });
    const o = optionsOf(script);
    const stages = plan.performance!.stages;
    for (const [i, s] of stages.entries()) {
      const name = s.name.replace(/[^A-Za-z0-9_]/g, '_');
      const sc = o.scenarios[name]!;
      expect(sc.exec).toBe(`stage_${i}`);
      expect(sc.duration).toBe(`${s.durationSeconds}s`);
      if (s.model === 'closed') expect(sc).toMatchObject({ executor: 'constant-vus', vus: s.users });
      else expect(sc).toMatchObject({ executor: 'constant-arrival-rate', rate: s.rate, timeUnit: '1s' });
      expect(o.scenarios[`${name}_warmup`]).toMatchObject({ executor: sc.executor, duration: `${s.warmupSeconds}s`, tags: { hutong_phase: 'warmup' } });
      expect(script).toContain(`export function stage_${i}(data)`);
      // thresholds only see the measured scenario
      expect(o.thresholds[`http_req_duration{scenario:${name}}`]).toEqual(expect.arrayContaining(['p(95)<3000']));
      expect(o.thresholds[`http_req_failed{scenario:${name}}`]).toEqual(['rate<0.001']);
    }
    // stages run one after another: each starts after the previous measured window
    const starts = Object.values(o.scenarios).map((s) => Number(s.startTime.replace('s', '')));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(new Set(starts).size).toBe(starts.length);

    const data = dataOf(script, 'STAGES') as Record<string, { bodies: string[]; pool: number; headers: Record<string, string> }>;
    const q = data['PatientInfoQuery_50users']!;
    expect(q.bodies.length).toBe(20);
    expect(q.bodies.every((b) => b.includes('__MSGID__') && b.includes('R__RUN__'))).toBe(true);
    expect(q.pool).toBeGreaterThanOrEqual(0);
    expect(q.headers['SOAPAction'] ?? q.headers['soapaction']).toBeDefined();
    const reg = data['DocumentRegister_20users']!;
    expect(reg.bodies.every((b) => b.includes('U__UNIQ__'))).toBe(true);
    const setup = dataOf(script, 'SETUP') as { service: string; bodies: string[] }[];
    expect(setup.map((s) => s.service).sort()).toEqual(['DocumentRegister', 'OrderInfoAdd', 'PatientInfoRegister']);
    expect(setup[0]!.bodies.length).toBe(plan.performance!.poolSize);
  });

  it('is valid JavaScript (node --check) and follows --short', () => {
    const stages: PerformanceStage[] = [
      { name: 'all forms', service: 'OrderInfoQuery', model: 'open', rate: 100, warmupSeconds: 0, durationSeconds: 30, thresholds: ['avg<1s', 'med<1s', 'min>0ms', 'max<9s', 'p(99)<2s', 'errors<1%', 'rps>=90'], assumed: false },
    ];
    const script = exportK6({ plan, catalog, binding: soap, target: 'http://h:1/x', mode: 'short', profile: { stages } });
    const f = join(tmp, 'script.mjs');
    writeFileSync(f, script);
    execFileSync(process.execPath, ['--check', f]);
    const o = optionsOf(script);
    expect(Object.keys(o.scenarios)).toEqual(['all_forms']);
    expect(o.scenarios['all_forms']).toMatchObject({ rate: 20, duration: '2s' });
    expect(o.thresholds['http_req_duration{scenario:all_forms}']).toEqual(['avg<1000', 'med<1000', 'min>0', 'max<9000', 'p(99)<2000']);
    // short mode scaled the rps bound with the rate (90 × 20/100 = 18 req/s over 2 s)
    expect(o.thresholds['http_reqs{scenario:all_forms}']).toEqual(['count>=36']);
    expect(o.thresholds['hutong_errors{scenario:all_forms}']).toEqual(['rate<0.01']);
  });
});
