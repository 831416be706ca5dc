/**
 * summary.md: the run in a few lines for a pull-request or merge-request comment — verdict,
 * counts per area, the cases that did not pass with their first finding, performance stages.
 * Text from the record is escaped so it can neither break the table nor inject HTML/links.
 */
import { areaText, formatDate, resultText, t, verdictText } from './i18n.js';
import { casesByArea, findingLines, type ReportInput } from './model.js';

/** Markdown-inert text for a table cell. */
export function mdEsc(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~@]/g, (c) => `\\${c}`).replace(/&/g, '&amp;');
}

const MAX_ROWS = 40;

export function renderMarkdown(input: ReportInput): string {
  const { record: r, lang } = input;
  const s = t(lang);
  const pass = r.verdict === '通过';
  const out: string[] = [];
  out.push(`## ${pass ? '✅' : '❌'} ${mdEsc(s.title)}: **${mdEsc(verdictText(lang, r.verdict))}**`, '');
  out.push(`${mdEsc(s.plan)} \`${r.plan.replace(/`/g, "'")}\` · ${mdEsc(s.level)} ${mdEsc(r.level)} · ${mdEsc(s.institution)} ${mdEsc(r.institution ?? '—')} · ${mdEsc(s.date)} ${mdEsc(formatDate(r.startedAt))} · hutong ${mdEsc(r.tool.version)}`, '');
  if (input.masked) out.push(`> ${mdEsc(s.masked)}`, '');
  if (r.invalid) out.push(`> **${mdEsc(s.invalidRun)}**: ${mdEsc(r.invalid.reason)}`, '');
  const results = ['pass', 'fail', 'error', 'skip'] as const;
  out.push(`| ${mdEsc(s.area)} | ${results.map((x) => mdEsc(resultText(lang, x))).join(' | ')} |`, `|---|${results.map(() => '--:').join('|')}|`);
  for (const [a] of casesByArea(r)) out.push(`| ${mdEsc(areaText(lang, a))} | ${results.map((x) => r.summary.byArea[a][x]).join(' | ')} |`);
  out.push(`| **${mdEsc(s.total)}** | ${results.map((x) => `**${r.summary[x]}**`).join(' | ')} |`, '');

  const bad = r.cases.filter((c) => c.result !== 'pass');
  if (bad.length) {
    out.push(`### ${mdEsc(s.reasons)} (${bad.length})`, '', `| ${mdEsc(s.id)} | ${mdEsc(s.name)} | ${mdEsc(s.result)} | ${mdEsc(s.findings)} |`, '|---|---|---|---|');
    for (const c of bad.slice(0, MAX_ROWS)) {
      const why = findingLines(c, lang, 1)[0] ?? c.reason ?? '';
      out.push(`| \`${c.id}\` | ${mdEsc(c.title)}${c.required === false ? ` (${mdEsc(s.optional)})` : ''} | ${mdEsc(resultText(lang, c.result))} | ${mdEsc(why.length > 200 ? `${why.slice(0, 199)}…` : why)} |`);
    }
    if (bad.length > MAX_ROWS) out.push(`| … | ${bad.length - MAX_ROWS} | | |`);
    out.push('');
  }
  if (input.perf.length) {
    out.push(`### ${mdEsc(s.performance)}`, '', `| ${mdEsc(s.stage)} | ${mdEsc(s.requests)} | ${mdEsc(s.errors)} | ${mdEsc(s.rps)} | p95 (ms) | p99 (ms) | ${mdEsc(s.result)} |`, '|---|--:|--:|--:|--:|--:|---|');
    const n = (v: number | undefined): string => (v === undefined ? '—' : String(Math.round(v * 10) / 10));
    for (const p of input.perf) {
      out.push(`| ${mdEsc(p.name)} | ${n(p.requests)} | ${n(p.errorCount)} | ${n(p.rps)} | ${n(p.latency.p95)} | ${n(p.latency.p99)} | ${mdEsc(resultText(lang, p.result === 'invalid' ? 'invalid' : p.result))} |`);
    }
    out.push('');
  }
  out.push(`<sub>record.json · ${mdEsc(r.runId)} · ${mdEsc(s.target)} ${mdEsc(r.target)}</sub>`, '');
  return out.join('\n');
}
