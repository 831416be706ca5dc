/**
 * Requests under load, built per request from the catalogue: never one replayed body.
 *
 * Each request is a fresh HL7 V3 message of the stage's service (src/samples buildRequest) with
 * a unique message id, wrapped for the binding (src/transport wrapRequest):
 *   - register/add: a new record, entity values seeded per request (sampleEntityValues), so
 *     every key (patientId, documentId, orderId …) is new;
 *   - update: a pooled record's key with fresh non-key values;
 *   - query/retrieve: a pooled record, i.e. a key the setup phase registered (queries must ask
 *     for keys that exist, or a platform answering "no result" fast would look good).
 * merge needs two linked records per request and is not a load stage (the service cases test it).
 */
import type { Catalog, EntityDef, ServiceDef } from '../catalog/types.js';
import { buildRequest } from '../samples/message.js';
import { sampleEntityValues } from '../samples/message-values.js';
import { nowTs } from '../samples/synth.js';
import type { Binding } from '../transport/binding.js';
import { wrapRequest } from '../transport/envelope.js';
import type { RequestSpec } from './types.js';

export class PerfConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PerfConfigError';
  }
}

/** What one service needs under load: its entity, and the service that fills the key pool. */
export interface ServiceLoad {
  service: ServiceDef;
  entity: EntityDef;
  /** register/add service of the same entity, for services that need existing keys */
  setup?: ServiceDef;
}

const NEEDS_POOL = new Set(['query', 'retrieve', 'update']);

/** The services a plan of `kind` names: WS/T 846 for hospitals, WS/T 790 for regional platforms. */
function servicesOf(catalog: Catalog, kind: 'hospital' | 'regional'): ServiceDef[] {
  return kind === 'regional' ? (catalog.regionalServices ?? []) : catalog.services;
}

export function serviceLoad(catalog: Catalog, code: string, kind: 'hospital' | 'regional' = 'hospital'): ServiceLoad {
  const services = servicesOf(catalog, kind);
  const service = services.find((s) => s.code === code);
  if (!service) throw new PerfConfigError(`performance stage: unknown service ${JSON.stringify(code)} (not in scenarios/${kind === 'regional' ? 'regional-' : ''}services.json)`);
  if (service.pattern === 'merge') throw new PerfConfigError(`performance stage: ${code} is a merge service; merges are not load-tested`);
  const entity = catalog.entities.get(service.entity);
  if (!entity) throw new PerfConfigError(`performance stage: service ${code} names unknown entity ${service.entity}`);
  const load: ServiceLoad = { service, entity };
  if (NEEDS_POOL.has(service.pattern)) {
    const setup = services.find((s) => s.entity === service.entity && (s.pattern === 'register' || s.pattern === 'add'));
    if (!setup) throw new PerfConfigError(`performance stage: ${code} needs existing ${entity.name} records but no register/add service carries that entity`);
    load.setup = setup;
  }
  return load;
}

export function keyFields(entity: EntityDef): string[] {
  return entity.fields.filter((f) => f.key).map((f) => f.name);
}

/** One request ready for the generator, and what its answer must be. */
export interface BuiltRequest {
  spec: RequestSpec;
  messageId: string;
  /** the acknowledgement must be AA; a query must come back with its record */
  expectRecords: boolean;
}

/** HL7 TS of now (Beijing time, cached per second) for a request's creationTime. */
export const creationTime = nowTs;

export interface RequestBuilderOptions {
  binding: Binding;
  /** path of the endpoint URL (/soap11, /hip/services …) */
  endpointPath: string;
  /** distinguishes this run's ids from any earlier run against the same database */
  runTag: string;
  /** seed base: seeds are seedBase + seq, unique per request of the run */
  seedBase: number;
  /** records that exist on the platform (query/retrieve/update) */
  pool?: readonly Record<string, string>[];
  sender?: string;
  receiver?: string;
}

export class RequestBuilder {
  private readonly keys: string[];
  constructor(
    readonly load: ServiceLoad,
    private readonly opts: RequestBuilderOptions,
  ) {
    this.keys = keyFields(load.entity);
    if (load.setup && !(opts.pool && opts.pool.length > 0)) throw new PerfConfigError(`${load.service.code}: no pooled records to query`);
  }

  /** The values request `seq` carries. */
  values(seq: number): Record<string, string> {
    const { service, entity } = this.load;
    const pool = this.opts.pool;
    if (service.pattern === 'register' || service.pattern === 'add' || !pool) return sampleEntityValues(entity, this.opts.seedBase + seq);
    const rec = pool[seq % pool.length]!;
    if (service.pattern === 'update') {
      const shared: Record<string, string> = {};
      for (const k of this.keys) if (rec[k] !== undefined) shared[k] = rec[k]!;
      return sampleEntityValues(entity, this.opts.seedBase + seq, { shared });
    }
    return rec;
  }

  build(seq: number): BuiltRequest {
    const { service, entity } = this.load;
    const messageId = `${this.opts.runTag}-${seq}`;
    const xml = buildRequest(service, entity, this.values(seq), {
      messageId,
      creationTime: creationTime(),
      sender: this.opts.sender ?? 'hutong-perf',
      receiver: this.opts.receiver ?? 'platform',
    });
    const w = wrapRequest(this.opts.binding, service.code, xml);
    const spec: RequestSpec = { method: 'POST', path: joinPath(this.opts.endpointPath, w.path), headers: w.headers, body: w.body };
    return { spec, messageId, expectRecords: service.pattern === 'query' || service.pattern === 'retrieve' };
  }
}

function joinPath(base: string, extra: string): string {
  if (!extra) return base || '/';
  return base.replace(/\/+$/, '') + (extra.startsWith('/') ? extra : `/${extra}`);
}
