// WS 363 data type → HL7 V3 data type, units and value sets of entries.

/**
 * Value-set OIDs only where a listed source states them: docs/domain.md §3 (gender, marital
 * status, ethnicity, ABO, Rh, ID type), facts/oid_conventions.csv (nationality, education,
 * family relation, ICD-10, ICD-9-CM, 中医病证, 患者类型, 麻醉方法, 专业技术职务, 医嘱类别) and
 * the practitioner XSDs (2.3.1.271, 2.3.1.209, 2.3.3.8 fixed there). Occupation is left out on
 * purpose: sources disagree (2.3.3.7 GB/T 6565 vs 2.3.3.13 GB/T 2261.4).
 */
export const VALUE_SETS = {
  'DE02.01.040.00': '2.16.156.10011.2.3.3.4',
  'DE02.01.018.00': '2.16.156.10011.2.3.3.5',
  'DE02.01.025.00': '2.16.156.10011.2.3.3.3',
  'DE02.01.015.00': '2.16.156.10011.2.3.3.1',
  'DE02.01.041.00': '2.16.156.10011.2.3.3.6',
  'DE02.10.024.00': '2.16.156.10011.2.3.3.8',
  'DE02.01.031.00': '2.16.156.10011.2.3.1.1',
  'DE04.50.001.00': '2.16.156.10011.2.3.1.85',
  'DE04.50.010.00': '2.16.156.10011.2.3.1.250',
  'DE02.01.060.00': '2.16.156.10011.2.3.1.271',
  'DE06.00.073.00': '2.16.156.10011.2.3.1.159',
  'DE08.30.031.00': '2.16.156.10011.2.3.1.209',
  'DE06.00.286.00': '2.16.156.10011.2.3.2.58',
  'DE05.01.024.00': '2.16.156.10011.2.3.3.11',
  'DE05.01.021.00': '2.16.156.10011.2.3.3.11',
  'DE05.10.130.00': '2.16.156.10011.2.3.3.14',
  'DE06.00.093.00': '2.16.156.10011.2.3.3.12',
};

/** Unit a WS 445 name carries: 体温（℃） → ℃, 昏迷时间-min → min. */
export function unitOf(name) {
  const paren = /[（(]\s*([^（）()]+?)\s*[）)]\s*$/.exec(name);
  if (paren) return paren[1];
  const dash = /-(min|h|d)$/.exec(name);
  return dash ? dash[1] : undefined;
}

const MONEY = /费|金额/;

export function hl7Type(el) {
  switch (el.type) {
    case 'S1': return { dataType: 'ST' };
    case 'S2':
    case 'S3': return { dataType: 'CD', valueSet: VALUE_SETS[el.de] };
    case 'L': return { dataType: 'BL' };
    case 'D':
    case 'DT':
    case 'T': return { dataType: 'TS' };
    case 'BY': return { dataType: 'ED' };
    case 'N': {
      if (MONEY.test(el.name)) return { dataType: 'MO', unit: '元' };
      const unit = unitOf(el.name);
      if (unit) return { dataType: 'PQ', unit };
      return { dataType: el.format.includes(',') ? 'REAL' : 'INT' };
    }
    default:
      throw new Error(`unknown WS 363 type ${el.type} for ${el.de} ${el.name}`);
  }
}
