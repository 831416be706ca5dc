/**
 * The catalogue contract: the shapes of the standards-as-data files under shared-docs/,
 * datasets/ and scenarios/. Every engine (sample generator, validator, reference platform,
 * runner) reads these types and nothing else about the standards.
 *
 * Each shape has a JSON Schema in schemas/ (same name, kebab-case) that the loader checks on
 * start-up; keep the two in step.
 *
 * ## Catalogue paths (the only XPath dialect in data files)
 *
 * Data files locate things with a small, writable subset of XPath 1.0, so that the same
 * string can both be *evaluated* (validator, platform) and *built* (sample generator, request
 * builder):
 *
 *   path      := step ( '/' step )* ( '/' '@' NAME )?
 *   step      := QNAME predicate*
 *   predicate := '[' rel '=' "'" literal "'" ']'
 *   rel       := ( QNAME '/' )* ( QNAME | '@' NAME )
 *   QNAME     := 'hl7:' NAME | 'xsi:' NAME | 'sdtc:' NAME
 *
 * `hl7:` is urn:hl7-org:v3 (WS/T 500 localisations live there too). Paths are relative to a
 * context node named by the field that holds them (ClinicalDocument, a section, a message's
 * payload root). Building semantics: a step whose element (with its predicates) already exists
 * is reused, otherwise created with what its predicates say; so a predicate on the first step
 * of an entry path (`hl7:entry[hl7:observation/hl7:code/@code='DE…']`) makes every entry its
 * own `entry`, while predicate-free header paths share their ancestors.
 */

/** Where a catalogue fact comes from. `verified: false` marks an assumption or a fact only one unofficial source gives. */
export interface SourceRef {
  /** e.g. "WS/T 500.4-2016", "WS 445.2-2014", "WS/T 846.2-2024" */
  standard: string;
  /** clause, table or part inside the standard, when known */
  clause?: string;
  /** the public material the fact was read from (file in ../shared/reference, or a URL) */
  via?: string;
  verified: boolean;
  note?: string;
}

export type Cardinality = '0..1' | '1..1' | '0..*' | '1..*';

/** HL7 V3 data types used by entries. */
export type Hl7DataType =
  | 'ST' | 'ED' | 'CD' | 'CE' | 'CV' | 'CS' | 'PQ' | 'TS' | 'IVL_TS' | 'INT' | 'REAL' | 'BL'
  | 'II' | 'MO' | 'PN' | 'AD' | 'TEL' | 'ON' | 'IVL_PQ' | 'RTO';

/** WS 363 data-element types (S1 text, S2 enumerated, S3 coded, L logical, N numeric, D date, DT date-time, T time, BY binary). */
export type DeType = 'S1' | 'S2' | 'S3' | 'L' | 'N' | 'D' | 'DT' | 'T' | 'BY';

/** One data element placed in a document or message. */
export interface EntryTemplate {
  /** WS 363 data element id, e.g. DE04.10.188.00 */
  de: string;
  /** WS 445 internal id (HDSDnn.nn.nnn) when the element comes from a WS 445 sub-dataset */
  hdsd?: string;
  /** Chinese name as the dataset gives it */
  name: string;
  dataType: Hl7DataType;
  /** WS 363 representation format, e.g. AN..50, N..3,1, D8, DT15 (grammar in src/catalog/format.ts) */
  format: string;
  /** WS 364 / GB value-set OID for coded elements */
  valueSet?: string;
  /** UCUM-ish unit printed for PQ values (e.g. ℃, mmHg, kg) */
  unit?: string;
  cardinality: Cardinality;
  /** catalogue path from the context node to the element or attribute carrying the value */
  xpath: string;
}

export type HeaderPart =
  | 'recordTarget' | 'author' | 'custodian' | 'legalAuthenticator' | 'authenticator'
  | 'participant' | 'relatedDocument' | 'componentOf' | 'informant' | 'informationRecipient'
  | 'documentationOf' | 'inFulfillmentOf' | 'authorization' | 'dataEnterer';

export interface SectionTemplate {
  /** LOINC code (2.16.840.1.113883.6.1) */
  code: string;
  title: string;
  cardinality: Cardinality;
  entries: EntryTemplate[];
}

export interface DocumentTemplate {
  /** C0001..C0053 for WS/T 500; the regional code for WS/T 483 */
  code: string;
  family: 'wst500' | 'wst483';
  part: number;
  /** e.g. "WS/T 500.4-2016" */
  standard: string;
  title: string;
  templateId: string;
  /** code@codeSystem of the document type code: 2.16.156.10011.2.4 */
  codeSystem: string;
  /**
   * the type code written in ClinicalDocument/code@code when it differs from the catalogue key
   * (WS/T 483: HSDA00.01 …; `code` stays EHR-SD-n, the key files, plans and the CLI use)
   */
  typeCode?: string;
  /** EMR-SD-04 / EHR-SD-4 */
  testPrefix: string;
  /** 'full' when header and sections are encoded; 'identity' for a name-only placeholder */
  depth: 'full' | 'identity';
  /** WS 445 / WS 365 sub-datasets whose elements this document carries (DatasetDef id or name; names not in datasets/ are warned about) */
  datasets: string[];
  header: {
    required: HeaderPart[];
    /** data elements carried in the header; paths relative to ClinicalDocument */
    elements: EntryTemplate[];
  };
  /** structuredBody sections in document order; entry paths relative to the section */
  sections: SectionTemplate[];
  source: SourceRef;
}

