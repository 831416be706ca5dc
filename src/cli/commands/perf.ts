import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option } from 'commander';
import { loadCatalog } from '../../catalog/index.js';
import type { Catalog, PerformanceProfile, PlanDef } from '../../catalog/types.js';
import { exportK6, loadPlanFile, loadProfileFile, PerfConfigError, renderPerformance, runProfile } from '../../perf/index.js';
import { ConfigError, loadConfig, resolveTargetBinding } from '../../run/config.js';
import { judge, summarize, type PerformanceRecord, type RunRecord } from '../../run/record.js';
import { writeRecord } from '../../run/record-io.js';
import { BindingConfigError, resolveBinding, type Binding, type BindingKind } from '../../transport/binding.js';
import { redactUrl } from '../../transport/redact.js';
import { catalogVersion } from '../../catalog/index.js';
import { TOOL_VERSION } from '../../version.js';
import { UsageError } from '../main.js';
import type { RegisterCommand } from './index.js';

interface PerfOpts {
  plan?: string;
  target?: string;
  binding?: string;
  config?: string;
  out?: string;
  short?: boolean;
  export?: string;
  profile?: string;
  burnCpuMs?: string;
  json?: boolean;
}

const BUILTIN = /^(hospital|regional)-(3|4b|4a|5b|5a)$/;

function findPlan(catalog: Catalog, ref: string): PlanDef {
  if (BUILTIN.test(ref)) {
    const p = catalog.plans.find((x) => x.id === ref);
    if (!p) throw new UsageError(`plan ${ref} is not in the catalogue`);
    return p;
  }
  return loadPlanFile(ref);
}

interface Resolved {
  plan: PlanDef;
  target: string;
  binding: Binding;
  profile?: PerformanceProfile;
  profileFile?: string;
}

