import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlElement } from 'libxml2-wasm';
import { parseXml } from '../xml/parse.js';

/**
 * What a schema folder holds: its entry schemas, every file they reach through
 * xs:include / xs:import / xs:redefine / xs:override, and a hash over those bytes.
 * Files are read once, here; compilation later serves these very bytes to libxml2.
 */

export class XsdSchemaError extends Error {
  override readonly name = 'XsdSchemaError';
  constructor(
    readonly code: 'not-found' | 'no-entry' | 'bad-index' | 'remote-reference' | 'unreadable' | 'compile' | 'no-schema-for-root',
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface SchemaEntry {
  /** entry schema, relative to the set's folder (posix separators) */
  file: string;
  /** absolute path of the entry schema */
  path: string;
  /** document root element (local name) this entry validates, when the index says so */
  root?: string;
  /** interaction ids mapped to this entry by index.json */
  interactions: string[];
}

export interface SchemaFolder {
  dir: string;
  /** how the set was identified: the entry file name, or "index.json" */
  identifiedBy: string;
  entries: SchemaEntry[];
  /** absolute path → bytes, for every file any entry reaches */
  files: Map<string, Uint8Array>;
  /** sha256 (hex) over the files' relative paths and contents, and index.json when used */
  dataVersion: string;
}

/** Entry files recognised in a folder, most specific first. */
const ENTRY_FILES = ['cda-cn.xsd', 'CDA.xsd'];
const INDEX_FILE = 'index.json';
const XS = 'http://www.w3.org/2001/XMLSchema';
const SCHEMA_REFS = new Set(['include', 'import', 'redefine', 'override']);
/** schema files are ours or the user's, not platform output, but still bounded */
const MAX_SCHEMA_BYTES = 20 * 1024 * 1024;

/** Read a schema folder (or a single .xsd file) as a set: entries, closure, hash. */
export function readSchemaFolder(dirOrFile: string): SchemaFolder {
  const target = resolve(dirOrFile);
  if (!existsSync(target)) throw new XsdSchemaError('not-found', `schema folder not found: ${target}`);
  let dir: string;
  let entries: SchemaEntry[];
  let identifiedBy: string;
  let indexBytes: Uint8Array | undefined;

  if (statSync(target).isFile()) {
    dir = dirname(target);
    identifiedBy = basename(target);
    entries = [{ file: identifiedBy, path: target, interactions: [] }];
  } else {
    dir = target;
    const names = readdirSync(dir);
    const entryFile = ENTRY_FILES.find((f) => names.includes(f));
    if (entryFile !== undefined) {
      identifiedBy = entryFile;
      entries = [{ file: entryFile, path: join(dir, entryFile), root: 'ClinicalDocument', interactions: [] }];
    } else if (names.includes(INDEX_FILE)) {
      identifiedBy = INDEX_FILE;
      indexBytes = readFileSync(join(dir, INDEX_FILE));
      entries = readIndex(dir, indexBytes);
    } else {
      const xsds = names.filter((n) => n.endsWith('.xsd'));
      if (xsds.length !== 1) {
        throw new XsdSchemaError('no-entry', `no entry schema in ${dir}: expected ${ENTRY_FILES.join(' or ')}, an ${INDEX_FILE}, or a single .xsd file`);
      }
      identifiedBy = xsds[0]!;
      entries = [{ file: identifiedBy, path: join(dir, identifiedBy), interactions: [] }];
    }
  }

  const files = new Map<string, Uint8Array>();
  for (const e of entries) collectClosure(e.path, files);
  return { dir, identifiedBy, entries, files, dataVersion: hashFiles(dir, files, indexBytes) };
}

/**
 * index.json maps interaction ids to entry schemas. Accepted shapes (the message-schema
 * folder is written by another hand, so be liberal in what we read):
 *   { "<id>": "file.xsd" } | { "<id>": { "file": "…", "root"?: "…", … } }
 *   [ { "id" | "interactionId": "…", "file" | "xsd" | "schema": "…", "root"?: "…" } ]
 *   either of these under a top-level "interactions" or "entries" key.
 * root defaults to the interaction id (V3 messages are rooted at their interaction id).
 * Keys starting with "$", and string values that are not .xsd file names, are metadata.
 */
function readIndex(dir: string, bytes: Uint8Array): SchemaEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new XsdSchemaError('bad-index', `${join(dir, INDEX_FILE)} is not JSON: ${(err as Error).message}`);
  }
  if (isRecord(data) && !Array.isArray(data)) {
    const inner = data['interactions'] ?? data['entries'];
    if (inner !== undefined) data = inner;
  }
  const rows: { id: string; file: string; root?: string }[] = [];
  const bad = (why: string): XsdSchemaError => new XsdSchemaError('bad-index', `${join(dir, INDEX_FILE)}: ${why}`);
  if (Array.isArray(data)) {
    for (const r of data) {
      if (!isRecord(r)) throw bad('array items must be objects');
      const id = str(r['id']) ?? str(r['interactionId']);
      const file = fileOf(r);
      if (id === undefined || file === undefined) throw bad('each item needs an id and a file');
      const root = str(r['root']);
      rows.push({ id, file, ...(root !== undefined ? { root } : {}) });
    }
  } else if (isRecord(data)) {
    for (const [id, v] of Object.entries(data)) {
      // "$comment", "namespace", "wrapper", …: metadata beside the entries
      if (id.startsWith('$')) continue;
      if (typeof v === 'string') {
        if (v.endsWith('.xsd')) rows.push({ id, file: v });
        continue;
      }
      if (isRecord(v) && fileOf(v) !== undefined) {
        const root = str(v['root']);
        rows.push({ id, file: fileOf(v)!, ...(root !== undefined ? { root } : {}) });
      } else {
        throw bad(`entry "${id}" names no file`);
      }
    }
  } else {
    throw bad('expected an object or an array');
  }
  if (rows.length === 0) throw bad('no entries');

