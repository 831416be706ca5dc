import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { XmlDocument } from 'libxml2-wasm';
import type { Finding, LayerManifest } from '../../findings/types.js';
import { TOOL_VERSION } from '../../version.js';
import type { JElement } from '../../xml/jstree.js';
import { acceptsTree, compileSchema, type CompiledSchema } from '../../xsdjs/index.js';
import { finding } from '../rules.js';
import { CDA_CN_DIR, ENGINE_VERSION, loadSchemaSet, validateXsd, XsdSchemaError, type SchemaEntry, type SchemaSet } from '../xsd.js';

/**
 * Layer 2, XSD: documents against CDA-CN (HL7 CDA R2 with the WS/T 500 localisations), V3
 * messages against our message family, both shipped in schemas/. `--schemas DIR` swaps the
 * document set; when DIR is HL7's plain CDA R2 set, CDA-CN keeps the verdict and the plain set
 * is reported beside it as information only (HT-XSD-PLAIN-CDA): WS/T 500 documents are not
 * plain CDA, by design. Sets compile once per process (per worker) and are reused.
 */

export const V3_DIR = resolve(CDA_CN_DIR, '..', 'v3');

/** How many schema complaints one file lists before summarising the rest. */
const MAX_PER_FILE = 50;
const MAX_PLAIN_PER_FILE = 20;

type Loaded = { set: SchemaSet; label: string; shipped?: boolean } | { error: string; label: string };

export interface XsdSets {
  documents: Loaded;
  /** plain HL7 CDA R2, information only */
  plain?: Loaded;
  messages: Loaded;
}

/**
 * The sets shipped in schemas/ load lazily (libxml2 compiles an entry when a file first needs
 * it: with the fast accept path a worker may never need it); a --schemas set compiles at once,
 * so that a broken one is reported before any file.
 */
function load(dir: string, label: string, shipped = false): Loaded {
  try {
    return { set: loadSchemaSet(dir, { lazy: shipped }), label, ...(shipped ? { shipped } : {}) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err), label };
  }
}

/** HL7's normative layout keeps CDA.xsd two folders down; accept the top folder too. */
export function resolveSchemasDir(dir: string): string {
  const abs = resolve(dir);
  const nested = join(abs, 'infrastructure', 'cda');
  if (!existsSync(join(abs, 'CDA.xsd')) && !existsSync(join(abs, 'cda-cn.xsd')) && existsSync(join(nested, 'CDA.xsd'))) return nested;
  return abs;
}

const sets = new Map<string, XsdSets>();

/** The schema sets for a run (cached per --schemas value). Never throws: failures are carried. */
export function xsdSets(schemasDir?: string): XsdSets {
  const key = schemasDir ?? '';
  const have = sets.get(key);
  if (have) return have;
  const messages = load(V3_DIR, 'HL7 V3 (schemas/xsd/v3)', true);
  let out: XsdSets;
  if (schemasDir === undefined) {
    out = { documents: load(CDA_CN_DIR, 'CDA-CN (schemas/xsd/cda-cn)', true), messages };
  } else {
    const dir = resolveSchemasDir(schemasDir);
    const custom = load(dir, `--schemas ${schemasDir}`);
    if ('set' in custom && custom.set.manifest.entry === 'CDA.xsd') {
      out = { documents: load(CDA_CN_DIR, 'CDA-CN (schemas/xsd/cda-cn)', true), plain: { set: custom.set, label: `HL7 CDA R2 (${schemasDir})` }, messages };
    } else {
      out = { documents: custom, messages };
    }
  }
  sets.set(key, out);
  return out;
}

/**
 * The XSD layers of a run. `fast` names the layers where the fast path's JavaScript validator
 * accepted files in this run: their engine is then both, xsdjs having accepted what it could
 * prove valid and libxml2 having judged every other file (its findings are the verdict).
 */
export function xsdManifests(s: XsdSets, failures: Map<string, string>, fast: ReadonlySet<string> = new Set()): LayerManifest[] {
  const m = (id: string, name: string, l: Loaded): LayerManifest => {
    const failed = failures.get(id);
    if ('error' in l) return { id, name, engine: 'libxml2-wasm', engineVersion: '-', dataVersion: '-', ran: false, error: l.error };
    const both = fast.has(id);
    const out: LayerManifest = {
      id, name,
      engine: both ? `hutong xsdjs (accept) + ${l.set.manifest.engine} (authority)` : l.set.manifest.engine,
      engineVersion: both ? `${TOOL_VERSION} / ${l.set.manifest.engine} ${l.set.manifest.engineVersion}` : l.set.manifest.engineVersion,
      dataVersion: `sha256:${l.set.manifest.dataVersion.slice(0, 16)} (${l.label})`, ran: failed === undefined,
    };
    if (failed !== undefined) out.error = failed;
    return out;
  };
  const list = [m('xsd-documents', `XSD ${s.documents.label}`, s.documents)];
  if (s.plain) list.push(m('xsd-plain-cda', `XSD ${s.plain.label}（仅供参考 information only）`, s.plain));
  list.push(m('xsd-messages', `XSD ${s.messages.label}`, s.messages));
  return list;
}

export interface XsdRun {
  findings: Finding[];
  /** layer id → why it could not run for this file */
  failed: Map<string, string>;
}

