/**
 * record.html: one self-contained page (inline CSS, script and SVG; no URL of any kind), safe
 * to open on a hospital workstation with no network. Everything from the record and the
 * evidence is escaped (esc) and a Content-Security-Policy allows only the page's own inline
 * style and script, by hash: even a bug in escaping could not run injected script.
 */
import { createHash } from 'node:crypto';
import type { CaseRecord, CaseResult } from '../../run/record.js';
import type { Finding } from '../../findings/types.js';
import { areaText, formatDate, formatDuration, resultText, severityText, t, verdictText, type Lang } from '../i18n.js';
import { casesByArea, EVIDENCE_MAX_BYTES, type EvidenceView, type PerfView, type ReportInput } from '../model.js';
import { histogramChart, percentileChart, seriesChart } from './charts.js';
import { anchor, esc } from './escape.js';
import { CSS, SCRIPT } from './style.js';
import { xmlToHtml } from './xml-view.js';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('base64');

const badge = (lang: Lang, r: CaseResult | 'invalid'): string => `<span class="r ${r}">${esc(resultText(lang, r))}</span>`;

export function renderHtml(input: ReportInput): string {
  const { record: r, lang } = input;
  const s = t(lang);
  const csp = `default-src 'none'; style-src 'sha256-${sha256(CSS)}'; script-src 'sha256-${sha256(SCRIPT)}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const pass = r.verdict === '通过';
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">`
    + `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`
    + `<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${esc(`${s.title} — ${r.institution ?? r.plan}`)}</title><style>${CSS}</style></head><body><main>`);
  parts.push(`<h1>${esc(s.title)}</h1><p class="sub">${esc(r.plan)} · ${esc(r.runId)}</p>`);
  if (input.masked) parts.push(`<div class="banner info">${esc(s.masked)}</div>`);
  if (r.invalid) parts.push(`<div class="banner bad">${esc(s.invalidRun)}: ${esc(r.invalid.reason)}</div>`);

  // summary block
  const dur = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  const meta: [string, string][] = [
    [s.institution, r.institution ?? '—'], [s.level, r.level], [s.target, r.target], [s.date, formatDate(r.startedAt)],
    [s.expert, r.expert ?? '—'], [s.tool, `hutong ${r.tool.version}`], [s.plan, r.plan], [s.binding, r.binding.kind],
    [s.catalog, r.tool.catalogVersion ?? '—'], [s.duration, formatDuration(dur)],
  ];
  parts.push(`<section class="card head" id="summary"><div class="verdict ${pass ? 'pass' : 'fail'}" data-verdict="${pass ? 'pass' : 'fail'}">${esc(s.verdict)}：${esc(verdictText(lang, r.verdict))}</div><dl class="meta">`
    + meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('') + '</dl></section>');

  parts.push(countsTable(input));
  if (!pass && input.reasons.length) {
    const items = input.reasons.slice(0, 50).map((x) => `<li>${x.kind === 'case' ? `<a href="#${anchor(x.id)}">${esc(x.id)}</a> ${esc(caseReasonText(input, x.id))}` : esc(x.kind === 'empty' ? (lang === 'zh' ? '本次运行没有任何必测项目' : x.text) : `${s.performance} ${x.id}: ${perfResultText(input, x.id)}`)}</li>`);
    if (input.reasons.length > 50) items.push(`<li>… ${input.reasons.length - 50}</li>`);
    parts.push(`<section class="card"><h3>${esc(s.reasons)}</h3><ul class="reasons">${items.join('')}</ul></section>`);
  }

  parts.push(`<div class="toolbar"><button type="button" id="btn-expand">${esc(s.expandAll)}</button><button type="button" id="btn-collapse">${esc(s.collapseAll)}</button><button type="button" id="btn-failed">${esc(s.onlyFailed)}</button></div>`);

  for (const [area, cases] of casesByArea(r)) {
    parts.push(`<h2 id="area-${area}">${esc(areaText(lang, area))}</h2>`);
    parts.push(caseTable(input, cases));
    // what did not pass first, then passing cases that carry warnings
    const notPassed = cases.filter((c) => input.evidence.has(c.id)).sort((a, b) => Number(a.result === 'pass') - Number(b.result === 'pass'));
    for (const c of notPassed) parts.push(caseDetails(input, c));
  }

  parts.push(performanceSection(input));
  parts.push(layersSection(input));
  parts.push(`<footer>${esc(s.generated)} ${esc(formatDate(new Date().toISOString()))} · hutong ${esc(r.tool.version)} · record.json</footer>`);
  parts.push(`</main><script>${SCRIPT}</script></body></html>\n`);
  return parts.join('\n');
}

