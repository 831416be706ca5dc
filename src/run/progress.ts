/**
 * Progress on the terminal: per area, the current case, pass/fail counts and an ETA from the
 * mean case time so far. Only when stderr is a TTY and not in CI (CI env var) or --quiet;
 * otherwise silent until the one-line summary at the end.
 */
import type { CaseArea, CaseRecord, RunRecord } from './record.js';

export interface ProgressOptions {
  /** where lines go; default process.stderr */
  write?: (line: string) => void;
  /** live line-by-line updates (TTY); false = summary only */
  live: boolean;
}

const AREA_ZH: Record<CaseArea, string> = { service: '交互服务', document: '共享文档', dataset: '数据集', performance: '性能' };

export class Progress {
  private total = 0;
  private done = 0;
  private pass = 0;
  private fail = 0;
  private spent = 0;
  private readonly write: (line: string) => void;

  constructor(private readonly opts: ProgressOptions) {
    this.write = opts.write ?? ((l) => process.stderr.write(l));
  }

  static forEnv(opts: { quiet?: boolean; env?: Record<string, string | undefined>; progress?: (line: string) => void }): Progress {
    const env = opts.env ?? process.env;
    if (opts.progress) return new Progress({ live: !opts.quiet, write: opts.progress });
    const live = !opts.quiet && !env.CI && process.stderr.isTTY === true;
    return new Progress({ live });
  }

  private readonly areaTotal = new Map<CaseArea, number>();
  private readonly areaDone = new Map<CaseArea, number>();

  /** the cases of the run (their areas), and those a resumed run already has */
  start(cases: readonly { area: CaseArea }[], alreadyDone: CaseRecord[]): void {
    const total = cases.length;
    this.total = total;
    for (const c of cases) this.areaTotal.set(c.area, (this.areaTotal.get(c.area) ?? 0) + 1);
    for (const c of alreadyDone) this.count(c);
    if (this.opts.live && alreadyDone.length) this.write(`resumed: ${alreadyDone.length}/${total} cases already done\n`);
  }

  caseStart(id: string, area: CaseArea): void {
    if (!this.opts.live) return;
    const left = this.total - this.done;
    const mean = this.done > 0 && this.spent > 0 ? this.spent / Math.max(1, this.doneHere) : 0;
    const eta = mean > 0 ? ` ETA ${Math.ceil((mean * left) / 1000)}s` : '';
    const inArea = `${(this.areaDone.get(area) ?? 0) + 1}/${this.areaTotal.get(area) ?? '?'}`;
    this.write(`[${this.done + 1}/${this.total}] ${AREA_ZH[area]} ${inArea} ${id} … (pass ${this.pass}, fail ${this.fail}${eta})\n`);
  }

  private doneHere = 0;

  caseEnd(c: CaseRecord): void {
    this.count(c);
    this.doneHere++;
    this.spent += c.durationMs ?? 0;
    if (this.opts.live && c.result !== 'pass') this.write(`  ${c.id}: ${c.result}${c.reason ? ` — ${c.reason}` : c.findings[0] ? ` — ${c.findings.find((f) => f.severity === 'error')?.message ?? c.findings[0].message}` : ''}\n`);
  }

  note(text: string): void {
    if (this.opts.live) this.write(`${text}\n`);
  }

  private count(c: CaseRecord): void {
    this.done++;
    this.areaDone.set(c.area, (this.areaDone.get(c.area) ?? 0) + 1);
    if (c.result === 'pass') this.pass++;
    else this.fail++;
  }

  /** the one line every run prints, quiet or not */
  summary(r: RunRecord, dir: string): void {
    const s = r.summary;
    const inv = r.invalid ? ` invalid: ${r.invalid.reason}` : '';
    this.write(`hutong run: ${r.verdict}${inv} — ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.skip} skip (${r.cases.length} cases, ${r.performance.length} performance stages) → ${dir}\n`);
  }
}
