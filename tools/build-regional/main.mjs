#!/usr/bin/env node
// Dev tool: writes the regional (区域) catalogue from the build specs in this folder and the
// committed catalogue files (datasets/ws445.json rows, datasets/ws363.json dictionary):
//   shared-docs/wst483/EHR-SD-nn.json   the 20 WS/T 483 templates (full depth)
//   datasets/ws365.json                 the EHR-DE datasets the documents carry (those not in ws445.json)
//   datasets/ws363-regional.json        the data elements the documents use beyond the WS 445 dictionary
//   scenarios/regional-services.json    the WS/T 790 services encoded (those with a WS/T 846 counterpart)
//   scenarios/plans/regional-*.yaml     the five regional level plans
// The JSON it writes is committed; nothing here needs ../shared at run time.
//
//   node tools/build-regional/main.mjs [--check]
//
// --check compares instead of writing and exits 1 when a file would change.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hl7Type } from '../extract-documents/types.mjs';
import { DOCS, SECTIONS } from './documents.mjs';
import { HEADER_SLOTS, partOf } from './header.mjs';
import { REGIONAL_ELEMENTS } from './regional-elements.mjs';
import { buildPlans } from './plans.mjs';
import { buildServices } from './services.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const check = process.argv.includes('--check');
const readJson = (rel) => JSON.parse(readFileSync(join(repo, rel), 'utf8'));

/** Facts of facts/wst483_regional_documents_and_datasets.csv (titles, prefixes, dataset names). */
const FACTS = [
  [1, '个人基本健康信息登记', 'EHR-DE-01', '个人基本信息'], [2, '出生医学证明', 'EHR-DE-02', '出生医学证明'],
  [3, '新生儿家庭访视', 'EHR-DE-03', '新生儿家庭访视信息'], [4, '儿童健康体检', 'EHR-DE-04', '儿童健康检查信息'],
  [5, '首次产前随访服务', 'EHR-DE-05', '产前随访服务信息'], [6, '产前随访服务', 'EHR-DE-05', '产前随访服务信息'],
  [7, '产后访视', 'EHR-DE-07', '产后访视服务信息'], [8, '产后42天健康检查', 'EHR-DE-08', '产后42天健康检查信息'],
  [9, '预防接种报告', 'EHR-DE-09', '预防接种卡信息'], [10, '传染病报告', 'EHR-DE-10', '传染病报告卡信息'],
  [11, '死亡医学证明', 'EHR-DE-11', '死亡医学证明'], [12, '高血压患者随访服务', 'EHR-DE-12', '高血压患者随访信息'],
  [13, '2型糖尿病患者随访服务', 'EHR-DE-13', '2型糖尿病患者随访信息'], [14, '重性精神疾病患者个人信息登记', 'EHR-DE-14', '重性精神疾病患者管理信息'],
  [15, '重性精神病随访服务', 'EHR-DE-14', '重性精神疾病患者管理信息'], [16, '成人健康体检', 'EHR-DE-16', '健康体检信息'],
  [17, '门诊摘要', 'EHR-DE-17', '门诊摘要信息'], [18, '住院摘要', 'EHR-DE-18', '住院摘要信息'],
  [19, '会诊记录', 'EHR-DE-19', '会诊信息'], [20, '转诊（院）记录', 'EHR-DE-20', '转诊（院）信息'],
];
/** documents 6 and 15 have no dataset of their own in the facts table: they share 5's and 14's */
const SHARED_DATASET = { 6: 'the facts table lists no EHR-DE-06; its source key MHC_VisitRecord is EHR-DE-05\'s too', 15: 'the facts table has EHR-DE-15 commented out (食源性疾病报告卡信息); the document shares EHR-DE-14' };

const ws445 = readJson('datasets/ws445.json').datasets;
const dict = new Map(readJson('datasets/ws363.json').dataElements.map((d) => [d.de, d]));
for (const [de, name, type, format] of REGIONAL_ELEMENTS) dict.set(de, { de, name, type, format });
const rows = new Map(ws445.flatMap((ds) => ds.elements.map((e) => [e.hdsd, { ...e, dataset: ds }])));

/** One element source: a dataset row (by internal id) or a dictionary entry (by DE id), with an optional name. */
function element(ref, name) {
  if (/^HDS/.test(ref)) {
    const r = rows.get(ref);
    if (!r) throw new Error(`no dataset row ${ref}`);
    return { de: r.de, hdsd: r.hdsd, name: name ?? r.name, type: r.type, format: r.format };
  }
  const d = dict.get(ref);
  if (!d) throw new Error(`data element ${ref} is neither in datasets/ws363.json nor in regional-elements.mjs`);
  return { de: d.de, name: name ?? d.name, type: d.type, format: d.format };
}

function entry(el, xpath, required) {
  const t = hl7Type(el);
  const e = { de: el.de };
  if (el.hdsd) e.hdsd = el.hdsd;
  Object.assign(e, { name: el.name, dataType: t.dataType, format: el.format });
  if (t.valueSet) e.valueSet = t.valueSet;
  if (t.unit) e.unit = t.unit;
  Object.assign(e, { cardinality: required ? '1..1' : '0..1', xpath });
  return e;
}

