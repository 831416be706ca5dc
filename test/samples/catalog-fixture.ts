import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Catalog, DataElementDef, DocumentTemplate, ValueSetDef } from '../../src/catalog/types.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

function templatesIn(dir: string): DocumentTemplate[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => readJson<DocumentTemplate>(join(dir, f))!);
}

/**
 * A catalogue read straight from the data files, for tests only (production goes through
 * loadCatalog), plus the fixture templates in test/fixtures/templates/.
 */
export function testCatalog(): Catalog {
  const documents = [...templatesIn(join(REPO, 'shared-docs/wst500')), ...templatesIn(join(REPO, 'shared-docs/wst483'))];
  const de = readJson<{ dataElements: DataElementDef[] }>(join(REPO, 'datasets/ws363.json'))?.dataElements ?? [];
  const vs = readJson<{ valueSets: ValueSetDef[] }>(join(REPO, 'datasets/ws364.json'))?.valueSets ?? [];
  return {
    version: 'test',
    documents,
    datasets: [],
    dataElements: new Map(de.map((d) => [d.de, d])),
    valueSets: new Map(vs.map((v) => [v.oid, v])),
    entities: new Map(),
    services: [],
    regionalServices: [],
    plans: [],
  };
}

export function fixtureTemplates(): DocumentTemplate[] {
  return templatesIn(join(REPO, 'test/fixtures/templates'));
}
