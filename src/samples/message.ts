import { XmlElement } from 'libxml2-wasm';
import type { EntityDef, MessageField, ServiceDef } from '../catalog/types.js';
import { buildPath } from '../xml/build.js';
import { el, serialize, type XmlNode } from '../xml/node.js';
import { NS } from '../xml/ns.js';
import { withXml, type ParseXmlOptions } from '../xml/parse.js';
import { parseCatalogPath, pathToString, selectPath, selectValue, valueOf, type CatalogPath } from '../xml/path.js';
import { applyStructuralDefaults } from './message-structural.js';

/**
 * HL7 V3 messages of the WS/T 846 services, built from and read through the catalogue
 * (ServiceDef + EntityDef): the same field paths write a request, a query response and read
 * them back, so builders and checks cannot drift.
 *
 * Values are plain strings keyed by entity field name; an empty string counts as absent on
 * reading (practitioner templates are full of extension=""), so it is never written either.
 */

/** OIDs of the transmission wrapper (WS/T 846 conventions). */
export const V3_ROOTS = {
  messageId: '2.16.156.10011.2.5.1.1',
  interactionId: '2.16.156.10011.2.5.1.2',
  device: '2.16.156.10011.2.5.1.3',
} as const;

export const ACK_INTERACTION = 'MCCI_IN000002UV01';

export type AckType = 'AA' | 'AE' | 'AR';

export interface MessageOptions {
  /** message id (id/@extension under root 2.16.156.10011.2.5.1.1) */
  messageId: string;
  /** HL7 TS, e.g. 20250301093000 */
  creationTime: string;
  /** sender device id (system id) */
  sender: string;
  /** receiver device id */
  receiver: string;
  /** processingCode: P production (default), D debugging, T training */
  processingCode?: 'P' | 'D' | 'T';
}

export interface AckOptions {
  typeCode: AckType;
  /** acknowledgementDetail/text@value; a default per type code when absent */
  detail?: string;
  messageId: string;
  creationTime: string;
  /** device ids; the acknowledgement usually goes back to the request's sender */
  sender?: string;
  receiver?: string;
}

export interface QueryResponseOptions extends MessageOptions {
  /** AA (default) answers with the records; AE/AR carry no records and queryResponseCode AE/QE */
  typeCode?: AckType;
  detail?: string;
  /** queryAck/queryId@extension; the request id when absent */
  queryId?: string;
}

export interface ReadAck {
  typeCode: string;
  targetMessageId?: string;
  /** acknowledgementDetail texts, joined with '; ' */
  detail?: string;
}

export interface ReadQueryAck {
  queryId?: string;
  /** OK, NF (no result), QE, AE */
  responseCode?: string;
  total?: number;
  current?: number;
  remaining?: number;
}

export interface ReadMessageResult {
  /** local name of the root element */
  root: string;
  /** namespace of the root element ('' when none) */
  namespace: string;
  messageId?: string;
  messageIdRoot?: string;
  interactionId?: string;
  interactionIdRoot?: string;
  creationTime?: string;
  processingCode?: string;
  acceptAckCode?: string;
  sender?: string;
  receiver?: string;
  ack?: ReadAck;
  queryAck?: ReadQueryAck;
  /** query requests of opts.service: parameter values by entity field (non-empty ones) */
  queryKey?: Record<string, string>;
  /** query responses of opts.service: how many records the response carries */
  recordCount?: number;
}

export interface ReadOptions {
  /** the service the message belongs to: enables queryKey / recordCount */
  service?: ServiceDef;
  /** parse limits (src/xml defaults otherwise) */
  parse?: ParseXmlOptions;
}

// ---------------------------------------------------------------- building

const BUILD = { table: null } as const;

function messageRoot(interactionId: string): XmlNode {
  return el(interactionId, { xmlns: NS.hl7, 'xmlns:xsi': NS.xsi, ITSVersion: 'XML_1.0' });
}

