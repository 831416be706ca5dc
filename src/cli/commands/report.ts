import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { parseFormats, renderReports, type Lang, type ReportFormat } from '../../report/index.js';
import { RECORD_FILE, RecordFileError } from '../../run/record-io.js';
import { ConfigError, loadConfig } from '../../run/config.js';
import { EXIT, UsageError } from '../main.js';
import type { RegisterCommand } from './index.js';

function formats(v: string): ReportFormat[] {
  try { return parseFormats(v); } catch (err) { throw new InvalidArgumentError((err as Error).message); }
}

function lang(v: string): Lang {
  if (v !== 'zh' && v !== 'en') throw new InvalidArgumentError('zh or en');
  return v;
}

interface ReportCliOptions { format?: ReportFormat[]; mask?: boolean; lang: Lang; config?: string }

/**
 * hutong report <run-dir>: record.html, record.xlsx, junit.xml and summary.md beside record.json.
 * Exit 0 when written, 2 when the folder has no readable record.json.
 */
export const registerreport: RegisterCommand = (program, setExit) => {
  program
    .command('report')
    .description('render record.json into record.html, record.xlsx, junit.xml and summary.md (生成测试记录报告)')
    .argument('<run-dir>', 'run folder holding record.json')
    .option('--format <list>', 'comma-separated: html,xlsx,junit,md (default all)', formats)
    .option('--mask', 'replace patient names, ID and phone numbers by stable pseudonyms (对外分享时脱敏)')
    .option('--lang <lang>', 'report language: zh or en', lang, 'zh' as Lang)
    .option('--config <file>', 'site config of the run: its secrets (${env:…}, auth headers, keys) are scrubbed by value too')
    .action(async (dir: string, opts: ReportCliOptions) => {
      if (!existsSync(join(dir, RECORD_FILE))) throw new UsageError(`${dir}: no ${RECORD_FILE} in this folder`);
      if (opts.config !== undefined) {
        // loading registers every secret of the config in the process-wide registry the reports use
        try { loadConfig({ file: opts.config }); } catch (err) {
          if (err instanceof ConfigError) throw new UsageError(err.message);
          throw err;
        }
      }
      let written: string[];
      try {
        written = await renderReports(dir, { ...(opts.format ? { formats: opts.format } : {}), ...(opts.mask ? { mask: true } : {}), lang: opts.lang });
      } catch (err) {
        if (err instanceof RecordFileError) throw new UsageError(err.message);
        throw err;
      }
      for (const f of written) process.stdout.write(`${f}\n`);
      setExit(EXIT.ok);
    });
};