function resolveInputs(o: PerfOpts, catalog: Catalog, needTarget: boolean): Resolved {
  let planRef = o.plan ?? 'hospital-5a';
  let target = o.target;
  let binding: Binding;
  if (o.config) {
    const overrides: Record<string, string> = {};
    if (o.plan) overrides.plan = o.plan;
    if (o.target) overrides.target = o.target;
    if (o.binding) overrides.binding = o.binding;
    const cfg = loadConfig({ file: o.config, overrides });
    planRef = cfg.plan.kind === 'builtin' ? cfg.plan.id : cfg.plan.path;
    target = cfg.target.url;
    binding = resolveTargetBinding(cfg);
  } else {
    binding = resolveBinding((o.binding ?? 'soap11') as BindingKind);
  }
  if (!target) {
    if (needTarget) throw new UsageError('--target URL is required (the platform endpoint, e.g. http://127.0.0.1:18080/soap11)');
    target = 'http://127.0.0.1:18080/soap11';
  }
  try {
    const u = new URL(target);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('only http and https');
  } catch (err) {
    throw new UsageError(`--target ${target}: not an http(s) URL (${err instanceof Error ? err.message : String(err)})`);
  }
  const r: Resolved = { plan: findPlan(catalog, planRef), target, binding };
  if (o.profile) {
    r.profile = loadProfileFile(o.profile);
    r.profileFile = o.profile;
  }
  return r;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * The record of a performance-only run. Exit: 0 通过; 1 不通过 (a threshold failed, a stage
 * could not run, or some stage was invalid); 3 when EVERY stage is invalid — nothing was
 * measured, the run could not be judged (record.invalid, rule V6).
 */
function buildRecord(r: Resolved, perf: PerformanceRecord[], startedAt: Date, mode: 'plan' | 'short'): RunRecord {
  const allInvalid = perf.length > 0 && perf.every((p) => p.result === 'invalid');
  const { verdict } = judge([], perf);
  const record: RunRecord = {
    recordVersion: 1,
    runId: `perf-${stamp(startedAt)}`,
    verdict: allInvalid ? '不通过' : verdict,
    plan: r.plan.id,
    level: r.plan.level,
    target: redactUrl(r.target),
    binding: { kind: r.binding.kind, ...(r.binding.kind !== 'http' ? { operation: r.binding.operation, namespace: r.binding.namespace, messageAs: r.binding.messageAs } : {}), charset: r.binding.charset },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    tool: { version: TOOL_VERSION, catalogVersion: catalogVersion(), layers: [] },
    assumptions: r.profile
      ? r.profile.stages.some((s) => s.assumed)
        ? [{ figure: '运行性能 profile', value: `site profile ${r.profileFile ?? ''}: stages marked assumed`, source: { standard: 'site configuration (hutong perf --profile)', verified: false } }]
        : []
      : r.plan.assumptions.filter((a) => a.figure.startsWith('运行性能')),
    summary: summarize([]),
    cases: [],
    performance: perf,
  };
  if (allInvalid) record.invalid = { reason: `every performance stage is invalid (the load generator could not be trusted): ${perf[0]?.reason ?? ''}` };
  return record;
}

export const registerperf: RegisterCommand = (program, setExit) => {
  program
    .command('perf')
    .description('运行性能: run only the performance profile of a plan against a platform (or export it as a k6 script)')
    .option('--plan <plan>', 'built-in plan (hospital-3 … hospital-5a, regional-3 … regional-5a) or a plan file; default hospital-5a', undefined)
    .option('--target <url>', 'platform endpoint URL, e.g. http://127.0.0.1:18080/soap11')
    .option('--binding <kind>', 'soap11 | soap12 | http (default soap11)')
    .option('--config <file>', 'site config (YAML/JSON): plan, target, binding, headers')
    .option('--profile <file>', 'performance profile that replaces the plan\'s (users, rates, durations, thresholds)')
    .option('--out <dir>', 'run folder for record.json (default reports/perf-<time>/)')
    .option('--short', 'the few-second demo profile (the plan\'s performance.short caps)')
    .option('--export <format>', 'write the profile as a load script instead of running it: k6')
    .option('--json', 'print the performance records as JSON instead of tables')
    .addOption(new Option('--burn-cpu-ms <ms>', 'test only: starve the generator by this much CPU per request').hideHelp())
    .action(async (o: PerfOpts) => {
      let catalog: Catalog;
      let r: Resolved;
      const mode = o.short ? 'short' : 'plan';
      try {
        catalog = loadCatalog();
        r = resolveInputs(o, catalog, o.export === undefined);
        if (o.export !== undefined) {
          if (o.export !== 'k6') throw new UsageError(`--export ${o.export}: the only format is k6`);
          const script = exportK6({ plan: r.plan, catalog, binding: r.binding, target: r.target, mode, ...(r.profile ? { profile: r.profile } : {}) });
          const file = resolve(o.out ?? '.', `hutong-${r.plan.id}${mode === 'short' ? '-short' : ''}.k6.js`);
          mkdirSync(resolve(o.out ?? '.'), { recursive: true });
          writeFileSync(file, script);
          process.stdout.write(`k6 script written: ${file}\n  run it: k6 run -e HUTONG_TARGET=${r.target} ${file}\n`);
          return;
        }
      } catch (err) {
        if (err instanceof PerfConfigError || err instanceof ConfigError || err instanceof BindingConfigError) throw new UsageError(err.message);
        throw err;
      }
      const startedAt = new Date();
      const dir = resolve(o.out ?? join('reports', `perf-${stamp(startedAt)}`));
      mkdirSync(dir, { recursive: true });
      const ac = new AbortController();
      const onSigint = (): void => ac.abort();
      process.once('SIGINT', onSigint);
      let perf: PerformanceRecord[];
      try {
        perf = await runProfile({
          plan: r.plan,
          catalog,
          binding: r.binding,
          target: r.target,
          mode,
          signal: ac.signal,
          evidenceDir: dir,
          ...(r.profile ? { profile: r.profile } : {}),
          ...(o.burnCpuMs ? { burnCpuMs: Number(o.burnCpuMs) } : {}),
          progress: (line) => process.stderr.write(`hutong perf: ${line}\n`),
        });
      } catch (err) {
        if (err instanceof PerfConfigError) throw new UsageError(err.message);
        throw err;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      const record = buildRecord(r, perf, startedAt, mode);
      const file = writeRecord(dir, record);
      if (o.json) process.stdout.write(`${JSON.stringify(perf.map(({ series: _s, latencyHdr: _h, ...rest }) => rest), null, 2)}\n`);
      else process.stdout.write(renderPerformance(perf));
      const exit = record.invalid ? 3 : record.verdict === '通过' ? 0 : 1;
      process.stdout.write(`\n运行性能 ${record.invalid ? '无效 invalid' : record.verdict} (exit ${exit}) — ${file}\n`);
      setExit(exit);
    });
};
