/**
 * Checks across catalogue files, after each file passed its schema: ids unique, file names
 * agree with contents, formats parse, and references resolve.
 *
 * Errors (the catalogue cannot be used): duplicates, a file named for another code, a format
 * that does not parse, a plan naming an unknown service/document/dataset/plan, a service naming
 * an unknown entity or query field.
 * Warnings (reported, the catalogue still loads): a value set or data element that the catalogue
 * does not define, a document naming a dataset that is not encoded (WS 365 datasets of WS/T 483).
 */
import { FormatSyntaxError, parseFormat } from './format.js';
import type { CatalogIssue } from './errors.js';
import type { DataElementDef, DatasetDef, DocumentTemplate, EntityDef, EntryTemplate, PlanDef, ServiceDef, ValueSetDef } from './types.js';

/** A value with the file it came from and the JSON Pointer to it there. */
export interface Placed<T> {
  file: string;
  at: string;
  value: T;
}

export interface CatalogParts {
  datasets: Placed<DatasetDef>[];
  dataElements: Placed<DataElementDef>[];
  valueSets: Placed<ValueSetDef>[];
  documents: Placed<DocumentTemplate>[];
  services: Placed<ServiceDef>[];
  regionalServices: Placed<ServiceDef>[];
  entities: Placed<EntityDef>[];
  plans: Placed<PlanDef>[];
}

export interface CrossCheck {
  errors: CatalogIssue[];
  warnings: CatalogIssue[];
}

/** Document files are named for their code; WS/T 483 files pad the number (EHR-SD-01.json holds EHR-SD-1). */
function sameCode(fileName: string, code: string): boolean {
  const norm = (s: string) => s.replace(/-0*(\d+)$/, '-$1');
  return norm(fileName) === norm(code);
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1).replace(/\.(json|yaml)$/, '');
}

