/**
 * 共享文档 cases, one per required document type (`EMR-SD-nn`, the template's testPrefix):
 * DocumentRegister a generated document of the type → AA; DocumentAccess by its id lists it;
 * DocumentRetrieve fetches it, unchanged; every validator layer passes on what came back.
 * The retrieved document is kept as evidence (`retrieved-<code>.xml`): the dataset cases read
 * it from there, so they work the same after a resume.
 *
 * `EMR-SD-HELD-nn`: documents the platform already holds, for the patient/visit keys the site
 * config gives (documents.held): listed with DocumentAccess, each retrieved and validated.
 */
import type { DocumentTemplate, ServiceDef } from '../../catalog/types.js';
import { extractRecords } from '../../samples/message.js';
import { validateText } from '../../validate/index.js';
import { finding } from '../../validate/rules.js';
import { call } from './call.js';
import type { RunData, Values } from './data.js';
import { checkAck, checkQuery } from './service.js';
import type { CaseBuilder, CaseContext, CaseSpec } from './types.js';

export const RETRIEVED = (code: string): string => `retrieved-${code.replace(/[^A-Za-z0-9_.-]/g, '_')}.xml`;
const MAX_HELD = 20;

export interface DocumentCaseInputs {
  data: RunData;
  templates: { template: DocumentTemplate; required: boolean; skip?: string }[];
  held: Values[];
  services: { register?: ServiceDef; access?: ServiceDef; retrieve?: ServiceDef };
  /** the service cases the document exchange relies on (order only) */
  after: string[];
}

async function retrieveAndValidate(ctx: CaseContext, o: CaseBuilder, caseId: string, retrieve: ServiceDef, id: string, label: string, original?: string): Promise<void> {
  const res = await call(ctx, o, caseId, retrieve, { documentId: id });
  const recs = checkQuery(ctx, o, res, retrieve, 'some', id);
  const rec = recs.find((r) => r.documentId === id) ?? recs[0];
  const content = rec?.content;
  if (!content) {
    if (res.v3 !== undefined) o.add(finding('HT-DOC-RETRIEVE', { id, reason: recs.length ? '记录中没有文档内容（content）' : '没有返回记录' }));
    return;
  }
  const xml = Buffer.from(content, 'base64');
  o.addEvidence(ctx.evidence(caseId, RETRIEVED(label), xml));
  if (original !== undefined && xml.toString('utf8') !== original) {
    o.add(finding('HT-DOC-ALTERED', { id, reason: `调阅内容 ${xml.length} 字节，注册时 ${Buffer.byteLength(original)} 字节` }));
  }
  const r = validateText(xml, { catalog: ctx.catalog });
  o.add(...r.findings.map((f) => ({ ...f, file: `${caseId}/${RETRIEVED(label)}` })));
}

export function documentCases(inp: DocumentCaseInputs): CaseSpec[] {
  const { register, access, retrieve } = inp.services;
  const out: CaseSpec[] = [];
  for (const { template: t, required, skip } of inp.templates) {
    const id = t.testPrefix;
    out.push({
      id, title: `${t.title}（${t.code}）`, area: 'document', required, needs: [], after: inp.after,
      run: async (ctx, o) => {
        if (skip !== undefined) { o.forced = 'skip'; o.reason = `site config skips ${t.code}: ${skip}`; return; }
        if (!register || !access || !retrieve) {
          o.forced = 'skip';
          o.reason = 'the plan lacks DocumentRegister, DocumentAccess or DocumentRetrieve';
          return;
        }
        const doc = inp.data.document(t, 0);
        const docId = doc.values.documentId ?? '';
        const reg = await call(ctx, o, id, register, doc.values);
        checkAck(ctx, o, reg, register, 'AA');
        if (o.hasErrors()) { o.fail(`DocumentRegister of ${t.code} was not accepted`); return; }
        const acc = await call(ctx, o, id, access, { documentId: docId });
        const listed = checkQuery(ctx, o, acc, access, 'some', docId);
        if (acc.v3 !== undefined && !listed.some((r) => r.documentId === docId)) o.add(finding('HT-DOC-NOT-LISTED', { id: docId }));
        await retrieveAndValidate(ctx, o, id, retrieve, docId, t.code, doc.xml);
      },
    });
  }
  inp.held.forEach((keys, i) => {
    const id = `EMR-SD-HELD-${String(i + 1).padStart(2, '0')}`;
    out.push({
      id, title: `平台已有文档（${Object.entries(keys).map(([k, v]) => `${k}=${v}`).join(', ')}）`, area: 'document', required: true, needs: [], after: inp.after,
      run: async (ctx, o) => {
        if (!access || !retrieve) { o.forced = 'skip'; o.reason = 'the plan lacks DocumentAccess or DocumentRetrieve'; return; }
        const known = new Set(ctx.data.entity('document').fields.map((f) => f.name));
        const bad = Object.keys(keys).filter((k) => !known.has(k));
        if (bad.length) { o.forced = 'error'; o.reason = `documents.held: unknown document field(s) ${bad.join(', ')}`; return; }
        const acc = await call(ctx, o, id, access, keys);
        checkQuery(ctx, o, acc, access, 'some', Object.values(keys).join('/'));
        if (acc.v3 === undefined) return;
        const ids = [...new Set(extractRecords(access, ctx.data.entity('document'), acc.v3).map((r) => r.documentId).filter((x): x is string => !!x))];
        if (ids.length > MAX_HELD) o.reason = `${ids.length} documents listed; the first ${MAX_HELD} were retrieved and validated`;
        for (const [n, docId] of ids.slice(0, MAX_HELD).entries()) await retrieveAndValidate(ctx, o, id, retrieve, docId, `held-${n + 1}`);
      },
    });
  });
  return out;
}
