import { listRuns } from '../../report/index.js';
import { renderTable } from '../table.js';
import type { RegisterCommand } from './index.js';

interface HistoryCliOptions { dir: string; json?: boolean }

/** hutong history: the runs under reports/ (folders with a record.json), newest first. */
export const registerhistory: RegisterCommand = (program) => {
  program
    .command('history')
    .description('list past runs (folders holding record.json) with verdict, plan, target, date and counts (历史运行)')
    .option('--dir <dir>', 'where the runs are', 'reports')
    .option('--json', 'print the list as JSON')
    .action((opts: HistoryCliOptions) => {
      const runs = listRuns(opts.dir);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        return;
      }
      if (runs.length === 0) {
        process.stdout.write(`no runs under ${opts.dir}\n`);
        return;
      }
      const rows = runs.map((r) => r.error
        ? [r.dir, '?', '', '', '', '', r.error]
        : [r.dir, r.invalid ? `${r.verdict} (invalid)` : r.verdict ?? '', r.plan ?? '', r.target ?? '', (r.startedAt ?? '').replace('T', ' ').slice(0, 19),
          `${r.counts?.pass ?? 0}/${r.counts?.fail ?? 0}/${r.counts?.error ?? 0}/${r.counts?.skip ?? 0}`, r.performance?.total ? `${r.performance.pass}/${r.performance.total}` : '']);
      process.stdout.write(renderTable(['run', 'verdict', 'plan', 'target', 'date', 'pass/fail/error/skip', 'perf'], rows));
    });
};
