/**
 * src/report — renders a run folder's record.json (and the evidence it names) into the
 * reports written beside it; compares two runs (diff) and lists past runs (history).
 * Rendering never measures: everything comes from the run folder.
 */
import { closeSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretRegistry } from '../run/secrets.js';
import { writeAll } from '../run/lock.js';
import { renderHtml } from './html/index.js';
import type { Lang } from './i18n.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { loadReportInput } from './model.js';
import { renderXlsx } from './xlsx.js';

export type ReportFormat = 'html' | 'xlsx' | 'junit' | 'md';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'xlsx', 'junit', 'md'];
export const REPORT_FILES: Record<ReportFormat, string> = { html: 'record.html', xlsx: 'record.xlsx', junit: 'junit.xml', md: 'summary.md' };

export interface RenderOptions {
  formats?: ReportFormat[];
  /** replace personal data (names, ID and phone numbers) by stable pseudonyms */
  mask?: boolean;
  lang?: Lang;
  /** secrets to scrub by value (default: the process-wide registry the site config filled) */
  secrets?: SecretRegistry;
  /** write here instead of beside record.json */
  outDir?: string;
}

/** Render the reports of a run folder; returns the paths written. Throws RecordFileError on a bad record. */
export async function renderReports(runDir: string, opts: RenderOptions = {}): Promise<string[]> {
  const formats = opts.formats?.length ? [...new Set(opts.formats)] : [...REPORT_FORMATS];
  const input = loadReportInput(runDir, {
    ...(opts.lang ? { lang: opts.lang } : {}), ...(opts.mask ? { mask: true } : {}), ...(opts.secrets ? { secrets: opts.secrets } : {}),
  });
  const out = opts.outDir ?? input.runDir;
  const written: string[] = [];
  for (const f of formats) {
    // text outputs get a last pass by value over the finished text (belt and braces)
    const data = f === 'html' ? input.scrubber.text(renderHtml(input))
      : f === 'junit' ? input.scrubber.text(renderJunit(input))
        : f === 'md' ? input.scrubber.text(renderMarkdown(input))
          : await renderXlsx(input);
    written.push(writeAtomic(join(out, REPORT_FILES[f]), data));
  }
  return written;
}

function writeAtomic(file: string, data: string | Buffer): string {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return file;
}

export function parseFormats(list: string): ReportFormat[] {
  const out: ReportFormat[] = [];
  for (const raw of list.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    const f = raw === 'markdown' ? 'md' : raw === 'xml' ? 'junit' : raw;
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new RangeError(`unknown report format "${raw}" (html, xlsx, junit, md)`);
    out.push(f as ReportFormat);
  }
  return out;
}

export type { Lang } from './i18n.js';
export { loadReportInput, perfView, type ReportInput, type PerfView } from './model.js';
export { Masker, isResidentId, nameContextsFromCatalog, runSalt } from './mask.js';
export { SecretScrubber } from './scrub.js';
export { diffRecords, diffRuns, parseNoise, renderDiff, type RunDiff, type DiffOptions, type CaseChange, type FindingChange, type PerfDelta } from './diff.js';
export { listRuns, type RunSummary } from './history.js';