function caseReasonText(input: ReportInput, id: string): string {
  const c = input.record.cases.find((x) => x.id === id);
  if (!c) return '';
  const first = firstFinding(c);
  const msg = first ? (input.lang === 'en' ? first.messageEn ?? first.message : first.message) : c.reason ?? '';
  return `${resultText(input.lang, c.result)}${msg ? ` — ${msg}` : ''}`;
}

function perfResultText(input: ReportInput, name: string): string {
  const p = input.perf.find((x) => x.name === name);
  if (!p) return '';
  const failed = p.thresholds.filter((x) => !x.pass).map((x) => x.expr).join(', ');
  return `${resultText(input.lang, p.result === 'invalid' ? 'invalid' : p.result)}${p.reason ? ` — ${p.reason}` : failed ? ` — ${failed}` : ''}`;
}

function countsTable(input: ReportInput): string {
  const { record: r, lang } = input;
  const s = t(lang);
  const results: CaseResult[] = ['pass', 'fail', 'error', 'skip'];
  const head = `<tr><th>${esc(s.area)}</th>${results.map((x) => `<th class="num">${esc(resultText(lang, x))}</th>`).join('')}<th class="num">${esc(s.total)}</th></tr>`;
  const rows = casesByArea(r).map(([a]) => {
    const c = r.summary.byArea[a];
    return `<tr><td><a href="#area-${a}">${esc(areaText(lang, a))}</a></td>${results.map((x) => `<td class="num">${c[x]}</td>`).join('')}<td class="num">${c.pass + c.fail + c.error + c.skip}</td></tr>`;
  });
  const tot = r.summary;
  rows.push(`<tr><th>${esc(s.total)}</th>${results.map((x) => `<th class="num">${tot[x]}</th>`).join('')}<th class="num">${tot.pass + tot.fail + tot.error + tot.skip}</th></tr>`);
  return `<section class="card" id="counts"><h3>${esc(s.summary)}</h3><table class="counts">${head}${rows.join('')}</table></section>`;
}

const sevRank = (x: string): number => (x === 'error' ? 0 : x === 'warning' ? 1 : 2);
const firstFinding = (c: CaseRecord): Finding | undefined => [...c.findings].sort((a, b) => sevRank(a.severity) - sevRank(b.severity))[0];

function caseTable(input: ReportInput, cases: readonly CaseRecord[]): string {
  const { lang } = input;
  const s = t(lang);
  const rows = cases.map((c) => {
    const first = firstFinding(c);
    const note = first ? `${first.rule}${first.clause ? ` (${first.clause})` : ''}: ${lang === 'en' ? first.messageEn ?? first.message : first.message}` : c.reason ?? '';
    const id = input.evidence.has(c.id) ? `<a href="#${anchor(c.id)}">${esc(c.id)}</a>` : esc(c.id);
    return `<tr class="row-${c.result}" data-case="${esc(c.id)}"><td class="id"><code>${id}</code></td><td>${esc(c.title)}${c.required === false ? ` <span class="opt">(${esc(s.optional)})</span>` : ''}</td>`
      + `<td>${badge(lang, c.result)}</td><td class="num">${c.findings.length}</td><td class="num">${c.durationMs !== undefined ? esc(formatDuration(c.durationMs)) : ''}</td><td>${esc(note)}</td></tr>`;
  });
  return `<table class="cases"><tr><th>${esc(s.id)}</th><th>${esc(s.name)}</th><th>${esc(s.result)}</th><th class="num">${esc(s.findings)}</th><th class="num">${esc(s.duration)}</th><th>${esc(s.note)}</th></tr>${rows.join('')}</table>`;
}

