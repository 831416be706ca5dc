import { checkValue } from '../../catalog/format.js';
import type { EntityDef, ServiceDef } from '../../catalog/types.js';
import { isElement, selectJ, xpathOfJ, type JElement, type JSelected } from '../../xml/jstree.js';
import { ACK_ROOT } from '../detect.js';
import { attr, childrenNamed, elementsOf, Findings, type LayerContext } from './context.js';

/**
 * Layer 5, message rules (WS/T 846): the transmission wrapper (message id and its OID,
 * interactionId matching the root and the service, creationTime, sender/receiver devices),
 * acknowledgement semantics (AA/AE, an AE explains itself, targetMessage echoes the request id
 * when the caller knows it), and content: required entity fields in requests and in every record
 * of a query response, and — when the caller says whether the key exists — records present or
 * absent.
 */

export const MESSAGE_ID_ROOT = '2.16.156.10011.2.5.1.1';
export const INTERACTION_ROOT = '2.16.156.10011.2.5.1.2';
export const DEVICE_ROOT = '2.16.156.10011.2.5.1.3';

function clauseOf(s: ServiceDef): string {
  return `第 ${s.part} 部分 ${s.section} ${s.name}`;
}

export function runMessage(ctx: LayerContext): Findings {
  const f = new Findings(ctx.file);
  const root = ctx.root;
  const local = root.local;
  const d = ctx.detection;
  const s = d.service;
  const expect = ctx.expect;

  if (d.candidates.length === 0 && s === undefined && local !== ACK_ROOT) {
    f.add('HT-MSG-INTERACTION-UNKNOWN', { root: local }, root);
  }
  if (s && d.serviceBy === 'expected' && local !== s.request && local !== s.response) {
    const isResponse = expect?.requestId !== undefined || local === ACK_ROOT;
    if (isResponse) f.add('HT-MSG-RESPONSE-TYPE', { expected: s.response, actual: local, clause: clauseOf(s) }, root);
    else f.add('HT-MSG-ROOT', { actual: local, expected: s.request, service: s.code, clause: clauseOf(s) }, root);
  }
  wrapper(root, f, s);
  const ack = childrenNamed(root, 'acknowledgement')[0];
  if (local === ACK_ROOT || d.kind === 'v3-query-response' || ack) acknowledgement(root, ack, f, ctx);
  if (s) content(root, s, ctx, f);
  return f;
}

function wrapper(root: JElement, f: Findings, s: ServiceDef | undefined): void {
  const id = childrenNamed(root, 'id')[0];
  if (!id || attr(id, 'root') !== MESSAGE_ID_ROOT || (attr(id, 'extension') ?? '').trim() === '') f.add('HT-MSG-ID', {}, id ?? root);

  const ii = childrenNamed(root, 'interactionId')[0];
  const ext = attr(ii, 'extension');
  const iiRoot = attr(ii, 'root');
  if (!ii || ext !== root.local || iiRoot !== INTERACTION_ROOT) {
    f.add('HT-MSG-INTERACTION', { expected: root.local, actual: ii ? `root="${iiRoot ?? ''}" extension="${ext ?? ''}"` : '（无 none）', clause: s ? clauseOf(s) : '' }, ii ?? root, { paramsEn: { actual: ii ? `root="${iiRoot ?? ''}" extension="${ext ?? ''}"` : '(none)' } });
  }

  const ct = childrenNamed(root, 'creationTime')[0];
  const v = attr(ct, 'value') ?? '';
  if (!validTs(v)) f.add('HT-MSG-CREATIONTIME', { value: v }, ct?.attr('value') ?? ct ?? root);

  for (const [who, zh] of [['receiver', '接收方 receiver'], ['sender', '发送方 sender']] as const) {
    const el = childrenNamed(root, who)[0];
    const dev = el ? childrenNamed(el, 'device')[0] : undefined;
    const idEl = dev ? childrenNamed(dev, 'id')[0] : undefined;
    // WS/T 846 writes device/id/item; some platforms put root/extension on id itself
    const item = idEl ? childrenNamed(idEl, 'item')[0] ?? idEl : undefined;
    if (!item || attr(item, 'root') !== DEVICE_ROOT || (attr(item, 'extension') ?? '').trim() === '') {
      f.add('HT-MSG-DEVICE', { who: zh }, item ?? el ?? root);
    }
  }
}

