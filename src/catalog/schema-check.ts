/**
 * JSON Schema validation of catalogue files: one Ajv (draft-07, allErrors, strict) per process,
 * each schema compiled once and kept, whatever the number of roots or reloads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { PROJECT_ROOT } from '../version.js';
import { CatalogError, type CatalogIssue } from './errors.js';

const SCHEMA_DIR = join(PROJECT_ROOT, 'schemas');
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | undefined>();
const sources = new Map<string, Buffer | undefined>();

/** The bytes of schemas/<name> (read once), or undefined when it does not exist. */
export function schemaBytes(name: string): Buffer | undefined {
  if (sources.has(name)) return sources.get(name);
  const path = join(SCHEMA_DIR, name);
  const bytes = existsSync(path) ? readFileSync(path) : undefined;
  sources.set(name, bytes);
  return bytes;
}

/** The compiled validator for schemas/<name>, or undefined when that schema file does not exist. */
export function schemaValidator(name: string): ValidateFunction | undefined {
  if (compiled.has(name)) return compiled.get(name);
  const bytes = schemaBytes(name);
  if (!bytes) {
    compiled.set(name, undefined);
    return undefined;
  }
  ajv ??= new Ajv({ allErrors: true, strict: true });
  let fn: ValidateFunction;
  try {
    fn = ajv.compile(JSON.parse(bytes.toString('utf8')) as object);
  } catch (err) {
    throw new CatalogError([{ file: `schemas/${name}`, path: '', message: `schema does not compile: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  compiled.set(name, fn);
  return fn;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${e.message} (${String(p['additionalProperty'])})`;
  if (e.keyword === 'enum') return `${e.message}: ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') return `${e.message}: ${JSON.stringify(p['allowedValue'])}`;
  return e.message ?? e.keyword;
}

/** ajv's errors as catalogue issues; `if` failures only repeat what their `then` says, so they are dropped. */
export function schemaIssues(file: string, errors: ErrorObject[] | null | undefined): CatalogIssue[] {
  return (errors ?? []).filter((e) => e.keyword !== 'if').map((e) => ({ file, path: e.instancePath === '' ? '/' : e.instancePath, message: describe(e) }));
}
