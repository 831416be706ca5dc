import type { Finding } from '../findings/types.js';
import type { FileResult, ValidationReport, Verdict } from './types.js';

/**
 * How a validation report is shown: the `--json` contract (findings in one language) and the
 * human listing (per file: verdict line, then each finding with rule id, line, message, hint,
 * XPath; a summary line at the end).
 */

export type Lang = 'zh' | 'en';

export interface JsonFinding {
  rule: string;
  severity: Finding['severity'];
  message: string;
  hint?: string;
  line?: number;
  column?: number;
  xpath?: string;
  clause?: string;
}

export interface JsonFile {
  path: string;
  kind: FileResult['kind'];
  documentType?: string;
  service?: string;
  envelope?: FileResult['envelope'];
  verdict: Verdict;
  findings: JsonFinding[];
}

export function jsonFinding(f: Finding, lang: Lang): JsonFinding {
  const out: JsonFinding = { rule: f.rule, severity: f.severity, message: lang === 'en' ? f.messageEn ?? f.message : f.message };
  const hint = lang === 'en' ? f.hintEn ?? f.hint : f.hint;
  if (hint) out.hint = hint;
  if (f.line !== undefined) out.line = f.line;
  if (f.column !== undefined) out.column = f.column;
  if (f.xpath !== undefined) out.xpath = f.xpath;
  if (f.clause) out.clause = f.clause;
  return out;
}

export function toJson(report: ValidationReport, lang: Lang): { files: JsonFile[]; layers: ValidationReport['layers'] } {
  return {
    // keys in the documented order: path, kind, documentType?, service?, envelope?, verdict, findings
    files: report.files.map((r): JsonFile => ({
      path: r.path,
      kind: r.kind,
      ...(r.documentType !== undefined ? { documentType: r.documentType } : {}),
      ...(r.service !== undefined ? { service: r.service } : {}),
      ...(r.envelope !== undefined ? { envelope: r.envelope } : {}),
      verdict: r.verdict,
      findings: r.findings.map((x) => jsonFinding(x, lang)),
    })),
    layers: report.layers,
  };
}

const T = {
  zh: {
    pass: '通过', fail: '不通过', error: '无法判定', line: '第 ', lineSuffix: ' 行', hint: '提示', at: '位置', clause: '依据',
    summary: (n: number, p: number, f: number, e: number, errs: number, warns: number, infos: number) =>
      `汇总：${n} 个文件，${p} 通过，${f} 不通过，${e} 无法判定；错误 ${errs}，警告 ${warns}，提示 ${infos}`,
    layersDown: '未能运行的校验层', sev: { error: '错误', warning: '警告', info: '提示' },
  },
  en: {
    pass: 'pass', fail: 'FAIL', error: 'ERROR', line: 'line ', lineSuffix: '', hint: 'hint', at: 'at', clause: 'clause',
    summary: (n: number, p: number, f: number, e: number, errs: number, warns: number, infos: number) =>
      `Summary: ${n} files, ${p} pass, ${f} fail, ${e} could not be judged; ${errs} errors, ${warns} warnings, ${infos} info`,
    layersDown: 'Layers that could not run', sev: { error: 'error', warning: 'warning', info: 'info' },
  },
} as const;

function describe(r: FileResult): string {
  const bits: string[] = [r.kind];
  if (r.documentType) bits.push(r.documentType);
  if (r.service) bits.push(r.service);
  if (r.envelope) bits.push(`in ${r.envelope === 'soap12' ? 'SOAP 1.2' : 'SOAP 1.1'}`);
  return bits.join(' ');
}

const ORDER: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

export function renderHuman(report: ValidationReport, lang: Lang, opts: { color?: boolean; maxPerFile?: number } = {}): string {
  const t = T[lang];
  const c = opts.color ?? false;
  const paint = (code: string, s: string) => (c ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  let errs = 0;
  let warns = 0;
  let infos = 0;
  const count: Record<Verdict, number> = { pass: 0, fail: 0, error: 0 };
  for (const r of report.files) {
    count[r.verdict]++;
    const mark = r.verdict === 'pass' ? paint('32', '✓') : r.verdict === 'fail' ? paint('31', '✗') : paint('33', '!');
    lines.push(`${mark} ${r.path}  [${describe(r)}]  ${r.verdict === 'pass' ? t.pass : r.verdict === 'fail' ? paint('31', t.fail) : paint('33', t.error)}`);
    const sorted = [...r.findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || (a.line ?? 0) - (b.line ?? 0));
    const max = opts.maxPerFile ?? Infinity;
    for (const [i, f] of sorted.entries()) {
      if (f.severity === 'error') errs++;
      else if (f.severity === 'warning') warns++;
      else infos++;
      if (i >= max) continue;
      const where = f.line !== undefined ? `${t.line}${f.line}${t.lineSuffix}` : '';
      const sev = t.sev[f.severity];
      const sevPainted = f.severity === 'error' ? paint('31', sev) : f.severity === 'warning' ? paint('33', sev) : paint('36', sev);
      const msg = lang === 'en' ? f.messageEn ?? f.message : f.message;
      const hint = lang === 'en' ? f.hintEn ?? f.hint : f.hint;
      lines.push(`    ${sevPainted}  ${f.rule}${where ? `  ${where}` : ''}  ${msg}`);
      if (hint) lines.push(`        ${t.hint}: ${hint}`);
      if (f.xpath) lines.push(`        ${t.at}: ${f.xpath}`);
      if (f.clause) lines.push(`        ${t.clause}: ${f.clause}`);
    }
    if (sorted.length > max) lines.push(`    … ${sorted.length - max} more`);
  }
  const down = report.layers.filter((l) => !l.ran);
  if (down.length > 0) {
    lines.push('');
    lines.push(`${t.layersDown}:`);
    for (const l of down) lines.push(`  ${l.id} (${l.name}): ${l.error ?? '-'}`);
  }
  lines.push('');
  lines.push(t.summary(report.files.length, count.pass, count.fail, count.error, errs, warns, infos));
  return `${lines.join('\n')}\n`;
}