const bang = (s) => (s.endsWith('!') ? [s.slice(0, -1), true] : [s, false]);
const escapeLiteral = (s) => {
  if (s.includes("'")) throw new Error(`name ${s} has a quote`);
  return s;
};

function buildHeader(spec) {
  const out = [];
  for (const raw of spec.header) {
    const [slotSpec, required] = bang(raw);
    const [slot, ref] = slotSpec.split('=');
    const def = HEADER_SLOTS[slot];
    if (!def) throw new Error(`part ${spec.part}: unknown header slot ${slot}`);
    const [de, defaultName, xpath] = def;
    const el = ref ? element(ref) : element(de, defaultName);
    if (el.de !== de) throw new Error(`part ${spec.part}: ${ref} is ${el.de}, slot ${slot} holds ${de}`);
    out.push(entry(el, xpath, required));
  }
  return out;
}

function buildSections(spec) {
  return spec.sections.map(([code, cardinality, refs]) => {
    const title = SECTIONS[code];
    if (!title) throw new Error(`part ${spec.part}: section ${code} has no title`);
    const els = refs.map((r) => {
      const [id, name] = Array.isArray(r) ? r : [r, undefined];
      const [ref, required] = bang(id);
      return { el: element(ref, name), required };
    });
    const count = new Map();
    for (const { el } of els) count.set(el.de, (count.get(el.de) ?? 0) + 1);
    const entries = els.map(({ el, required }) => {
      // one DE twice in a section (母亲姓名, 父亲姓名): the observation's displayName tells them apart
      const pred = count.get(el.de) > 1 ? `[hl7:observation/hl7:code/@displayName='${escapeLiteral(el.name)}']` : '';
      return entry(el, `hl7:entry[hl7:observation/hl7:code/@code='${el.de}']${pred}/hl7:observation/hl7:value`, required);
    });
    return { code, title, cardinality, entries };
  });
}

const HEADER_ORDER = ['recordTarget', 'author', 'custodian', 'participant', 'componentOf'];

function buildTemplate(spec) {
  const [part, title, dePrefix, dsName] = FACTS[spec.part - 1];
  const nn = String(part).padStart(2, '0');
  const headerEls = buildHeader(spec);
  const parts = new Set(['recordTarget', 'author', 'custodian', ...headerEls.map((e) => partOf(e.xpath))]);
  const sections = buildSections(spec);
  const existing = spec.dataset ? ws445.find((d) => d.id === spec.dataset) : undefined;
  // the regional dataset only (会诊信息, not WS 445 会诊记录): plans derive EHR-DE cases from it
  const datasets = [dsName];
  const bodyCount = sections.reduce((n, s) => n + s.entries.length, 0);
  const notes = [];
  notes.push(spec.observed
    ? `Document type code ${spec.typeCode} observed in public material (${spec.codeVia}); not confirmed against the standard's text.`
    : `Document type code ${spec.typeCode} INFERRED from the pattern of the observed codes (HSDA00.01 part 1; HSDB01.01–.03 parts 2–4; HSDB04.01/.03 parts 12/14; HSDC00.01 part 16)${spec.inferNote ? `: ${spec.inferNote}` : ''}; no public sample seen.`);
  notes.push(`templateId 2.16.156.10011.2.1.1.${part} ${[1, 12, 14, 16].includes(part) ? 'observed in a public sample' : 'by the .n pattern of parts 1, 12, 14, 16'}.`);
  if (existing) notes.push(`Every element placed comes from ${existing.standard} ${existing.name} (${existing.id}, facts/ws445_emr_dataset_elements.csv): ${headerEls.length} in the header, ${bodyCount} in ${sections.length} sections; section placement is ours.${spec.leftOut ? ` ${spec.leftOut}.` : ''}`);
  else if (spec.sampleDes) notes.push(`Entries follow the public sample (${spec.codeVia}), which codes ${spec.sampleDes}; those the catalogue has (datasets/ws363.json or, for ids the WS 445 dictionary lacks, datasets/ws363-regional.json) are placed, organizer/entryRelationship nesting flattened to one observation per element.`);
  else notes.push(`ASSUMED element list: the WS 365 element table for ${dsName} is not public here; the entries are the WS 363 elements of the dictionary that fit the document's topic (${headerEls.length} header, ${bodyCount} body).`);
  if (SHARED_DATASET[part]) notes.push(`Dataset: ${SHARED_DATASET[part]}.`);
  return {
    code: `EHR-SD-${part}`,
    family: 'wst483',
    part,
    standard: `WS/T 483.${part}-2016`,
    title,
    templateId: `2.16.156.10011.2.1.1.${part}`,
    codeSystem: '2.16.156.10011.2.4',
    typeCode: spec.typeCode,
    testPrefix: `EHR-SD-${part}`,
    depth: 'full',
    datasets,
    header: { required: HEADER_ORDER.filter((p) => parts.has(p)), elements: headerEls },
    sections,
    source: {
      standard: `WS/T 483.${part}-2016`,
      via: [
        'shared/reference/facts/wst483_regional_documents_and_datasets.csv',
        spec.observed ? spec.codeVia : undefined,
        existing ? 'shared/reference/facts/ws445_emr_dataset_elements.csv' : undefined,
        'tools/build-regional',
      ].filter(Boolean).join('; '),
      verified: false,
      note: notes.join(' '),
    },
    _file: `shared-docs/wst483/EHR-SD-${nn}.json`,
    _dePrefix: dePrefix,
    _dsName: dsName,
    _existing: existing,
  };
}

