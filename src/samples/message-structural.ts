import { TEXT, type XmlNode } from '../xml/node.js';

/**
 * Structural attributes (classCode, moodCode, typeCode, determinerCode) of the HL7 V3 classes
 * the WS/T 846 payloads use, with the values practitioners' samples carry. Catalogue field paths
 * say where data goes, not these; vendor platforms validating with strict XSDs expect them, so
 * the builders add them where a node lacks them. Readers never depend on them.
 */
const BY_NAME: Record<string, Record<string, string>> = {
  controlActProcess: { classCode: 'CACT', moodCode: 'EVN' },
  registrationRequest: { classCode: 'REG', moodCode: 'RQO' },
  registrationEvent: { classCode: 'REG', moodCode: 'EVN' },
  subject1: { typeCode: 'SBJ' },
  patient: { classCode: 'PAT' },
  patientPerson: { classCode: 'PSN', determinerCode: 'INSTANCE' },
  healthCareProvider: { classCode: 'PROV' },
  healthCarePrincipalPerson: { classCode: 'PSN', determinerCode: 'INSTANCE' },
  assignedEntity: { classCode: 'ASSIGNED' },
  assignedAuthor: { classCode: 'ASSIGNED' },
  assignedCustodian: { classCode: 'ASSIGNED' },
  providerOrganization: { classCode: 'ORG', determinerCode: 'INSTANCE' },
  representedOrganization: { classCode: 'ORG', determinerCode: 'INSTANCE' },
  serviceProviderOrganization: { classCode: 'ORG', determinerCode: 'INSTANCE' },
  employerOrganization: { classCode: 'ORG', determinerCode: 'INSTANCE' },
  scopingOrganization: { classCode: 'ORG', determinerCode: 'INSTANCE' },
  assignedPrincipalOrganization: { classCode: 'ORG', determinerCode: 'INSTANCE' },
  affiliatedPrincipalOrganization: { classCode: 'ORG', determinerCode: 'INSTANCE' },
  scoper2: { classCode: 'ORG', determinerCode: 'INSTANCE' },
  wholeOrganization: { classCode: 'ORG', determinerCode: 'INSTANCE' },
  asEmployee: { classCode: 'EMP' },
  asAffiliate: { classCode: 'AFFL' },
  organizationContains: { classCode: 'PART' },
  asOrganizationPartOf: { classCode: 'PART' },
  contactParty: { classCode: 'CON' },
  birthplace: { classCode: 'BIRTHPL' },
  relationshipHolder1: { classCode: 'PSN', determinerCode: 'INSTANCE' },
  coveredPartyOf: { typeCode: 'COV' },
  coverageRecord: { classCode: 'COV', moodCode: 'EVN' },
  clinicalDocument: { classCode: 'DOCCLIN', moodCode: 'EVN' },
  recordTarget: { typeCode: 'RCT' },
  custodian: { typeCode: 'CST' },
  author: { typeCode: 'AUT' },
  verifier: { typeCode: 'VRF' },
  admitter: { typeCode: 'ADM' },
  discharger: { typeCode: 'DIS' },
  encounterEvent: { classCode: 'ENC', moodCode: 'EVN' },
  encounter: { classCode: 'ENC', moodCode: 'EVN' },
  serviceDeliveryLocation: { classCode: 'SDLOC' },
  locatedEntityHasParts: { classCode: 'LOCE' },
  asLocatedEntityPartOf: { classCode: 'LOCE' },
  locatedPlace: { classCode: 'PLC', determinerCode: 'INSTANCE' },
  reason: { typeCode: 'RSON' },
  observationDx: { classCode: 'OBS', moodCode: 'EVN' },
  placerGroup: { classCode: 'GROUPER', moodCode: 'RQO' },
  substanceAdministrationRequest: { classCode: 'SBADM', moodCode: 'RQO' },
  observationRequest: { classCode: 'OBS', moodCode: 'RQO' },
  procedureRequest: { classCode: 'PROC', moodCode: 'RQO' },
  observationReport: { classCode: 'OBS', moodCode: 'EVN' },
  actAppointment: { classCode: 'ACT', moodCode: 'APT' },
  encounterAppointment: { classCode: 'ENC', moodCode: 'APT' },
  replacementOf: { typeCode: 'RPLC' },
  priorRegistration: { classCode: 'REG', moodCode: 'EVN' },
  priorRegisteredRole: { classCode: 'PAT' },
};

/** Defaults that depend on the parent: the same name is a participation in one place, an entity in another. */
function defaultsFor(name: string, parent: string | undefined): Record<string, string> | undefined {
  switch (name) {
    case 'subject':
      return { typeCode: parent === 'controlActProcess' ? 'SUBJ' : 'SBJ' };
    case 'location':
      return parent === 'serviceDeliveryLocation' || parent === 'asLocatedEntityPartOf' || parent === 'locatedEntity'
        ? { classCode: 'PLC', determinerCode: 'INSTANCE' }
        : { typeCode: 'LOC' };
    case 'assignedPerson':
      return parent === 'assignedEntity' || parent === 'assignedPerson' || parent === 'assignedAuthor'
        ? { classCode: 'PSN', determinerCode: 'INSTANCE' }
        : { classCode: 'ASSIGNED' };
    case 'performer':
      return { typeCode: 'PRF' };
    default:
      return BY_NAME[name];
  }
}

/** Add the structural attributes a node and its descendants lack; values already set win. */
export function applyStructuralDefaults(node: XmlNode, parent?: string): void {
  if (node.name === TEXT) return;
  const d = defaultsFor(node.name, parent);
  if (d) {
    const attrs: Record<string, string> = {};
    // structural attributes first, as HL7 samples write them
    for (const [k, v] of Object.entries(d)) if (node.attrs[k] === undefined) attrs[k] = v;
    for (const [k, v] of Object.entries(node.attrs)) attrs[k] = v;
    node.attrs = attrs;
  }
  for (const c of node.children) applyStructuralDefaults(c, node.name);
}
