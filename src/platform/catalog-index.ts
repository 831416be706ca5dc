import type { Catalog, EntityDef, PlanDef, ServiceDef } from '../catalog/types.js';
import { parseCatalogPath, type CatalogPath } from '../xml/path.js';

/**
 * The catalogue compiled once for the hot path: services by SOAP action, entity key fields,
 * compiled query-parameter paths, and which entities an update/merge may find its key in.
 * Everything is derived from ServiceDef/EntityDef so the platform cannot drift from the data.
 */

export const QUERY_ID_PATH = 'hl7:queryId/@extension';

export interface CompiledParam {
  field: string;
  xpath: string;
  path: CatalogPath;
  /** the same path without [@root=…] predicates (ids sent under another root still match); undefined when it has none */
  loose: CatalogPath | undefined;
  /** the parameter lives in queryId/@extension, which otherwise echoes the message id */
  inQueryId: boolean;
}

export interface ServiceInfo {
  service: ServiceDef;
  entity: EntityDef;
  keyFields: string[];
  payloadRoot: CatalogPath;
  params: CompiledParam[];
  /** entities (own first) whose store an update/merge key is looked up in */
  lookupEntities: string[];
  /** position among the non-document query services, catalogue order (-1 otherwise) */
  queryIndex: number;
  isDocument: boolean;
}

export interface CatalogIndex {
  catalog: Catalog;
  byAction: Map<string, ServiceInfo>;
  entities: Map<string, { entity: EntityDef; keyFields: string[] }>;
}

const WRITE = new Set(['register', 'add']);

function withoutRoot(p: CatalogPath): CatalogPath {
  return {
    ...p,
    steps: p.steps.map((s) => ({ ...s, predicates: s.predicates.filter((pr) => !(pr.rel.steps.length === 0 && pr.rel.attribute?.local === 'root')) })),
  };
}

export function keyFieldsOf(entity: EntityDef): string[] {
  return entity.fields.filter((f) => f.key).map((f) => f.name);
}

export function isQuery(s: ServiceDef): boolean {
  return s.pattern === 'query' || s.pattern === 'retrieve';
}

export function isDocumentService(s: ServiceDef): boolean {
  return s.entity === 'document';
}

export type PlatformKind = PlanDef['kind'];

/** The services a platform of `kind` serves: WS/T 846 (hospital) or WS/T 790 (regional, catalog.regionalServices). */
export function servicesOfKind(catalog: Catalog, kind: PlatformKind = 'hospital'): ServiceDef[] {
  return kind === 'regional' ? (catalog.regionalServices ?? []) : catalog.services;
}

/** Non-document query services of the kind's list, in catalogue order (the fixed sets of http-500 / malformed-xml). */
export function plainQueries(catalog: Catalog, kind: PlatformKind = 'hospital'): ServiceDef[] {
  return servicesOfKind(catalog, kind).filter((s) => isQuery(s) && !isDocumentService(s));
}

export function compileCatalog(catalog: Catalog, kind: PlatformKind = 'hospital'): CatalogIndex {
  const services = servicesOfKind(catalog, kind);
  const entities = new Map<string, { entity: EntityDef; keyFields: string[] }>();
  for (const e of catalog.entities.values()) entities.set(e.name, { entity: e, keyFields: keyFieldsOf(e) });
  const registered = new Set(services.filter((s) => WRITE.has(s.pattern)).map((s) => s.entity));
  const sameKey = (a: string[], b: string[]): boolean => a.length === b.length && a.every((k) => b.includes(k));
  const queries = plainQueries(catalog, kind);

  const byAction = new Map<string, ServiceInfo>();
  for (const s of services) {
    const ent = entities.get(s.entity);
    if (!ent) throw new Error(`service ${s.code}: unknown entity ${s.entity}`);
    const lookup = [s.entity];
    // An entity nobody registers (order status, patient merge) is keyed by records another
    // service registers: an update of order status needs the order, a merge needs the patient.
    if (!registered.has(s.entity)) {
      for (const [name, other] of entities) {
        if (name !== s.entity && registered.has(name) && sameKey(other.keyFields, ent.keyFields)) lookup.push(name);
      }
    }
    const params: CompiledParam[] = (s.queryParams ?? []).map((p) => {
      const path = parseCatalogPath(p.xpath);
      const loose = withoutRoot(path);
      const same = loose.steps.every((st, i) => st.predicates.length === path.steps[i]!.predicates.length);
      return { field: p.field, xpath: p.xpath, path, loose: same ? undefined : loose, inQueryId: p.xpath === QUERY_ID_PATH };
    });
    byAction.set(s.code, {
      service: s,
      entity: ent.entity,
      keyFields: ent.keyFields,
      payloadRoot: parseCatalogPath(s.payloadRoot),
      params,
      lookupEntities: lookup,
      queryIndex: queries.indexOf(s),
      isDocument: isDocumentService(s),
    });
  }
  return { catalog, byAction, entities };
}
