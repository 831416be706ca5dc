// datasets/ws364.json: value sets (WS 364 and the national GB sets the documents use).
//
// Codes come from (a) public national code lists we hold (ws364-known.mjs), (b) the
// practitioner-XSD extraction in facts/valuesets_extracted_from_django_hip_service_xsd.json,
// whose code/display pairs were made by position and are checked here against (a) where both
// exist, and (c) the WS/T 500 document list. OIDs come from facts/oid_conventions.csv and
// docs/domain.md §3. `verified` is true only where two independent sources agree on the codes.
// An empty `concepts` list means a code system the catalogue names but does not enumerate
// (ICD-10, LOINC …): checks can confirm the code system, not the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './csv.mjs';
import { ABO, CONFIDENTIALITY, ETHNIC_GROUPS_GB3304, GENDER_GB2261_1, ID_DOCUMENT_TYPES, MARITAL_GB2261_2, RH } from './ws364-known.mjs';

const EXTRACT = 'facts/valuesets_extracted_from_django_hip_service_xsd.json';
const OIDS = 'facts/oid_conventions.csv';
const DOMAIN = 'shared/docs/domain.md §3';
const GITHUB = 'public WS/T 500 and V3 implementations on GitHub (code search for the OID)';

function pick(sets, what, pred) {
  const hits = sets.filter(pred);
  if (hits.length !== 1) throw new Error(`extraction: expected one value set for ${what}, found ${hits.length}`);
  return hits[0];
}

/** Concepts of an extracted set; a code listed twice keeps its first display (the clash is noted). */
function concepts(set) {
  const seen = new Map();
  for (const c of set.concepts) {
    const display = c.display ?? '';
    if (!seen.has(c.code)) seen.set(c.code, { code: c.code, display });
    else clashes.set(`${c.code} ${seen.get(c.code).display}`, display);
  }
  return [...seen.values()];
}

// code clashes met while reading the current set, drained into its note
const clashes = new Map();
function clashNote() {
  if (clashes.size === 0) return '';
  const text = `; the XSD lists some codes twice, the first display is kept: ${[...clashes.entries()].map(([k, v]) => `${k} (also ${v})`).join(', ')}`;
  clashes.clear();
  return text;
}

/** Differences between two concept lists, for notes and the verified flag. */
function compare(ours, theirs) {
  const a = new Map(ours.map((c) => [c.code, c.display]));
  const b = new Map(theirs.map((c) => [c.code, c.display]));
  const onlyOurs = [...a.keys()].filter((k) => !b.has(k));
  const onlyTheirs = [...b.keys()].filter((k) => !a.has(k));
  const displays = [...a.keys()].filter((k) => b.has(k) && b.get(k) !== a.get(k)).map((k) => `${k} ${a.get(k)}/${b.get(k)}`);
  return { sameCodes: onlyOurs.length === 0 && onlyTheirs.length === 0, onlyOurs, onlyTheirs, displays };
}

function diffNote(d) {
  const parts = [];
  if (d.onlyOurs.length) parts.push(`codes missing from the XSD extraction: ${d.onlyOurs.join(' ')}`);
  if (d.onlyTheirs.length) parts.push(`codes only in the XSD extraction: ${d.onlyTheirs.join(' ')}`);
  if (d.displays.length) parts.push(`displays differ (ours/XSD): ${d.displays.join('; ')}`);
  return parts.join('; ');
}

function vs(oid, name, standard, list, verified, source) {
  return { oid, name, standard, concepts: list, verified, source: { ...source, verified } };
}

