// One WS/T 500 DocumentTemplate from its WS 445 sub-datasets, the practitioner XSD and the
// section codes of the vendor sample.
import { participation, personName, placeHeader, positionCode, relationCode } from './header.mjs';
import { CONCEPTS, DOC_TITLES, SECTION_TITLES, classify } from './sections.mjs';
import { hl7Type } from './types.mjs';

/** WS 445 sub-datasets each document carries. */
export const DOC_DATASETS = {
  C0001: ['患者基本信息', '基本健康信息', '卫生事件摘要', '医疗费用记录'],
  C0002: ['门急诊病历'], C0003: ['急诊留观病历'], C0004: ['西药处方'], C0005: ['中药处方'],
  C0006: ['检查记录'], C0007: ['检验记录'], C0008: ['治疗记录'], C0009: ['一般手术记录'],
  C0010: ['麻醉术前访视记录'], C0011: ['麻醉记录'], C0012: ['麻醉术后访视记录'], C0013: ['输血记录'],
  C0014: ['待产记录'], C0015: ['阴道分娩记录'], C0016: ['剖宫产记录'], C0017: ['一般护理记录'],
  C0018: ['病重（病危）患者护理记录'], C0019: ['手术护理记录'], C0020: ['生命体征测量记录'],
  C0021: ['出入量记录'], C0022: ['高值耗材使用记录'], C0023: ['入院评估记录'], C0024: ['护理计划'],
  C0025: ['出院评估及指导'], C0026: ['手术同意书'], C0027: ['麻醉知情同意书'], C0028: ['输血治疗同意书'],
  C0029: ['特殊检查及特殊治疗同意书'], C0030: ['病危（重）通知书'], C0031: ['其他知情告知同意书'],
  C0032: ['住院病案首页'], C0033: ['中医住院病案首页'], C0034: ['入院记录'], C0035: ['24h内入出院记录'],
  C0036: ['24h内入院死亡记录'], C0037: ['首次病程记录'], C0038: ['日常病程记录'], C0039: ['上级医师查房记录'],
  C0040: ['疑难病例讨论记录'], C0041: ['交接班记录'], C0042: ['转科记录'], C0043: ['阶段小结'],
  C0044: ['抢救记录'], C0045: ['会诊记录'], C0046: ['术前小结'], C0047: ['术前讨论'],
  C0048: ['术后首次病程记录'], C0049: ['出院记录'], C0050: ['死亡记录'], C0051: ['死亡病例讨论记录'],
  C0052: ['住院医嘱'], C0053: ['出院小结'],
};

const HEADER_ORDER = [
  'recordTarget', 'author', 'dataEnterer', 'informant', 'custodian', 'informationRecipient', 'legalAuthenticator',
  'authenticator', 'participant', 'inFulfillmentOf', 'documentationOf', 'relatedDocument', 'authorization', 'componentOf',
];

/** legalAuthenticator when the XSD has one but names no signer the dataset holds */
const LEGAL_PRIORITY = ['科主任', '主任（副主任）医师', '主任医师', '上级医师', '审核医师', '处方审核药剂师', '医师', '经治医师'];

const MED_SECTIONS = new Set(['10160-0', '18610-6']);
const MED_ENTRY = "hl7:entry[hl7:substanceAdministration/@classCode='SBADM']/hl7:substanceAdministration";
const PROC_ENTRY = "hl7:entry[hl7:procedure/@classCode='PROC']/hl7:procedure";
const MED_STRUCTURAL = {
  'DE06.00.134.00': 'hl7:routeCode/@code',
  'DE08.50.023.00': 'hl7:doseQuantity/@value',
  'DE08.50.024.00': 'hl7:doseQuantity/@unit',
  'DE08.50.011.00': 'hl7:administrationUnitCode/@code',
};
const MED_RELATED = new Set(['DE08.50.043.00', 'DE06.00.135.00', 'DE06.00.133.00', 'DE06.00.136.00', 'DE06.00.164.00']);
const PROC_PEOPLE = /^(Ⅰ助|Ⅱ助|器械护士|巡台护士|麻醉医师)姓名$/;

const squash = (s) => s.replace(/\s+/g, '');
const withoutUnit = (name) => name.replace(/[（(][^（）()]*[）)]\s*$/, '').trim();

