/**
 * hutong history: past runs are the folders (under reports/ by default, two levels deep) that
 * hold a record.json. A folder whose record cannot be read is listed with its error, not
 * skipped: a damaged run is still a run somebody will ask about.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { readRecord, RECORD_FILE } from '../run/record-io.js';

export interface RunSummary {
  dir: string;
  runId?: string;
  verdict?: string;
  invalid?: string;
  plan?: string;
  level?: string;
  target?: string;
  institution?: string;
  startedAt?: string;
  counts?: { pass: number; fail: number; error: number; skip: number };
  performance?: { pass: number; total: number };
  /** the record could not be read */
  error?: string;
}

const MAX_DEPTH = 2;
const MAX_RUNS = 10_000;

/** Runs under `dir`, newest first. */
export function listRuns(dir: string): RunSummary[] {
  const root = resolve(dir);
  const found: string[] = [];
  const walk = (d: string, depth: number): void => {
    if (found.length >= MAX_RUNS) return;
    if (existsSync(join(d, RECORD_FILE))) { found.push(d); return; }
    if (depth >= MAX_DEPTH) return;
    let names: string[];
    try { names = readdirSync(d); } catch { return; }
    for (const n of names.sort()) {
      if (n.startsWith('.') || n === 'node_modules' || n === 'evidence') continue;
      const p = join(d, n);
      try { if (statSync(p).isDirectory()) walk(p, depth + 1); } catch { /* vanished */ }
    }
  };
  if (existsSync(root)) walk(root, 0);
  const runs = found.map((d): RunSummary => {
    const rel = relative(process.cwd(), d) || '.';
    try {
      const r = readRecord(d);
      const perfPass = r.performance.filter((p) => p.result === 'pass').length;
      return {
        dir: rel, runId: r.runId, verdict: r.verdict, ...(r.invalid ? { invalid: r.invalid.reason } : {}), plan: r.plan, level: r.level, target: r.target,
        ...(r.institution ? { institution: r.institution } : {}), startedAt: r.startedAt,
        counts: { pass: r.summary.pass, fail: r.summary.fail, error: r.summary.error, skip: r.summary.skip },
        performance: { pass: perfPass, total: r.performance.length },
      };
    } catch (err) {
      return { dir: rel, error: (err as Error).message.split('\n').slice(0, 3).join(' ') };
    }
  });
  return runs.sort((x, y) => (y.startedAt ?? '').localeCompare(x.startedAt ?? '') || x.dir.localeCompare(y.dir));
}