  const byFile = new Map<string, SchemaEntry>();
  for (const r of rows) {
    const path = resolve(dir, r.file);
    if (!existsSync(path)) throw bad(`entry "${r.id}": ${r.file} does not exist`);
    let e = byFile.get(path);
    if (e === undefined) {
      e = { file: toPosix(relative(dir, path)), path, root: r.root ?? r.id, interactions: [] };
      byFile.set(path, e);
    }
    e.interactions.push(r.id);
  }
  return [...byFile.values()];
}

/** Add a schema and everything it references (by schemaLocation) to files. */
function collectClosure(path: string, files: Map<string, Uint8Array>): void {
  if (files.has(path)) return;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new XsdSchemaError('unreadable', `cannot read schema ${path}: ${(err as Error).message}`);
  }
  files.set(path, bytes);
  const doc = (() => {
    try {
      return parseXml(bytes, { fileName: path, maxBytes: MAX_SCHEMA_BYTES });
    } catch (err) {
      throw new XsdSchemaError('unreadable', `schema ${path} is not well-formed XML: ${(err as Error).message}`);
    }
  })();
  const refs: string[] = [];
  try {
    for (let c = doc.root.firstChild; c !== null; c = c.next) {
      if (c instanceof XmlElement && c.namespaceUri === XS && SCHEMA_REFS.has(c.name)) {
        const loc = c.attr('schemaLocation')?.value;
        if (loc !== undefined && loc.trim() !== '') refs.push(loc.trim());
      }
    }
  } finally {
    doc.dispose();
  }
  for (const loc of refs) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(loc) && !/^file:/i.test(loc)) {
      throw new XsdSchemaError('remote-reference', `schema ${path} references ${loc}: schemas are loaded from disk only, never fetched`);
    }
    const target = /^file:/i.test(loc) ? fileURLToPath(loc) : resolve(dirname(path), decodeURIComponentSafe(loc));
    collectClosure(target, files);
  }
}

function hashFiles(dir: string, files: Map<string, Uint8Array>, index: Uint8Array | undefined): string {
  const h = createHash('sha256');
  const rows = [...files].map(([p, b]) => [toPosix(relative(dir, p)), createHash('sha256').update(b).digest('hex')] as const);
  if (index !== undefined) rows.push([INDEX_FILE, createHash('sha256').update(index).digest('hex')]);
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [rel, digest] of rows) h.update(`${rel}\0${digest}\n`);
  return h.digest('hex');
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function fileOf(r: Record<string, unknown>): string | undefined {
  return str(r['file']) ?? str(r['xsd']) ?? str(r['schema']);
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}