export function buildDocument({ doc, rows, xsd }) {
  const code = doc.code;
  const datasets = DOC_DATASETS[code];
  const sample = doc.sampleSections.filter((c) => /^\d+-\d$/.test(c));
  const sampleSet = new Set(sample);
  const xsdText = squash(xsd.allText);
  const notes = [];

  // 1. elements of the sub-datasets, one per (DE id, name): the same element listed twice, or in
  //    two sub-datasets of one document, is one data item in the document.
  const elements = [];
  const seen = new Map();
  const repeats = new Map(); // first row → where else it is listed
  for (const ds of datasets) {
    const dsRows = rows.filter((r) => r.dataset === ds);
    if (dsRows.length === 0) throw new Error(`${code}: WS 445 sub-dataset ${ds} not found`);
    for (const r of dsRows) {
      const key = `${r.de}|${r.name}`;
      const first = seen.get(key);
      if (first) {
        if (!repeats.has(first)) repeats.set(first, []);
        repeats.get(first).push(r.hdsd === first.hdsd ? r.dataset : `${r.dataset} as ${r.hdsd}`);
        continue;
      }
      seen.set(key, r);
      elements.push(r);
    }
  }
  for (const [first, where] of repeats) {
    notes.push(`${first.name} (${first.de}, ${first.hdsd} in ${first.dataset}) is listed again in ${where.join('、')}; placed once.`);
  }

  const named = (el) => {
    const n = squash(withoutUnit(el.name));
    return xsdText.includes(el.de) || xsdText.includes(el.hdsd) || (n.length >= 2 && xsdText.includes(n));
  };

  const has = (pred) => elements.some(pred);
  const ctx = {
    code,
    inpatient: has((e) => e.de === 'DE01.00.026.00' || e.de === 'DE08.10.054.00' || (e.de === 'DE01.00.019.00' && e.name === '病房号')),
    hasDischarge: has((e) => e.de === 'DE06.00.017.00') && has((e) => e.de === 'DE06.00.092.00'),
    hasEmail: has((e) => e.de === 'DE02.01.012.00'),
  };

  // 2. header
  const claims = new Map();
  const placed = new Map(); // element → { part, path }
  const claim = (el, part, path) => {
    if (claims.has(path)) return false;
    claims.set(path, el);
    placed.set(el, { part, path });
    return true;
  };

  const authorHint = squash(xsd.docUnder('author'));
  const authorTimeHint = squash(xsd.docUnder('author/time'));
  if (authorTimeHint) {
    const t = elements.find((e) => (e.type === 'D' || e.type === 'DT') && (authorTimeHint.includes(squash(e.name)) || (squash(e.name).includes(authorTimeHint) && authorTimeHint.length >= 4)));
    if (t) claim(t, 'author', 'hl7:author/hl7:time/@value');
  }

  const deferred = { sig: [], sigtime: [], relation: [], position: [] };
  for (const el of elements) {
    if (placed.has(el)) continue;
    const r = placeHeader(el, ctx);
    if (r?.path) claim(el, r.part, r.path);
    else if (r?.deferred) deferred[r.deferred].push(el);
  }

  // signatures: legalAuthenticator / author / authenticator[role]
  const legalEl = xsd.at('legalAuthenticator');
  const legalHint = legalEl ? squash(xsd.docUnder('legalAuthenticator')) : '';
  const sigs = deferred.sig.map((el) => ({ el, role: el.name.replace(/签名$/, '') }));
  const byLongestRole = (a, b) => b.role.length - a.role.length;
  let legal;
  if (legalEl) {
    legal = [...sigs].sort(byLongestRole).find((s) => legalHint.includes(s.role));
    if (!legal) {
      for (const r of LEGAL_PRIORITY) {
        legal = sigs.find((s) => s.role === r);
        if (legal) break;
      }
    }
  }
  let author = [...sigs].filter((s) => s !== legal && s.role !== '医师').sort(byLongestRole).find((s) => authorHint.includes(s.role));
  if (!author && !placed.has(elements.find((e) => e.name === '建档者姓名'))) author = sigs.find((s) => s.role === '记录人' && s !== legal);
  const parts = []; // { role, p }
  for (const s of sigs) {
    const kind = s === legal ? 'legalAuthenticator' : s === author ? 'author' : 'authenticator';
    const p = participation(kind, s.role);
    if (claim(s.el, p.part, personName(p))) parts.push({ role: s.role, p });
  }
  const findPart = (role) => parts.find((x) => x.role === role);
  const legalPart = parts.find((x) => x.p.part === 'legalAuthenticator');
  const firstAuth = parts.find((x) => x.p.part === 'authenticator');
  const authorPart = parts.find((x) => x.p.part === 'author');

  for (const el of deferred.sigtime) {
    const role = el.name.replace(/签名日期时间$/, '');
    let target;
    if (role === '患者/法定代理人') target = findPart('患者/法定代理人') ?? findPart('患者') ?? findPart('法定代理人');
    else if (role) target = findPart(role) ?? (role.endsWith('医师') && legalPart?.role.endsWith('医师') ? legalPart : undefined);
    target ??= legalPart ?? firstAuth ?? authorPart;
    // no signer of the document in the dataset: the signing time is the author's time
    if (target) claim(el, target.p.part, target.p.time);
    else if (!role) claim(el, 'author', 'hl7:author/hl7:time/@value');
  }
  for (const el of deferred.relation) {
    const target = parts.find((x) => x.role.includes('法定代理人'));
    if (target) claim(el, target.p.part, relationCode(target.p));
  }
  for (const el of deferred.position) {
    const target = findPart('医师') ?? legalPart ?? firstAuth ?? authorPart;
    if (target) claim(el, target.p.part, positionCode(target.p));
  }

  const authenticatorOptional = (xsd.at('authenticator')?.min ?? 1) === 0;
  const headerElements = [];
  for (const el of elements) {
    const at = placed.get(el);
    if (!at) continue;
    let card = named(el) ? '1..1' : '0..1';
    if (el.de === 'DE02.01.039.00' && at.path.endsWith('hl7:patient/hl7:name')) card = '1..1';
    if (el.de === 'DE02.01.040.00') card = '1..1';
    if (el.de === 'DE02.01.026.00' || el.de === 'DE02.01.032.00') card = '0..1';
    if (at.part === 'authenticator' && authenticatorOptional) card = '0..1';
    headerElements.push(entry(el, card, at.path, at.part));
  }
  const usedParts = new Set(['recordTarget', 'author', 'custodian', ...headerElements.map((e) => e._part)]);
  const required = HEADER_ORDER.filter((p) => usedParts.has(p));

  // 3. body: concept → section
  const added = [];
  const unmatched = [];
  const bySection = new Map();
  for (const el of elements) {
    if (placed.has(el)) continue;
    const { concept, matched } = classify(code, el.name);
    if (!matched) unmatched.push(el.name);
    const candidates = CONCEPTS[concept];
    let section = candidates.find((c) => sampleSet.has(c));
    if (!section) {
      section = candidates[0];
      if (!added.includes(section)) added.push(section);
    }
    if (!bySection.has(section)) bySection.set(section, []);
    bySection.get(section).push({ el, concept });
  }

  const sections = [];
  for (const sectionCode of [...sample, ...added]) {
    const items = bySection.get(sectionCode);
    if (!items) continue;
    const entries = sectionEntries(sectionCode, items, named);
    sections.push({
      code: sectionCode,
      title: DOC_TITLES[code]?.[sectionCode] ?? SECTION_TITLES[sectionCode] ?? sectionCode,
      cardinality: entries.some((e) => e.cardinality === '1..1') ? '1..1' : '0..1',
      entries,
    });
  }

  const all = [...headerElements, ...sections.flatMap((s) => s.entries)];
  const namedCount = elements.filter(named).length;
  const emptySample = sample.filter((c) => !bySection.has(c));
  const nonLoinc = doc.sampleSections.filter((c) => !/^\d+-\d$/.test(c));
  const note = [
    `Every element of WS 445 ${datasets.join('、')} placed once (${elements.length} elements: ${headerElements.length} in the header, ${all.length - headerElements.length} in ${sections.length} sections).`,
    `Placement inferred by tools/extract-documents rules (header by DE id and name; body by name keyword → section concept → first LOINC code the vendor sample uses); ${namedCount} of ${elements.length} elements are named in the practitioner XSD's xs:documentation (cardinality 1..1 there, else 0..1), ${elements.length - namedCount} are not named anywhere in it.`,
    unmatched.length ? `No keyword rule matched ${unmatched.length} element(s), placed in the default 住院过程/病情 section: ${unmatched.join('、')}.` : '',
    added.length ? `Sections added beyond the vendor sample: ${added.join(' ')}.` : '',
    emptySample.length ? `Sample sections with no WS 445 element here (left out): ${emptySample.join(' ')}.` : '',
    nonLoinc.length ? `Non-LOINC section codes in the vendor sample ignored: ${nonLoinc.join(' ')}.` : '',
    ...notes,
  ].filter(Boolean).join(' ');

  const template = {
    code,
    family: 'wst500',
    part: Number(code.slice(1)),
    standard: doc.standard,
    title: doc.name,
    templateId: doc.templateId,
    codeSystem: doc.codeSystem,
    testPrefix: doc.testPrefix,
    depth: 'full',
    datasets,
    header: { required, elements: headerElements },
    sections,
    source: {
      standard: doc.standard,
      via: `shared/reference/facts/ws445_emr_dataset_elements.csv; shared/reference/facts/wst500_shared_documents.csv; shared/reference/django-hip-service/cda-xsd/${code}.xsd`,
      verified: false,
      note,
    },
  };
  const stats = {
    code,
    elements: elements.length,
    header: headerElements.length,
    body: all.length - headerElements.length,
    sections: sections.length,
    named: namedCount,
    inferred: elements.length - namedCount,
    unmatched: unmatched.length,
    added: added.length,
  };
  return { template, stats };
}

