/** The words of every report, Chinese first (the record is a Chinese form), English for --lang en. */
import type { CaseArea, CaseResult } from '../run/record.js';

export type Lang = 'zh' | 'en';

const zh = {
  title: '互联互通标准化成熟度测评 定量测试记录',
  verdict: '结论', level: '申请等级', institution: '申请机构', target: '测试对象', date: '测试日期', expert: '测试人员',
  tool: '工具版本', catalog: '标准数据版本', plan: '测试方案', binding: '交互方式', runId: '运行编号', duration: '用时',
  layers: '校验层', assumptions: '假设（非官方数值）', figure: '项目', value: '取值', source: '依据',
  summary: '概要', total: '合计', area: '类别', id: '编号', name: '名称', content: '测试内容', result: '结果', note: '说明',
  required: '必测', optional: '选测', findings: '问题', rule: '规则', severity: '级别', clause: '标准条款', location: '位置', hint: '修改建议',
  message: '说明', evidence: '证据', request: '请求', response: '响应', other: '附件', truncated: '（已截断，仅显示前 {n}）',
  missingEvidence: '证据文件不可读', noEvidence: '无证据文件', performance: '性能测试', stage: '场景', service: '服务',
  users: '并发', rate: '速率', requests: '请求数', errors: '错误数', rps: '吞吐量（次/秒）', thresholds: '阈值', latency: '延迟（毫秒）',
  chartPercentiles: '各场景响应时间百分位（毫秒）', chartThroughput: '吞吐量随时间变化（次/秒）', chartLatencyOverTime: '响应时间随时间变化（毫秒）',
  chartHistogram: '响应时间分布', noData: '无数据', seconds: '秒', reasons: '不通过原因', invalidRun: '本次运行无效',
  expandAll: '全部展开', collapseAll: '全部收起', onlyFailed: '只看未通过', masked: '已脱敏（姓名、身份证号、电话已替换为化名）',
  signature: '测试人员签字', signDate: '日期', reviewer: '复核人签字', conclusion: '结论', generated: '生成于', noFindings: '无问题',
  layerRan: '已运行', layerNotRan: '未运行', perfNone: '本次运行未进行性能测试', reason: '原因', share: '占比', count: '次数',
  pretty: '已格式化显示；原文见证据文件', nested: '内嵌消息',
};

type Strings = typeof zh;

const en: Strings = {
  title: 'Interoperability maturity assessment — quantitative test record',
  verdict: 'Verdict', level: 'Level', institution: 'Institution', target: 'Target', date: 'Test date', expert: 'Tester',
  tool: 'Tool version', catalog: 'Catalogue version', plan: 'Plan', binding: 'Binding', runId: 'Run id', duration: 'Duration',
  layers: 'Validation layers', assumptions: 'Assumptions (not official figures)', figure: 'Figure', value: 'Value', source: 'Source',
  summary: 'Summary', total: 'Total', area: 'Area', id: 'ID', name: 'Name', content: 'What is tested', result: 'Result', note: 'Notes',
  required: 'required', optional: 'optional', findings: 'Findings', rule: 'Rule', severity: 'Severity', clause: 'Clause', location: 'Location', hint: 'Fix',
  message: 'Message', evidence: 'Evidence', request: 'Request', response: 'Response', other: 'Attachment', truncated: ' (truncated, first {n} shown)',
  missingEvidence: 'evidence file unreadable', noEvidence: 'no evidence files', performance: 'Performance', stage: 'Stage', service: 'Service',
  users: 'Users', rate: 'Rate', requests: 'Requests', errors: 'Errors', rps: 'Throughput (req/s)', thresholds: 'Thresholds', latency: 'Latency (ms)',
  chartPercentiles: 'Latency percentiles per stage (ms)', chartThroughput: 'Throughput over time (req/s)', chartLatencyOverTime: 'Latency over time (ms)',
  chartHistogram: 'Latency distribution', noData: 'no data', seconds: 's', reasons: 'Why not passed', invalidRun: 'This run is invalid',
  expandAll: 'Expand all', collapseAll: 'Collapse all', onlyFailed: 'Only not passed', masked: 'Masked (names, ID and phone numbers replaced by pseudonyms)',
  signature: 'Tester signature', signDate: 'Date', reviewer: 'Reviewer signature', conclusion: 'Conclusion', generated: 'Generated', noFindings: 'no findings',
  layerRan: 'ran', layerNotRan: 'did not run', perfNone: 'No performance stage in this run', reason: 'Reason', share: 'Share', count: 'Count',
  pretty: 'pretty-printed; the exact bytes are in the evidence file', nested: 'embedded message',
};

export const STRINGS: Record<Lang, Strings> = { zh, en };

export function t(lang: Lang): Strings {
  return STRINGS[lang];
}

const RESULT: Record<Lang, Record<CaseResult | 'invalid', string>> = {
  zh: { pass: '通过', fail: '不通过', error: '错误', skip: '未测', invalid: '无效' },
  en: { pass: 'pass', fail: 'fail', error: 'error', skip: 'skipped', invalid: 'invalid' },
};

export const resultText = (lang: Lang, r: CaseResult | 'invalid'): string => RESULT[lang][r];

const AREA: Record<Lang, Record<CaseArea, string>> = {
  zh: { service: '交互服务', document: '共享文档', dataset: '数据集', performance: '性能' },
  en: { service: 'Interaction services', document: 'Shared documents', dataset: 'Datasets', performance: 'Performance' },
};

export const areaText = (lang: Lang, a: CaseArea): string => AREA[lang][a];

export const verdictText = (lang: Lang, v: '通过' | '不通过'): string => (lang === 'zh' ? v : v === '通过' ? 'PASS' : 'NOT PASSED');

const SEVERITY: Record<Lang, Record<string, string>> = {
  zh: { error: '错误', warning: '警告', info: '提示' },
  en: { error: 'error', warning: 'warning', info: 'info' },
};

export const severityText = (lang: Lang, s: string): string => SEVERITY[lang][s] ?? s;

/** A date as the form writes it: 2026-12-01 18:05 (local time of the machine). */
export function formatDate(iso: string, withTime = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  return withTime ? `${day} ${p(d.getHours())}:${p(d.getMinutes())}` : day;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** 测试内容 of a case, from what its id says it is (CONTRACTS.md case ids). */
export function caseContent(lang: Lang, id: string, area: CaseArea): string {
  const zhText = (): string => {
    if (/-T\d+$/.test(id)) return '按标准构造的请求：应答 AA，查询/调阅结果与登记内容一致';
    if (/-F\d+$/.test(id)) return '异常请求（主键不存在或缺失）：应答规范的“无结果”或 AE 及说明，不得 SOAP Fault/5xx';
    if (area === 'document') return '文档注册、检索、调阅，调阅所得文档逐层校验';
    if (area === 'dataset') return '数据集导出记录按 WS 445 数据元逐项校验';
    if (area === 'performance') return '性能场景';
    return '';
  };
  const enText = (): string => {
    if (/-T\d+$/.test(id)) return 'conformant request: AA, query/retrieve result consistent with what was registered';
    if (/-F\d+$/.test(id)) return 'faulty request (key absent or missing): clean no-result or AE with detail, no SOAP fault/5xx';
    if (area === 'document') return 'document register, access and retrieve; every validation layer on the retrieved document';
    if (area === 'dataset') return 'dataset export checked element by element against WS 445';
    if (area === 'performance') return 'performance stage';
    return '';
  };
  return lang === 'zh' ? zhText() : enText();
}
