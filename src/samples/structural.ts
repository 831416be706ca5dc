import type { XmlNode } from '../xml/node.js';
import { cdaOrder, type OrderTable } from '../xml/order.js';
import { insertChild, schemaTypeOf } from '../xml/build.js';
import type { VisitContext } from './visit.js';

/**
 * Structural attributes (classCode, moodCode, typeCode …) every CDA class carries, with the
 * values WS/T 500 documents use. Applied only where a template path did not already set one
 * (a predicate such as participant[@typeCode='NOT'] wins).
 */
const STRUCTURAL: Record<string, Record<string, string>> = {
  'POCD_MT000040.RecordTarget': { typeCode: 'RCT', contextControlCode: 'OP' },
  'POCD_MT000040.PatientRole': { classCode: 'PAT' },
  'POCD_MT000040.Patient': { classCode: 'PSN', determinerCode: 'INSTANCE' },
  'POCD_MT000040.Author': { typeCode: 'AUT', contextControlCode: 'OP' },
  'POCD_MT000040.AssignedAuthor': { classCode: 'ASSIGNED' },
  'POCD_MT000040.Person': { classCode: 'PSN', determinerCode: 'INSTANCE' },
  'POCD_MT000040.Organization': { classCode: 'ORG', determinerCode: 'INSTANCE' },
  'POCD_MT000040.Custodian': { typeCode: 'CST' },
  'POCD_MT000040.AssignedCustodian': { classCode: 'ASSIGNED' },
  'POCD_MT000040.CustodianOrganization': { classCode: 'ORG', determinerCode: 'INSTANCE' },
  'POCD_MT000040.LegalAuthenticator': { typeCode: 'LA', contextControlCode: 'OP' },
  'POCD_MT000040.Authenticator': { typeCode: 'AUTHEN' },
  'POCD_MT000040.AssignedEntity': { classCode: 'ASSIGNED' },
  'POCD_MT000040.Participant1': { typeCode: 'NOT' },
  'POCD_MT000040.AssociatedEntity': { classCode: 'ECON' },
  'POCD_MT000040.Informant12': { typeCode: 'INF' },
  'POCD_MT000040.RelatedDocument': { typeCode: 'RPLC' },
  'POCD_MT000040.Component1': { typeCode: 'COMP' },
  'POCD_MT000040.EncompassingEncounter': { classCode: 'ENC', moodCode: 'EVN' },
  'POCD_MT000040.Location': { typeCode: 'LOC' },
  'POCD_MT000040.HealthCareFacility': { classCode: 'SDLOC' },
  'POCD_MT000040.Place': { classCode: 'PLC', determinerCode: 'INSTANCE' },
  'POCD_MT000040.OrganizationPartOf': { classCode: 'PART' },
  'POCD_MT000040.Component2': { typeCode: 'COMP' },
  'POCD_MT000040.StructuredBody': { classCode: 'DOCBODY', moodCode: 'EVN' },
  'POCD_MT000040.Component3': { typeCode: 'COMP' },
  'POCD_MT000040.Component5': { typeCode: 'COMP' },
  'POCD_MT000040.Section': { classCode: 'DOCSECT', moodCode: 'EVN' },
  'POCD_MT000040.Entry': { typeCode: 'COMP' },
  'POCD_MT000040.Observation': { classCode: 'OBS', moodCode: 'EVN' },
  'POCD_MT000040.SubstanceAdministration': { classCode: 'SBADM', moodCode: 'EVN' },
  'POCD_MT000040.Procedure': { classCode: 'PROC', moodCode: 'EVN' },
  'POCD_MT000040.Act': { classCode: 'ACT', moodCode: 'EVN' },
  'POCD_MT000040.Organizer': { classCode: 'CLUSTER', moodCode: 'EVN' },
  'POCD_MT000040.Encounter': { classCode: 'ENC', moodCode: 'EVN' },
  'POCD_MT000040.Supply': { classCode: 'SPLY', moodCode: 'EVN' },
  'POCD_MT000040.ObservationMedia': { classCode: 'OBS', moodCode: 'EVN' },
  'POCD_MT000040.EntryRelationship': { typeCode: 'COMP' },
  'POCD_MT000040.Component4': { typeCode: 'COMP' },
  'POCD_MT000040.Consumable': { typeCode: 'CSM' },
  'POCD_MT000040.ManufacturedProduct': { classCode: 'MANU' },
  'POCD_MT000040.LabeledDrug': { classCode: 'MMAT', determinerCode: 'KIND' },
  'POCD_MT000040.Material': { classCode: 'MMAT', determinerCode: 'KIND' },
  'POCD_MT000040.Performer1': { typeCode: 'PRF' },
  'POCD_MT000040.Performer2': { typeCode: 'PRF' },
  'POCD_MT000040.Participant2': { typeCode: 'PRF' },
  'POCD_MT000040.ParticipantRole': { classCode: 'ROL' },
  'POCD_MT000040.PlayingEntity': { classCode: 'ENT', determinerCode: 'INSTANCE' },
  'POCD_MT000040.EncounterParticipant': { typeCode: 'ATND' },
  'POCD_MT000040.DocumentationOf': { typeCode: 'DOC' },
  'POCD_MT000040.ServiceEvent': { classCode: 'ACT', moodCode: 'EVN' },
  'POCD_MT000040.InFulfillmentOf': { typeCode: 'FLFS' },
  'POCD_MT000040.Order': { classCode: 'ACT', moodCode: 'RQO' },
  'POCD_MT000040.Authorization': { typeCode: 'AUTH' },
  'POCD_MT000040.Consent': { classCode: 'CONS', moodCode: 'EVN' },
  'POCD_MT000040.DataEnterer': { typeCode: 'ENT', contextControlCode: 'OP' },
  'POCD_MT000040.InformationRecipient': { typeCode: 'PRCP' },
  'POCD_MT000040.IntendedRecipient': { classCode: 'ASSIGNED' },
  'POCD_MT000040.Reference': { typeCode: 'REFR' },
  'POCD_MT000040.Precondition': { typeCode: 'PRCN' },
  'POCD_MT000040.Specimen': { typeCode: 'SPC' },
  'POCD_MT000040.SpecimenRole': { classCode: 'SPEC' },
  'POCD_MT000040.Subject': { typeCode: 'SBJ', contextControlCode: 'OP' },
  'POCD_MT000040.RelatedSubject': { classCode: 'PRS' },
  'POCD_MT000040.Guardian': { classCode: 'GUARD' },
  'POCD_MT000040.Birthplace': { classCode: 'BIRTHPL' },
  'POCD_MT000040.ReferenceRange': { typeCode: 'REFV' },
  'POCD_MT000040.ObservationRange': { classCode: 'OBS', moodCode: 'EVN.CRT' },
  'POCD_MT000040.ParentDocument': { classCode: 'DOCCLIN', moodCode: 'EVN' },
};

