// The five regional level plans (区域 三级 … 五级甲等), written as scenarios/plans/regional-*.yaml.
// Every list is cumulative and every figure is a hutong assumption (the official per-level lists
// and the 运行性能 thresholds are not public); each plan says so in `assumptions`.

const LEVELS = [
  { id: 'regional-3', level: '3', title: '区域 三级', zh: '三级' },
  { id: 'regional-4b', level: '4b', title: '区域 四级乙等', zh: '四级乙等', extends: 'regional-3' },
  { id: 'regional-4a', level: '4a', title: '区域 四级甲等', zh: '四级甲等', extends: 'regional-4b' },
  { id: 'regional-5b', level: '5b', title: '区域 五级乙等', zh: '五级乙等', extends: 'regional-4a' },
  { id: 'regional-5a', level: '5a', title: '区域 五级甲等', zh: '五级甲等', extends: 'regional-5b' },
];
const ORDER = ['3', '4b', '4a', '5b', '5a'];

/** WS/T 483 parts first required at each level (assumed) */
const DOC_LEVEL = {
  '3': [1, 2, 11, 12, 13, 16, 17, 18],
  '4b': [3, 4, 9, 10],
  '4a': [5, 6, 7, 8, 14, 15],
  '5b': [19, 20],
  '5a': [],
};
const DOC_WHY = {
  '3': '8 core documents: 个人基本健康信息登记, 出生/死亡医学证明, 高血压/2型糖尿病随访, 成人健康体检, 门诊/住院摘要',
  '4b': '12 documents: adds 新生儿家庭访视, 儿童健康体检, 预防接种报告, 传染病报告',
  '4a': '18 documents: adds the 妇女保健 (产前/产后) and 重性精神疾病 documents',
  '5b': 'all 20 WS/T 483 documents: adds 会诊记录, 转诊（院）记录',
  '5a': 'all 20 WS/T 483 documents',
};

/**
 * WS/T 448-2014 §11 metrics → stages. 最小并发用户数 is each closed stage's users; 基础服务平均响应时间
 * is avg< on the basic (registry) service; 健康档案交换 = storing a document, 调阅 = retrieving one,
 * 协同 = a cross-organisation business service (预约挂号). Only services the plan has get a stage.
 */
const STAGES = [
  { metric: '基础服务平均响应时间', name: 'PatientInfoQuery-50users', service: 'PatientInfoQuery', users: 50 },
  { metric: '健康档案交换服务性能', name: 'DocumentRegister-20users', service: 'DocumentRegister', users: 20 },
  { metric: '健康档案调阅服务性能', name: 'DocumentRetrieve-50users', service: 'DocumentRetrieve', users: 50 },
  { metric: '协同服务性能', name: 'OutPatientAppointStatusInfoAdd-20users', service: 'OutPatientAppointStatusInfoAdd', users: 20 },
];
const THRESHOLDS = '[avg<1000ms, p(95)<3s, errors<0.1%]';

const q = (s) => JSON.stringify(s);

