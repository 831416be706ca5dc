import { InvalidArgumentError } from 'commander';
import { ConfigError, ResumeError, runPlan, type RunOptions } from '../../run/index.js';
import { EXIT } from '../main.js';
import type { RegisterCommand } from './index.js';

function choice<T extends string>(values: readonly T[]): (v: string) => T {
  return (v: string) => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected ${values.join(', ')}`);
    return v as T;
  };
}

interface RunCliOptions {
  plan?: string;
  target?: string;
  binding?: RunOptions['binding'];
  config?: string;
  out?: string;
  resume?: string;
  perf?: RunOptions['perf'];
  quiet?: boolean;
}

/**
 * hutong run — the on-site quantitative test against a platform. Exit 0 通过, 1 不通过,
 * 2 usage/config error, 3 run invalid (target unreachable, resume impossible).
 * SIGINT/SIGTERM stop after the current exchange; record.json says the run is invalid and
 * `--resume DIR` finishes it.
 */
export const registerrun: RegisterCommand = (program, setExit) => {
  program
    .command('run')
    .description('run the quantitative test against a platform (对平台执行定量测试)')
    .option('--plan <plan>', 'built-in plan (hospital-3 … hospital-5a, regional-3 … regional-5a) or a plan file (YAML/JSON); default hospital-5a')
    .option('--target <url>', 'endpoint URL of the platform')
    .option('--binding <kind>', 'soap11 (default), soap12 or http', choice(['soap11', 'soap12', 'http'] as const))
    .option('--config <file>', 'site config (YAML/JSON): target, binding details, TLS, auth, keys, selections, dataset exports')
    .option('--out <dir>', 'run folder (default reports/<timestamp>/)')
    .option('--resume <dir>', 'finish an interrupted run in its folder, without repeating completed cases')
    .option('--perf <mode>', 'performance area: plan (default), short or off', choice(['plan', 'short', 'off'] as const))
    .option('--quiet', 'no progress lines (also when CI is set); a one-line summary at the end')
    .action(async (o: RunCliOptions) => {
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const outcome = await runPlan({
          ...(o.plan !== undefined ? { plan: o.plan } : {}),
          ...(o.target !== undefined ? { target: o.target } : {}),
          ...(o.binding !== undefined ? { binding: o.binding } : {}),
          ...(o.config !== undefined ? { config: o.config } : {}),
          ...(o.out !== undefined ? { out: o.out } : {}),
          ...(o.resume !== undefined ? { resume: o.resume } : {}),
          ...(o.perf !== undefined ? { perf: o.perf } : {}),
          ...(o.quiet ? { quiet: true } : {}),
          signal: ac.signal,
        });
        setExit(outcome.exitCode);
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`hutong run: ${err.message}\n`);
          setExit(EXIT.usage);
          return;
        }
        if (err instanceof ResumeError) {
          process.stderr.write(`hutong run: ${err.message}\n`);
          setExit(EXIT.invalid);
          return;
        }
        throw err;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
};
