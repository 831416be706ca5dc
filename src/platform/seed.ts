import type { Catalog } from '../catalog/types.js';
import { sampleDocument } from '../samples/document.js';
import { sampleEntityValues } from '../samples/message-values.js';
import { hashSeed } from '../samples/synth.js';
import { sampleVisit } from '../samples/visit.js';
import { keyFieldsOf } from './catalog-index.js';
import { recordKey, type Row, type Store, type StoredRecord } from './store.js';

/**
 * Deterministic synthetic seed data: per sample visit one patient (the visit's), an
 * organisation, a provider, an outpatient and an inpatient visit, an order, and one document of
 * each WS/T 500 type (WS/T 483 on a regional platform). Everything comes from src/samples (test names, 测试 addresses, ids with a
 * valid check digit but no real person). Documents take ~50 ms each to build, so they are
 * stored as metadata with a marker and built on first retrieval (materialise): starting the
 * platform stays fast however often tests do it.
 */

const LAZY = '__seedDocument';
const ENTITIES = ['organization', 'provider', 'outpatientVisit', 'inpatientVisit', 'order'] as const;

export function seedStore(store: Store, catalog: Catalog, seed: number, visits: number, kind: 'hospital' | 'regional' = 'hospital'): number {
  if (visits <= 0) return 0;
  // a regional platform holds WS/T 483 health-record documents, a hospital one WS/T 500 documents
  const family = kind === 'regional' ? 'wst483' : 'wst500';
  const mark = kind === 'regional' ? `seed:${seed}:${visits}:regional` : `seed:${seed}:${visits}`;
  if (store.meta('seeded') === mark) return 0;
  const rows: { entity: string; key: string; data: Row }[] = [];
  const add = (entity: string, data: Row): void => {
    const e = catalog.entities.get(entity);
    if (!e) return;
    const key = recordKey(keyFieldsOf(e), data);
    if (key !== undefined) rows.push({ entity, key, data });
  };
  for (let i = 0; i < visits; i++) {
    const vs = hashSeed('hutong-platform-seed', seed, i) % 1_000_000;
    const v = sampleVisit(vs);
    const pe = catalog.entities.get('patient');
    const patientId = `SEED${seed}P${i + 1}`;
    if (pe) {
      add('patient', {
        ...sampleEntityValues(pe, vs),
        patientId, name: v.patient.name, genderCode: v.patient.genderCode, birthDate: v.patient.birthDate,
        idCardNo: v.patient.idCard, telecom: v.patient.phone, healthRecordNo: v.patient.healthRecordNo, healthCardNo: v.patient.healthCardNo,
      });
    }
    const links: Row = { patientId, patientName: v.patient.name, inpatientNo: v.visit.inpatientNo, outpatientNo: v.visit.outpatientNo };
    for (const name of ENTITIES) {
      const e = catalog.entities.get(name);
      if (!e) continue;
      const shared: Row = {};
      for (const f of e.fields) if (!f.key && links[f.name] !== undefined) shared[f.name] = links[f.name]!;
      add(name, sampleEntityValues(e, vs * 10 + ENTITIES.indexOf(name), { shared }));
    }
    const de = catalog.entities.get('document');
    if (!de) continue;
    catalog.documents.forEach((t, idx) => {
      if (t.family !== family) return;
      add('document', {
        ...sampleEntityValues(de, vs * 100 + idx, { omit: ['content'] }),
        documentId: `SEED${seed}V${i + 1}-${t.code}`, typeCode: t.typeCode ?? t.code, typeName: t.title,
        patientId, patientName: v.patient.name, inpatientNo: v.visit.inpatientNo, outpatientNo: v.visit.outpatientNo,
        idCardNo: v.patient.idCard, orgCode: v.org.code, orgName: v.org.name, deptId: v.dept.code,
        authorId: v.clinician.id, authorName: v.clinician.name, effectiveTime: v.documentTime,
        custodianOrgCode: v.org.code, custodianOrgName: v.org.name,
        content: '', [LAZY]: `${vs}|${t.code}`,
      });
    });
  }
  store.putMany(rows);
  store.setMeta('seeded', mark);
  return rows.length;
}

/** Build a seeded document's content the first time it is read, and keep it. */
export function materialiser(store: Store, catalog: Catalog): (rec: StoredRecord) => StoredRecord {
  return (rec) => {
    const lazy = rec.data[LAZY];
    if (lazy === undefined) return rec;
    const [vs, code] = lazy.split('|');
    const t = catalog.documents.find((d) => d.code === code);
    if (!t || vs === undefined) return rec;
    const xml = sampleDocument(t, catalog, { seed: Number(vs), visit: sampleVisit(Number(vs)) });
    const data: Row = { ...rec.data, content: Buffer.from(xml, 'utf8').toString('base64') };
    delete data[LAZY];
    store.put(rec.entity, rec.key, data);
    return store.get(rec.entity, rec.key) ?? { ...rec, data };
  };
}
