import type { EntryTemplate } from '../catalog/types.js';
import { parseCatalogPath } from '../xml/path.js';
import {
  address, ageInYears, DATE_WINDOW, deptCode, hashSeed, idCardNumber, instant, orgCode, personName, phoneNumber, Rng, ymd, ymdhms, type SynthAddress,
} from './synth.js';

/**
 * One patient's visit: what every document and message of that visit must agree on (整合性:
 * records link by patient and visit ids). The reference platform passes one to every sample it
 * builds for a visit; without one, sampleVisit(seed) makes it up.
 */
export interface VisitContext {
  patient: {
    name: string;
    /** GB/T 2261.1: 1 男, 2 女 */
    genderCode: '1' | '2';
    /** YYYYMMDD */
    birthDate: string;
    idCard: string;
    /** 城乡居民健康档案编号, 17 digits (N17) */
    healthRecordNo: string;
    healthCardNo: string;
    phone: string;
    address: SynthAddress;
  };
  visit: {
    outpatientNo: string;
    inpatientNo: string;
    caseNo: string;
    /** admission / visit start, YYYYMMDDhhmmss */
    start: string;
    /** discharge / visit end, YYYYMMDDhhmmss */
    end: string;
  };
  org: { code: string; name: string };
  dept: { code: string; name: string };
  ward: { code: string; name: string; room: string; bed: string };
  /** the clinician who writes and signs */
  clinician: { id: string; name: string };
  /** 联系人 */
  contact: { name: string; phone: string };
  /** when documents of the visit are written, YYYYMMDDhhmmss */
  documentTime: string;
}

export function sampleVisit(seed: number): VisitContext {
  const rng = new Rng(hashSeed('visit', seed));
  const genderCode = rng.chance(0.5) ? '1' : '2';
  const birth = instant(rng, Date.UTC(1940, 0, 1), Date.UTC(2015, 11, 31));
  const birthDate = ymd(birth);
  const start = instant(rng, DATE_WINDOW.from, DATE_WINDOW.to - 30 * 86_400_000);
  const end = start + rng.int(1, 20) * 86_400_000 + rng.int(0, 86_399) * 1000;
  const doc = start + Math.floor((end - start) / 2);
  const deptNames = ['测试内科', '测试外科', '测试儿科', '测试妇产科', '测试眼科'];
  const dept = rng.pick(deptNames);
  return {
    patient: {
      name: personName(rng),
      genderCode,
      birthDate,
      idCard: idCardNumber(rng, birthDate, genderCode),
      healthRecordNo: `99${rng.digits(15)}`,
      healthCardNo: `T${rng.digits(15)}`,
      phone: phoneNumber(rng),
      address: address(rng),
    },
    visit: {
      outpatientNo: `MZ${rng.digits(10)}`,
      inpatientNo: `ZY${rng.digits(10)}`,
      caseNo: `BA${rng.digits(8)}`,
      start: ymdhms(start),
      end: ymdhms(end),
    },
    org: { code: orgCode(rng), name: '测试医院' },
    dept: { code: deptCode(rng), name: dept },
    ward: { code: `W${rng.digits(3)}`, name: `${dept}病区`, room: `${rng.int(1, 30)}`, bed: `${rng.int(1, 60)}` },
    clinician: { id: `YS${rng.digits(6)}`, name: personName(rng) },
    contact: { name: personName(rng), phone: phoneNumber(rng) },
    documentTime: ymdhms(doc),
  };
}

/** Identifier roots (oid_conventions) → the visit field an @extension under them carries. */
const BY_ROOT: Record<string, (v: VisitContext) => string> = {
  '2.16.156.10011.1.2': (v) => v.patient.healthRecordNo,
  '2.16.156.10011.1.3': (v) => v.patient.idCard,
  '2.16.156.10011.1.4': (v) => v.clinician.id,
  '2.16.156.10011.1.5': (v) => v.org.code,
  '2.16.156.10011.1.10': (v) => v.visit.outpatientNo,
  '2.16.156.10011.1.11': (v) => v.visit.outpatientNo,
  '2.16.156.10011.1.12': (v) => v.visit.inpatientNo,
  '2.16.156.10011.1.13': (v) => v.visit.caseNo,
  '2.16.156.10011.1.19': (v) => v.patient.healthCardNo,
  '2.16.156.10011.1.21': (v) => v.ward.room,
  '2.16.156.10011.1.22': (v) => v.ward.bed,
  '2.16.156.10011.1.26': (v) => v.dept.code,
  '2.16.156.10011.1.27': (v) => v.ward.code,
};