function device(kind: 'receiver' | 'sender', id: string): XmlNode {
  return el(kind, { typeCode: kind === 'receiver' ? 'RCV' : 'SND' },
    el('device', { classCode: 'DEV', determinerCode: 'INSTANCE' },
      el('id', {}, el('item', { root: V3_ROOTS.device, extension: id }))));
}

// Responses ask for no further acknowledgement (NE); requests always want one (AL).
function wrapper(root: XmlNode, interactionId: string, o: { messageId: string; creationTime: string; sender: string; receiver: string; processingCode?: string }, acceptAck: 'AL' | 'NE'): void {
  root.children.push(
    el('id', { root: V3_ROOTS.messageId, extension: o.messageId }),
    el('creationTime', { value: o.creationTime }),
    el('interactionId', { root: V3_ROOTS.interactionId, extension: interactionId }),
    el('processingCode', { code: o.processingCode ?? 'P' }),
    // empty, as WS/T 846 samples send it (practitioner XSDs type it without attributes)
    el('processingModeCode', {}),
    el('acceptAckCode', { code: acceptAck }),
    device('receiver', o.receiver),
    device('sender', o.sender),
  );
}

function checkFields(entity: EntityDef, values: Record<string, string>): void {
  const known = new Set(entity.fields.map((f) => f.name));
  const unknown = Object.keys(values).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`entity ${entity.name} has no field ${unknown.join(', ')}`);
}

function checkEntity(service: ServiceDef, entity: EntityDef): void {
  if (service.entity !== entity.name) throw new Error(`service ${service.code} carries ${service.entity}, not ${entity.name}`);
}

/**
 * Write one value at a field path. A coded field's value-set OID goes next to the code as
 * codeSystem (the path names only the code), unless the element already has one.
 */
function writeField(ctx: XmlNode, field: MessageField, value: string): void {
  const node = buildPath(ctx, field.xpath, value, BUILD);
  const attr = parseCatalogPath(field.xpath).attribute;
  if (field.valueSet && attr?.local === 'code' && attr.prefix === undefined && node.attrs.codeSystem === undefined) {
    node.attrs.codeSystem = field.valueSet;
  }
}

function writeFields(ctx: XmlNode, entity: EntityDef, values: Record<string, string>): void {
  // entity order is document order, so the payload comes out in schema sequence
  for (const f of entity.fields) {
    const v = values[f.name];
    if (v !== undefined && v !== '') writeField(ctx, f, v);
  }
}

const QUERY_ID = 'hl7:queryId/@extension';

function writeQuery(root: XmlNode, service: ServiceDef, entity: EntityDef, values: Record<string, string>, messageId: string): void {
  const params = service.queryParams ?? [];
  const qbp = buildPath(root, service.payloadRoot, undefined, BUILD);
  const byField = new Map(entity.fields.map((f) => [f.name, f] as const));
  if (qbp.name === 'queryByParameter') {
    // queryId identifies the query; the practitioner convention uses it as the key for some
    // services (DocumentAccess, OutPatientAppointStatusInfoQuery), where the parameter fills it
    const keyInQueryId = params.some((p) => p.xpath === QUERY_ID && (values[p.field] ?? '') !== '');
    qbp.children.push(el('queryId', keyInQueryId ? {} : { extension: messageId }));
    qbp.children.push(el('statusCode', { code: 'new' }));
  } else {
    qbp.children.push(el('statusCode', { code: 'new' }));
  }
  for (const p of params) {
    const v = values[p.field];
    if (v === undefined || v === '') continue;
    const node = buildPath(qbp, p.xpath, v, BUILD);
    const f = byField.get(p.field);
    const attr = parseCatalogPath(p.xpath).attribute;
    if (f?.valueSet && attr?.local === 'code' && node.attrs.codeSystem === undefined) node.attrs.codeSystem = f.valueSet;
  }
}

/**
 * A request of `service` carrying `values` (entity field name → value). Register/add/update/
 * merge write the fields under the payload root; queries write the values of the fields that
 * are query parameters (other fields are ignored, so a stored record can be passed as is).
 * Unknown field names throw: a typo must not silently drop data.
 */
