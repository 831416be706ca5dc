import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDef } from '../../src/catalog/types.js';
import { startPlatform, type RunningPlatform } from '../../src/platform/index.js';
import { extractRecords } from '../../src/samples/message.js';
import type { Transport } from '../../src/transport/index.js';
import { validateText } from '../../src/validate/index.js';
import { call, catalog, transportFor, values } from './helpers.js';

// Every catalogue service, generically: T01 (happy path) and F01 (absent key / missing key),
// judged with the validator exactly as the runner judges a platform.

const CREATE = new Set(['register', 'add']);
const keysOf = (entity: string): string[] => catalog.entities.get(entity)!.fields.filter((f) => f.key).map((f) => f.name);
const creatorOf = (entity: string): ServiceDef | undefined => catalog.services.find((s) => s.entity === entity && CREATE.has(s.pattern));

/** The service that creates records an update/merge/query of `s` can find. */
function setupFor(s: ServiceDef): ServiceDef {
  const own = creatorOf(s.entity);
  if (own) return own;
  const keys = keysOf(s.entity).join(',');
  const stem = s.entity.replace(/(Status|Merge)$/, '');
  const parent = [...catalog.entities.values()].find((e) => e.name !== s.entity && e.name.startsWith(stem) && keysOf(e.name).join(',') === keys && creatorOf(e.name));
  if (!parent) throw new Error(`no creator for ${s.entity}`);
  return creatorOf(parent.name)!;
}

function errors(xml: string, expect: NonNullable<Parameters<typeof validateText>[1]>['expect']): string[] {
  return validateText(xml, { catalog, expect }).findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.message}`);
}

let p: RunningPlatform;
let t: Transport;
beforeAll(async () => {
  p = await startPlatform({ catalog, seedVisits: 0 });
  t = transportFor(p, 'soap11', 8);
});
afterAll(async () => {
  await t?.close();
  await p?.close();
});

describe('every service of the catalogue', () => {
  it('has 69 services', () => {
    expect(catalog.services.length).toBe(69);
  });

  for (const [i, s] of catalog.services.entries()) {
    it(`${s.caseId} ${s.code} T01`, async () => {
      const seed = 1000 + i;
      let v = values(s.entity, seed);
      if (s.pattern === 'merge') {
        const survivor = values('patient', seed);
        const merged = values('patient', seed + 500);
        for (const r of [survivor, merged]) expect((await call(t, setupFor(s), r)).read?.ack?.typeCode).toBe('AA');
        v = { ...v, patientId: survivor.patientId!, mergedPatientId: merged.patientId! };
      } else if (!CREATE.has(s.pattern)) {
        const setup = setupFor(s);
        const rec = values(setup.entity, seed);
        const reg = await call(t, setup, rec);
        expect(reg.read?.ack?.typeCode, reg.ex.v3xml).toBe('AA');
        for (const k of keysOf(s.entity)) v[k] = rec[k]!;
        // a status entity is queried after a status update of the record it reports on
        if ((s.pattern === 'query' || s.pattern === 'retrieve') && setup.entity !== s.entity) {
          const upd = catalog.services.find((x) => x.entity === s.entity && x.pattern === 'update')!;
          expect((await call(t, upd, v)).read?.ack?.typeCode).toBe('AA');
        }
        if (s.entity === setup.entity) v = s.pattern === 'update' ? { ...values(s.entity, seed + 7), ...Object.fromEntries(keysOf(s.entity).map((k) => [k, rec[k]!])) } : rec;
      }
      const r = await call(t, s, v);
      expect(r.ex.error, JSON.stringify(r.ex.error)).toBeUndefined();
      expect(r.ex.response?.status).toBe(200);
      const xml = r.ex.v3xml!;
      if (CREATE.has(s.pattern) || s.pattern === 'update' || s.pattern === 'merge') {
        expect(r.read?.root).toBe('MCCI_IN000002UV01');
        expect(r.read?.ack?.typeCode, r.read?.ack?.detail).toBe('AA');
        expect(errors(xml, { service: s.code, requestId: r.id, ack: 'AA' })).toEqual([]);
      } else {
        expect(r.read?.root).toBe(s.response);
        expect(r.read?.interactionId).toBe(s.response);
        expect(r.read?.ack?.typeCode, r.read?.ack?.detail).toBe('AA');
        expect(r.read?.recordCount).toBeGreaterThanOrEqual(1);
        const recs = extractRecords(s, catalog.entities.get(s.entity)!, xml);
        for (const k of keysOf(s.entity)) expect(recs[0]![k]).toBe(v[k]);
        expect(errors(xml, { service: s.code, requestId: r.id, ack: 'AA', records: 'some' })).toEqual([]);
      }
    });

    it(`${s.caseId} ${s.code} F01`, async () => {
      const absent = Object.fromEntries(keysOf(s.entity).map((k) => [k, `HTNX-${s.code}-${k}`]));
      if (s.pattern === 'query' || s.pattern === 'retrieve') {
        const r = await call(t, s, absent);
        expect(r.ex.response?.status).toBe(200);
        expect(r.ex.error).toBeUndefined();
        expect(r.read?.ack?.typeCode).toBe('AA');
        expect(r.read?.recordCount).toBe(0);
        expect(r.read?.queryAck?.responseCode).toBe('NF');
        expect(errors(r.ex.v3xml!, { service: s.code, requestId: r.id, ack: 'AA', records: 'none' })).toEqual([]);
      } else if (CREATE.has(s.pattern)) {
        const v = values(s.entity, 2000 + i);
        for (const k of keysOf(s.entity)) delete v[k];
        const r = await call(t, s, v);
        expect(r.ex.response?.status).toBe(200);
        expect(r.read?.ack?.typeCode).toBe('AE');
        expect(r.read?.ack?.targetMessageId).toBe(r.id);
        expect(r.read?.ack?.detail ?? '').toMatch(/\S/);
      } else {
        const r = await call(t, s, { ...values(s.entity, 3000 + i), ...absent });
        expect(r.ex.response?.status).toBe(200);
        expect(r.read?.ack?.typeCode).toBe('AE');
        expect(r.read?.ack?.detail ?? '').toMatch(/未找到|no record/);
        expect(errors(r.ex.v3xml!, { service: s.code, requestId: r.id, ack: 'AE' })).toEqual([]);
      }
    });
  }
});