/** Identifier roots for ids a class must carry (oid_conventions). */
const ID_ROOT: Record<string, [root: string, ext: (v: VisitContext) => string]> = {
  'POCD_MT000040.PatientRole': ['2.16.156.10011.1.2', (v) => v.patient.healthRecordNo],
  'POCD_MT000040.AssignedAuthor': ['2.16.156.10011.1.7', (v) => v.clinician.id],
  'POCD_MT000040.AssignedEntity': ['2.16.156.10011.1.4', (v) => v.clinician.id],
  'POCD_MT000040.CustodianOrganization': ['2.16.156.10011.1.5', (v) => v.org.code],
  'POCD_MT000040.ParentDocument': ['2.16.156.10011.1.1', (v) => `${v.visit.outpatientNo}-0`],
  'POCD_MT000040.Order': ['2.16.156.10011.1.28', (v) => `${v.visit.outpatientNo}-1`],
};

/**
 * Complete a tree so it satisfies the schema's structure: structural attributes, then every
 * child the schema requires (minOccurs ≥ 1) with a sensible default, recursively. Choices the
 * schema leaves open are filled only where a document needs one (manufacturedProduct).
 */
export function completeStructure(root: XmlNode, visit: VisitContext, table: OrderTable = cdaOrder()): void {
  const visit_ = (n: XmlNode): void => {
    if (n.name === '#text') return;
    const type = schemaTypeOf(n, table);
    if (type !== undefined) {
      for (const [k, v] of Object.entries(STRUCTURAL[type] ?? {})) if (n.attrs[k] === undefined) n.attrs[k] = v;
      const info = table.types[type];
      for (const req of info?.required ?? []) {
        if (n.children.some((c) => c.name === req)) continue;
        const child: XmlNode = { name: req, attrs: {}, children: [] };
        insertChild(n, child, { table });
        fillDefault(child, type, req, visit, table);
      }
      if (type === 'POCD_MT000040.ManufacturedProduct' && !n.children.some((c) => c.name === 'manufacturedLabeledDrug' || c.name === 'manufacturedMaterial')) {
        insertChild(n, { name: 'manufacturedLabeledDrug', attrs: {}, children: [] }, { table });
      }
    }
    for (const c of n.children) visit_(c);
  };
  visit_(root);
}

function fillDefault(child: XmlNode, parentType: string, name: string, visit: VisitContext, table: OrderTable): void {
  const childType = schemaTypeOf(child, table);
  if (name === 'id') {
    const r = ID_ROOT[parentType];
    if (r) {
      child.attrs['root'] = r[0];
      child.attrs['extension'] = r[1](visit);
    } else child.attrs['nullFlavor'] = 'UNK';
    return;
  }
  if (name === 'time') { child.attrs['value'] = visit.documentTime; return; }
  if (name === 'effectiveTime') { child.attrs['value'] = visit.visit.start; return; }
  if (name === 'signatureCode') { child.attrs['code'] = 'S'; return; }
  if (name === 'statusCode') { child.attrs['code'] = 'completed'; return; }
  // a class (filled by the recursion) or a data type we know nothing to put in
  if (childType !== undefined && childType.startsWith('POCD_MT000040.')) return;
  child.attrs['nullFlavor'] = 'UNK';
}
