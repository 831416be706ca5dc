/**
 * 交互服务 cases: `${caseId}-T01` and `${caseId}-F01` for every service of the plan
 * (CONTRACTS.md). What each checks:
 *
 *   register/add  T01  the run's record → AA, message rules on the acknowledgement
 *                 F01  the record without its key field(s) → AE with a reason
 *   update        T01  the record with new values under the same key → AA; then, when the
 *                      entity's query passed its T01, the query returns the update
 *                 F01  the update under a key no record has → AE with a reason
 *   merge         T01  two fresh patients registered, the second merged into the first → AA;
 *                      then the query returns the survivor
 *                 F01  a merge of keys no record has → AE with a reason
 *   query/retrieve T01 the key of the record the run registered → AA, records, and the first
 *                      record with that key equals what was registered (or, for a status
 *                      entity, what its update reported)
 *                 F01  a key no record has → a clean "no result": AA (or NF) and no record
 *
 * Every response goes through all validator layers (validateText with the service, the request
 * id, the expected acknowledgement and whether records are expected). Keys given in the site
 * config (`keys:`) replace the run's own data for that service.
 */
import type { DocumentTemplate, EntityDef, ServiceDef } from '../../catalog/types.js';
import { extractRecords } from '../../samples/message.js';
import { finding } from '../../validate/rules.js';
import type { SiteConfig } from '../config.js';
import { call } from './call.js';
import { consistency, responseFindings } from './check.js';
import { keyFields, type RunData, type Values } from './data.js';
import type { CaseBuilder, CaseContext, CaseSpec, SendResult } from './types.js';

export interface SelectedService {
  service: ServiceDef;
  required: boolean;
  /** set when the site config skips it */
  skip?: string;
}

const CREATING = new Set(['register', 'add']);

export const t01 = (s: ServiceDef): string => `${s.caseId}-T01`;
export const f01 = (s: ServiceDef): string => `${s.caseId}-F01`;

function entityOf(ctx: { data: RunData }, s: ServiceDef): EntityDef {
  return ctx.data.entity(s.entity);
}

/** key fields of the entity the query takes as parameters (the first parameter when none is a key) */
export function queryKeyFields(s: ServiceDef, e: EntityDef): string[] {
  const params = (s.queryParams ?? []).map((p) => p.field);
  const keys = keyFields(e).filter((k) => params.includes(k));
  return keys.length ? keys : params.slice(0, 1);
}

function pick(v: Values, fields: readonly string[]): Values {
  return Object.fromEntries(fields.filter((f) => v[f] !== undefined).map((f) => [f, v[f]!]));
}

function passed(ctx: CaseContext, id: string): boolean {
  return ctx.results.get(id)?.result === 'pass';
}

/** acknowledgement of a register/add/update/merge */
export function checkAck(ctx: CaseContext, out: CaseBuilder, res: SendResult, s: ServiceDef, ack: 'AA' | 'AE'): void {
  if (res.v3 === undefined) return;
  const fs = responseFindings(ctx.catalog, res.v3, { service: s.code, requestId: res.requestId, ack });
  // F01: an AE must say why (CONTRACTS.md); the validator's warning becomes the case's error
  out.add(...fs.map((f) => (ack === 'AE' && f.rule === 'HT-MSG-ACK-DETAIL' ? { ...f, severity: 'error' as const } : f)));
}

/** a query answer; returns its records */
export function checkQuery(ctx: CaseContext, out: CaseBuilder, res: SendResult, s: ServiceDef, records: 'some' | 'none', key: string): Values[] {
  if (res.v3 === undefined) return [];
  const fs = responseFindings(ctx.catalog, res.v3, { service: s.code, requestId: res.requestId, ack: records === 'some' ? 'AA' : 'any', records, key });
  out.add(...fs);
  if (records === 'none') {
    const type = res.read?.ack?.typeCode ?? '';
    const code = res.read?.queryAck?.responseCode;
    // a clean "no result": AA, or an AE that says NF; anything else is the platform failing
    if (type !== 'AA' && !(type === 'AE' && code === 'NF')) {
      out.add(finding('HT-MSG-ACK-TYPE', { actual: type || '（无）', expected: 'AA（或 queryResponseCode NF）', detail: res.read?.ack?.detail ? `说明：${res.read.ack.detail}` : '' }));
    }
  }
  try {
    return extractRecords(s, entityOf(ctx, s), res.v3);
  } catch {
    return [];
  }
}

