import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlElement, XmlValidateError, XsdValidator, type ErrorDetail, type XmlDocument } from 'libxml2-wasm';
import { parseXml } from '../xml/parse.js';
import { xpathOf } from '../xml/path.js';
import { readSchemaFolder, XsdSchemaError, type SchemaEntry, type SchemaFolder } from './xsd-files.js';
import { withSchemaFiles } from './xsd-provider.js';

export { XsdSchemaError, type SchemaEntry } from './xsd-files.js';

/**
 * The XSD layer's engine: compile a schema set once with libxml2-wasm and validate parsed
 * documents against it.
 *
 * A set is a folder identified by its entry: cda-cn.xsd (our CDA-CN), CDA.xsd (HL7's plain
 * CDA R2), or an index.json mapping V3 interaction ids to entry schemas (schemas/xsd/v3).
 * Sets are cached by folder; a single-entry set compiles when loaded, an indexed set compiles
 * each entry the first time a document needs it. Schemas are read from disk only: includes
 * and imports resolve inside the files read up front, and nothing is ever fetched.
 */

export interface XsdIssue {
  /** 1-based line in the document; 0 when libxml2 gave none */
  line: number;
  /** libxml2's schema errors carry no column; present only when one is known */
  column?: number;
  /** libxml2's message, with the hl7 namespace left implicit */
  message: string;
  /** where, as an indexed XPath (/hl7:ClinicalDocument/hl7:recordTarget[1]/…), when known */
  path?: string;
  severity: 'error' | 'warning';
}

export interface SchemaSetManifest {
  engine: 'libxml2-wasm';
  engineVersion: string;
  /** sha256 of the set's schema files (paths and bytes), plus index.json when there is one */
  dataVersion: string;
  /** what identifies the set: "cda-cn.xsd", "CDA.xsd", "index.json", or the single .xsd given */
  entry: string;
}

export interface SchemaSet {
  /** the set's folder (absolute) */
  readonly dir: string;
  readonly manifest: SchemaSetManifest;
  readonly entries: readonly SchemaEntry[];
  /** the entry that validates documents with this root element, if any */
  entryFor(rootLocalName: string): SchemaEntry | undefined;
  /** entry files compiled so far (indexed sets compile lazily) */
  compiledEntries(): string[];
  /** compile the entry with libxml2 now (once); throws XsdSchemaError when it does not compile */
  compileEntry(entry: SchemaEntry): void;
}

export interface ValidateXsdOptions {
  /** stop listing after this many issues (a summary issue says how many more); default 500 */
  maxIssues?: number;
}

/** schemas/xsd/cda-cn/ of this checkout (src/ and dist/ both sit one level below the root). */
export const CDA_CN_DIR = fileURLToPath(new URL('../../schemas/xsd/cda-cn/', import.meta.url));

const HL7_NS = 'urn:hl7-org:v3';