export function buildPlans(services, templates) {
  const out = [];
  for (const L of LEVELS) {
    const upto = ORDER.slice(0, ORDER.indexOf(L.level) + 1);
    const svc = services.filter((s) => upto.includes(s.level)).map((s) => s.code);
    const parts = upto.flatMap((l) => DOC_LEVEL[l]).sort((a, b) => a - b);
    const docs = parts.map((p) => templates[p - 1]);
    const datasets = [...new Set(docs.flatMap((t) => t.datasetIds))];
    const stages = STAGES.filter((st) => svc.includes(st.service));
    const lines = [
      `# hutong level plan: ${L.title} (互联互通标准化成熟度测评, regional; WS/T 448-2014 platform).`,
      '# Written by tools/build-regional/main.mjs. services, documents and datasets are the full, cumulative',
      "# lists for this level; `extends` records the lineage. Every list and figure is an assumption (see below).",
      `id: ${L.id}`,
      'kind: regional',
      `level: '${L.level}'`,
      `title: ${L.title}`,
      ...(L.extends ? [`extends: ${L.extends}`] : []),
      `# ${svc.length} services (WS/T 790-2021, scenarios/regional-services.json)`,
      'services:',
      ...svc.map((s) => `  - ${s}`),
      `# ${docs.length} WS/T 483-2016 documents`,
      'documents:',
      ...docs.map((t) => `  - ${t.code}  # ${t.title}`),
      `# ${datasets.length} datasets (EHR-DE): those the documents carry (datasets/ws365.json, datasets/ws445.json ids)`,
      'datasets:',
      ...datasets.map((d) => `  - ${d}`),
      '# 运行性能 (WS/T 448-2014 §11: 最小并发用户数, 基础服务平均响应时间, 健康档案交换/调阅/协同服务性能).',
      '# Every figure is a hutong assumption (official thresholds are not public); the shape is the hospital',
      "# plans' (schemas/plan.schema.json). Override with `hutong perf --profile FILE` or a site plan.",
      'performance:',
      '  poolSize: 50',
      '  validateEvery: 100',
      '  timeoutMs: 10000',
      '  short: { warmupSeconds: 0.5, durationSeconds: 2, maxUsers: 4, maxRate: 20, maxThinkTimeMs: 50, poolSize: 8 }',
      '  stages:',
      ...stages.flatMap((st) => [
        `  - name: ${st.name}  # ${st.metric}; 最小并发用户数 ${st.users}`,
        `    service: ${st.service}`,
        '    model: closed',
        `    users: ${st.users}`,
        '    thinkTimeMs: 1000',
        '    warmupSeconds: 10',
        '    durationSeconds: 60',
        `    thresholds: ${THRESHOLDS}`,
        '    assumed: true',
      ]),
      'assumptions:',
      '  - figure: services required at this level',
      `    value: ${q(`${svc.length} WS/T 790 services: ${L.zh} mirrors the hospital practitioner mapping (三级 健康档案存储/调阅; 四级乙等 adds 居民/机构/人员注册; 五级乙等 adds 术语注册 and 预约挂号)`)}`,
      '    source:',
      '      standard: 国家医疗健康信息互联互通标准化成熟度测评方案 (区域)',
      '      via: ../shared/docs/domain.md §4 (hospital mapping); scenarios/regional-services.json',
      '      verified: false',
      '      note: No public per-level service list for regional platforms; hutong default.',
      '  - figure: documents required at this level',
      `    value: ${q(DOC_WHY[L.level])}`,
      '    source:',
      '      standard: 国家医疗健康信息互联互通标准化成熟度测评方案 (区域)',
      '      via: ../shared/docs/domain.md §2 (per-level document counts are not public)',
      '      verified: false',
      '      note: hutong default, chosen so that each level tests more than the one below and 五级 tests all 20; override the documents list in a site plan.',
      '  - figure: datasets required at this level',
      `    value: ${q(`${datasets.length} EHR-DE datasets: those carried by the plan documents`)}`,
      '    source:',
      '      standard: WS 365-2011',
      '      via: shared-docs/wst483/*.json (datasets of each document); datasets/ws365.json',
      '      verified: false',
      '      note: Derived from the document list, which is itself an assumption.',
      '  - figure: 运行性能 load (最小并发用户数, warm-up, duration)',
      `    value: ${q(`${stages.map((s) => `${s.service} ${s.users} users (${s.metric})`).join(', ')}; think 1 s, 10 s warm-up, 60 s measured per stage`)}`,
      '    source:',
      '      standard: WS/T 448-2014 §11 (最小并发用户数, 健康档案交换/调阅/协同服务性能)',
      '      via: ../shared/docs/domain.md §2 (the official figures of 运行性能 are not public)',
      '      verified: false',
      '      note: hutong default, assumed (same figures as the hospital plans); a site overrides every figure.',
      '  - figure: 运行性能 thresholds',
      `    value: ${q('avg<1000ms (基础服务平均响应时间), p(95)<3s, errors<0.1%')}`,
      '    source:',
      '      standard: WS/T 448-2014 §11 (基础服务平均响应时间)',
      '      via: ../shared/docs/domain.md §2 (the official thresholds of 运行性能 are not public)',
      '      verified: false',
      '      note: hutong default, assumed (each stage says assumed true).',
      'source:',
      '  standard: WS/T 790-2021; WS/T 483-2016; WS 365-2011; WS/T 448-2014',
      '  via: ../shared/docs/domain.md §1, §2',
      '  verified: false',
      `  note: ${q(`${L.zh} (区域). Levels are cumulative and cannot be skipped.`)}`,
    ];
    out.push({ file: `scenarios/plans/${L.id}.yaml`, text: `${lines.join('\n')}\n` });
  }
  return out;
}