function schemaFindings(doc: XmlDocument, l: Loaded, file: string, rule: 'HT-XSD-INVALID' | 'HT-XSD-PLAIN-CDA', max: number, out: XsdRun, layerId: string): void {
  if ('error' in l) {
    out.findings.push(finding('HT-XSD-UNAVAILABLE', { reason: l.error }, { file }));
    out.failed.set(layerId, l.error);
    return;
  }
  let issues;
  try {
    issues = validateXsd(doc, l.set, { maxIssues: max });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (rule === 'HT-XSD-PLAIN-CDA') {
      out.findings.push(finding('HT-XSD-PLAIN-CDA', { reason }, { file }));
      return;
    }
    out.findings.push(finding('HT-XSD-UNAVAILABLE', { reason }, { file }));
    if (!(err instanceof XsdSchemaError && err.code === 'no-schema-for-root')) out.failed.set(layerId, reason);
    return;
  }
  for (const i of issues) {
    const where: Parameters<typeof finding>[2] = { file };
    if (i.line > 0) where.line = i.line;
    if (i.column !== undefined) where.column = i.column;
    if (i.path !== undefined) where.xpath = i.path;
    if (rule === 'HT-XSD-INVALID' && i.severity === 'warning') where.severity = 'warning';
    out.findings.push(finding(rule, { reason: i.message, schema: l.label }, where));
  }
}

/** Validate a document (ClinicalDocument) against the document set(s). */
export function xsdDocument(doc: XmlDocument, s: XsdSets, file: string): XsdRun {
  const out: XsdRun = { findings: [], failed: new Map() };
  schemaFindings(doc, s.documents, file, 'HT-XSD-INVALID', MAX_PER_FILE, out, 'xsd-documents');
  if (s.plain) schemaFindings(doc, s.plain, file, 'HT-XSD-PLAIN-CDA', MAX_PLAIN_PER_FILE, out, 'xsd-plain-cda');
  return out;
}

/**
 * Validate a V3 message against its interaction's schema. A root with no schema in the set is
 * reported (HT-XSD-UNAVAILABLE) only when the catalogue knows the interaction (a real gap in our
 * schemas); an unknown interaction is the message layer's finding.
 */
export function xsdMessage(doc: XmlDocument, s: XsdSets, file: string, known: boolean): XsdRun {
  const out: XsdRun = { findings: [], failed: new Map() };
  if (!('error' in s.messages) && s.messages.set.entryFor(doc.root.name) === undefined && !known) return out;
  schemaFindings(doc, s.messages, file, 'HT-XSD-INVALID', MAX_PER_FILE, out, 'xsd-messages');
  return out;
}

// ------------------------------------------------------------------------ fast accept path

/**
 * The fast path's XSD check (src/xsdjs): the same entry schema compiled to JavaScript, run on
 * the JElement tree. It only ever ACCEPTS: valid:true means libxml2 would pass the document
 * too; anything else sends the file to libxml2 (xsdDocument/xsdMessage), whose findings are
 * the verdict. Only the shipped sets take part (a --schemas set, and plain CDA beside CDA-CN,
 * are libxml2's alone), and only entries libxml2 itself compiled in this process or that the
 * main thread compiled before handing them to a worker (xsdjs' precondition for soundness).
 */

type FastEntry = { schema: CompiledSchema } | { error: string };
const fastEntries = new Map<string, FastEntry>();

/**
 * The shipped document set's schema, once compiled with both engines in this thread or handed
 * over by the main thread: with it a worker judges documents without even reading the schema
 * folder (it loads the sets only when a file needs libxml2 or is a V3 message).
 */
let fastDocuments: CompiledSchema | undefined;

/** What a worker receives: the main thread's compiled document schema (libxml2 compiled the set there). */
export interface FastSchemas {
  documents: CompiledSchema;
}

/** The fast-path schemas compiled so far in this thread (for the workers' start). */
export function fastSchemasCompiled(): FastSchemas | undefined {
  return fastDocuments ? { documents: fastDocuments } : undefined;
}

/** A worker: take the main thread's compiled schemas. */
export function useFastSchemas(f: FastSchemas): void {
  fastDocuments = f.documents;
}

function fastEntry(set: SchemaSet, entry: SchemaEntry): CompiledSchema | undefined {
  let f = fastEntries.get(entry.path);
  if (f === undefined) {
    try {
      // xsdjs' precondition: libxml2 compiles the set (a compile error here is libxml2's to report)
      set.compileEntry(entry);
      f = { schema: compileSchema(entry.path) };
    } catch (err) {
      f = { error: err instanceof Error ? err.message : String(err) };
    }
    fastEntries.set(entry.path, f);
  }
  return 'schema' in f ? f.schema : undefined;
}

/**
 * Did xsdjs prove this document valid against the document set of `schemasDir` (only the
 * shipped CDA-CN, i.e. no --schemas)? false = ask libxml2. `text` is the text scanChecked read
 * the tree from.
 */
export function fastAcceptsDocument(schemasDir: string | undefined, root: JElement, text: string): boolean {
  if (schemasDir !== undefined || root.local !== 'ClinicalDocument') return false;
  let schema = fastDocuments;
  if (schema === undefined) {
    const l = xsdSets(undefined).documents;
    if (!('set' in l) || !l.shipped) return false;
    const entry = l.set.entryFor(root.local);
    schema = entry && fastEntry(l.set, entry);
    if (schema === undefined) return false;
    fastDocuments = schema;
  }
  return acceptsTree(schema, root, text).valid;
}

/**
 * The fast path for a V3 message: 'no-schema' when xsdMessage would not validate it at all (no
 * schema for the root, interaction unknown to the catalogue), 'accepted' when xsdjs proved it
 * valid, undefined when libxml2 must judge it.
 */
export function fastAcceptsMessage(s: XsdSets, root: JElement, text: string, known: boolean): 'accepted' | 'no-schema' | undefined {
  const l = s.messages;
  if (!('set' in l) || !l.shipped) return undefined;
  const entry = l.set.entryFor(root.local);
  if (entry === undefined) return known ? undefined : 'no-schema';
  const schema = fastEntry(l.set, entry);
  return schema !== undefined && acceptsTree(schema, root, text).valid ? 'accepted' : undefined;
}