export function buildRequest(service: ServiceDef, entity: EntityDef, values: Record<string, string>, opts: MessageOptions): string {
  checkEntity(service, entity);
  checkFields(entity, values);
  const root = messageRoot(service.request);
  wrapper(root, service.request, opts, 'AL');
  if (service.queryParams) {
    writeQuery(root, service, entity, values, opts.messageId);
  } else {
    const payload = buildPath(root, service.payloadRoot, undefined, BUILD);
    writeFields(payload, entity, values);
  }
  const cap = root.children.find((c) => c.name === 'controlActProcess');
  if (cap) applyStructuralDefaults(cap);
  return serialize(root, { declaration: true });
}

function acknowledgement(typeCode: AckType, targetId: string, detail: string): XmlNode {
  return el('acknowledgement', { typeCode },
    el('targetMessage', {}, el('id', { root: V3_ROOTS.messageId, extension: targetId })),
    el('acknowledgementDetail', {}, el('text', { value: detail })));
}

const ACK_DETAIL: Record<AckType, string> = { AA: '成功', AE: '处理失败', AR: '消息被拒绝' };

/** MCCI_IN000002UV01 answering `request` (its id goes to targetMessage/id). */
export function buildAck(request: { messageId: string; interactionId: string }, ack: AckOptions): string {
  const root = messageRoot(ACK_INTERACTION);
  wrapper(root, ACK_INTERACTION, { messageId: ack.messageId, creationTime: ack.creationTime, sender: ack.sender ?? 'hutong', receiver: ack.receiver ?? 'unknown' }, 'NE');
  const detail = ack.detail ?? `${request.interactionId} ${ACK_DETAIL[ack.typeCode]}`;
  root.children.push(acknowledgement(ack.typeCode, request.messageId, detail));
  return serialize(root, { declaration: true });
}

function splitLast(path: string): { parent: CatalogPath; last: CatalogPath['steps'][number] } {
  const p = parseCatalogPath(path);
  const last = p.steps[p.steps.length - 1];
  if (!last || p.attribute) throw new Error(`records path must end in an element: ${path}`);
  return { parent: { steps: p.steps.slice(0, -1) }, last };
}

/**
 * The query response of `service` to request `requestId`: one record element per entry of
 * `records` (entity field name → value), then queryAck. No records is a clean answer: AA,
 * queryResponseCode NF, counts 0 and a "no result" detail — what an F01 case expects.
 */
export function buildQueryResponse(service: ServiceDef, entity: EntityDef, requestId: string, records: Record<string, string>[], opts: QueryResponseOptions): string {
  checkEntity(service, entity);
  const rr = service.responseRecords;
  if (!rr) throw new Error(`service ${service.code} is not a query (no responseRecords)`);
  for (const r of records) checkFields(entity, r);
  const typeCode = opts.typeCode ?? 'AA';
  const rows = typeCode === 'AA' ? records : [];
  const root = messageRoot(service.response);
  wrapper(root, service.response, opts, 'NE');
  const detail = opts.detail ?? (typeCode !== 'AA' ? ACK_DETAIL[typeCode] : rows.length === 0 ? '未查询到符合条件的记录' : `查询成功，共 ${rows.length} 条记录`);
  root.children.push(acknowledgement(typeCode, requestId, detail));

  const { parent, last } = splitLast(rr.records);
  const holder = parent.steps.length > 0 ? buildPath(root, pathToString(parent), undefined, BUILD) : root;
  for (const r of rows) {
    // a fresh record element each time: building the full path would reuse the first one
    const rec: XmlNode = { name: last.prefix === 'hl7' ? last.local : `${last.prefix}:${last.local}`, attrs: {}, children: [] };
    for (const pr of last.predicates) {
      if (pr.rel.steps.length > 0 || !pr.rel.attribute) throw new Error(`records path predicates may only test attributes: ${rr.records}`);
      rec.attrs[pr.rel.attribute.local] = pr.value;
    }
    holder.children.push(rec);
    writeFields(buildPath(rec, rr.payloadRoot, undefined, BUILD), entity, r);
  }
  const code = typeCode === 'AA' ? (rows.length > 0 ? 'OK' : 'NF') : typeCode === 'AR' ? 'QE' : 'AE';
  holder.children.push(el('queryAck', {},
    el('queryId', { root: V3_ROOTS.messageId, extension: opts.queryId ?? requestId }),
    el('statusCode', { code: 'deliveredResponse' }),
    el('queryResponseCode', { code }),
    el('resultTotalQuantity', { value: rows.length }),
    el('resultCurrentQuantity', { value: rows.length }),
    el('resultRemainingQuantity', { value: 0 })));
  const cap = root.children.find((c) => c.name === 'controlActProcess');
  if (cap) applyStructuralDefaults(cap);
  return serialize(root, { declaration: true });
}

