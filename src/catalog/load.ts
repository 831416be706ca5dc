/**
 * loadCatalog: read every catalogue file under a root, validate each against its JSON Schema,
 * check references across files, and hand engines one typed Catalog. A broken catalogue is one
 * CatalogError naming every file and JSON path at fault; doubts are warnings on the result.
 * Results are cached per root (the files are data shipped with the tool, not user input that
 * changes under a running process); clearCatalogCache() is for tests and tools that rewrite them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '../version.js';
import { crossCheck, type CatalogParts, type Placed } from './crossref.js';
import { CatalogError, type CatalogIssue, type CatalogWarning } from './errors.js';
import { CATALOG_FILES, type CatalogKind, type FileRule } from './files.js';
import { parseCatalogFile, type ReadFile } from './read.js';
import { schemaBytes, schemaIssues, schemaValidator } from './schema-check.js';
import { cachedData, knownValid, rememberData, rememberValid, snapshotData, validationKey } from './valid-cache.js';
import type { Catalog, DataElementDef, DatasetDef, DocumentTemplate, EntityDef, LevelCode, PlanDef, ServiceDef, ValueSetDef } from './types.js';

export interface LoadedCatalog extends Catalog {
  root: string;
  /** files read, relative to the root, in the order hashed */
  files: string[];
  warnings: CatalogWarning[];
  /** wall time of the load that filled the cache, in milliseconds */
  loadMs: number;
}

const cache = new Map<string, LoadedCatalog>();

export function clearCatalogCache(): void {
  cache.clear();
}

/** Load (once per root) and check the catalogue. Throws CatalogError when it cannot be used. */
export function loadCatalog(root: string = PROJECT_ROOT): LoadedCatalog {
  const key = resolve(root);
  const hit = cache.get(key);
  if (hit) return hit;
  const loaded = load(key);
  cache.set(key, loaded);
  return loaded;
}

/** Short sha256 over the catalogue's data files (path and bytes), for layer manifests and records. */
export function catalogVersion(root: string = PROJECT_ROOT): string {
  return loadCatalog(root).version;
}

function listFiles(root: string, rule: FileRule, issues: CatalogIssue[]): string[] {
  const abs = join(root, rule.path);
  if (!rule.folder) {
    if (!existsSync(abs) || !statSync(abs).isFile()) {
      issues.push({ file: rule.path, path: '', message: 'missing: the catalogue needs this file' });
      return [];
    }
    return [rule.path];
  }
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    issues.push({ file: rule.path, path: '', message: 'missing: the catalogue needs this folder' });
    return [];
  }
  const ext = rule.folder.ext;
  const names = readdirSync(abs).filter((n) => n.endsWith(ext)).sort();
  if (names.length === 0) issues.push({ file: rule.path, path: '', message: `no ${ext} files in this folder` });
  return names.map((n) => `${rule.path}/${n}`);
}

/** The items a file contributes, each with its JSON Pointer. */
function place(kind: CatalogKind, file: string, data: unknown): Placed<unknown>[] {
  const wrapper: Partial<Record<CatalogKind, string>> = {
    datasets: 'datasets', dataElements: 'dataElements', valueSets: 'valueSets', services: 'services', regionalServices: 'services', entities: 'entities',
  };
  const field = wrapper[kind];
  if (field === undefined) return [{ file, at: '', value: data }];
  const list = (data as Record<string, unknown> | null)?.[field];
  return Array.isArray(list) ? list.map((value, i) => ({ file, at: `/${field}/${i}`, value })) : [];
}

const LEVEL_ORDER: LevelCode[] = ['3', '4b', '4a', '5b', '5a'];