/** Data elements whose value is the visit's, wherever they sit. */
const BY_DE: Record<string, (v: VisitContext, at: number) => string> = {
  'DE02.01.040.00': (v) => v.patient.genderCode,
  'DE02.01.005.01': (v) => v.patient.birthDate,
  'DE02.01.026.00': (v, at) => String(ageInYears(v.patient.birthDate, at)),
  'DE02.01.030.00': (v) => v.patient.idCard,
  'DE01.00.009.00': (v) => v.patient.healthRecordNo,
  'DE01.00.010.00': (v) => v.visit.outpatientNo,
  'DE01.00.014.00': (v) => v.visit.inpatientNo,
  'DE01.00.019.00': (v) => v.ward.room,
  'DE01.00.026.00': (v) => v.ward.bed,
  'DE08.10.052.00': (v) => v.org.code,
  'DE08.10.013.00': (v) => v.org.name,
  'DE08.10.026.00': (v) => v.dept.name,
  'DE08.10.054.00': (v) => v.ward.name,
  'DE06.00.092.00': (v) => v.visit.start,
  'DE06.00.017.00': (v) => v.visit.end,
};

const ADDRESS_PART: Record<string, keyof SynthAddress> = {
  state: 'state', city: 'city', county: 'county', township: 'township', streetName: 'streetName', houseNumber: 'houseNumber', postalCode: 'postalCode',
};

/**
 * The visit's value for an entry, when the entry is one the visit decides (the patient's name,
 * ids, the visit's numbers and dates, the organisation); undefined for everything else.
 */
export function visitValue(entry: EntryTemplate, visit: VisitContext, at: number): string | undefined {
  const p = parseCatalogPath(entry.xpath);
  const names = p.steps.map((s) => s.local);
  const last = p.steps[p.steps.length - 1];
  if (p.attribute?.local === 'extension' && last?.local === 'id') {
    const root = last.predicates.find((pr) => pr.rel.steps.length === 0 && pr.rel.attribute?.local === 'root')?.value;
    const f = root !== undefined ? BY_ROOT[root] : undefined;
    if (f) return f(visit);
  }
  const underPatientRole = names[0] === 'recordTarget';
  const patientNamePath = underPatientRole && names.join('/') === 'recordTarget/patientRole/patient/name';
  if (patientNamePath) return visit.patient.name;
  if (names[0] === 'author' && names[names.length - 1] === 'name' && names.includes('assignedPerson')) return visit.clinician.name;
  if (underPatientRole && names[1] === 'patientRole' && names[2] === 'telecom' && p.attribute?.local === 'value') return visit.patient.phone;
  if (underPatientRole && names[1] === 'patientRole' && names[2] === 'addr' && last && p.attribute === undefined) {
    const part = ADDRESS_PART[last.local];
    if (part) return visit.patient.address[part];
  }
  if (names[0] === 'participant' && names.includes('associatedPerson') && last?.local === 'name') return visit.contact.name;
  if (names[0] === 'participant' && last?.local === 'telecom' && p.attribute?.local === 'value') return visit.contact.phone;
  if (entry.de === 'DE02.01.039.00' && underPatientRole) return visit.patient.name;
  // signing and writing happen when the document is written
  if (/^(author|legalAuthenticator|authenticator)$/.test(names[0] ?? '') && last?.local === 'time' && p.attribute?.local === 'value') return visit.documentTime;
  const f = BY_DE[entry.de];
  return f ? f(visit, at) : undefined;
}
