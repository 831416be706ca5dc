/**
 * The live runner: plan → cases → transport → validation layers → findings → record → reports.
 *
 *   1. site config (loadConfig: file + command line; ConfigError → exit 2) and the plan
 *   2. the cases of the plan (cases/service.ts, document.ts, dataset.ts), ordered so that what
 *      a case needs runs first (cases/ordering.ts)
 *   3. the run folder and its crash-safe journal (journal.ts): every request is on disk before
 *      it is sent, every response before the case moves on, every case result before the next
 *      case starts. `--resume DIR` reopens the journal, keeps the cases that ended, re-runs the
 *      one that was interrupted (its partial evidence moved aside, never deleted) and the rest.
 *      The run's test data derive from its run id (run-start event), so a resumed run sends and
 *      expects exactly what the interrupted one would have.
 *   4. a reachability probe first: a target that cannot be reached makes the run invalid (exit
 *      3), as do three transport failures in a row at the connection level during the run
 *   5. performance (src/perf runProfile, when present and --perf is not off)
 *   6. record.json (record-io.ts writeRecord, validated) for every run that got past step 1,
 *      then the reports (src/report, when present; a failure there never fails the run)
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { loadCatalog } from '../catalog/index.js';
import type { Catalog, DatasetDef, DocumentTemplate, PlanDef, ServiceDef } from '../catalog/types.js';
import { schemaValidator } from '../catalog/schema-check.js';
import type { LayerManifest } from '../findings/types.js';
import { readMessage } from '../samples/message.js';
import { sampleDocument } from '../samples/document.js';
import { createTransport, type Exchange, type Transport, type TlsOptions, type AuthOptions } from '../transport/client.js';
import type { Binding } from '../transport/binding.js';
import { wrapRequest } from '../transport/envelope.js';
import { redactUrl } from '../transport/redact.js';
import { validateTextWithManifest } from '../validate/index.js';
import { TOOL_VERSION } from '../version.js';
import { ConfigError, loadConfig, resolveTargetBinding, tlsForRecord, type SiteConfig } from './config.js';
import { JournalError, openJournal, readJournal, type Journal, type CaseEndEvent } from './journal.js';
import { exitCodeFor, judge, summarize, type CaseRecord, type PerformanceRecord, type RunRecord } from './record.js';
import { writeRecord } from './record-io.js';
import { defaultSecrets } from './secrets.js';
import { Progress } from './progress.js';
import { RunData, runSeed } from './cases/data.js';
import { serviceCases, type SelectedService } from './cases/service.js';
import { documentCases } from './cases/document.js';
import { datasetCases } from './cases/dataset.js';
import { orderCases } from './cases/ordering.js';
import { retryFindings, transportFindings } from './cases/check.js';
import { withRetries } from './retry.js';
import { CaseBuilder, type CaseContext, type CaseSpec, type SendResult } from './cases/types.js';

export interface RunOptions {
  plan?: string;
  target?: string;
  binding?: 'soap11' | 'soap12' | 'http';
  config?: string;
  out?: string;
  resume?: string;
  /** short = the demo's few-second profile */
  perf?: 'plan' | 'short' | 'off';
  quiet?: boolean;
  progress?: (line: string) => void;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** base for relative paths (default process.cwd()) */
  cwd?: string;
}

export interface RunOutcome {
  record: RunRecord;
  dir: string;
  exitCode: 0 | 1 | 2 | 3;
}

/** A resume that cannot even produce a record (no journal, no run-start): exit 3. */
export class ResumeError extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = 'ResumeError';
  }
}

/** Connection-level failures in a row that make the run invalid (the platform went away). */
const UNREACHABLE_STREAK = 3;
const CONNECT_KINDS = new Set(['connect-refused', 'dns', 'timeout-connect']);

interface RunParams {
  plan?: string;
  target?: string;
  binding?: string;
  config?: string;
  perf?: string;
}