// ---------------------------------------------------------------- reading

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function count(v: string | undefined): number | undefined {
  return v !== undefined && /^[0-9]+$/.test(v) ? Number(v) : undefined;
}

/** Entity fields present under a payload element (empty values count as absent). */
function fieldsAt(payload: XmlElement, entity: EntityDef): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of entity.fields) {
    const v = nonEmpty(selectValue(payload, f.xpath));
    if (v !== undefined) out[f.name] = v;
  }
  return out;
}

// The same path without its @root predicates: parameters sent under another id root still count.
function withoutRootPredicates(path: string): string {
  const p = parseCatalogPath(path);
  return pathToString({
    ...p,
    steps: p.steps.map((s) => ({ ...s, predicates: s.predicates.filter((pr) => !(pr.rel.steps.length === 0 && pr.rel.attribute?.local === 'root')) })),
  });
}

function queryValues(root: XmlElement, service: ServiceDef): Record<string, string> {
  const out: Record<string, string> = {};
  for (const qbp of selectPath(root, service.payloadRoot)) {
    if (!(qbp instanceof XmlElement)) continue;
    const params = service.queryParams ?? [];
    const strict = params.map((p) => nonEmpty(selectValue(qbp, p.xpath)));
    // a value under a parameter's own root is that parameter's: a sibling that differs only
    // by root (providerId / idCardNo) must not read it through the root-less fallback
    const claimed = new Set(strict.filter((v): v is string => v !== undefined));
    for (const [i, p] of params.entries()) {
      if (out[p.field] !== undefined) continue;
      let v = strict[i];
      if (v === undefined) {
        // only when it is unambiguous: one non-empty value under any root that no sibling claims
        const loose = selectPath(qbp, withoutRootPredicates(p.xpath)).map(valueOf).filter((x) => x !== '' && !claimed.has(x));
        if (loose.length === 1) {
          v = loose[0]!;
          claimed.add(v);
        }
      }
      if (v !== undefined) out[p.field] = v;
    }
  }
  return out;
}

function records(root: XmlElement, service: ServiceDef): XmlElement[] {
  const rr = service.responseRecords;
  if (!rr) return [];
  return selectPath(root, rr.records).filter((n): n is XmlElement => n instanceof XmlElement);
}

function payloadsOf(record: XmlElement, payloadRoot: string): XmlElement[] {
  return selectPath(record, payloadRoot).filter((n): n is XmlElement => n instanceof XmlElement);
}