/** HL7 TS to at least the day, and a real calendar date/time. */
function validTs(v: string): boolean {
  const m = /^(\d{8})(\d{2})?(\d{2})?(\d{2})?(?:\.\d{1,4})?(?:[+-]\d{4})?$/.exec(v);
  if (!m) return false;
  if (!checkValue('D8', m[1]!).ok) return false;
  const hh = m[2] !== undefined ? Number(m[2]) : 0;
  const mm = m[3] !== undefined ? Number(m[3]) : 0;
  const ss = m[4] !== undefined ? Number(m[4]) : 0;
  return hh <= 23 && mm <= 59 && ss <= 59;
}

function ackTexts(ack: JElement): string[] {
  const out: string[] = [];
  for (const d of childrenNamed(ack, 'acknowledgementDetail')) {
    for (const t of childrenNamed(d, 'text')) {
      const v = (attr(t, 'value') ?? t.content).trim();
      if (v !== '') out.push(v);
    }
  }
  return out;
}

function acknowledgement(root: JElement, ack: JElement | undefined, f: Findings, ctx: LayerContext): void {
  const expected = ctx.expect?.ack ?? 'AA';
  if (!ack) {
    f.add('HT-MSG-ACK-TYPE', { actual: '（无 acknowledgement）', expected, detail: '' }, root, { paramsEn: { actual: '(no acknowledgement)' } });
    return;
  }
  const type = attr(ack, 'typeCode') ?? '';
  const texts = ackTexts(ack);
  if (expected !== 'any' && type !== expected) {
    const detail = texts.length ? `说明：${texts.join('；')}` : '';
    f.add('HT-MSG-ACK-TYPE', { actual: type || '（空 empty）', expected, detail }, ack.attr('typeCode') ?? ack, { paramsEn: { detail: texts.length ? `Detail: ${texts.join('; ')}` : '' } });
  }
  if ((type === 'AE' || type === 'AR') && texts.length === 0) f.add('HT-MSG-ACK-DETAIL', {}, ack);

  const tm = childrenNamed(ack, 'targetMessage')[0];
  const tid = tm ? childrenNamed(tm, 'id')[0] : undefined;
  const target = (attr(tid, 'extension') ?? '').trim();
  const want = ctx.expect?.requestId;
  if (want !== undefined ? target !== want : target === '') {
    f.add('HT-MSG-ACK-TARGET', { actual: target || '（无 none）', expected: want ?? '请求消息 id（request id）' }, tid?.attr('extension') ?? tid ?? tm ?? ack,
      { paramsEn: { actual: target || '(none)', expected: want ?? 'the request id' } });
  }
}

function nonEmpty(nodes: JSelected[]): boolean {
  return nodes.some((n) => (isElement(n) ? n.content : n.value).trim() !== '' || (isElement(n) && n.attrs.length > 0));
}

function requiredFields(payload: JElement, entity: EntityDef, base: string, s: ServiceDef, f: Findings): void {
  for (const field of entity.fields) {
    if (!field.required) continue;
    if (!nonEmpty(selectJ(payload, field.xpath))) {
      f.addAt('HT-MSG-FIELD-MISSING', { label: field.label, path: field.xpath, clause: clauseOf(s) }, `${base}/${field.xpath}`, payload.line > 0 ? payload.line : undefined);
    }
  }
}

function content(root: JElement, s: ServiceDef, ctx: LayerContext, f: Findings): void {
  const entity = ctx.catalog.entities.get(s.entity);
  const local = root.local;
  if (local === s.request) {
    const payload = elementsOf(selectJ(root, s.payloadRoot))[0];
    if (!payload) {
      f.addAt('HT-MSG-FIELD-MISSING', { label: '消息载荷 payload', path: s.payloadRoot, clause: clauseOf(s) }, `/hl7:${local}/${s.payloadRoot}`);
      return;
    }
    // query parameters may be empty in a template; registrations must carry their record
    if (!s.queryParams && entity) requiredFields(payload, entity, xpathOfJ(payload), s, f);
    return;
  }
  if (local !== s.response || !s.responseRecords) return;
  const rr = s.responseRecords;
  const records = elementsOf(selectJ(root, rr.records)).filter((r) => selectJ(r, rr.payloadRoot).length > 0);
  if (entity) {
    for (const r of records) {
      const payload = elementsOf(selectJ(r, rr.payloadRoot))[0]!;
      requiredFields(payload, entity, xpathOfJ(payload), s, f);
    }
  }
  const want = ctx.expect?.records;
  const key = ctx.expect?.key ?? '';
  if (want === 'some' && records.length === 0) f.add('HT-MSG-QUERY-EMPTY', { key, clause: clauseOf(s) }, root);
  if (want === 'none' && records.length > 0) f.add('HT-MSG-QUERY-UNEXPECTED', { key, count: records.length, clause: clauseOf(s) }, records[0]!);
}