function load(root: string): LoadedCatalog {
  const started = performance.now();
  const errors: CatalogIssue[] = [];
  const warnings: CatalogWarning[] = [];
  const parts: Record<CatalogKind, Placed<unknown>[]> = {
    datasets: [], dataElements: [], valueSets: [], documents: [], services: [], regionalServices: [], entities: [], plans: [],
  };
  const raw: { rule: FileRule; rel: string; bytes: Buffer }[] = [];
  for (const rule of CATALOG_FILES) {
    for (const rel of listFiles(root, rule, errors)) {
      try {
        raw.push({ rule, rel, bytes: readFileSync(join(root, rel)) });
      } catch (err) {
        errors.push({ file: rel, path: '', message: `unreadable: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  }

  // one hash over the data serves as the catalogue version and, with the schemas, as the cache key
  const files = raw.map((f) => f.rel).sort();
  const bytes = new Map(raw.map((f) => [f.rel, f.bytes]));
  const hash = createHash('sha256');
  for (const rel of files) hash.update(rel).update('\0').update(bytes.get(rel)!).update('\0');
  const dataDigest = hash.digest('hex');
  const schemaNames = [...new Set(CATALOG_FILES.map((r) => r.schema))].sort();
  const key = validationKey([
    ...schemaNames.map((name) => ({ name: `schemas/${name}`, bytes: schemaBytes(name) ?? new Uint8Array() })),
    { name: 'data', bytes: Buffer.from(dataDigest) },
  ]);
  // these exact files passed before: their parsed data is kept, the YAML need not be read again
  const known = errors.length === 0 && knownValid(key);
  const cached = known ? cachedData(key) : undefined;
  const fromCache = cached !== undefined && raw.every((f) => Object.hasOwn(cached, f.rel));
  const read: { rule: FileRule; file: ReadFile }[] = raw.map(({ rule, rel, bytes: b }) => ({
    rule,
    file: fromCache ? { rel, bytes: b, data: cached[rel] } : parseCatalogFile(rel, b),
  }));
  for (const { file } of read) if (file.issue) errors.push(file.issue);
  const skipSchemas = known && errors.length === 0;

  for (const { rule, file } of read) {
    if (file.issue) continue;
    if (!schemaBytes(rule.schema)) {
      warnings.push({ file: file.rel, path: '', message: `not validated: schemas/${rule.schema} does not exist` });
    } else if (!skipSchemas) {
      const validate = schemaValidator(rule.schema)!;
      if (!validate(file.data)) {
        errors.push(...schemaIssues(file.rel, validate.errors));
        continue;
      }
    }
    parts[rule.kind].push(...place(rule.kind, file.rel, file.data));
  }
  // serialized now, before the cross-file checks and the engines see the objects
  const snapshot = fromCache || errors.length > 0 ? undefined : snapshotData(Object.fromEntries(read.map(({ file }) => [file.rel, file.data])));
  // cross-file checks only on files that passed their own: one broken file must not cascade
  if (errors.length === 0) {
    const x = crossCheck(parts as unknown as CatalogParts);
    errors.push(...x.errors);
    warnings.push(...x.warnings);
  }
  if (errors.length > 0) throw new CatalogError(errors);
  if (!skipSchemas) rememberValid(key);
  if (snapshot) rememberData(key, snapshot);

  const values = <T>(kind: CatalogKind) => parts[kind].map((p) => p.value as T);
  const documents = values<DocumentTemplate>('documents').sort((a, b) =>
    a.family === b.family ? a.part - b.part : a.family === 'wst500' ? -1 : 1);
  const plans = values<PlanDef>('plans').sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) || (a.id < b.id ? -1 : 1));
  return {
    version: dataDigest.slice(0, 12),
    documents,
    datasets: values<DatasetDef>('datasets'),
    dataElements: new Map(values<DataElementDef>('dataElements').map((d) => [d.de, d])),
    valueSets: new Map(values<ValueSetDef>('valueSets').map((v) => [v.oid, v])),
    entities: new Map(values<EntityDef>('entities').map((e) => [e.name, e])),
    services: values<ServiceDef>('services'),
    regionalServices: values<ServiceDef>('regionalServices'),
    plans,
    root,
    files,
    warnings,
    loadMs: performance.now() - started,
  };
}