function entry(el, cardinality, xpath, part) {
  const t = hl7Type(el);
  const e = { de: el.de, hdsd: el.hdsd, name: el.name, dataType: t.dataType, format: el.format };
  if (t.valueSet) e.valueSet = t.valueSet;
  if (t.unit) e.unit = t.unit;
  e.cardinality = cardinality;
  e.xpath = xpath;
  // which header participation holds it; not enumerable, so it stays out of the JSON
  if (part) Object.defineProperty(e, '_part', { value: part, enumerable: false });
  return e;
}

const obsPath = (prefix, de, name, dup) =>
  `${prefix}[hl7:observation/hl7:code/@code='${de}']${dup ? `[hl7:observation/hl7:code/@displayName='${name}']` : ''}/hl7:observation/hl7:value`;

/** Entries of one section; medication and procedure details share one structured entry. */
function sectionEntries(sectionCode, items, named) {
  const card = (el) => (named(el) ? '1..1' : '0..1');
  // a drug list (an element named 药物名称) gets the substanceAdministration shape; loose drug
  // facts elsewhere (关键药物名称 in 病历概要) stay observations
  const med = MED_SECTIONS.has(sectionCode) && items.some((x) => x.el.de === 'DE08.50.022.00' && x.el.name === '药物名称');
  const proc = sectionCode === '47519-4';
  const inMedGroup = (x) => med && x.concept === 'medication' && (MED_STRUCTURAL[x.el.de] || MED_RELATED.has(x.el.de) || (x.el.de === 'DE08.50.022.00' && x.el.name === '药物名称'));
  const groupItems = items.filter((x) => proc || inMedGroup(x));
  const obsItems = items.filter((x) => !groupItems.includes(x));

  const count = (list) => list.reduce((m, x) => m.set(x.el.de, (m.get(x.el.de) ?? 0) + 1), new Map());
  const obsCount = count(obsItems);
  const paths = new Map();

  // a structural slot (code, effectiveTime, performer, dose …) holds one value; the rest, and any
  // second claimant of a slot, become entryRelationship observations of the same act
  const structural = proc
    ? (() => {
        const hasRange = groupItems.some((x) => /(开始|结束)日期时间$/.test(x.el.name) && !/抢救|麻醉/.test(x.el.name));
        return (el) => procStructural(el, hasRange);
      })()
    : (el) => { const s = medStructural(el); return s ? `${MED_ENTRY}/${s}` : undefined; };
  const act = proc ? PROC_ENTRY : MED_ENTRY;
  const taken = new Set();
  const rel = [];
  for (const x of groupItems) {
    const p = structural(x.el);
    if (p && !taken.has(p)) {
      taken.add(p);
      paths.set(x, p);
    } else rel.push(x);
  }
  const relCount = count(rel);
  for (const x of rel) paths.set(x, obsPath(`${act}/hl7:entryRelationship`, x.el.de, x.el.name, (relCount.get(x.el.de) ?? 0) > 1));
  for (const x of obsItems) paths.set(x, obsPath('hl7:entry', x.el.de, x.el.name, (obsCount.get(x.el.de) ?? 0) > 1));

  // keep dataset order within the section
  return items.map((x) => entry(x.el, card(x.el), paths.get(x)));
}