function caseDetails(input: ReportInput, c: CaseRecord): string {
  const { lang } = input;
  const s = t(lang);
  const first = firstFinding(c);
  const firstText = first ? (lang === 'en' ? first.messageEn ?? first.message : first.message) : c.reason ?? '';
  let body = '';
  if (c.reason) body += `<p><b>${esc(s.reason)}:</b> ${esc(c.reason)}</p>`;
  if (c.findings.length) {
    body += `<table class="findings"><tr><th>${esc(s.rule)}</th><th>${esc(s.severity)}</th><th>${esc(s.clause)}</th><th>${esc(s.message)}</th><th>${esc(s.location)}</th><th>${esc(s.hint)}</th></tr>`;
    for (const f of c.findings.slice(0, 200)) {
      const loc = [f.xpath, f.file ? `${f.file}${f.line !== undefined ? `:${f.line}${f.column !== undefined ? `:${f.column}` : ''}` : ''}` : undefined].filter(Boolean) as string[];
      body += `<tr><td><code>${esc(f.rule)}</code></td><td class="f-${esc(f.severity)}">${esc(severityText(lang, f.severity))}</td><td>${esc(f.clause ?? '')}</td>`
        + `<td>${esc(lang === 'en' ? f.messageEn ?? f.message : f.message)}</td><td>${loc.map((l) => `<code>${esc(l)}</code>`).join('<br>')}</td><td>${esc((lang === 'en' ? f.hintEn ?? f.hint : f.hint) ?? '')}</td></tr>`;
    }
    body += '</table>';
    if (c.findings.length > 200) body += `<p>… ${c.findings.length - 200}</p>`;
  } else if (!c.reason) {
    body += `<p>${esc(s.noFindings)}</p>`;
  }
  const ev = input.evidence.get(c.id) ?? [];
  body += `<div class="ev"><h3>${esc(s.evidence)}</h3>`;
  if (ev.length === 0) body += `<p>${esc(s.noEvidence)}</p>`;
  for (const e of ev) body += evidenceBlock(input, e);
  if (c.evidence.length > ev.length) body += `<p>… ${c.evidence.length - ev.length}: ${c.evidence.slice(ev.length).map((p) => `<code>${esc(p)}</code>`).join(' ')}</p>`;
  body += '</div>';
  return `<details class="case ${c.result}" id="${anchor(c.id)}" data-case="${esc(c.id)}"><summary><code>${esc(c.id)}</code> ${esc(c.title)} ${badge(lang, c.result)}<span class="first">${esc(firstText)}</span></summary><div class="body">${body}</div></details>`;
}

function evidenceBlock(input: ReportInput, e: EvidenceView): string {
  const s = t(input.lang);
  const label = e.role === 'request' ? s.request : e.role === 'response' ? s.response : s.other;
  let out = `<h4>${esc(label)}<span class="path">${esc(e.path)} · ${e.bytes} B</span></h4>`;
  if (e.error !== undefined) return `${out}<p class="f-error">${esc(s.missingEvidence)}: ${esc(e.error)}</p>`;
  if (e.truncated) out += `<p class="opt">${esc(s.truncated.replace('{n}', `${EVIDENCE_MAX_BYTES / 1024} KiB`))}</p>`;
  return `${out}<pre class="xml">${xmlToHtml(e.text ?? '')}</pre>`;
}

const ms = (v: number | undefined): string => (v === undefined ? '' : String(Math.round(v * 10) / 10));

