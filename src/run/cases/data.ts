/**
 * The test data of one run, derived from the run's seed alone: a resumed run recomputes the
 * very values the interrupted one registered, so a query after a resume still knows what the
 * platform must return.
 *
 * Links between entities (整合性): every record of the run belongs to one patient and one
 * inpatient visit — non-key fields named patientId/patientName/visitSerialNo/inpatientNo/
 * outpatientNo carry the ids of the run's patient and visits. Key fields are never shared
 * between entities (a platform may keep several entities in one table), except for the
 * status entities, which have no register/add service of their own: their key is the key of
 * the record they report on (orderStatus → order, examStatus → examApplication …), found in the
 * catalogue as the entity with a register/add service, the same key fields and the same name
 * stem.
 */
import type { Catalog, DocumentTemplate, EntityDef } from '../../catalog/types.js';
import { sampleDocument } from '../../samples/document.js';
import { sampleEntityValues } from '../../samples/message-values.js';
import { hashSeed } from '../../samples/synth.js';
import { sampleVisit, type VisitContext } from '../../samples/visit.js';

export type Values = Record<string, string>;

const CREATING = new Set(['register', 'add']);

/** A 6-digit seed from the run id: ids carry it, so two runs never share a key. */
export function runSeed(runId: string): number {
  return 100_000 + (hashSeed('hutong-run', runId) % 900_000);
}

export function keyFields(entity: EntityDef): string[] {
  return entity.fields.filter((f) => f.key).map((f) => f.name);
}

export interface RunDocument {
  template: DocumentTemplate;
  xml: string;
  /** values of the document entity for DocumentRegister */
  values: Values;
}

export class RunData {
  readonly visit: VisitContext;
  private readonly cache = new Map<string, Values>();
  private readonly order: string[];

  constructor(private readonly catalog: Catalog, readonly seed: number, private readonly planDocuments: readonly string[] = []) {
    this.visit = sampleVisit(seed);
    this.order = [...catalog.entities.keys()];
  }

  /** the template of the document the DocumentRegister/Access/Retrieve service cases exchange */
  firstDocumentTemplate(): DocumentTemplate {
    const code = this.planDocuments[0];
    const t = this.catalog.documents.find((d) => d.code === code) ?? this.catalog.documents.find((d) => d.family === 'wst500' && d.depth === 'full');
    if (!t) throw new Error('the catalogue has no document template');
    return t;
  }

  entity(name: string): EntityDef {
    const e = this.catalog.entities.get(name);
    if (!e) throw new Error(`unknown entity ${name}`);
    return e;
  }

  /** true when some service registers or adds records of this entity */
  hasCreator(entity: string): boolean {
    return [...this.catalog.services, ...(this.catalog.regionalServices ?? [])].some((s) => s.entity === entity && CREATING.has(s.pattern));
  }

  /** the record a status entity reports on (see the file comment) */
  parentOf(entity: string): EntityDef | undefined {
    if (this.hasCreator(entity)) return undefined;
    const e = this.entity(entity);
    const keys = keyFields(e).join(',');
    const stem = entity.replace(/Status$/, '');
    if (stem === entity) return undefined;
    return [...this.catalog.entities.values()].find((p) => p.name !== entity && p.name.startsWith(stem) && keyFields(p).join(',') === keys && this.hasCreator(p.name));
  }

  private seedOf(entity: string, variant: number): number {
    const i = this.order.indexOf(entity);
    return this.seed * 100 + (i < 0 ? 99 : i) * 4 + variant;
  }

  private links(): Values {
    const p = this.record('patient');
    const ip = this.record('inpatientVisit');
    const op = this.record('outpatientVisit');
    return {
      patientId: p.patientId ?? '', patientName: p.name ?? '',
      visitSerialNo: ip.visitSerialNo ?? '', inpatientNo: ip.inpatientNo ?? '', outpatientNo: op.outpatientNo ?? '',
    };
  }

