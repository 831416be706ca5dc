import { existsSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { loadCatalog } from '../../catalog/index.js';
import { findPlan, validateFiles } from '../../validate/index.js';
import { renderHuman, toJson, type Lang } from '../../validate/render.js';
import { EXIT, UsageError } from '../main.js';
import type { RegisterCommand } from './index.js';

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) <= 0 || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('expected a positive whole number');
  return Number(v);
}

function workerCount(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 64) throw new InvalidArgumentError('expected 0 (in-process) to 64');
  return Number(v);
}

function lang(v: string): Lang {
  if (v !== 'zh' && v !== 'en') throw new InvalidArgumentError('zh or en');
  return v;
}

interface ValidateCliOptions {
  json?: boolean;
  plan?: string;
  schemas?: string;
  lang: Lang;
  maxBytes?: number;
  workers?: number;
}

/**
 * hutong validate <file|folder|zip>... — the offline validator. Exit 0 when every file conforms,
 * 1 on any non-conformance, 2 for usage errors and inputs that could not be judged (unreadable
 * file, a layer that could not run).
 */
export const registervalidate: RegisterCommand = (program, setExit) => {
  program
    .command('validate')
    .description('validate shared documents, V3 messages and test packages offline (离线校验共享文档、交互消息与测试包)')
    .argument('<inputs...>', 'files, folders (recursive, *.xml and *.zip) or .zip packages')
    .option('--json', 'print the report as JSON ({files, layers})')
    .option('--plan <name>', 'check the package against a level plan (hospital-3 … hospital-5a, regional-3 … regional-5a)')
    .option('--schemas <dir>', 'document schema set to use instead of CDA-CN; a plain HL7 CDA R2 set is reported as information beside CDA-CN')
    .option('--lang <lang>', 'language of messages and hints: zh or en', lang, 'zh' as Lang)
    .option('--max-bytes <n>', 'refuse files larger than this many bytes (default 52428800)', positiveInt)
    .option('--workers <n>', 'worker threads (0 = in-process; default for large inputs: one fewer than the cores, the main thread validating too)', workerCount)
    .action(async (inputs: string[], opts: ValidateCliOptions) => {
      if (opts.schemas !== undefined && !existsSync(opts.schemas)) throw new UsageError(`--schemas ${opts.schemas}: no such folder`);
      if (opts.plan !== undefined) {
        let plans: string[] = [];
        try {
          const cat = loadCatalog();
          if (findPlan(cat, opts.plan)) plans = [opts.plan];
          else plans = cat.plans.map((p) => p.id);
        } catch (err) {
          throw new UsageError(`--plan needs the catalogue, which cannot be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        }
        if (plans[0] !== opts.plan) throw new UsageError(`--plan ${opts.plan}: no such plan (known: ${plans.join(', ')})`);
      }
      const report = await validateFiles(inputs, {
        ...(opts.plan !== undefined ? { plan: opts.plan } : {}),
        ...(opts.schemas !== undefined ? { schemas: opts.schemas } : {}),
        ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
        ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      });
      if (report.files.length === 0) throw new UsageError(`no XML files found in ${inputs.join(', ')}`);
      if (opts.json) process.stdout.write(`${JSON.stringify(toJson(report, opts.lang), null, 2)}\n`);
      else process.stdout.write(renderHuman(report, opts.lang, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
      const verdicts = new Set(report.files.map((f) => f.verdict));
      setExit(verdicts.has('error') || report.layers.some((l) => !l.ran) ? EXIT.usage : verdicts.has('fail') ? EXIT.fail : EXIT.ok);
    });
};