function performanceSection(input: ReportInput): string {
  const { lang, perf } = input;
  const s = t(lang);
  let out = `<h2 id="performance">${esc(s.performance)}</h2>`;
  if (perf.length === 0) return `${out}<p>${esc(s.perfNone)}</p>`;
  out += `<table class="perf"><tr><th>${esc(s.stage)}</th><th>${esc(s.service)}</th><th>${esc(s.users)}/${esc(s.rate)}</th><th class="num">${esc(s.duration)}</th><th class="num">${esc(s.requests)}</th><th class="num">${esc(s.errors)}</th><th class="num">${esc(s.rps)}</th><th class="num">p50</th><th class="num">p95</th><th class="num">p99</th><th>${esc(s.thresholds)}</th><th>${esc(s.result)}</th></tr>`;
  for (const p of perf) {
    const load = p.users !== undefined ? `${p.users} VU` : p.rate !== undefined ? `${p.rate}/s` : '';
    const th = p.thresholds.map((x) => `<span class="${x.pass ? '' : 'f-error'}">${esc(x.expr)}${x.actual !== undefined ? ` (${esc(x.actual)})` : ''}${x.assumed ? '*' : ''}</span>`).join('<br>');
    out += `<tr class="row-${p.result === 'pass' ? 'pass' : 'fail'}"><td>${esc(p.name)}${p.required ? '' : ` <span class="opt">(${esc(s.optional)})</span>`}</td><td>${esc(p.service ?? '')}</td><td>${esc(load)}</td>`
      + `<td class="num">${p.durationS !== undefined ? `${p.durationS} ${esc(s.seconds)}` : ''}</td><td class="num">${p.requests ?? ''}</td><td class="num">${p.errorCount ?? ''}</td><td class="num">${p.rps !== undefined ? ms(p.rps) : ''}</td>`
      + `<td class="num">${ms(p.latency.p50)}</td><td class="num">${ms(p.latency.p95)}</td><td class="num">${ms(p.latency.p99)}</td><td>${th}</td><td>${badge(lang, p.result === 'invalid' ? 'invalid' : p.result)}${p.reason ? `<br><span class="opt">${esc(p.reason)}</span>` : ''}</td></tr>`;
  }
  out += '</table>';
  const charts: string[] = [];
  const pc = percentileChart(perf, s.chartPercentiles, 'ms');
  if (pc) charts.push(pc);
  const tp = seriesChart(perf, (x) => x.requests, s.chartThroughput, s.rps, s.seconds);
  if (tp) charts.push(tp);
  const lt = seriesChart(perf, (x) => x.p99 ?? x.p50, `${s.chartLatencyOverTime} p99`, 'ms', s.seconds);
  if (lt) charts.push(lt);
  for (const p of perf) {
    const h = histogramChart(p, s.chartHistogram, '%');
    if (h) charts.push(h);
  }
  out += charts.length ? `<div class="charts" id="perf-charts">${charts.join('')}</div>` : `<p>${esc(s.noData)}</p>`;
  return out;
}

function layersSection(input: ReportInput): string {
  const { record: r, lang } = input;
  const s = t(lang);
  let out = `<h2 id="layers">${esc(s.layers)}</h2><table><tr><th>ID</th><th>${esc(s.name)}</th><th>engine</th><th>data</th><th>${esc(s.result)}</th></tr>`;
  for (const l of r.tool.layers) {
    out += `<tr><td><code>${esc(l.id)}</code></td><td>${esc(l.name)}</td><td>${esc(`${l.engine} ${l.engineVersion}`)}</td><td><code>${esc(l.dataVersion)}</code></td><td>${esc(l.ran ? s.layerRan : s.layerNotRan)}${l.error ? `: ${esc(l.error)}` : ''}</td></tr>`;
  }
  out += '</table>';
  if (r.assumptions.length) {
    out += `<h3>${esc(s.assumptions)}</h3><table><tr><th>${esc(s.figure)}</th><th>${esc(s.value)}</th><th>${esc(s.source)}</th></tr>`;
    for (const a of r.assumptions) {
      const src = [a.source.standard, a.source.clause, a.source.via ? `via ${a.source.via}` : undefined, a.source.verified ? undefined : '(unverified)', a.source.note].filter(Boolean).join(' ');
      out += `<tr><td>${esc(a.figure)}</td><td>${esc(a.value)}</td><td>${esc(src)}</td></tr>`;
    }
    out += '</table>';
  }
  return out;
}