function timestampDir(d: Date): string {
  return d.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// plan

function loadPlanFile(path: string, catalog: Catalog): PlanDef {
  const issue = (message: string): never => {
    throw new ConfigError([{ file: path, path: '$', message }]);
  };
  let value: unknown;
  try {
    value = parseYaml(readFileSync(path, 'utf8'), { maxAliasCount: 100 });
  } catch (err) {
    return issue(`cannot read the plan: ${(err as Error).message}`);
  }
  const check = schemaValidator('plan.schema.json');
  if (check && !check(value)) issue(`not a valid plan: ${(check.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ')}`);
  const plan = value as PlanDef;
  const unknown = [
    ...plan.services.filter((s) => !servicesOf(catalog, plan).some((x) => x.code === s)),
    ...plan.documents.filter((d) => !catalog.documents.some((x) => x.code === d)),
    ...plan.datasets.filter((d) => !catalog.datasets.some((x) => x.id === d)),
  ];
  if (unknown.length) issue(`the plan names what the catalogue does not have: ${unknown.join(', ')}`);
  return plan;
}

/** the services a plan names: WS/T 846 hospital services, or WS/T 790 regional ones */
function servicesOf(catalog: Catalog, plan: Pick<PlanDef, 'kind'>): ServiceDef[] {
  return plan.kind === 'regional' ? (catalog.regionalServices ?? []) : catalog.services;
}

function resolvePlan(cfg: SiteConfig, catalog: Catalog): PlanDef {
  if (cfg.plan.kind === 'file') return loadPlanFile(cfg.plan.path, catalog);
  const id = cfg.plan.id;
  const plan = catalog.plans.find((p) => p.id === id);
  if (!plan) throw new ConfigError([{ file: '--plan', path: '', message: `no built-in plan ${id} in the catalogue (have: ${catalog.plans.map((p) => p.id).join(', ')})` }]);
  return plan;
}

interface Selected<T> { item: T; required: boolean; skip?: string }

/** plan list + site selection (only/add/skip) → what runs, required or not */
function select<T>(planList: readonly string[], sel: SiteConfig['services'], all: readonly T[], code: (t: T) => string, what: string): Selected<T>[] {
  const byCode = new Map(all.map((t) => [code(t), t] as const));
  const unknown = [...sel.add, ...Object.keys(sel.skip), ...(sel.only ?? [])].filter((c) => !byCode.has(c));
  if (unknown.length) throw new ConfigError([{ file: 'site config', path: `$.${what}`, message: `unknown ${what}: ${unknown.join(', ')}` }]);
  const codes = [...planList, ...sel.add.filter((c) => !planList.includes(c))];
  const out: Selected<T>[] = [];
  for (const c of codes) {
    const item = byCode.get(c);
    if (!item) continue;
    const s: Selected<T> = { item, required: planList.includes(c) };
    if (sel.skip[c] !== undefined) s.skip = sel.skip[c];
    else if (sel.only && !sel.only.includes(c)) s.skip = `not in ${what}.only`;
    out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function transportOptions(cfg: SiteConfig, binding: Binding): { url: string; opts: Parameters<typeof createTransport>[0] } {
  const u = new URL(cfg.target.url);
  let auth: AuthOptions | undefined;
  if (u.username || u.password) {
    auth = { basic: { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } };
    u.username = '';
    u.password = '';
  }
  const tls: TlsOptions = { rejectUnauthorized: cfg.tls.verify };
  if (cfg.tls.ca) tls.ca = readFileSync(cfg.tls.ca);
  if (cfg.tls.cert) tls.cert = readFileSync(cfg.tls.cert);
  if (cfg.tls.key) tls.key = readFileSync(cfg.tls.key);
  if (cfg.tls.passphrase !== undefined) tls.passphrase = cfg.tls.passphrase;
  if (cfg.tls.servername !== undefined) tls.servername = cfg.tls.servername;
  const url = u.toString();
  return {
    url,
    opts: {
      url, binding, connections: 2,
      connectTimeoutMs: cfg.timeouts.connectMs, headersTimeoutMs: cfg.timeouts.headersMs, bodyTimeoutMs: cfg.timeouts.bodyMs, timeoutMs: cfg.timeouts.totalMs,
      tls, ...(auth ? { auth } : {}), secret: cfg.secretNames,
    },
  };
}

/** Can a TCP connection be opened to the target at all? */
function probe(url: string, timeoutMs: number): Promise<string | undefined> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((done) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => { s.destroy(); done(`no connection to ${host}:${port} within ${timeoutMs} ms`); }, timeoutMs);
    s.once('connect', () => { clearTimeout(timer); s.end(); s.destroy(); done(undefined); });
    s.once('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); s.destroy(); done(`cannot connect to ${host}:${port}: ${e.code ?? e.message}`); });
  });
}

function layersOf(catalog: Catalog): LayerManifest[] {
  // the manifest of the layers that judge responses and documents (engines, data versions)
  const t = catalog.documents.find((d) => d.family === 'wst500' && d.depth === 'full');
  if (!t) return [];
  try {
    return validateTextWithManifest(sampleDocument(t, catalog, { seed: 1 }), { catalog }).layers;
  } catch {
    return [];
  }
}

function caseRecord(spec: CaseSpec, b: CaseBuilder, startedAt: Date, ms: number): CaseRecord {
  const result = b.forced ?? (b.hasErrors() || b.failed ? 'fail' : 'pass');
  const rec: CaseRecord = {
    ...b.extra,
    id: spec.id, title: spec.title, area: spec.area, result,
    findings: b.findings, evidence: b.evidence,
    startedAt: startedAt.toISOString(), durationMs: Math.round(ms),
  };
  if (!spec.required) rec.required = false;
  if (b.reason !== undefined) rec.reason = b.reason;
  else if (result !== 'pass' && b.findings.length === 0) rec.reason = 'failed without a finding';
  return rec;
}

function skipRecord(spec: CaseSpec, reason: string, result: 'skip' | 'error' = 'skip'): CaseRecord {
  const rec: CaseRecord = { id: spec.id, title: spec.title, area: spec.area, result, reason, findings: [], evidence: [] };
  if (!spec.required) rec.required = false;
  return rec;
}

async function maybeReports(dir: string, progress: Progress): Promise<void> {
  const path = '../report/index.js';
  try {
    const mod = (await import(path)) as { renderReports?: (d: string) => Promise<string[]> };
    if (typeof mod.renderReports === 'function') {
      const files = await mod.renderReports(dir);
      progress.note(`reports: ${files.join(', ')}`);
    }
  } catch (err) {
    progress.note(`reports not written: ${(err as Error).message}`);
  }
}

type RunProfile = (o: { plan: PlanDef; catalog: Catalog; binding: Binding; target: string; mode?: 'plan' | 'short'; signal?: AbortSignal; progress?: (l: string) => void; tls?: TlsOptions; auth?: AuthOptions }) => Promise<PerformanceRecord[]>;

async function maybePerformance(opts: RunOptions, plan: PlanDef, catalog: Catalog, binding: Binding, target: string, progress: Progress, conn: { tls?: TlsOptions; auth?: AuthOptions }): Promise<PerformanceRecord[]> {
  if ((opts.perf ?? 'plan') === 'off') return [];
  if (!plan.performance?.stages?.length) return [];
  const path = '../perf/profile.js';
  let runProfile: RunProfile | undefined;
  try {
    runProfile = ((await import(path)) as { runProfile?: RunProfile }).runProfile;
  } catch {
    return [];
  }
  if (typeof runProfile !== 'function') return [];
  progress.note('performance …');
  return runProfile({
    plan, catalog, binding, target, mode: opts.perf === 'short' ? 'short' : 'plan', ...conn,
    ...(opts.signal ? { signal: opts.signal } : {}), progress: (l) => progress.note(l),
  });
}

// ---------------------------------------------------------------------------------------------

export async function runPlan(opts: RunOptions): Promise<RunOutcome> {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const progress = Progress.forEnv({ ...(opts.quiet !== undefined ? { quiet: opts.quiet } : {}), env, ...(opts.progress ? { progress: opts.progress } : {}) });

  // --resume: the interrupted run's own options, unless the command line repeats them
  let resumeDir: string | undefined;
  let prior: { runId: string; startedAt: string; params: RunParams } | undefined;
  if (opts.resume !== undefined) {
    resumeDir = resolve(cwd, opts.resume);
    if (!existsSync(join(resumeDir, 'journal.ndjson'))) throw new ResumeError(`${resumeDir}: no journal.ndjson — nothing to resume`);
    let read;
    try {
      read = readJournal(resumeDir);
    } catch (err) {
      throw new ResumeError(`${resumeDir}: cannot read the journal: ${(err as Error).message}`);
    }
    const start = read.events.find((e) => e.type === 'run-start');
    if (!start || start.type !== 'run-start') throw new ResumeError(`${resumeDir}: the journal has no run-start event`);
    prior = { runId: start.runId, startedAt: start.at, params: (start.params ?? {}) as RunParams };
  }
  const p = prior?.params ?? {};
  const planText = opts.plan ?? p.plan;
  const target = opts.target ?? p.target;
  const bindingText = opts.binding ?? p.binding;
  const configFile = opts.config ?? p.config;
  const perf = opts.perf ?? (p.perf as RunOptions['perf']);
  const cfg = loadConfig({
    ...(configFile !== undefined ? { file: configFile } : {}),
    overrides: { ...(planText !== undefined ? { plan: planText } : {}), ...(target !== undefined ? { target } : {}), ...(bindingText !== undefined ? { binding: bindingText } : {}) },
    env, secrets: defaultSecrets, cwd,
  });
  const catalog = loadCatalog();
  const plan = resolvePlan(cfg, catalog);
  const binding = resolveTargetBinding(cfg);
  const { url, opts: tOpts } = transportOptions(cfg, binding);

  const startedAt = prior ? new Date(prior.startedAt) : new Date();
  const runId = prior?.runId ?? `${timestampDir(startedAt)}-${randomBytes(3).toString('hex')}`;
  const dir = resumeDir ?? resolve(cwd, opts.out ?? join('reports', timestampDir(startedAt)));
  if (!resumeDir && !existsSync(resolve(dir, '..'))) mkdirSync(resolve(dir, '..'), { recursive: true });

  // cases
  const data = new RunData(catalog, runSeed(runId), plan.documents);
  const services = select(plan.services, cfg.services, servicesOf(catalog, plan), (s) => s.code, 'services');
  const docs = select(plan.documents, cfg.documents, catalog.documents, (d) => d.code, 'documents');
  const dsets = select(plan.datasets, cfg.datasets, catalog.datasets, (d) => d.id, 'datasets');
  const selectedServices: SelectedService[] = services.map((s) => ({ service: s.item, required: s.required, ...(s.skip !== undefined ? { skip: s.skip } : {}) }));
  const svcCases = serviceCases({ data, cfg, selected: selectedServices });
  const code = (c: string): ServiceDef | undefined => services.find((s) => s.item.code === c && s.skip === undefined)?.item;
  const docServiceIds = svcCases.filter((c) => services.some((s) => s.item.entity === 'document' && c.id.startsWith(`${s.item.caseId}-`))).map((c) => c.id);
  const docCases = documentCases({
    data,
    templates: docs.map((d) => ({ template: d.item as DocumentTemplate, required: d.required, ...(d.skip !== undefined ? { skip: d.skip } : {}) })),
    held: cfg.documents.held,
    services: { ...(code('DocumentRegister') ? { register: code('DocumentRegister')! } : {}), ...(code('DocumentAccess') ? { access: code('DocumentAccess')! } : {}), ...(code('DocumentRetrieve') ? { retrieve: code('DocumentRetrieve')! } : {}) },
    after: docServiceIds,
  });
  const patient = data.record('patient');
  const dsCases = datasetCases({
    catalog,
    datasets: dsets.map((d) => ({ def: d.item as DatasetDef, required: d.required, ...(d.skip !== undefined ? { skip: d.skip } : {}) })),
    templates: docs.filter((d) => d.skip === undefined).map((d) => d.item as DocumentTemplate),
    queries: services.filter((s) => s.skip === undefined && s.item.entity !== 'document' && s.item.pattern === 'query').map((s) => s.item),
    exports: cfg.datasetExports,
    after: [...svcCases, ...docCases].map((c) => c.id),
    patient: { ...(patient.patientId ? { patientId: patient.patientId } : {}), name: data.visit.patient.name, idCard: data.visit.patient.idCard, birthDate: data.visit.patient.birthDate },
  });
  const cases = orderCases([...svcCases, ...docCases, ...dsCases]);

  // journal
  let journal: Journal;
  try {
    journal = openJournal(dir, { resume: resumeDir !== undefined, secrets: defaultSecrets, secretHeaders: cfg.secretNames });
  } catch (err) {
    if (err instanceof JournalError && err.code !== 'EXISTS') throw new ResumeError(err.message);
    if (err instanceof JournalError) throw new ConfigError([{ file: '--out', path: '', message: err.message }]);
    throw err;
  }
  const params: RunParams = {
    ...(planText !== undefined ? { plan: planText } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(bindingText !== undefined ? { binding: bindingText } : {}),
    ...(configFile !== undefined ? { config: isAbsolute(configFile) ? configFile : resolve(cwd, configFile) } : {}),
    ...(perf !== undefined ? { perf } : {}),
  };
  const recordTarget = redactUrl(cfg.target.url, cfg.secretNames);
  if (!prior) {
    journal.append({ type: 'run-start', runId, plan: plan.id, level: plan.level, target: recordTarget, pid: process.pid, toolVersion: TOOL_VERSION, params: { ...params, cases: cases.map((c) => c.id) } });
  }
  const completed = new Map<string, CaseEndEvent>(journal.resumed?.completed ?? []);
  const results = new Map<string, CaseRecord>();
  for (const [id, ev] of completed) results.set(id, ev.case);

  let transport: Transport | undefined;
  let invalid: string | undefined;
  let streak = 0;
  const ctx: CaseContext = {
    catalog, plan, cfg, binding, data, runDir: dir, results,
    services: new Map(servicesOf(catalog, plan).map((s) => [s.code, s] as const)),
    send: async (caseId, service, v3xml, requestId): Promise<SendResult> => {
      const tr = transport;
      if (!tr) throw new Error('transport not open');
      const wrapped = wrapRequest(tr.binding, service.code, v3xml);
      // every attempt is its own journaled exchange: on disk before it is sent, its answer (or
      // why there was none) before the next attempt (retry.ts decides whether there is one)
      const attempts = await withRetries({
        retries: cfg.retries, budgetMs: cfg.timeouts.totalMs, ...(opts.signal ? { signal: opts.signal } : {}),
        attempt: async (timeoutMs) => {
          const handle = journal.beginExchange(caseId, service.code, { body: wrapped.body, method: 'POST', url: recordTarget + wrapped.path.replace(/^\//, ''), headers: wrapped.headers });
          const ex: Exchange = await tr.send(service.code, v3xml, { timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) });
          const timings: Record<string, number> = { totalMs: ex.timings.totalUs / 1000 };
          if (ex.timings.connectUs !== undefined) timings.connectMs = ex.timings.connectUs / 1000;
          if (ex.timings.ttfbUs !== undefined) timings.firstByteMs = ex.timings.ttfbUs / 1000;
          const ev = handle.end({
            ...(ex.response ? { response: { body: ex.response.body, status: ex.response.status, headers: ex.response.headers } } : {}),
            ...(ex.error ? { error: { code: ex.error.kind, message: ex.error.message } } : {}),
            timings,
          });
          return { exchange: ex, extra: [ev.request.file, ...(ev.response ? [ev.response.file] : [])] };
        },
      });
      const last = attempts[attempts.length - 1]!;
      const ex = last.exchange;
      // the platform going away is judged on each exchange's outcome, not on its attempts
      if (ex.error && CONNECT_KINDS.has(ex.error.kind)) streak++;
      else streak = 0;
      if (streak >= UNREACHABLE_STREAK) invalid ??= `the target stopped answering (${streak} connection failures in a row: ${ex.error?.message ?? ''})`;
      const res: SendResult = {
        exchange: ex, requestId,
        findings: [...retryFindings(attempts), ...transportFindings(ex, attempts.length)],
        evidence: attempts.flatMap((a) => a.extra),
      };
      if (ex.v3xml !== undefined) {
        res.v3 = ex.v3xml;
        try { res.read = readMessage(ex.v3xml, { service }); } catch { /* unparseable: the validator says why */ }
      }
      return res;
    },
    evidence: (caseId, name, bytes) => journal.writeEvidence(caseId, name, bytes),
  };

  progress.start(cases, cases.map((c) => results.get(c.id)).filter((c): c is CaseRecord => c !== undefined));
  let performance: PerformanceRecord[] = [];
  try {
    // a refused connection is an answer; a silent one may be a loaded machine: ask three times
    let unreachable = await probe(url, cfg.timeouts.connectMs);
    for (let i = 0; i < 2 && unreachable?.startsWith('no connection'); i++) unreachable = await probe(url, cfg.timeouts.connectMs);
    if (unreachable) invalid = `target unreachable: ${unreachable}`;
    else transport = createTransport(tOpts);

    for (const spec of cases) {
      if (results.has(spec.id)) continue;
      if (invalid || opts.signal?.aborted) break;
      const unmet = spec.needs.filter((n) => cases.some((c) => c.id === n) && results.get(n)?.result !== 'pass');
      const t0 = new Date();
      let rec: CaseRecord;
      journal.append({ type: 'case-start', caseId: spec.id, title: spec.title, area: spec.area });
      progress.caseStart(spec.id, spec.area);
      if (unmet.length) {
        rec = skipRecord(spec, `依赖的用例未通过 needs ${unmet.map((n) => `${n} (${results.get(n)?.result ?? 'not run'})`).join(', ')}`);
        rec.startedAt = t0.toISOString();
        rec.durationMs = 0;
      } else {
        const b = new CaseBuilder();
        const h0 = process.hrtime.bigint();
        try {
          await spec.run(ctx, b);
        } catch (err) {
          b.forced = 'error';
          b.reason = `internal error: ${err instanceof Error ? err.message : String(err)}`;
        }
        rec = caseRecord(spec, b, t0, Number(process.hrtime.bigint() - h0) / 1e6);
        if (opts.signal?.aborted) break; // interrupted mid-case: no result; --resume re-runs it
        if (invalid && rec.result !== 'pass') {
          // the platform went away during this case: its result says nothing; resume re-runs it
          break;
        }
      }
      journal.append({ type: 'case-end', caseId: spec.id, result: rec.result, case: rec });
      results.set(spec.id, rec);
      progress.caseEnd(rec);
    }

    // performance: journaled as a note so a resume does not repeat it
    const perfNote = readJournal(dir).events.find((e) => e.type === 'note' && e.text.startsWith('performance:'));
    if (perfNote && perfNote.type === 'note') performance = JSON.parse(perfNote.text.slice('performance:'.length)) as PerformanceRecord[];
    else if (!invalid && !opts.signal?.aborted) {
      try {
        performance = await maybePerformance({ ...opts, ...(perf !== undefined ? { perf } : {}) }, plan, catalog, binding, url, progress,
          { ...(tOpts.tls ? { tls: tOpts.tls } : {}), ...(tOpts.auth ? { auth: tOpts.auth } : {}) });
      } catch (err) {
        progress.note(`performance failed: ${(err as Error).message}`);
        performance = (plan.performance?.stages ?? []).map((s) => ({ name: s.name, service: s.service, result: 'invalid' as const, reason: `the load generator failed: ${(err as Error).message}` }));
      }
      journal.append({ type: 'note', text: `performance:${JSON.stringify(performance)}` });
    }
  } finally {
    await transport?.close().catch(() => undefined);
  }
  if (!invalid && opts.signal?.aborted) invalid = 'interrupted before every case ran; finish it with --resume';

  // the record: every case of the plan, in plan order; cases that never ran are skip
  const all: CaseRecord[] = cases.map((c) => results.get(c.id) ?? skipRecord(c, invalid ? `not run: ${invalid}` : 'not run'));
  const finishedAt = new Date();
  const verdict = invalid ? '不通过' : judge(all, performance).verdict;
  const record: RunRecord = {
    recordVersion: 1,
    runId,
    verdict,
    ...(invalid ? { invalid: { reason: invalid, at: finishedAt.toISOString() } } : {}),
    plan: cfg.plan.kind === 'builtin' ? plan.id : plan.id || cfg.plan.path,
    level: plan.level,
    ...(cfg.institution !== undefined ? { institution: cfg.institution } : {}),
    ...(cfg.expert !== undefined ? { expert: cfg.expert } : {}),
    target: recordTarget,
    binding: {
      kind: binding.kind,
      ...(binding.kind !== 'http'
        ? { operation: binding.operation, namespace: binding.namespace, soapAction: binding.soapAction, messageAs: binding.messageAs, params: { ...binding.params } }
        : { actionIn: binding.http.actionIn, actionHeader: binding.http.actionHeader }),
      charset: binding.charset,
    },
    ...(url.startsWith('https:') ? { tls: tlsForRecord(cfg) } : {}),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    tool: { version: TOOL_VERSION, catalogVersion: catalog.version, layers: layersOf(catalog) },
    assumptions: [
      ...plan.assumptions.map((a) => ({ figure: a.figure, value: a.value, source: a.source })),
      ...cfg.defaulted.map((d) => ({ figure: 'site config default', value: d, source: { standard: 'hutong', verified: false, note: 'a setting the site config did not give' } })),
    ],
    summary: summarize(all),
    cases: all,
    performance,
  };
  writeRecord(dir, record, defaultSecrets);
  const exitCode = exitCodeFor(record);
  journal.append({ type: 'run-end', verdict, ...(invalid ? { invalid: { reason: invalid } } : {}), exitCode });
  journal.close();
  await maybeReports(dir, progress);
  progress.summary(record, dir);
  return { record, dir, exitCode };
}
