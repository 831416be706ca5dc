import { InvalidArgumentError } from 'commander';
import { diffRuns, parseNoise, renderDiff, type Lang } from '../../report/index.js';
import { RecordFileError } from '../../run/record-io.js';
import { EXIT, UsageError } from '../main.js';
import type { RegisterCommand } from './index.js';

function noise(v: string): number {
  try { return parseNoise(v); } catch (err) { throw new InvalidArgumentError((err as Error).message); }
}

function lang(v: string): Lang {
  if (v !== 'zh' && v !== 'en') throw new InvalidArgumentError('zh or en');
  return v;
}

interface DiffCliOptions { json?: boolean; noise: number; lang: Lang }

/**
 * hutong diff <run-a> <run-b>: what changed from A to B. Exit 1 on a regression (a case pass →
 * fail/error, a new error finding, a performance regression beyond the noise band), 0 otherwise,
 * 2 when a record cannot be read.
 */
export const registerdiff: RegisterCommand = (program, setExit) => {
  program
    .command('diff')
    .description('compare two runs: changed cases, new/removed findings, performance deltas (比较两次运行)')
    .argument('<run-a>', 'the earlier run folder (or its record.json)')
    .argument('<run-b>', 'the later run folder (or its record.json)')
    .option('--json', 'print the diff as JSON')
    .option('--noise <band>', 'performance noise band, e.g. 10%', noise, 10)
    .option('--lang <lang>', 'zh or en', lang, 'zh' as Lang)
    .action((a: string, b: string, opts: DiffCliOptions) => {
      let d;
      try {
        d = diffRuns(a, b, { noisePct: opts.noise });
      } catch (err) {
        if (err instanceof RecordFileError) throw new UsageError(err.message);
        throw err;
      }
      process.stdout.write(opts.json ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d, opts.lang));
      setExit(d.exitCode === 1 ? EXIT.fail : EXIT.ok);
    });
};