export function buildWs364(ref) {
  const sets = JSON.parse(readFileSync(join(ref, EXTRACT), 'utf8')).valuesets;
  const docs = parseCsv(readFileSync(join(ref, 'facts/wst500_shared_documents.csv'), 'utf8'));
  const out = [];
  const has = (s, el) => s.elements.includes(el);

  // cross-checked sets: ours against the extraction
  const checked = [
    ['2.16.156.10011.2.3.3.4', '生理性别代码表(GB/T 2261.1)', 'GB/T 2261.1-2003', GENDER_GB2261_1,
      (s) => s.codeSystem.includes('2.16.156.10011.2.3.3.4') && s.paired_display],
    ['2.16.156.10011.2.3.3.5', '婚姻状况代码表(GB/T 2261.2)', 'GB/T 2261.2-2003', MARITAL_GB2261_2,
      (s) => has(s, 'maritalStatusCode') && s.paired_display],
    ['2.16.156.10011.2.3.3.3', '民族类别代码表(GB 3304)', 'GB 3304-1991', ETHNIC_GROUPS_GB3304,
      (s) => has(s, 'ethnicGroupCode') && s.paired_display],
  ];
  for (const [oid, name, standard, ours, pred] of checked) {
    const d = compare(ours, concepts(pick(sets, name, pred)));
    out.push(vs(oid, name, standard, ours, d.sameCodes, {
      standard, via: `${EXTRACT}; ${DOMAIN}`,
      note: `codes agree with the practitioner XSD extraction${d.sameCodes ? '' : ' except where noted'}${diffNote(d) ? `; ${diffNote(d)}` : ''}${clashNote()}`,
    }));
  }

  {
    const d = compare(ID_DOCUMENT_TYPES, concepts(pick(sets, '身份证件类别', (s) => has(s, 'idCategory'))));
    out.push(vs('2.16.156.10011.2.3.1.1', '身份证件类别代码表', 'WS 364-2011', ID_DOCUMENT_TYPES, false, {
      standard: 'WS 364-2011', via: `${EXTRACT}; ${OIDS}`,
      note: `the XSD lists these codes under idCategory without an OID; the OID is the one WS/T 500 samples use for 身份证件类别代码表 (believed CV02.01.101)${diffNote(d) ? `; ${diffNote(d)}` : ''}${clashNote()}`,
    }));
  }

  const fromExtraction = [
    ['2.16.156.10011.2.3.3.1', '世界各国和地区名称代码(GB/T 2659)', 'GB/T 2659-2000', (s) => has(s, 'nationality') && s.paired_display,
      'numeric codes as the practitioner XSD lists them; GB/T 2659 also has alpha codes, which WS 445 (国籍代码 AN3) would also fit'],
    ['2.16.156.10011.2.3.3.6', '学历代码表(GB/T 4658)', 'GB/T 4658-2006', (s) => has(s, 'educationLevelCode') && s.paired_display,
      'codes and displays as the practitioner XSD pairs them by position'],
    ['2.16.156.10011.2.3.3.13', '从业状况(个人身份)代码表(GB/T 2261.4)', 'GB/T 2261.4-2003', (s) => has(s, 'occupationCode') && s.count === 13,
      'sources disagree on the occupation OID: documents use .3.3.13 (GB/T 2261.4, these 13 two-digit codes, which fit WS 445 职业类别代码 N2) while .3.3.7 is GB/T 6565 职业分类'],
    ['2.16.156.10011.2.3.3.7', '职业分类与代码表(GB/T 6565)', 'GB/T 6565', (s) => has(s, 'occupationCode') && s.count === 483,
      'sources disagree on the occupation OID (see .3.3.13); codes as one practitioner XSD enumerates them, including combined codes such as 1/2 that look like extraction artefacts'],
    ['2.16.156.10011.2.3.3.8', '家庭关系代码表(GB/T 4761)', 'GB/T 4761-2008', (s) => s.codeSystem.includes('2.16.156.10011.2.3.3.8') && s.paired_display,
      'one-digit category codes and two-digit codes are mixed as in the XSD; WS 445 gives 与患者的关系代码 (DE02.10.024.00) format N1, i.e. the one-digit categories'],
    ['2.16.156.10011.2.3.1.209', '专业技术职务类别代码表', 'WS 364-2011', (s) => s.codeSystem.includes('2.16.156.10011.2.3.1.209') && s.paired_display,
      'codes, displays and OID from one practitioner XSD (fixed codeSystem and codeSystemName)'],
    ['2.16.156.10011.2.3.1.271', '患者类型代码表', 'WS 364-2011', (s) => has(s, 'patienttypeCode') && s.paired_display,
      'codes from the practitioner XSD (就诊类别代码 1 门诊 2 急诊 3 住院 9 其他); another XSD set adds 4 体检; OID as the V3 query samples use it with code 3 = 住院'],
    ['2.16.156.10011.2.3.1.158', '用药途径代码表', 'WS 364-2011', (s) => has(s, 'routeCode') && s.count === 24 && s.paired_display,
      `codes from the practitioner XSD set documented as 药物使用途径代码 DE06.00.134.00; OID and name as public WS/T 500 templates use them (${GITHUB}, e.g. routeCode 1 口服)`],
    ['2.16.156.10011.2.3.1.248', '医疗保险类别代码表', 'WS 364-2011', (s) => s.documentation.includes('医疗保险类别') && s.paired_display,
      `codes from the practitioner XSD set documented as 医疗保险类别; OID and name as public templates use them (${GITHUB}, e.g. 07 商业医疗保险, 99 其他)`],
    ['2.16.156.10011.2.3.1.268', '医嘱项目类型代码表', 'WS 364-2011', (s) => s.documentation.includes('医嘱项目类型代码') && s.paired_display,
      `codes from the practitioner XSD set documented as 医嘱项目类型代码; OID and name as public templates use them (${GITHUB}, e.g. 01 药品类医嘱)`],
    ['2.16.156.10011.2.3.3.10', '专业技术职务代码表(GB/T 8561)', 'GB/T 8561-2001', (s) => s.documentation.includes('专业技术职务代码') && s.paired_display,
      `codes from the practitioner XSD set documented as 专业技术职务代码; OID as public implementations use it with codeSystemName 专业技术职务代码(GB/T 8561) (${GITHUB})`],
  ];
  for (const [oid, name, standard, pred, note] of fromExtraction) {
    const list = concepts(pick(sets, name, pred));
    out.push(vs(oid, name, standard, list, false, { standard, via: `${EXTRACT}; ${OIDS}`, note: note + clashNote() }));
  }

  {
    // two XSD sets list department codes: 科室 (222) and 亚专业 (174, adds e.g. A03.12 重症监护); both are kept
    const dept = concepts(pick(sets, '科室', (s) => s.documentation.includes('医疗卫生机构（科室）类别-科室')));
    const sub = concepts(pick(sets, '亚专业', (s) => has(s, 'profession') && s.paired_display));
    const seen = new Set(dept.map((c) => c.code));
    const extra = sub.filter((c) => !seen.has(c.code));
    out.push(vs('2.16.156.10011.2.3.2.62', '医疗卫生机构业务科室分类与代码表', 'WS 364-2011', [...dept, ...extra], false, {
      standard: 'WS 364-2011', via: `${EXTRACT}; ${GITHUB}`,
      note: `codes from the practitioner XSD set 医疗卫生机构（科室）类别-科室 plus ${extra.length} codes only in its 亚专业 set (${extra.map((c) => c.code).join(' ')}); OID and name as public templates use them (e.g. A03.01 呼吸内科专业)${clashNote()}`,
    }));
  }

  out.push(vs('2.16.156.10011.2.3.1.85', 'ABO血型代码表', 'WS 364-2011', ABO, false, {
    standard: 'WS 364-2011', via: `${DOMAIN}; ${OIDS}`, note: 'codes 1–5 per docs/domain.md; displays from the public WS 364 table (believed CV04.50.005), not from a file in the reference',
  }));
  out.push(vs('2.16.156.10011.2.3.1.250', 'Rh(D)血型代码表', 'WS 364-2011', RH, false, {
    standard: 'WS 364-2011', via: `${DOMAIN}; ${OIDS}`, note: 'codes 1–3 per docs/domain.md; displays are our reading; some tables add 4 未查',
  }));
  out.push(vs('2.16.840.1.113883.5.25', 'Confidentiality', 'HL7 V3 Confidentiality', CONFIDENTIALITY, true, {
    standard: 'HL7 V3 Confidentiality', via: `${OIDS}; HL7 CDA R2 (hl7-cda-r2/)`, note: 'codes N/R/V as CDA R2 uses them; Chinese display of N as in WS/T 500 samples, R and V are our rendering',
  }));

  {
    const ours = docs.map((r) => ({ code: r.document_type_code, display: r['name(per django_hip_service serializer)'] }));
    const d = compare(ours, concepts(pick(sets, '文档类型代码', (s) => s.documentation.includes('文档类型代码'))));
    out.push(vs('2.16.156.10011.2.4', '卫生信息共享文档规范编码体系', 'WS/T 500-2016', ours, d.sameCodes, {
      standard: 'WS/T 500-2016', via: `facts/wst500_shared_documents.csv; ${EXTRACT}`,
      note: `document type codes C0001–C0053 (code@codeSystem of ClinicalDocument/code)${diffNote(d) ? `; ${diffNote(d)}` : ''}${clashNote()}`,
    }));
  }

  // named code systems the catalogue does not enumerate
  const external = [
    ['2.16.156.10011.2.2.1', '卫生信息数据元目录', 'WS 363-2011', `${OIDS}`, 'the code system of entry observation/code: its codes are the data element ids of datasets/ws363.json'],
    ['2.16.840.1.113883.6.1', 'LOINC', 'LOINC', `${OIDS}`, 'section codes; not enumerated here'],
    ['2.16.156.10011.2.3.3.11', '疾病分类与代码(ICD-10)', 'GB/T 14396 / ICD-10', `${OIDS}`, 'external classification; codes not enumerated'],
    ['2.16.156.10011.2.3.3.12', '手术操作分类与代码(ICD-9-CM-3)', 'ICD-9-CM-3', `${OIDS}`, 'external classification; codes not enumerated'],
    ['2.16.156.10011.2.3.3.14', '中医病证分类与代码(GB/T 15657)', 'GB/T 15657-1995', `${OIDS}`, 'external classification; codes not enumerated'],
    ['2.16.156.10011.2.3.3.15', '中医治则治法(GB/T 16751.3)', 'GB/T 16751.3-1997', `${OIDS}`, 'external classification; codes not enumerated'],
    ['2.16.156.10011.2.3.1.159', '麻醉方法代码表', 'WS 364-2011', `${OIDS}`, 'OID seen in WS/T 500 samples; codes not available in the reference'],
    ['2.16.156.10011.2.3.2.58', '医嘱类别代码表', 'WS 364-2011', `${OIDS}`, 'OID seen in WS/T 500 samples; codes not available in the reference'],
    ['2.16.156.10011.2.3.1.270', '入院途径代码表', 'WS 364-2011', 'https://github.com/bzrrr/cda (src/main/resources/templates/template32.ftl)',
      'OID as a public C0032 template uses it for encompassingEncounter/code; codes not available in the reference'],
  ];
  for (const [oid, name, standard, via, note] of external) {
    const trusted = oid === '2.16.156.10011.2.2.1' || oid === '2.16.840.1.113883.6.1';
    out.push(vs(oid, name, standard, [], trusted, { standard, via, note }));
  }

  const key = (oid) => oid.split('.').map((n) => n.padStart(6, '0')).join('.');
  out.sort((a, b) => (key(a.oid) < key(b.oid) ? -1 : 1));
  return { valueSets: out };
}