const templates = DOCS.map(buildTemplate);
if (templates.length !== 20 || templates.some((t, i) => t.part !== i + 1)) throw new Error('DOCS must list parts 1..20 in order');

// datasets/ws365.json: one dataset per EHR-DE-nn not already in ws445.json, its elements the union
// of the entries of the documents that carry it
const datasets = [];
for (const t of templates) {
  if (t._existing && t._existing.name === t._dsName) continue; // 出生医学证明, 死亡医学证明 are in ws445.json
  let ds = datasets.find((d) => d.name === t._dsName);
  if (!ds) {
    const nn = t._dePrefix.slice(-2);
    ds = {
      id: `WS365.${nn}.01`, name: t._dsName, standard: 'WS 365-2011', testPrefix: t._dePrefix, elements: [],
      source: {
        standard: 'WS 365-2011',
        clause: `城乡居民健康档案基本数据集: ${t._dsName} (the dataset WS/T 483.${t.part} names)`,
        via: 'shared/reference/facts/wst483_regional_documents_and_datasets.csv (name, EHR-DE prefix); elements from the templates tools/build-regional writes',
        verified: false,
        note: '',
      },
      _docs: [],
      _group: `HDS${t.typeCode.slice(3)}`,
    };
    datasets.push(ds);
  }
  ds._docs.push(t.part);
  const seen = new Set(ds.elements.map((e) => `${e.de}|${e.name}`));
  for (const e of [...t.header.elements, ...t.sections.flatMap((s) => s.entries)]) {
    const key = `${e.de}|${e.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const d = dict.get(e.de);
    const el = { hdsd: e.hdsd ?? `${ds._group}.${String(ds.elements.length + 1).padStart(3, '0')}`, de: e.de, name: e.name, type: (e.hdsd ? rows.get(e.hdsd).type : d.type), format: e.format };
    if (e.valueSet) el.valueSet = e.valueSet;
    ds.elements.push(el);
  }
}
for (const ds of datasets) {
  const real = ds.elements.every((e) => rows.has(e.hdsd));
  ds.source.note = `Carried by WS/T 483 part(s) ${ds._docs.join(', ')}. ` + (real
    ? 'Internal ids are the WS 445 ones of the same elements (the regional dataset reuses them).'
    : `Internal ids ${ds._group}.nnn are PLACEHOLDERS in our order (the group mirrors the document code, as HDSB01.01 出生医学证明 mirrors HSDB01.01); the WS 365 element list itself is not public here, so the list is the documents' entries, not the standard's table.`);
  delete ds._docs;
  delete ds._group;
}

const elements = REGIONAL_ELEMENTS.map(([de, name, type, format, via, shows]) => ({
  de, name, aliases: [], type, format,
  source: { standard: 'WS 363-2011', via, verified: false, note: `id and name as the public WS/T 483 sample codes them (${shows}); type and format assumed from the sample value` },
}));

const changed = [];
function write(rel, value) {
  const text = typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`;
  const path = join(repo, rel);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  changed.push(rel);
  if (!check) writeFileSync(path, text);
}
for (const t of templates) {
  const { _file, _dePrefix, _dsName, _existing, ...template } = t;
  write(_file, template);
}
write('datasets/ws365.json', { datasets });
write('datasets/ws363-regional.json', { dataElements: elements });
const services = buildServices(readJson('scenarios/services.json').services);
write('scenarios/regional-services.json', { services });
const idOf = new Map([...ws445, ...datasets].map((d) => [d.name, d.id]));
const plans = buildPlans(services, templates.map((t) => ({ ...t, datasetIds: t.datasets.map((n) => idOf.get(n)).filter(Boolean) })));
for (const p of plans) write(p.file, p.text);

const entries = templates.reduce((n, t) => n + t.header.elements.length + t.sections.reduce((m, s) => m + s.entries.length, 0), 0);
console.log(`WS/T 483: ${templates.length} templates, ${entries} entries; ${datasets.length} WS 365 datasets; ${elements.length} regional data elements; ${services.length} WS/T 790 services`);
if (check) {
  if (changed.length) {
    console.log(`out of date: ${changed.join(', ')}`);
    process.exit(1);
  }
  console.log('all files up to date');
} else console.log(changed.length ? `wrote ${changed.join(', ')}` : 'all files up to date');
