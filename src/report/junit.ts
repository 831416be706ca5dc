/**
 * junit.xml for CI (Jenkins junit step, GitLab artifacts:reports:junit): one <testsuite> per
 * area, one <testcase> per case id (classname = area), failures carry the first findings with
 * their clause, errors are <error>, skips <skipped>. Performance stages are testcases of the
 * "performance" suite (invalid → <error>: nothing was measured). Times in seconds.
 */
import type { CaseArea, CaseRecord } from '../run/record.js';
import { casesByArea, findingLines, type PerfView, type ReportInput } from './model.js';

/** XML 1.0 attribute/text escaping; characters XML cannot carry at all are dropped. */
export function xmlEsc(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
/** Element text keeps its line breaks. */
const textEsc = (s: string): string => xmlEsc(s).replace(/&#10;/g, '\n');

const secs = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);

interface Tc { name: string; classname: string; timeMs: number; body: string; kind: 'pass' | 'failure' | 'error' | 'skipped' }

function caseTc(c: CaseRecord, input: ReportInput): Tc {
  const lines = findingLines(c, input.lang, 3);
  const all = findingLines(c, input.lang, 50);
  const message = lines.length ? lines.join('; ') : c.reason ?? c.result;
  let body = '';
  let kind: Tc['kind'] = 'pass';
  if (c.result === 'fail' || (c.result === 'pass' && c.findings.some((f) => f.severity === 'error'))) {
    kind = 'failure';
    const type = c.findings.find((f) => f.severity === 'error')?.rule ?? c.findings[0]?.rule ?? 'fail';
    const detail = [c.reason, ...all, ...c.findings.slice(0, 50).filter((f) => f.xpath).map((f) => `${f.rule} @ ${f.xpath}`)].filter(Boolean).join('\n');
    body = `<failure message="${xmlEsc(message)}" type="${xmlEsc(type)}">${textEsc(detail)}</failure>`;
  } else if (c.result === 'error') {
    kind = 'error';
    body = `<error message="${xmlEsc(c.reason ?? message)}" type="error">${textEsc([c.reason, ...all].filter(Boolean).join('\n'))}</error>`;
  } else if (c.result === 'skip') {
    kind = 'skipped';
    body = `<skipped message="${xmlEsc(c.reason ?? 'skipped')}"/>`;
  }
  if (c.evidence.length) body += `<system-out>${textEsc(`${c.title}\nevidence:\n${c.evidence.join('\n')}`)}</system-out>`;
  else body += `<system-out>${textEsc(c.title)}</system-out>`;
  return { name: c.id, classname: c.area, timeMs: c.durationMs ?? 0, body, kind };
}

function perfTc(p: PerfView): Tc {
  const th = p.thresholds.map((x) => `${x.pass ? 'ok' : 'FAILED'} ${x.expr}${x.actual !== undefined ? ` (actual ${x.actual})` : ''}`);
  const message = [p.reason, ...th.filter((x) => x.startsWith('FAILED'))].filter(Boolean).join('; ') || p.result;
  const kind: Tc['kind'] = p.result === 'pass' ? 'pass' : p.result === 'fail' ? 'failure' : p.result === 'invalid' ? 'error' : 'skipped';
  const body = kind === 'failure' ? `<failure message="${xmlEsc(message)}" type="threshold">${textEsc(th.join('\n'))}</failure>`
    : kind === 'error' ? `<error message="${xmlEsc(message)}" type="invalid">${textEsc(th.join('\n'))}</error>`
      : kind === 'skipped' ? `<skipped message="${xmlEsc(p.reason ?? 'skipped')}"/>` : '';
  return { name: p.name, classname: 'performance', timeMs: (p.durationS ?? 0) * 1000, body, kind };
}

export function renderJunit(input: ReportInput): string {
  const r = input.record;
  const suites: { name: CaseArea | 'performance'; tcs: Tc[] }[] = casesByArea(r).map(([a, cs]) => ({ name: a, tcs: cs.map((c) => caseTc(c, input)) }));
  if (input.perf.length) {
    const tcs = input.perf.map(perfTc);
    const existing = suites.find((s) => s.name === 'performance');
    if (existing) existing.tcs.push(...tcs);
    else suites.push({ name: 'performance', tcs });
  }
  const count = (tcs: Tc[], k: Tc['kind']) => tcs.filter((x) => x.kind === k).length;
  const all = suites.flatMap((s) => s.tcs);
  const time = (tcs: Tc[]) => secs(tcs.reduce((a, x) => a + x.timeMs, 0));
  const stamp = r.startedAt.replace(/(\.\d+)?Z$/, '');
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="${xmlEsc(`hutong ${r.plan}`)}" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}" skipped="${count(all, 'skipped')}" time="${secs(Date.parse(r.finishedAt) - Date.parse(r.startedAt))}" timestamp="${xmlEsc(stamp)}">`);
  suites.forEach((s, i) => {
    lines.push(`  <testsuite name="${xmlEsc(s.name)}" id="${i}" package="${xmlEsc(r.plan)}" tests="${s.tcs.length}" failures="${count(s.tcs, 'failure')}" errors="${count(s.tcs, 'error')}" skipped="${count(s.tcs, 'skipped')}" time="${time(s.tcs)}" timestamp="${xmlEsc(stamp)}" hostname="${xmlEsc(hostOf(r.target))}">`);
    lines.push(`    <properties><property name="verdict" value="${xmlEsc(r.verdict)}"/><property name="level" value="${xmlEsc(r.level)}"/><property name="tool" value="${xmlEsc(r.tool.version)}"/></properties>`);
    for (const tc of s.tcs) {
      lines.push(`    <testcase name="${xmlEsc(tc.name)}" classname="${xmlEsc(tc.classname)}" time="${secs(tc.timeMs)}">${tc.body}</testcase>`);
    }
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function hostOf(target: string): string {
  try { return new URL(target).hostname || 'localhost'; } catch { return 'localhost'; }
}