/** A WS 445 sub-dataset (e.g. 西药处方, 住院病案首页). */
export interface DatasetDef {
  /** stable id, e.g. WS445.04.01 or the HDSD group */
  id: string;
  name: string;
  standard: string;
  /** EMR-DE-nn / EHR-DE-nn when a test case id is known */
  testPrefix?: string;
  elements: DatasetElement[];
  source: SourceRef;
}

export interface DatasetElement {
  hdsd: string;
  de: string;
  name: string;
  type: DeType;
  format: string;
  definition?: string;
  valueSet?: string;
}

/** WS 363 dictionary entry: one data element id. */
export interface DataElementDef {
  de: string;
  name: string;
  /** other names datasets use for the same id */
  aliases: string[];
  type: DeType;
  format: string;
  valueSet?: string;
  definition?: string;
  source: SourceRef;
}

export interface ValueSetConcept {
  code: string;
  display: string;
}

/** A WS 364 (or national GB) value set. */
export interface ValueSetDef {
  oid: string;
  name: string;
  /** e.g. "WS 364.3 CV02.01.101", "GB/T 2261.1-2003" */
  standard: string;
  /** empty for a code system the catalogue names but does not enumerate (ICD-10, LOINC …): checks can confirm the code system, not the code */
  concepts: ValueSetConcept[];
  /** false where sources disagree or only an unofficial source lists the codes */
  verified: boolean;
  source: SourceRef;
}

export type ServicePattern = 'register' | 'update' | 'merge' | 'add' | 'query' | 'retrieve';

/** One field of an entity carried in service messages. */
export interface MessageField {
  /** stable field name used by the store and the consistency checks, e.g. patientId, name, genderCode */
  name: string;
  label: string;
  de?: string;
  dataType: Hl7DataType;
  format?: string;
  valueSet?: string;
  /** true for the field(s) that identify the record (query keys) */
  key?: boolean;
  required: boolean;
  /** catalogue path relative to the service's payload root */
  xpath: string;
}

/** What a group of services registers and queries (patient, organisation, order …). */
export interface EntityDef {
  name: string;
  label: string;
  fields: MessageField[];
}

export interface ServiceDef {
  /** SOAP action / service code, e.g. PatientInfoRegister */
  code: string;
  name: string;
  group: string;
  /** WS/T 846 part number and section */
  part: number;
  section: string;
  pattern: ServicePattern;
  /** interaction id of the request, e.g. PRPA_IN201311UV02 (also its root element) */
  request: string;
  /** interaction id of the response: MCCI_IN000002UV01 for acknowledgements, or the query response */
  response: string;
  /** EMR-PL-nn when known; EMR-PL-nn is also used for the F01 (absent key) variant */
  caseId: string;
  /** first level at which the service is required */
  level: LevelCode;
  /** entity the service carries (entities/ in scenarios) */
  entity: string;
  /** path from the message root to the payload (subject/registrationRequest…/subject1/patient or queryByParameter) */
  payloadRoot: string;
  /** for queries: which entity fields are query parameters and where they go in queryByParameter */
  queryParams?: { field: string; xpath: string }[];
  /**
   * for queries: where the response carries its records — `records` is the path from the
   * response root to each repeated record element, `payloadRoot` the path from a record to the
   * entity payload (the entity's field paths apply below it, as in the register message)
   */
  responseRecords?: { records: string; payloadRoot: string };
  source: SourceRef;
}

export type LevelCode = '3' | '4b' | '4a' | '5b' | '5a';

export interface PlanDef {
  id: string;
  kind: 'hospital' | 'regional';
  level: LevelCode;
  title: string;
  /** plans this one adds to (cumulative) */
  extends?: string;
  services: string[];
  documents: string[];
  datasets: string[];
  performance?: PerformanceProfile;
  /** figures in this plan that are assumptions, with why */
  assumptions: { figure: string; value: string; source: SourceRef }[];
  source: SourceRef;
}

/**
 * 运行性能 profile of a plan (schemas/plan.schema.json#/definitions/performance; run by
 * src/perf/profile.ts). Figures are assumptions unless a stage says assumed: false.
 */
export interface PerformanceProfile {
  stages: PerformanceStage[];
  /** records pre-registered per queried entity before the stages (setup, not measured); default 50 */
  poolSize?: number;
  /** full validation of one response in this many (default 100) */
  validateEvery?: number;
  /** per-request timeout, ms (default 10 000) */
  timeoutMs?: number;
  /** caps for mode 'short' (the demo's few-second profile) */
  short?: { warmupSeconds: number; durationSeconds: number; maxUsers: number; maxRate: number; maxThinkTimeMs?: number; poolSize?: number };
}

export interface PerformanceStage {
  name: string;
  service: string;
  model: 'closed' | 'open';
  users?: number;
  rate?: number;
  thinkTimeMs?: number | [number, number];
  warmupSeconds: number;
  durationSeconds: number;
  thresholds: string[];
  assumed: boolean;
  /** false: reported, never changes the verdict */
  required?: boolean;
  maxConnections?: number;
  expectedLatencyMs?: number;
}

/** The whole catalogue as engines see it. */
export interface Catalog {
  version: string;
  documents: DocumentTemplate[];
  datasets: DatasetDef[];
  dataElements: Map<string, DataElementDef>;
  valueSets: Map<string, ValueSetDef>;
  entities: Map<string, EntityDef>;
  /** the 69 hospital services (WS/T 846) */
  services: ServiceDef[];
  /** the regional services (WS/T 790, scenarios/regional-services.json); a plan of kind 'regional' names these */
  regionalServices: ServiceDef[];
  plans: PlanDef[];
}