export function recordWithKey(records: Values[], key: Values): Values | undefined {
  const fields = Object.keys(key);
  return records.find((r) => fields.every((f) => r[f] === key[f])) ?? records[0];
}

export interface ServiceCaseInputs {
  data: RunData;
  cfg: SiteConfig;
  selected: SelectedService[];
}

export function serviceCases(inp: ServiceCaseInputs): CaseSpec[] {
  const { data, cfg } = inp;
  const byEntity = (entity: string, pred: (s: ServiceDef) => boolean) => inp.selected.map((x) => x.service).find((s) => s.entity === entity && pred(s));
  const creatorOf = (entity: string) => byEntity(entity, (s) => CREATING.has(s.pattern));
  const queryOf = (entity: string) => byEntity(entity, (s) => s.pattern === 'query');
  const updateOf = (entity: string) => byEntity(entity, (s) => s.pattern === 'update');
  const patientRegister = creatorOf('patient');
  const patientQuery = queryOf('patient');
  const documentRegister = creatorOf('document');

  const out: CaseSpec[] = [];
  for (const sel of inp.selected) {
    const s = sel.service;
    const e = data.entity(s.entity);
    const given = cfg.keys[s.code];
    const base = { area: 'service' as const, required: sel.required };
    const skipped = (id: string, title: string): CaseSpec => ({
      id, title, ...base, needs: [], after: [],
      run: async (_c, o) => { o.forced = 'skip'; o.reason = `site config skips ${s.code}: ${sel.skip}`; },
    });
    if (sel.skip !== undefined) {
      out.push(skipped(t01(s), `${s.name} T01`), skipped(f01(s), `${s.name} F01`));
      continue;
    }
    const parent = data.parentOf(s.entity);
    const creator = creatorOf(parent?.name ?? s.entity);
    let T: Omit<CaseSpec, 'id' | 'title' | 'area' | 'required'>;
    let F: Omit<CaseSpec, 'id' | 'title' | 'area' | 'required'>;

    if (CREATING.has(s.pattern)) {
      const values = (): Values => (s.entity === 'document' ? data.document(firstTemplate(data, inp), 1).values : data.record(s.entity));
      T = {
        needs: [], after: [],
        run: async (ctx, o) => {
          const res = await call(ctx, o, t01(s), s, given?.T01 ? { ...values(), ...given.T01 } : values());
          checkAck(ctx, o, res, s, 'AA');
        },
      };
      F = {
        needs: [], after: [t01(s)],
        run: async (ctx, o) => {
          const v = values();
          for (const k of keyFields(e)) delete v[k];
          const res = await call(ctx, o, f01(s), s, v);
          checkAck(ctx, o, res, s, 'AE');
        },
      };
    } else if (s.pattern === 'update') {
      const q = queryOf(s.entity);
      T = {
        // a status entity's query reads what this update wrote: the update goes first
        needs: creator ? [t01(creator)] : [], after: q && data.hasCreator(s.entity) ? [t01(q)] : [],
        run: async (ctx, o) => {
          const v = given?.T01 ? { ...data.updated(s.entity), ...given.T01 } : data.updated(s.entity);
          const res = await call(ctx, o, t01(s), s, v);
          checkAck(ctx, o, res, s, 'AA');
          if (o.hasErrors() || given?.T01) return;
          // the platform now holds the update: the query (when it works) must say so
          if (q && passed(ctx, t01(q))) {
            const key = pick(v, queryKeyFields(q, e));
            const qr = await call(ctx, o, t01(s), q, { ...pick(v, (q.queryParams ?? []).map((p) => p.field)), ...key });
            const recs = checkQuery(ctx, o, qr, q, 'some', Object.values(key).join('/'));
            const got = recordWithKey(recs, key);
            if (got) o.add(...consistency(q, e, '更新', v, got));
          }
        },
      };
      F = {
        needs: [], after: [t01(s)],
        run: async (ctx, o) => {
          const v = { ...data.updated(s.entity), ...data.absentKey(s.entity), ...(given?.F01 ?? {}) };
          const res = await call(ctx, o, f01(s), s, v);
          checkAck(ctx, o, res, s, 'AE');
        },
      };
    } else if (s.pattern === 'merge') {
      T = {
        needs: [], after: patientQuery ? [t01(patientQuery)] : [],
        run: async (ctx, o) => {
          const { survivor, merged } = data.mergePair();
          if (patientRegister) {
            for (const p of [survivor, merged]) {
              const r = await call(ctx, o, t01(s), patientRegister, p);
              if (r.read?.ack?.typeCode !== 'AA') {
                o.forced = 'error';
                o.reason = `setup: ${patientRegister.code} of patient ${p.patientId} was not acknowledged AA (${r.read?.ack?.typeCode ?? r.exchange.error?.message ?? 'no answer'})`;
                return;
              }
            }
          }
          const v: Values = { ...data.record(s.entity), patientId: survivor.patientId ?? '', mergedPatientId: merged.patientId ?? '', name: survivor.name ?? '', idCardNo: survivor.idCardNo ?? '' };
          const res = await call(ctx, o, t01(s), s, v);
          checkAck(ctx, o, res, s, 'AA');
          if (o.hasErrors() || !patientQuery) return;
          if (!passed(ctx, t01(patientQuery)) && ctx.results.has(t01(patientQuery))) return;
          const pe = data.entity('patient');
          const key = { patientId: survivor.patientId ?? '' };
          const qr = await call(ctx, o, t01(s), patientQuery, key);
          const recs = checkQuery(ctx, o, qr, patientQuery, 'some', key.patientId);
          const got = recordWithKey(recs, key);
          if (got) o.add(...consistency(patientQuery, pe, '合并', survivor, got, ['patientId', 'name']));
        },
      };
      F = {
        needs: [], after: [t01(s)],
        run: async (ctx, o) => {
          const absent = data.absentKey(s.entity);
          const v: Values = { ...data.record(s.entity), ...absent, mergedPatientId: `${absent.patientId ?? 'HTNX'}M`, ...(given?.F01 ?? {}) };
          const res = await call(ctx, o, f01(s), s, v);
          checkAck(ctx, o, res, s, 'AE');
        },
      };
    } else {
      // query / retrieve
      const keysOf = queryKeyFields(s, e);
      const statusUpdate = !data.hasCreator(s.entity) ? updateOf(s.entity) : undefined;
      const source = statusUpdate ?? creatorOf(s.entity);
      T = {
        needs: given?.T01 ? [] : source ? [t01(source)] : [], after: [],
        run: async (ctx, o) => {
          const expected = s.entity === 'document' ? data.document(firstTemplate(data, inp), 1).values : data.record(s.entity);
          const key = given?.T01 ?? pick(expected, keysOf);
          // every parameter the registered record has a value for, as a practitioner's T01
          // query does: the record must match all of them (and no parameter is left for a
          // platform to guess from a neighbouring id under another root)
          const params = given?.T01 ?? { ...pick(expected, (s.queryParams ?? []).map((p) => p.field)), ...key };
          const res = await call(ctx, o, t01(s), s, params);
          const recs = checkQuery(ctx, o, res, s, 'some', Object.values(key).join('/'));
          if (given?.T01 || o.hasErrors()) return;
          const got = recordWithKey(recs, key);
          if (!got) return;
          if (s.entity === 'document') {
            o.add(...consistency(s, e, '注册', expected, got, s.pattern === 'retrieve' ? ['documentId'] : ['documentId', 'typeCode', 'patientId']));
            if (s.pattern === 'retrieve') {
              const a = Buffer.from(expected.content ?? '', 'base64').toString('utf8');
              const b = Buffer.from(got.content ?? '', 'base64').toString('utf8');
              if (a !== b) o.add(finding('HT-DOC-ALTERED', { id: expected.documentId ?? '', reason: got.content ? 'content differs' : 'no content' }));
            }
          } else {
            o.add(...consistency(s, e, statusUpdate ? '状态更新' : '注册', expected, got));
          }
        },
      };
      F = {
        needs: [], after: [],
        run: async (ctx, o) => {
          const key = given?.F01 ?? pick(data.absentKey(s.entity), keysOf);
          if (Object.keys(key).length === 0) for (const k of keysOf) key[k] = `HTNX${data.seed}0`;
          const res = await call(ctx, o, f01(s), s, key);
          checkQuery(ctx, o, res, s, 'none', Object.values(key).join('/'));
        },
      };
    }
    // the document services' T01 depend on a registered document
    if (s.entity === 'document' && !CREATING.has(s.pattern) && documentRegister && !T.needs.includes(t01(documentRegister))) T.needs.push(t01(documentRegister));
    out.push({ id: t01(s), title: `${s.name} T01`, ...base, ...T });
    out.push({ id: f01(s), title: `${s.name} F01`, ...base, ...F });
  }
  return out;
}

function firstTemplate(data: RunData, _inp: ServiceCaseInputs): DocumentTemplate {
  return data.firstDocumentTemplate();
}
