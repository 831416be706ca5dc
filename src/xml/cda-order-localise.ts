import type { OrderTable, TypeOrder } from './xsd-order.js';

/**
 * The WS/T 500 localisations (urn:hl7-org:v3 elements HL7 CDA R2 lacks), placed where the
 * practitioner schemas in django-hip-service/cda-xsd put them (53 documents, merged order:
 * patient … ethnicGroupCode, birthplace, nationality, age, educationLevel, employerOrganization,
 * household, nativePlace, occupation; patientRole id, patientType, addr …; assignedPerson name,
 * professionalTechnicalPosition). Only for the built-in fallback: the CDA-CN XSD, when present,
 * is the authority. Not verified against the standard's text.
 */
const PLACEMENTS: { type: string; after: string; add: [name: string, type?: string][] }[] = [
  { type: 'POCD_MT000040.PatientRole', after: 'id', add: [['patientType', 'CN.PatientType']] },
  {
    type: 'POCD_MT000040.Patient',
    after: 'birthplace',
    add: [
      ['nationality', 'CE'],
      ['age', 'PQ'],
      ['educationLevel', 'CN.EducationLevel'],
      ['employerOrganization', 'POCD_MT000040.Organization'],
      ['household', 'CN.Place'],
      ['nativePlace', 'CN.Place'],
      ['occupation', 'CN.Occupation'],
    ],
  },
  { type: 'POCD_MT000040.Person', after: 'name', add: [['professionalTechnicalPosition', 'CN.ProfessionalTechnicalPosition']] },
  { type: 'AD', after: 'county', add: [['township']] },
];

const NEW_TYPES: Record<string, TypeOrder> = {
  'CN.PatientType': { children: ['patienttypeCode'], childTypes: { patienttypeCode: 'CE' }, required: ['patienttypeCode'], single: ['patienttypeCode'] },
  'CN.EducationLevel': { children: ['educationLevelCode'], childTypes: { educationLevelCode: 'CE' }, required: ['educationLevelCode'], single: ['educationLevelCode'] },
  'CN.Occupation': { children: ['occupationCode'], childTypes: { occupationCode: 'CE' }, required: ['occupationCode'], single: ['occupationCode'] },
  'CN.ProfessionalTechnicalPosition': { children: ['professionaltechnicalpositionCode'], childTypes: { professionaltechnicalpositionCode: 'CE' }, required: ['professionaltechnicalpositionCode'], single: ['professionaltechnicalpositionCode'] },
  'CN.Place': { children: ['place'], childTypes: { place: 'POCD_MT000040.Place' }, required: ['place'], single: ['place'] },
};

export function localiseCdaOrder(hl7: OrderTable): OrderTable {
  const types: Record<string, TypeOrder> = {};
  for (const [k, v] of Object.entries(hl7.types)) types[k] = { ...v, children: [...v.children], childTypes: { ...v.childTypes }, ...(v.single ? { single: [...v.single] } : {}) };
  for (const [k, v] of Object.entries(NEW_TYPES)) types[k] = v;
  for (const p of PLACEMENTS) {
    const t = types[p.type];
    if (!t) throw new Error(`localisation: no type ${p.type} in the base table`);
    const at = t.children.indexOf(p.after);
    if (at === -1) throw new Error(`localisation: ${p.type} has no ${p.after}`);
    t.children.splice(at + 1, 0, ...p.add.map(([n]) => n));
    for (const [n, ty] of p.add) if (ty !== undefined) t.childTypes[n] = ty;
    // each localisation occurs at most once where it is placed (AD parts repeat freely)
    if (p.type !== 'AD') t.single = [...(t.single ?? []), ...p.add.map(([n]) => n)].sort((a, b) => t.children.indexOf(a) - t.children.indexOf(b));
  }
  return { roots: { ...hl7.roots }, types };
}