export const ENGINE_VERSION: string = (() => {
  try {
    const require = createRequire(import.meta.url);
    return (require('libxml2-wasm/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

class CompiledSchemaSet implements SchemaSet {
  readonly dir: string;
  readonly manifest: SchemaSetManifest;
  readonly entries: readonly SchemaEntry[];
  private readonly folder: SchemaFolder;
  private readonly validators = new Map<string, XsdValidator>();
  private readonly byRoot = new Map<string, SchemaEntry>();

  constructor(folder: SchemaFolder) {
    this.folder = folder;
    this.dir = folder.dir;
    this.entries = folder.entries;
    this.manifest = { engine: 'libxml2-wasm', engineVersion: ENGINE_VERSION, dataVersion: folder.dataVersion, entry: folder.identifiedBy };
    for (const e of folder.entries) {
      if (e.root !== undefined && !this.byRoot.has(e.root)) this.byRoot.set(e.root, e);
      for (const id of e.interactions) if (!this.byRoot.has(id)) this.byRoot.set(id, e);
    }
  }

  entryFor(rootLocalName: string): SchemaEntry | undefined {
    if (this.entries.length === 1 && this.entries[0]!.interactions.length === 0) return this.entries[0];
    return this.byRoot.get(rootLocalName);
  }

  compiledEntries(): string[] {
    return [...this.validators.keys()];
  }

  compileEntry(entry: SchemaEntry): void {
    this.validator(entry);
  }

  validator(entry: SchemaEntry): XsdValidator {
    const have = this.validators.get(entry.file);
    if (have !== undefined) return have;
    const v = compile(entry, this.folder);
    this.validators.set(entry.file, v);
    return v;
  }

  dispose(): void {
    for (const v of this.validators.values()) v.dispose();
    this.validators.clear();
  }
}

const cache = new Map<string, CompiledSchemaSet>();

/**
 * Load (once per folder) the schema set in dir, default CDA-CN. dir may also name one .xsd
 * file. Throws XsdSchemaError when the folder has no recognisable entry, a schema is
 * unreadable or remote, or (single-entry sets, unless lazy) the schema does not compile; with
 * `lazy` the compile error surfaces at the first validateXsd.
 */
export function loadSchemaSet(dir: string = CDA_CN_DIR, opts: { lazy?: boolean } = {}): SchemaSet {
  const key = resolve(dir);
  const have = cache.get(key);
  if (have !== undefined) {
    if (!opts.lazy && have.entries.length === 1) have.validator(have.entries[0]!);
    return have;
  }
  const set = new CompiledSchemaSet(readSchemaFolder(key));
  // lazy (the validator's shipped sets): compiled when a document first needs libxml2, which on
  // the fast accept path may be never in a thread
  if (!opts.lazy && set.entries.length === 1) set.validator(set.entries[0]!);
  cache.set(key, set);
  return set;
}

/** Forget cached sets and free their compiled validators (tests, long-running servers reloading schemas). */
export function clearSchemaSetCache(): void {
  for (const s of cache.values()) s.dispose();
  cache.clear();
}

/**
 * Validate a parsed document against the set. Returns the schema's complaints (empty when
 * valid). Throws XsdSchemaError when the set has no schema for the document's root or the
 * schema for it does not compile: that is the layer not running, not a finding.
 */
export function validateXsd(doc: XmlDocument, set: SchemaSet, opts: ValidateXsdOptions = {}): XsdIssue[] {
  const impl = set instanceof CompiledSchemaSet ? set : cache.get(resolve(set.dir));
  if (impl === undefined) throw new XsdSchemaError('no-entry', `schema set ${set.dir} was not loaded with loadSchemaSet`);
  const root = doc.root;
  const entry = impl.entryFor(root.name);
  if (entry === undefined) {
    throw new XsdSchemaError('no-schema-for-root', `no schema in ${set.dir} for root element ${root.name}`);
  }
  const validator = impl.validator(entry);
  try {
    validator.validate(doc);
    return [];
  } catch (err) {
    if (!(err instanceof XmlValidateError)) throw err;
    return toIssues(doc, err.details, opts.maxIssues ?? 500);
  }
}

function compile(entry: SchemaEntry, folder: SchemaFolder): XsdValidator {
  const bytes = folder.files.get(entry.path);
  if (bytes === undefined) throw new XsdSchemaError('unreadable', `entry schema ${entry.path} was not read`);
  const doc = parseXml(bytes, { fileName: entry.path, maxBytes: 20 * 1024 * 1024 });
  try {
    // the entry is parsed without a base URI: libxml2 then asks for its includes by names
    // relative to the entry's folder, which the provider resolves against that folder
    return withSchemaFiles(dirname(entry.path), folder.files, () => XsdValidator.fromDoc(doc)).result;
  } catch (err) {
    if (err instanceof XsdSchemaError) throw err;
    const details = err instanceof XmlValidateError ? err.details.map((d) => `${d.file ?? entry.file}:${d.line}: ${d.message.trim()}`) : [];
    throw new XsdSchemaError('compile', `schema ${entry.path} does not compile: ${details[0] ?? (err as Error).message}`, details);
  } finally {
    doc.dispose();
  }
}

function toIssues(doc: XmlDocument, details: ErrorDetail[], maxIssues: number): XsdIssue[] {
  const out: XsdIssue[] = [];
  for (const d of details.slice(0, maxIssues)) {
    const el = d.xpath !== undefined ? elementAt(doc, d.xpath) : undefined;
    const line = d.line > 0 ? d.line : el !== undefined && el.line > 0 ? el.line : 0;
    const issue: XsdIssue = {
      line,
      message: d.message.trim().replaceAll(`{${HL7_NS}}`, ''),
      severity: d.level === 1 ? 'warning' : 'error',
    };
    if (d.col > 0) issue.column = d.col;
    if (el !== undefined) issue.path = xpathOf(el);
    else if (d.xpath !== undefined) issue.path = d.xpath;
    out.push(issue);
  }
  if (details.length > maxIssues) {
    out.push({ line: 0, message: `${details.length - maxIssues} further schema errors not listed`, severity: 'error' });
  }
  return out;
}

/**
 * The element a libxml2 node path names. libxml2 writes "*[n]" (n-th element child) for
 * elements in a default namespace, which XPath cannot name, and "p:name[n]" / "name[n]"
 * otherwise (n-th child of that name); [n] is left out when there is only one.
 */
function elementAt(doc: XmlDocument, nodePath: string): XmlElement | undefined {
  const steps = nodePath.split('/').filter((s) => s !== '');
  let cur: XmlElement | undefined;
  for (const step of steps) {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(step);
    if (m === null) return cur;
    const test = m[1]!;
    const n = m[2] !== undefined ? Number(m[2]) : 1;
    if (cur === undefined) {
      const r = doc.root;
      if (test !== '*' && localOf(test) !== r.name) return undefined;
      cur = r;
      continue;
    }
    const local = test === '*' ? undefined : localOf(test);
    let seen = 0;
    let next: XmlElement | undefined;
    for (let c = cur.firstChild; c !== null; c = c.next) {
      if (c instanceof XmlElement && (local === undefined || c.name === local) && ++seen === n) {
        next = c;
        break;
      }
    }
    if (next === undefined) return cur;
    cur = next;
  }
  return cur;
}

function localOf(qname: string): string {
  const i = qname.indexOf(':');
  return i === -1 ? qname : qname.slice(i + 1);
}