function medStructural(el) {
  if (el.de === 'DE08.50.022.00' && el.name === '药物名称') return 'hl7:consumable/hl7:manufacturedProduct/hl7:manufacturedLabeledDrug/hl7:name';
  return MED_STRUCTURAL[el.de];
}

/** Structural place of a procedure detail inside hl7:procedure, when CDA has one. */
function procStructural(el, hasRange) {
  const { de, name } = el;
  if (de === 'DE06.00.093.00') return `${PROC_ENTRY}/hl7:code/@code`;
  if (de === 'DE06.00.094.00') return `${PROC_ENTRY}/hl7:code/@displayName`;
  if (de === 'DE06.00.186.00') return `${PROC_ENTRY}/hl7:targetSiteCode/@code`;
  if (/开始日期时间$/.test(name) && !/抢救|麻醉/.test(name)) return `${PROC_ENTRY}/hl7:effectiveTime/hl7:low/@value`;
  if (/结束日期时间$/.test(name) && !/抢救|麻醉/.test(name)) return `${PROC_ENTRY}/hl7:effectiveTime/hl7:high/@value`;
  if (!hasRange && /^(手术及操作日期|手术日期时间|操作日期时间)$/.test(name)) return `${PROC_ENTRY}/hl7:effectiveTime/@value`;
  if (name === '手术者姓名') return `${PROC_ENTRY}/hl7:performer/hl7:assignedEntity/hl7:assignedPerson/hl7:name`;
  const m = PROC_PEOPLE.exec(name);
  if (m) return `${PROC_ENTRY}/hl7:participant[hl7:participantRole/hl7:code/@displayName='${m[1]}']/hl7:participantRole/hl7:playingEntity/hl7:name`;
  return undefined;
}

