import type { RegisterCommand } from './index.js';
import { UsageError } from '../main.js';
import { renderTable } from '../table.js';
import { CatalogError, coverage, formatIssue, loadCatalog, type LoadedCatalog } from '../../catalog/index.js';
import type { DataElementDef, DatasetDef, DocumentTemplate, LevelCode, PlanDef, ServiceDef, ValueSetDef } from '../../catalog/types.js';

const LEVEL_ZH: Record<LevelCode, string> = { '3': '三级', '4b': '四级乙等', '4a': '四级甲等', '5b': '五级乙等', '5a': '五级甲等' };

type Listing = 'documents' | 'services' | 'datasets' | 'valuesets' | 'elements' | 'plans';
const LISTINGS: readonly Listing[] = ['documents', 'services', 'datasets', 'valuesets', 'elements', 'plans'];

interface View {
  /** the entries, as their catalogue objects (what --json prints) */
  items: (c: LoadedCatalog) => object[];
  header: string[];
  row: (item: never) => string[];
  right?: number[];
  noun: string;
}

const VIEWS: Record<Listing, View> = {
  documents: {
    items: (c) => c.documents,
    header: ['代码 code', '标题 title', '标准 standard', '深度 depth', '章节', '条目 entries', 'templateId'],
    row: (d: DocumentTemplate) => [
      d.code, d.title, d.standard, d.depth, String(d.sections.length),
      String(d.header.elements.length + d.sections.reduce((n, s) => n + s.entries.length, 0)), d.templateId,
    ],
    right: [4, 5],
    noun: 'documents 文档',
  },
  services: {
    items: (c) => c.services,
    header: ['服务 code', '名称 name', '模式 pattern', '请求 request', '响应 response', '用例 case', '级别 level', '实体 entity'],
    row: (s: ServiceDef) => [s.code, s.name, s.pattern, s.request, s.response, s.caseId, `${s.level} ${LEVEL_ZH[s.level] ?? ''}`, s.entity],
    noun: 'services 服务',
  },
  datasets: {
    items: (c) => c.datasets,
    header: ['标识 id', '名称 name', '标准 standard', '数据元 elements', '测试 test'],
    row: (d: DatasetDef) => [d.id, d.name, d.standard, String(d.elements.length), d.testPrefix ?? ''],
    right: [3],
    noun: 'datasets 数据集',
  },
  valuesets: {
    items: (c) => [...c.valueSets.values()],
    header: ['OID', '名称 name', '标准 standard', '代码 codes', '核实 verified'],
    row: (v: ValueSetDef) => [v.oid, v.name, v.standard, v.concepts.length === 0 ? '—' : String(v.concepts.length), v.verified ? '是 yes' : '否 no'],
    right: [3],
    noun: 'value sets 值域',
  },
  elements: {
    items: (c) => [...c.dataElements.values()],
    header: ['数据元 DE', '名称 name', '类型 type', '格式 format', '值域 value set', '别名 aliases'],
    row: (d: DataElementDef) => [
      d.de, d.name, d.type, d.format, d.valueSet ?? '',
      d.aliases.length > 3 ? `${d.aliases.slice(0, 3).join('、')} …(+${d.aliases.length - 3})` : d.aliases.join('、'),
    ],
    noun: 'data elements 数据元',
  },
  plans: {
    items: (c) => c.plans,
    header: ['方案 plan', '名称 title', '级别 level', '服务 services', '文档 documents', '数据集 datasets', '继承 extends'],
    row: (p: PlanDef) => [p.id, p.title, `${p.level} ${LEVEL_ZH[p.level] ?? ''}`, String(p.services.length), String(p.documents.length), String(p.datasets.length), p.extends ?? ''],
    right: [3, 4, 5],
    noun: 'plans 方案',
  },
};

/** True when any string inside the value contains the needle (case-insensitive). */
function mentions(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.toLowerCase().includes(needle);
  if (Array.isArray(value)) return value.some((v) => mentions(v, needle));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => mentions(v, needle));
  return false;
}

let pipeGuard = false;
/** `hutong catalog elements | head` closes the pipe early: that is the reader's choice, not an error. */
function guardPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

function load(): LoadedCatalog {
  try {
    return loadCatalog();
  } catch (err) {
    // a broken catalogue is unreadable configuration: exit 2 with every located problem
    if (err instanceof CatalogError) throw new UsageError(`the catalogue does not load:\n${err.message}`);
    throw err;
  }
}

function printCoverage(c: LoadedCatalog, json: boolean): void {
  const rows = coverage(c);
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  process.stdout.write(renderTable(
    ['标准 standard', '内容 what', '已编码 encoded', '说明 detail'],
    rows.map((r) => [r.standard, r.what, r.of === undefined ? String(r.encoded) : `${r.encoded}/${r.of}`, r.detail]),
    { right: [2] },
  ));
  process.stdout.write(`\ncatalogue ${c.version}: ${c.files.length} files, loaded in ${Math.round(c.loadMs)} ms; ${c.warnings.length} warnings\n`);
  for (const w of c.warnings) process.stdout.write(`  ! ${formatIssue(w)}\n`);
}

export const registercatalog: RegisterCommand = (program) => {
  program
    .command('catalog')
    .description('浏览标准目录 browse the standards catalogue (WS/T 500 documents, services, WS 445/363/364) or show its coverage')
    .argument('<what>', `${LISTINGS.join('|')}|coverage`)
    .option('--search <text>', 'only entries mentioning TEXT (any field, case-insensitive)')
    .option('--json', 'print a JSON array, one object per entry with all its fields')
    .action((what: string, opts: { search?: string; json?: boolean }) => {
      guardPipe();
      if (what === 'coverage') {
        if (opts.search !== undefined) throw new UsageError('--search does not apply to coverage');
        printCoverage(load(), opts.json === true);
        return;
      }
      if (!(LISTINGS as readonly string[]).includes(what)) {
        throw new UsageError(`catalog: unknown listing ${JSON.stringify(what)}; use one of ${LISTINGS.join(', ')}, coverage`);
      }
      const view = VIEWS[what as Listing];
      const c = load();
      const needle = opts.search?.toLowerCase();
      if (needle === '') throw new UsageError('--search needs a non-empty TEXT');
      const items = view.items(c).filter((it) => needle === undefined || mentions(it, needle));
      if (opts.json) {
        process.stdout.write(JSON.stringify(items, null, 2) + '\n');
        return;
      }
      const rows = items.map((it) => (view.row as (x: object) => string[])(it));
      process.stdout.write(renderTable(view.header, rows, view.right ? { right: view.right } : {}));
      process.stdout.write(`${items.length} ${view.noun}${needle === undefined ? '' : ` matching ${JSON.stringify(opts.search)}`}\n`);
    });
};