/** The wrapper, acknowledgement and queryAck of any V3 message; queryKey/recordCount when the service is given. */
export function readMessage(xml: string | Uint8Array, opts: ReadOptions = {}): ReadMessageResult {
  return withXml(xml, (doc) => {
    const root = doc.root;
    const out: ReadMessageResult = { root: root.name, namespace: root.namespaceUri ?? '' };
    if (out.namespace !== NS.hl7) return out;
    const v = (p: string): string | undefined => nonEmpty(selectValue(root, p));
    const set = <K extends keyof ReadMessageResult>(k: K, value: ReadMessageResult[K] | undefined): void => {
      if (value !== undefined) out[k] = value;
    };
    set('messageId', v('hl7:id/@extension'));
    set('messageIdRoot', v('hl7:id/@root'));
    set('interactionId', v('hl7:interactionId/@extension'));
    set('interactionIdRoot', v('hl7:interactionId/@root'));
    set('creationTime', v('hl7:creationTime/@value'));
    set('processingCode', v('hl7:processingCode/@code'));
    set('acceptAckCode', v('hl7:acceptAckCode/@code'));
    set('sender', v('hl7:sender/hl7:device/hl7:id/hl7:item/@extension'));
    set('receiver', v('hl7:receiver/hl7:device/hl7:id/hl7:item/@extension'));

    const a = selectPath(root, 'hl7:acknowledgement')[0];
    if (a instanceof XmlElement) {
      const texts = selectPath(a, 'hl7:acknowledgementDetail/hl7:text')
        .map((t) => (t instanceof XmlElement ? nonEmpty(selectValue(t, '@value')) : undefined) ?? valueOf(t).trim())
        .filter((t) => t !== '');
      const ack: ReadAck = { typeCode: selectValue(a, '@typeCode') ?? '' };
      const target = nonEmpty(selectValue(a, 'hl7:targetMessage/hl7:id/@extension'));
      if (target !== undefined) ack.targetMessageId = target;
      if (texts.length > 0) ack.detail = texts.join('; ');
      out.ack = ack;
    }

    const q = selectPath(root, 'hl7:controlActProcess/hl7:queryAck')[0];
    if (q instanceof XmlElement) {
      const r: ReadQueryAck = {};
      const qid = nonEmpty(selectValue(q, 'hl7:queryId/@extension'));
      if (qid !== undefined) r.queryId = qid;
      const code = nonEmpty(selectValue(q, 'hl7:queryResponseCode/@code'));
      if (code !== undefined) r.responseCode = code;
      const total = count(selectValue(q, 'hl7:resultTotalQuantity/@value'));
      if (total !== undefined) r.total = total;
      const current = count(selectValue(q, 'hl7:resultCurrentQuantity/@value'));
      if (current !== undefined) r.current = current;
      const remaining = count(selectValue(q, 'hl7:resultRemainingQuantity/@value'));
      if (remaining !== undefined) r.remaining = remaining;
      out.queryAck = r;
    }

    const s = opts.service;
    if (s?.queryParams && root.name === s.request) out.queryKey = queryValues(root, s);
    if (s?.responseRecords && root.name === s.response) out.recordCount = records(root, s).length;
    return out;
  }, opts.parse);
}

/**
 * Entity values a message of `service` carries: a register/add/update/merge request → its
 * payload fields; a query request → its parameter values; a query response → the first
 * record's fields ({} when it has none). Anything else (an acknowledgement) → {}.
 */
export function extractValues(service: ServiceDef, entity: EntityDef, xml: string | Uint8Array, opts: { parse?: ParseXmlOptions } = {}): Record<string, string> {
  checkEntity(service, entity);
  return withXml(xml, (doc) => {
    const root = doc.root;
    if (root.namespaceUri !== NS.hl7) return {};
    if (root.name === service.request) {
      if (service.queryParams) return queryValues(root, service);
      const payload = payloadsOf(root, service.payloadRoot)[0];
      return payload ? fieldsAt(payload, entity) : {};
    }
    if (service.responseRecords && root.name === service.response) {
      const first = records(root, service)[0];
      const payload = first ? payloadsOf(first, service.responseRecords.payloadRoot)[0] : undefined;
      return payload ? fieldsAt(payload, entity) : {};
    }
    return {};
  }, opts.parse);
}

/** Every record of a query response of `service`, in document order. */
export function extractRecords(service: ServiceDef, entity: EntityDef, xml: string | Uint8Array, opts: { parse?: ParseXmlOptions } = {}): Record<string, string>[] {
  checkEntity(service, entity);
  const rr = service.responseRecords;
  if (!rr) throw new Error(`service ${service.code} is not a query (no responseRecords)`);
  return withXml(xml, (doc) => {
    const root = doc.root;
    if (root.namespaceUri !== NS.hl7 || root.name !== service.response) return [];
    return records(root, service).map((rec) => {
      const payload = payloadsOf(rec, rr.payloadRoot)[0];
      return payload ? fieldsAt(payload, entity) : {};
    });
  }, opts.parse);
}