  private shared(e: EntityDef): Values {
    const base = new Set(['patient', 'inpatientVisit', 'outpatientVisit']);
    // the run's patient is the patient of the run's documents (整合性 across documents and messages)
    const out: Values = e.name === 'patient'
      ? { name: this.visit.patient.name, genderCode: this.visit.patient.genderCode, birthDate: this.visit.patient.birthDate, idCardNo: this.visit.patient.idCard }
      : {};
    const links = base.has(e.name) && e.name !== 'patient' ? { patientId: this.record('patient').patientId ?? '', patientName: this.record('patient').name ?? '' } : e.name === 'patient' ? {} : this.links();
    // an entity that points at the patient describes that patient with its other person fields
    const names = new Set(e.fields.map((f) => f.name));
    const person: Values = e.name !== 'patient' && names.has('patientId')
      ? { birthDate: this.visit.patient.birthDate, genderCode: this.visit.patient.genderCode, idCardNo: this.visit.patient.idCard, ...(names.has('patientName') ? {} : { name: this.visit.patient.name }) }
      : {};
    for (const f of e.fields) {
      if (f.key) continue;
      const v = (links as Values)[f.name] ?? person[f.name];
      if (v) out[f.name] = v;
    }
    // records that point at another record of the run (an appointment at its application)
    if (e.name === 'examAppointment' || e.name === 'operationSchedule') {
      const app = this.record(e.name === 'examAppointment' ? 'examApplication' : 'operationApplication');
      if (app.applicationId) out.applicationId = app.applicationId;
    }
    const parent = this.parentOf(e.name);
    if (parent) {
      const pv = this.record(parent.name);
      for (const k of keyFields(e)) if (pv[k]) out[k] = pv[k];
    }
    return out;
  }

  private memo(key: string, make: () => Values): Values {
    let v = this.cache.get(key);
    if (!v) {
      v = make();
      this.cache.set(key, v);
    }
    return { ...v };
  }

  /** what the run registers (T01 of register/add; what a query must then return) */
  record(entity: string): Values {
    return this.memo(`r:${entity}`, () => {
      const e = this.entity(entity);
      return sampleEntityValues(e, this.seedOf(entity, 0), { shared: this.shared(e) });
    });
  }

  /** what the update T01 sends: the same key, other values; a status entity's update is its record */
  updated(entity: string): Values {
    if (!this.hasCreator(entity)) return this.record(entity);
    return this.memo(`u:${entity}`, () => {
      const e = this.entity(entity);
      const r = this.record(entity);
      const shared = this.shared(e);
      for (const k of keyFields(e)) shared[k] = r[k] ?? '';
      return sampleEntityValues(e, this.seedOf(entity, 1), { shared });
    });
  }

  /** key values no record of the run has (F01) */
  absentKey(entity: string): Values {
    const out: Values = {};
    for (const k of keyFields(this.entity(entity))) out[k] = `HTNX${this.seed}${k.replace(/[a-z]/g, '')}0`;
    return out;
  }

  /** two extra patients for the merge case: the survivor keeps its id, the other is merged into it */
  mergePair(): { survivor: Values; merged: Values } {
    const p = this.entity('patient');
    return {
      survivor: this.memo('m:s', () => sampleEntityValues(p, this.seedOf('patient', 2))),
      merged: this.memo('m:m', () => sampleEntityValues(p, this.seedOf('patient', 3))),
    };
  }

  /** a document of a template for this run; `variant` 1 is the service case's own document */
  document(template: DocumentTemplate, variant = 0): RunDocument {
    const visit = variant === 0 ? this.visit : sampleVisit(this.seed + 7919 * variant);
    const idx = this.catalog.documents.indexOf(template);
    const xml = sampleDocument(template, this.catalog, { seed: this.seed * 100 + idx + variant * 60, visit });
    const serial = /<id root="2\.16\.156\.10011\.1\.1" extension="([^"]+)"/.exec(xml)?.[1] ?? `${template.code}-${this.seed}-${variant}`;
    const de = this.entity('document');
    const pinned: Values = {
      documentId: serial,
      typeCode: template.code,
      typeName: template.title,
      content: Buffer.from(xml, 'utf8').toString('base64'),
      patientId: this.record('patient').patientId ?? '',
      patientName: visit.patient.name,
      inpatientNo: visit.visit.inpatientNo,
      outpatientNo: visit.visit.outpatientNo,
      idCardNo: visit.patient.idCard,
      effectiveTime: visit.documentTime,
      orgCode: visit.org.code,
      orgName: visit.org.name,
      deptId: visit.dept.code,
      authorId: visit.clinician.id,
      authorName: visit.clinician.name,
      custodianOrgCode: visit.org.code,
      custodianOrgName: visit.org.name,
    };
    const known = new Set(de.fields.map((f) => f.name));
    const shared = Object.fromEntries(Object.entries(pinned).filter(([k]) => known.has(k)));
    const values = sampleEntityValues(de, this.seed * 100 + idx + variant * 60, { shared });
    return { template, xml, values };
  }
}
