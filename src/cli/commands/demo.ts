import { join, relative } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { FAULT_NAMES, startPlatform, type RunningPlatform } from '../../platform/index.js';
import { ConfigError, runPlan, type RunOptions, type RunOutcome } from '../../run/index.js';
import { REPORT_FILES } from '../../report/index.js';
import { EXIT, UsageError } from '../main.js';
import type { RegisterCommand } from './index.js';

function faults(v: string, prev: string[] = []): string[] {
  const names = v.split(',').map((x) => x.trim()).filter(Boolean);
  const unknown = names.filter((n) => !FAULT_NAMES.includes(n));
  if (unknown.length) throw new InvalidArgumentError(`unknown fault profile ${unknown.join(', ')} (known: ${FAULT_NAMES.join(', ')})`);
  return [...prev, ...names];
}

function perfMode(v: string): NonNullable<RunOptions['perf']> {
  if (v !== 'short' && v !== 'plan' && v !== 'off') throw new InvalidArgumentError('short, plan or off');
  return v;
}

interface DemoCliOptions { faults?: string[]; plan: string; perf: NonNullable<RunOptions['perf']>; out?: string; quiet?: boolean }

/**
 * hutong demo (= npm start): the reference platform on a free loopback port, the full plan run
 * against it (short performance profile), every report written to reports/<timestamp>/, the
 * platform stopped. `--faults <profile>` shows a failing run (exit 1).
 */
export const registerdemo: RegisterCommand = (program, setExit) => {
  program
    .command('demo')
    .description('start the reference platform, run the full hospital-5a plan against it and write every report (演示)')
    .option('--faults <profiles>', `fault profiles of the platform, comma-separated (${FAULT_NAMES.join(', ')})`, faults)
    .option('--plan <plan>', 'plan to run', 'hospital-5a')
    .option('--perf <mode>', 'performance area: short (default), plan or off', perfMode, 'short' as const)
    .option('--out <dir>', 'run folder (default reports/<timestamp>/)')
    .option('--quiet', 'no progress lines')
    .action(async (o: DemoCliOptions) => {
      const t0 = Date.now();
      const say = (s: string) => process.stdout.write(`${s}\n`);
      let platform: RunningPlatform | undefined;
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let outcome: RunOutcome;
      try {
        platform = await startPlatform({ port: 0, host: '127.0.0.1', ...(o.faults?.length ? { faults: o.faults } : {}) });
        await platform.seeded;
        say(`reference platform on ${platform.urls.soap11}${o.faults?.length ? ` (faults: ${o.faults.join(', ')})` : ''}`);
        outcome = await runPlan({
          plan: o.plan, target: platform.urls.soap11, binding: 'soap11', perf: o.perf,
          ...(o.out !== undefined ? { out: o.out } : {}), ...(o.quiet ? { quiet: true } : {}), signal: ac.signal,
        });
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await platform?.close();
      }
      const r = outcome.record;
      const s = r.summary;
      const rel = (f: string) => relative(process.cwd(), f) || f;
      say('');
      say(`结论 ${r.verdict}  ${r.plan}  通过 ${s.pass} · 不通过 ${s.fail} · 错误 ${s.error} · 未测 ${s.skip}${r.performance.length ? `  性能 ${r.performance.filter((p) => p.result === 'pass').length}/${r.performance.length}` : ''}${r.invalid ? `  (invalid: ${r.invalid.reason})` : ''}`);
      const bad = r.cases.filter((c) => c.result !== 'pass' && c.required !== false);
      for (const c of bad.slice(0, 10)) {
        const f = c.findings.find((x) => x.severity === 'error') ?? c.findings[0];
        say(`  ✗ ${c.id} ${c.title}: ${f ? `${f.rule} ${f.message}` : c.reason ?? c.result}`);
      }
      if (bad.length > 10) say(`  … ${bad.length - 10} more`);
      for (const p of r.performance.filter((x) => x.result !== 'pass' && x.required !== false)) {
        const th = (p.thresholds ?? []).filter((t) => !t.pass).map((t) => `${t.expr}${t.actual !== undefined ? ` (${t.actual})` : ''}`).join(', ');
        say(`  ✗ 性能 ${p.name}: ${p.result}${p.reason ? ` — ${p.reason}` : th ? ` — ${th}` : ''}`);
      }
      say(`record:  ${rel(join(outcome.dir, 'record.json'))}`);
      say(`report:  ${rel(join(outcome.dir, REPORT_FILES.html))}`);
      say(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      setExit(outcome.exitCode === 0 ? EXIT.ok : outcome.exitCode);
    });
};
