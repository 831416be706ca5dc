import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDef } from '../../src/catalog/types.js';
import { startPlatform, type RunningPlatform } from '../../src/platform/index.js';
import { extractRecords, readMessage } from '../../src/samples/message.js';
import type { Transport } from '../../src/transport/index.js';
import { call, catalog, request, transportFor, values } from './helpers.js';

// A conformant platform answers a query that carries only its key. Several queries have
// parameters that differ only by id root (ProviderInfoQuery providerId / idCardNo, the visit
// queries visitSerialNo / outpatientNo / inpatientNo): the key must not leak into its sibling
// through the root-less fallback, or the stored record stops matching and nothing is found.

const CREATE = new Set(['register', 'add']);
const keysOf = (entity: string): string[] => catalog.entities.get(entity)!.fields.filter((f) => f.key).map((f) => f.name);
const creatorOf = (entity: string): ServiceDef | undefined => catalog.services.find((s) => s.entity === entity && CREATE.has(s.pattern));

/** The service creating the records a query of `s` finds, and the status update a status entity needs. */
function setupFor(s: ServiceDef): { create: ServiceDef; update?: ServiceDef } {
  const own = creatorOf(s.entity);
  if (own) return { create: own };
  const keys = keysOf(s.entity).join(',');
  const parent = [...catalog.entities.values()].find((e) => e.name !== s.entity && keysOf(e.name).join(',') === keys && creatorOf(e.name));
  if (!parent) throw new Error(`no creator for ${s.entity}`);
  const update = catalog.services.find((x) => x.entity === s.entity && x.pattern === 'update');
  return update ? { create: creatorOf(parent.name)!, update } : { create: creatorOf(parent.name)! };
}

const queries = catalog.services.filter((s) => s.pattern === 'query' || s.pattern === 'retrieve');

let p: RunningPlatform;
let t: Transport;
beforeAll(async () => {
  p = await startPlatform({ catalog, seedVisits: 0 });
  t = transportFor(p, 'soap11', 4);
});
afterAll(async () => {
  await t?.close();
  await p?.close();
});

describe('a query carrying only its key finds the record', () => {
  it('covers every query service, the root-sibling ones included', () => {
    const codes = queries.map((s) => s.code);
    for (const c of ['ProviderInfoQuery', 'OutPatientInfoQuery', 'InPatientInfoQuery', 'TransferInfoQuery', 'DischargeInfoQuery', 'DocumentRetrieve']) expect(codes).toContain(c);
  });

  for (const [i, s] of queries.entries()) {
    it(`${s.caseId} ${s.code}`, async () => {
      const { create, update } = setupFor(s);
      const rec = values(create.entity, 5000 + i);
      const reg = await call(t, create, rec);
      expect(reg.read?.ack?.typeCode, reg.read?.ack?.detail).toBe('AA');
      const key = Object.fromEntries(keysOf(s.entity).map((k) => [k, rec[k]!]));
      if (update) {
        const u = await call(t, update, { ...values(s.entity, 5000 + i), ...key });
        expect(u.read?.ack?.typeCode, u.read?.ack?.detail).toBe('AA');
      }
      // the request itself carries nothing but the key (the harness's own reader agrees)
      const { xml } = request(s, key);
      expect(readMessage(xml, { service: s }).queryKey).toEqual(key);
      const r = await call(t, s, key);
      expect(r.ex.error, JSON.stringify(r.ex.error)).toBeUndefined();
      expect(r.ex.response?.status).toBe(200);
      expect(r.read?.ack?.typeCode, r.read?.ack?.detail).toBe('AA');
      expect(r.read?.recordCount).toBe(1);
      const got = extractRecords(s, catalog.entities.get(s.entity)!, r.ex.v3xml!);
      for (const [k, v] of Object.entries(key)) expect(got[0]![k]).toBe(v);
    });
  }
});
