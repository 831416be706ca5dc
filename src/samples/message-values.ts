import type { EntityDef, MessageField } from '../catalog/types.js';
import { address, hashSeed, idCardNumber, instant, personName, phoneNumber, Rng, text, ymd, ymdhms } from './synth.js';

/**
 * Deterministic synthetic values for an entity's message fields (same entity + seed → same
 * values), visibly fake like everything in synth.ts. Identifiers carry the seed so records of
 * different seeds never collide; `shared` pins fields that must agree across entities of one
 * visit (patientId, visitSerialNo, deptId …), which is how 整合性 is exercised.
 */

/** A code that is in the value set, per value-set OID (first concept of the GB/WS 364 table). */
const CODE_IN: Record<string, string> = {
  '2.16.156.10011.2.3.3.5': '20', // 婚姻状况: 已婚
  '2.16.156.10011.2.3.3.3': '01', // 民族: 汉族
  '2.16.156.10011.2.3.3.7': '17', // 职业: 职员
  '2.16.156.10011.2.3.1.1': '01', // 身份证件类别: 居民身份证
  '2.16.156.10011.2.3.1.248': '01', // 医疗保险类别
  '2.16.156.10011.2.3.1.271': '1', // 患者类型: 门诊
  '2.16.156.10011.2.3.3.11': 'J06.900', // ICD-10: 急性上呼吸道感染
  '2.16.156.10011.2.3.2.62': 'A03', // 科室分类: 内科
  '2.16.156.10011.2.3.3.10': '231', // 专业技术职务: 主任医师
  '2.16.156.10011.2.3.1.209': '1', // 专业技术职务类别
  '2.16.156.10011.2.3.1.268': '01', // 医嘱项目类型
  '2.16.156.10011.2.3.2.58': '1', // 医嘱类别: 长期
  '2.16.156.10011.2.3.1.158': '1', // 用药途径: 口服
  '2.16.156.10011.2.3.1.85': '1', // ABO: A
  '2.16.156.10011.2.3.1.250': '2', // Rh: 阳性
  '2.16.156.10011.2.3.1.159': '01', // 麻醉方法
};

/** Field-name conventions for fields whose value a type alone does not settle. */
const BY_NAME: Record<string, string> = {
  statusCode: 'active',
  cardStatus: 'active',
  itemStatus: '1',
  typeCode: 'C0001',
  typeName: '病历概要',
  confidentialityCode: 'N',
  versionNumber: '1',
  version: '1.0',
  priorityCode: 'R',
  specimenTypeCode: '血清',
  operationCode: 'SE02',
  operationName: '标本接收',
  levelCode: '1',
  slotTypeCode: '1',
  channelCode: '0',
  doseUnit: 'mg',
  contactRelationCode: '1',
  operationLevelCode: '2',
  orderCategoryCode: '1',
};

export interface EntityValueOptions {
  /** values to use as given (e.g. ids shared with other entities of the same visit) */
  shared?: Record<string, string>;
  /** fields to leave out (default: none) */
  omit?: string[];
}

export function sampleEntityValues(entity: EntityDef, seed: number, opts: EntityValueOptions = {}): Record<string, string> {
  const rng = new Rng(hashSeed('message', entity.name, seed));
  const gender = rng.chance(0.5) ? '1' : '2';
  const birthDate = ymd(instant(rng, Date.UTC(1950, 0, 1), Date.UTC(2005, 11, 31)));
  const omit = new Set(opts.omit ?? []);
  const out: Record<string, string> = {};
  for (const f of entity.fields) {
    if (omit.has(f.name)) continue;
    const pinned = opts.shared?.[f.name];
    out[f.name] = pinned ?? valueFor(f, entity, seed, rng, gender, birthDate);
  }
  return out;
}

function valueFor(f: MessageField, entity: EntityDef, seed: number, rng: Rng, gender: string, birthDate: string): string {
  // a field bound to a value set takes a code of that set before any name convention
  // (organisation typeCode is a 科室分类 code, not the document type code C0001)
  if (f.valueSet && CODE_IN[f.valueSet] !== undefined) return CODE_IN[f.valueSet]!;
  const named = BY_NAME[f.name];
  if (named !== undefined && !(f.name === 'statusCode' && f.dataType === 'CD')) return named;
  // 患者类型 3 住院 for the inpatient entities, 1 门诊 otherwise
  if (f.name === 'visitTypeCode') return /^(inpatientVisit|transfer|discharge|operationSchedule)$/.test(entity.name) ? '3' : '1';
  if (f.name === 'genderCode') return gender;
  if (f.name === 'genderName') return gender === '1' ? '男性' : '女性';
  if (f.name === 'birthDate') return birthDate;
  if (f.name === 'idCardNo') return idCardNumber(rng, birthDate, gender);
  if (f.name === 'content') return Buffer.from(`<ClinicalDocument xmlns="urn:hl7-org:v3"/>`, 'utf8').toString('base64');
  if (f.valueSet === '2.16.156.10011.2.3.3.4') return gender;
  switch (f.dataType) {
    case 'II':
      // readable and unique per entity, field and seed: PAT-PATIENTID-000001-1234
      return `${entity.name.slice(0, 3).toUpperCase()}${f.name.replace(/[a-z]/g, '').slice(0, 3)}${String(seed).padStart(6, '0')}${rng.digits(3)}`;
    case 'TS':
      return f.format === 'D8' ? ymd(instant(rng)) : ymdhms(instant(rng));
    case 'PN':
      return personName(rng);
    case 'ON':
      return `测试${f.label.replace(/名称$/, '')}`.slice(0, 30);
    case 'TEL':
      return phoneNumber(rng);
    case 'AD':
      return address(rng).text;
    case 'INT':
    case 'PQ':
    case 'REAL':
      return String(rng.int(1, 30));
    case 'CD':
    case 'CE':
    case 'CV':
    case 'CS':
      return `T${rng.digits(2)}`;
    case 'ED':
      return Buffer.from(text(rng, 20), 'utf8').toString('base64');
    default:
      return text(rng, 30, f.label.slice(0, 6));
  }
}
