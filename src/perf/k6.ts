/**
 * `hutong perf --export k6`: the same profile as a k6 script, for load beyond one machine
 * (k6 cloud, k6-operator on Kubernetes, several k6 instances). See docs/scaling.md.
 *
 * Equivalence:
 *   closed stage  → scenario executor constant-vus (vus = users, sleep(think) per iteration)
 *   open stage    → constant-arrival-rate (rate, timeUnit 1s; preAllocatedVUs as our pool sizing)
 *   warm-up       → a scenario of its own (`<name>_warmup`) just before, so thresholds, which
 *                   are filtered by `{scenario:<name>}`, never see it; stages run one after the
 *                   other through startTime
 *   thresholds    → avg/min/max/med/p(N) → http_req_duration (ms);
 *                   errors → http_req_failed (HTTP level) and hutong_errors (our checks: HTTP
 *                   200, no fault, acknowledgement AA, query answered OK), rate as a fraction;
 *                   rps → http_reqs count >= rps × duration (k6's http_reqs rate divides by
 *                   the whole test's time, not the scenario's, so the count is the faithful form)
 *   bodies        → generated here from the catalogue (as our generator does), embedded with
 *                   tokens the script fills per request: __MSGID__ (message id), __UNIQ__ (new
 *                   keys of register/add), __RUN__ (keys of the records setup() registers, so
 *                   queries ask for keys that exist).
 */
import { buildRequest } from '../samples/message.js';
import { sampleEntityValues } from '../samples/message-values.js';
import type { Binding } from '../transport/binding.js';
import { wrapRequest } from '../transport/envelope.js';
import { openConnections } from './generator.js';
import { DEFAULT_POOL_SIZE, DEFAULT_TIMEOUT_MS, resolveStages, type ProfileTarget } from './profile.js';
import { keyFields, PerfConfigError, serviceLoad, type ServiceLoad } from './requests.js';
import { parseThreshold } from './thresholds.js';

/** `target`: the script reads HUTONG_TARGET first. */
export interface K6ExportOptions extends ProfileTarget {
  /** distinct request bodies embedded per stage (default 20) */
  variants?: number;
}

/** A threshold in k6 syntax: the metric (without the scenario filter) and its expressions. */
export function k6Threshold(text: string, durationS: number): { metric: string; exprs: string[] }[] {
  const t = parseThreshold(text);
  const op = t.op;
  switch (t.metric) {
    case 'errors':
      return [
        { metric: 'http_req_failed', exprs: [`rate${op}${t.value}`] },
        { metric: 'hutong_errors', exprs: [`rate${op}${t.value}`] },
      ];
    case 'rps':
      return [{ metric: 'http_reqs', exprs: [`count${op}${Math.round(t.value * durationS * 1000) / 1000}`] }];
    case 'p':
      return [{ metric: 'http_req_duration', exprs: [`p(${t.percentile})${op}${t.value}`] }];
    default:
      return [{ metric: 'http_req_duration', exprs: [`${t.metric}${op}${t.value}`] }];
  }
}

const scenarioName = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_');

interface StageData {
  service: string;
  path: string;
  headers: Record<string, string>;
  bodies: string[];
  expectRecords: boolean;
  response: string;
  thinkMs: number | [number, number];
  /** index into SETUP, or -1 */
  pool: number;
  index: number;
}

interface SetupData {
  service: string;
  entity: string;
  path: string;
  headers: Record<string, string>;
  bodies: string[];
}

function joinPath(base: string, extra: string): string {
  if (!extra) return base || '/';
  return base.replace(/\/+$/, '') + (extra.startsWith('/') ? extra : `/${extra}`);
}

function tokenised(load: ServiceLoad, seed: number, suffix: string, pooled?: Record<string, string>): Record<string, string> {
  const keys = new Set(keyFields(load.entity));
  const base = pooled ?? sampleEntityValues(load.entity, seed);
  if (pooled) {
    if (load.service.pattern !== 'update') return base;
    const shared: Record<string, string> = {};
    for (const k of keys) if (base[k] !== undefined) shared[k] = base[k]!;
    return sampleEntityValues(load.entity, seed, { shared });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) out[k] = keys.has(k) ? `${v}${suffix}` : v;
  return out;
}

