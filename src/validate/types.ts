import type { Catalog } from '../catalog/types.js';
import type { Finding, LayerManifest } from '../findings/types.js';

/**
 * What a file turned out to be. Documents: `wst500` / `wst483` when the templateId or document
 * code names a catalogue template, `cda` for a ClinicalDocument that names none. Messages: the
 * request of a service, an acknowledgement (MCCI_IN000002UV01) or a query response.
 * `unknown` parsed but is neither; `unreadable` could not be parsed (hostile, malformed, not XML)
 * or not even read. `package` carries findings about an archive or the plan coverage of a run.
 */
export type FileKind =
  | 'wst500' | 'wst483' | 'cda'
  | 'v3-request' | 'v3-ack' | 'v3-query-response'
  | 'unknown' | 'unreadable'
  /** findings about a package as a whole (an archive over its limits, plan coverage) */
  | 'package';

export type Verdict = 'pass' | 'fail' | 'error';

export interface FileResult {
  /** as given on the command line; inside a zip, `archive.zip!/entry/name.xml` */
  path: string;
  kind: FileKind;
  /** C0001…C0053 / EHR-SD-n for documents */
  documentType?: string;
  /** catalogue service code for messages, when it could be told */
  service?: string;
  /** set when the file was a SOAP envelope and the V3 message inside it was validated */
  envelope?: 'soap11' | 'soap12';
  /**
   * pass: no error finding; fail: at least one error finding (including unparseable content);
   * error: the tool could not judge it (file not readable, a layer could not run)
   */
  verdict: Verdict;
  findings: Finding[];
}

/** `hutong validate --json` prints exactly this. */
export interface ValidationReport {
  files: FileResult[];
  layers: LayerManifest[];
}

/** What the caller knows about a message beforehand (the live runner knows all of it). */
export interface Expectation {
  /** catalogue service code the message belongs to */
  service?: string;
  /** id of the request a response answers: the acknowledgement must echo it */
  requestId?: string;
  /** acknowledgement type the response must carry; 'any' checks none. Default AA. */
  ack?: 'AA' | 'AE' | 'any';
  /** for query responses: the key exists (some records expected, T01) or does not (none, F01) */
  records?: 'some' | 'none';
  /** the query key, for messages about an empty/unexpected result */
  key?: string;
}

export interface ValidateOptions {
  /** the catalogue; loadCatalog() when absent */
  catalog?: Catalog;
  /** --schemas DIR: the document schema set to use instead of CDA-CN */
  schemas?: string;
  /** --plan NAME or a plan file: package coverage against the plan's documents and services */
  plan?: string;
  /** refuse files larger than this (bytes) before parsing; default 50 MB */
  maxBytes?: number;
  /** deepest element nesting accepted; default src/xml's */
  maxDepth?: number;
  /**
   * Diagnostic switch, default true: the fast accept path (decode, src/xml/wellformed.ts
   * scanChecked, src/xsdjs acceptsTree) decides files it can prove valid without libxml2.
   * false sends every file through libxml2 as before the fast path; findings are the same
   * either way (test/validate/fast-path.test.ts compares them).
   */
  fastPath?: boolean;
  /** filled in by validateFiles when given (diagnostics, not part of the report) */
  stats?: ValidateStats;
  /** worker threads: 0 = in-process; n > 0 starts n at once; undefined = one fewer than the cores when the input is large (≥ 48 files). With workers the main thread validates small files too. */
  workers?: number;
}

/** How a validateFiles run went (not part of the --json report). */
export interface ValidateStats {
  /** files judged (every file and zip entry; package and plan entries not counted) */
  files: number;
  /** of those, decided by the fast accept path: libxml2 never saw them */
  fast: number;
}

export interface ValidateTextOptions extends Omit<ValidateOptions, 'plan' | 'workers' | 'stats'> {
  /** the file name (test-package naming is checked against the content) */
  fileName?: string;
  expect?: Expectation;
}

/**
 * What the package layer needs to know of each document, computed while the file is open so
 * that cross-file checks run on summaries (workers send these back instead of documents).
 */
export interface DocumentSummary {
  path: string;
  documentType?: string;
  /** ClinicalDocument/id root + extension */
  docId?: { root: string; extension: string; line?: number; xpath: string };
  /** visit identifiers (门诊号, 住院号, encounter id): documents sharing one belong to one visit */
  visitKeys: string[];
  /** patient identity facts: what → value (e.g. `id 2.16.156.10011.1.3` → …, `name` → …) */
  patient: Record<string, { value: string; line?: number; xpath: string }>;
}

export interface FileOutcome {
  result: FileResult;
  summary?: DocumentSummary;
  /**
   * set when the fast accept path decided the file (libxml2 was not called); `xsd` names the
   * XSD layer whose schema xsdjs proved valid (absent when no schema applied to the file)
   */
  fast?: { xsd?: 'xsd-documents' | 'xsd-messages' };
}

export type { Catalog, Finding, LayerManifest };