export function crossCheck(p: CatalogParts): CrossCheck {
  const errors: CatalogIssue[] = [];
  const warnings: CatalogIssue[] = [];
  const err = (file: string, path: string, message: string) => errors.push({ file, path, message });
  const warn = (file: string, path: string, message: string) => warnings.push({ file, path, message });

  function unique<T>(items: Placed<T>[], key: (v: T) => string, what: string, field: string): Map<string, Placed<T>> {
    const seen = new Map<string, Placed<T>>();
    for (const it of items) {
      const k = key(it.value);
      const first = seen.get(k);
      if (first) err(it.file, `${it.at}/${field}`, `duplicate ${what} ${JSON.stringify(k)} (first at ${first.file}${first.at === '' ? '' : ` ${first.at}`})`);
      else seen.set(k, it);
    }
    return seen;
  }

  const datasetsById = unique(p.datasets, (d) => d.id, 'dataset id', 'id');
  const datasetsByName = unique(p.datasets, (d) => d.name, 'dataset name', 'name');
  const des = unique(p.dataElements, (d) => d.de, 'data element', 'de');
  const valueSets = unique(p.valueSets, (v) => v.oid, 'value set', 'oid');
  const documents = unique(p.documents, (d) => d.code, 'document code', 'code');
  const hospitalServices = unique(p.services, (s) => s.code, 'service code', 'code');
  // regional services may reuse a hospital code (same interaction); unique within their own list
  const regionalServices = unique(p.regionalServices, (s) => s.code, 'regional service code', 'code');
  const entities = unique(p.entities, (e) => e.name, 'entity', 'name');
  const plans = unique(p.plans, (pl) => pl.id, 'plan id', 'id');

  const knownDataset = (ref: string) => datasetsById.has(ref) || datasetsByName.has(ref);

  function format(file: string, path: string, f: string | undefined): void {
    if (f === undefined) return;
    try {
      parseFormat(f);
    } catch (e) {
      if (e instanceof FormatSyntaxError) err(file, path, e.message);
      else throw e;
    }
  }
  function valueSet(file: string, path: string, oid: string | undefined): void {
    if (oid !== undefined && !valueSets.has(oid)) warn(file, path, `value set ${oid} is not in datasets/ws364.json (unknown in the catalogue)`);
  }
  function de(file: string, path: string, id: string | undefined): void {
    if (id !== undefined && !des.has(id)) warn(file, path, `data element ${id} is not in datasets/ws363.json`);
  }

  for (const { file, at, value: v } of p.valueSets) {
    const codes = new Set<string>();
    v.concepts.forEach((c, i) => {
      if (codes.has(c.code)) err(file, `${at}/concepts/${i}/code`, `duplicate code ${JSON.stringify(c.code)} in value set ${v.oid}`);
      codes.add(c.code);
    });
  }

  for (const { file, at, value: d } of p.dataElements) {
    format(file, `${at}/format`, d.format);
    valueSet(file, `${at}/valueSet`, d.valueSet);
  }

  for (const { file, at, value: ds } of p.datasets) {
    ds.elements.forEach((e, i) => {
      format(file, `${at}/elements/${i}/format`, e.format);
      valueSet(file, `${at}/elements/${i}/valueSet`, e.valueSet);
      de(file, `${at}/elements/${i}/de`, e.de);
    });
  }

  for (const { file, at, value: doc } of p.documents) {
    if (!sameCode(baseName(file), doc.code)) err(file, `${at}/code`, `file is named ${baseName(file)} but holds document ${doc.code}`);
    if (!file.startsWith(`shared-docs/${doc.family}/`)) err(file, `${at}/family`, `family ${doc.family} does not match the folder`);
    doc.datasets.forEach((ref, i) => {
      if (!knownDataset(ref)) warn(file, `${at}/datasets/${i}`, `dataset ${JSON.stringify(ref)} is not in datasets/ws445.json`);
    });
    const entry = (e: EntryTemplate, path: string) => {
      format(file, `${path}/format`, e.format);
      valueSet(file, `${path}/valueSet`, e.valueSet);
      de(file, `${path}/de`, e.de);
    };
    doc.header.elements.forEach((e, i) => entry(e, `${at}/header/elements/${i}`));
    doc.sections.forEach((s, si) => s.entries.forEach((e, i) => entry(e, `${at}/sections/${si}/entries/${i}`)));
  }

  for (const { file, at, value: ent } of p.entities) {
    const names = new Set<string>();
    ent.fields.forEach((f, i) => {
      if (names.has(f.name)) err(file, `${at}/fields/${i}/name`, `duplicate field ${JSON.stringify(f.name)} in entity ${ent.name}`);
      names.add(f.name);
      format(file, `${at}/fields/${i}/format`, f.format);
      valueSet(file, `${at}/fields/${i}/valueSet`, f.valueSet);
      de(file, `${at}/fields/${i}/de`, f.de);
    });
  }

  for (const { file, at, value: s } of [...p.services, ...p.regionalServices]) {
    const ent = entities.get(s.entity)?.value;
    if (!ent) {
      err(file, `${at}/entity`, `service ${s.code} names entity ${JSON.stringify(s.entity)}, which scenarios/entities.json does not define`);
      continue;
    }
    (s.queryParams ?? []).forEach((q, i) => {
      if (!ent.fields.some((f) => f.name === q.field)) err(file, `${at}/queryParams/${i}/field`, `entity ${ent.name} has no field ${JSON.stringify(q.field)}`);
    });
  }

  for (const { file, at, value: pl } of p.plans) {
    const services = pl.kind === 'regional' ? regionalServices : hospitalServices;
    const servicesFile = pl.kind === 'regional' ? 'scenarios/regional-services.json' : 'scenarios/services.json';
    if (baseName(file) !== pl.id) err(file, `${at}/id`, `file is named ${baseName(file)} but holds plan ${pl.id}`);
    if (pl.extends !== undefined && !plans.has(pl.extends)) err(file, `${at}/extends`, `plan ${JSON.stringify(pl.extends)} does not exist`);
    pl.services.forEach((code, i) => {
      if (!services.has(code)) err(file, `${at}/services/${i}`, `service ${JSON.stringify(code)} is not in ${servicesFile}`);
    });
    pl.documents.forEach((code, i) => {
      if (!documents.has(code)) err(file, `${at}/documents/${i}`, `document ${JSON.stringify(code)} is not in shared-docs/`);
    });
    pl.datasets.forEach((ref, i) => {
      if (!knownDataset(ref)) err(file, `${at}/datasets/${i}`, `dataset ${JSON.stringify(ref)} is not in datasets/ws445.json${pl.kind === 'regional' ? ' or datasets/ws365.json' : ''}`);
    });
    (pl.performance?.stages ?? []).forEach((st, i) => {
      if (!services.has(st.service)) err(file, `${at}/performance/stages/${i}/service`, `service ${JSON.stringify(st.service)} is not in ${servicesFile}`);
    });
  }

  return { errors, warnings };
}