function wrapped(binding: Binding, load: ServiceLoad, code: string, values: Record<string, string>, endpointPath: string): { path: string; headers: Record<string, string>; body: string } {
  const service = code === load.service.code ? load.service : load.setup!;
  const xml = buildRequest(service, load.entity, values, { messageId: '__MSGID__', creationTime: '20250101000000', sender: 'hutong-k6', receiver: 'platform' });
  const w = wrapRequest(binding, service.code, xml);
  const headers = { ...w.headers };
  for (const k of Object.keys(headers)) if (/^content-length$/i.test(k)) delete headers[k];
  return { path: joinPath(endpointPath, w.path), headers, body: w.body };
}

/** The k6 script (JavaScript text). Throws PerfConfigError for a profile that cannot run. */
export function exportK6(opts: K6ExportOptions): string {
  const profile = opts.profile ?? opts.plan.performance;
  if (!profile || profile.stages.length === 0) throw new PerfConfigError(`plan ${opts.plan.id} has no performance profile`);
  const stages = resolveStages(profile, opts.mode ?? 'plan');
  const variants = Math.max(1, opts.variants ?? 20);
  const url = new URL(opts.target);
  const endpointPath = url.pathname + url.search;
  const poolSize = Math.min(profile.poolSize ?? DEFAULT_POOL_SIZE, 1000);

  const scenarios: Record<string, Record<string, unknown>> = {};
  const thresholds: Record<string, string[]> = {};
  const data: Record<string, StageData> = {};
  const setups: SetupData[] = [];
  const poolValues = new Map<string, Record<string, string>[]>();
  let start = 0;

  stages.forEach((rs, i) => {
    const load = serviceLoad(opts.catalog, rs.def.service, opts.plan.kind);
    const name = scenarioName(rs.def.name);
    const fn = `stage_${i}`;
    let pool = -1;
    let pooled: Record<string, string>[] | undefined;
    if (load.setup) {
      pooled = poolValues.get(load.entity.name);
      if (!pooled) {
        pooled = Array.from({ length: poolSize }, (_, k) => tokenised(load, 900_000 + k, 'R__RUN__'));
        poolValues.set(load.entity.name, pooled);
        const first = wrapped(opts.binding, load, load.setup.code, pooled[0]!, endpointPath);
        setups.push({ service: load.setup.code, entity: load.entity.name, path: first.path, headers: first.headers, bodies: pooled.map((v) => wrapped(opts.binding, load, load.setup!.code, v, endpointPath).body) });
      }
      pool = setups.findIndex((s) => s.entity === load.entity.name);
    }
    const bodies: string[] = [];
    let spec: { path: string; headers: Record<string, string> } | undefined;
    for (let k = 0; k < variants; k++) {
      const values = tokenised(load, i * 1000 + k, 'U__UNIQ__', pooled ? pooled[k % pooled.length] : undefined);
      const w = wrapped(opts.binding, load, load.service.code, values, endpointPath);
      spec ??= w;
      bodies.push(w.body);
    }
    const s = rs.stage;
    data[name] = {
      service: load.service.code,
      path: spec!.path,
      headers: spec!.headers,
      bodies,
      expectRecords: load.service.pattern === 'query' || load.service.pattern === 'retrieve',
      response: load.service.response,
      thinkMs: s.model === 'closed' ? (s.thinkTimeMs ?? 0) : 0,
      pool,
      index: i,
    };
    const shape = (durationS: number, at: number): Record<string, unknown> => {
      const base = { exec: fn, startTime: `${at}s`, duration: `${durationS}s`, gracefulStop: `${Math.ceil((profile.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)}s` };
      if (s.model === 'closed') return { executor: 'constant-vus', vus: s.users, ...base };
      const vus = openConnections(s);
      return { executor: 'constant-arrival-rate', rate: s.rate, timeUnit: '1s', preAllocatedVUs: vus, maxVUs: Math.max(vus, s.maxConnections ?? vus), ...base };
    };
    const warm = s.warmupS ?? 0;
    if (warm > 0) {
      scenarios[`${name}_warmup`] = { ...shape(warm, start), tags: { hutong_stage: rs.def.name, hutong_phase: 'warmup' } };
      start += warm;
    }
    scenarios[name] = { ...shape(s.durationS, start), tags: { hutong_stage: rs.def.name, hutong_phase: 'measured' } };
    // stages run one after the other; leave room for the graceful stop
    start += s.durationS + Math.ceil((profile.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000);
    for (const t of rs.thresholds) {
      for (const m of k6Threshold(t.expr, s.durationS)) {
        const key = `${m.metric}{scenario:${name}}`;
        thresholds[key] = [...(thresholds[key] ?? []), ...m.exprs];
      }
    }
  });

  const options = {
    scenarios,
    thresholds,
    setupTimeout: `${Math.max(60, Math.ceil((poolSize * setups.length) / 10))}s`,
    summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'max'],
    discardResponseBodies: false,
  };
  const header = [
    `// k6 script generated by hutong perf --export k6 (plan ${opts.plan.id}, ${opts.mode ?? 'plan'} mode).`,
    '// Run: k6 run -e HUTONG_TARGET=http://platform:8080/path script.js   (distributed: k6 cloud / k6-operator)',
    `// Thresholds are hutong's${stages.some((s) => s.def.assumed) ? ' (assumed figures, see the plan assumptions)' : ''}; the same profile as \`hutong perf\`.`,
  ];
  return `${header.join('\n')}
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Rate } from 'k6/metrics';
import exec from 'k6/execution';

export const options = ${JSON.stringify(options, null, 2)};
// end options

const TARGET = (__ENV.HUTONG_TARGET || ${JSON.stringify(opts.target)}).replace(/^(https?:\\/\\/[^/]+).*$/, '$1');
const STAGES = ${JSON.stringify(data)};
const SETUP = ${JSON.stringify(setups)};
const hutongErrors = new Rate('hutong_errors');
const ACK = /<(?:[\\w.-]+:)?acknowledgement\\b[^>]*?\\stypeCode\\s*=\\s*(?:"|'|&quot;)([A-Za-z]+)/;
const QCODE = /<(?:[\\w.-]+:)?queryResponseCode\\b[^>]*?\\scode\\s*=\\s*(?:"|'|&quot;)([A-Za-z]+)/;

function ackOf(body) {
  const m = ACK.exec(body || '');
  return m ? m[1] : undefined;
}

export function setup() {
  const run = String(Date.now() % 1e9);
  for (let s = 0; s < SETUP.length; s++) {
    const d = SETUP[s];
    for (let i = 0; i < d.bodies.length; i++) {
      const body = d.bodies[i].split('__RUN__').join(run).split('__MSGID__').join('K6S' + run + '-' + s + '-' + i);
      const res = http.post(TARGET + d.path, body, { headers: d.headers, tags: { hutong_phase: 'setup' } });
      check(res, { ['setup ' + d.service + ' AA']: (r) => r.status === 200 && ackOf(r.body) === 'AA' });
    }
  }
  return { run };
}

function send(name, data) {
  const d = STAGES[name];
  const n = exec.scenario.iterationInTest;
  // unique across runs, stages, warm-up/measured and iterations; letters and digits only (ids)
  const uniq = data.run + (exec.scenario.name.endsWith('_warmup') ? 'W' : 'M') + d.index + 'I' + n;
  const body = d.bodies[n % d.bodies.length]
    .split('__RUN__').join(data.run)
    .split('__UNIQ__').join(uniq)
    .split('__MSGID__').join('K6-' + uniq);
  const res = http.post(TARGET + d.path, body, { headers: d.headers });
  const ack = ackOf(res.body);
  const code = QCODE.exec(res.body || '');
  const ok = check(res, {
    'HTTP 200': (r) => r.status === 200,
    'no SOAP fault': (r) => !/<(?:[\\w.-]+:)?Fault[\\s>]/.test(r.body || ''),
    'acknowledgement AA': () => ack === 'AA',
    'query answered with the record': () => !d.expectRecords || !code || code[1] === 'OK',
  });
  hutongErrors.add(!ok);
  const t = d.thinkMs;
  const pause = Array.isArray(t) ? t[0] + Math.random() * (t[1] - t[0]) : t;
  if (pause > 0) sleep(pause / 1000);
}

${stages.map((rs, i) => `export function stage_${i}(data) {\n  send(${JSON.stringify(scenarioName(rs.def.name))}, data);\n}`).join('\n\n')}
`;
}
