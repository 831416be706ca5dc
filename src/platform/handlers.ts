import type { Finding } from '../findings/types.js';
import { extractValues } from '../samples/message.js';
import { sampleEntityValues } from '../samples/message-values.js';
import type { ServerFault } from '../transport/envelope.js';
import { validateText } from '../validate/index.js';
import { NS } from '../xml/ns.js';
import { isQuery, type CatalogIndex, type ServiceInfo } from './catalog-index.js';
import { decodeContent, encodeContent, wrongCode, missingSection, wrongTemplate } from './docfaults.js';
import { ActiveFaults, dropTarget, truncate, wrongInteraction } from './faults.js';
import type { Responder } from './respond.js';
import { recordKey, type Row, type Store, type StoredRecord } from './store.js';
import { readHead, selectElements, selectValues, type V3Head } from './v3read.js';
import { ScanError } from './v3scan.js';

/**
 * The services, generic by ServiceDef.pattern: register/add store a record, update/merge
 * change an existing one, query/retrieve answer from the store. No per-service code: the
 * entity's key fields, the payload paths and the query parameters come from the catalogue.
 */

export type Outcome = 'write-ok' | 'write-reject' | 'query-hit' | 'query-miss' | 'rejected' | 'error';

export type Answer =
  | { xml: string; outcome: Outcome; service: string }
  | { fault: ServerFault; outcome: Outcome; service?: string };

export interface HandlerContext {
  index: CatalogIndex;
  store: Store;
  responder: Responder;
  faults: ActiveFaults;
  /** fills in content the seed left to be generated on first use */
  materialise?: (rec: StoredRecord) => StoredRecord;
}

const MAX_RECORDS = 100;
const MAX_SCAN = 20_000;

function faultOf(reason: string, faultCode: ServerFault['faultCode'] = 'Sender', detail?: string): ServerFault {
  const f: ServerFault = { faultCode, reason };
  if (detail !== undefined) f.detail = detail;
  return f;
}

function describe(findings: Finding[], max = 5): string {
  const errs = findings.filter((f) => f.severity === 'error');
  const shown = errs.slice(0, max).map((f) => `[${f.rule}] ${f.message}`);
  if (errs.length > max) shown.push(`……另有 ${errs.length - max} 项`);
  return shown.join('；');
}

export function handle(ctx: HandlerContext, action: string, v3xml: string): Answer {
  const info = ctx.index.byAction.get(action);
  if (!info) return { fault: faultOf(`未知的服务代码 unknown service code "${action}"`), outcome: 'rejected' };
  const code = info.service.code;
  if (ctx.faults.http500For(code)) {
    return { fault: { faultCode: 'Receiver', reason: '服务内部错误（故障注入 http-500）internal error', status: 500 }, outcome: 'rejected', service: code };
  }
  let head: V3Head;
  try {
    head = readHead(v3xml);
  } catch (e) {
    const msg = e instanceof ScanError ? e.message : String(e);
    return { fault: faultOf(`V3 消息无法解析 the V3 message cannot be read: ${msg}`), outcome: 'rejected', service: code };
  }
  if (head.root.ns !== NS.hl7) {
    return { fault: faultOf(`V3 消息根元素 <${head.root.qname}> 不在 urn:hl7-org:v3 命名空间 not an HL7 V3 message`), outcome: 'rejected', service: code };
  }
  return isQuery(info.service) ? query(ctx, info, head) : write(ctx, info, head, v3xml);
}

// ---------------------------------------------------------------- writes

function reject(ctx: HandlerContext, info: ServiceInfo, head: V3Head, detail: string): Answer {
  const code = info.service.code;
  if (ctx.faults.has('soap-fault')) {
    return { fault: { faultCode: 'Receiver', reason: `${code} 处理失败：${detail}`, status: 500 }, outcome: 'write-reject', service: code };
  }
  const xml = ctx.responder.ack({ messageId: head.messageId ?? '', interactionId: info.service.request }, 'AE', `${code} 处理失败：${detail}`, head.sender);
  return { xml, outcome: 'write-reject', service: code };
}

function accept(ctx: HandlerContext, info: ServiceInfo, head: V3Head, detail: string): Answer {
  const code = info.service.code;
  let xml = ctx.responder.ack({ messageId: head.messageId ?? '', interactionId: info.service.request }, 'AA', detail, head.sender);
  const change = info.service.pattern === 'update' || info.service.pattern === 'merge';
  if (change && ctx.faults.has('no-target')) xml = dropTarget(xml);
  return { xml, outcome: 'write-ok', service: code };
}

function keyText(info: ServiceInfo, values: Row): string {
  return info.keyFields.map((k) => `${k}=${values[k] ?? ''}`).join(', ');
}

function write(ctx: HandlerContext, info: ServiceInfo, head: V3Head, v3xml: string): Answer {
  const s = info.service;
  const checked = validateText(v3xml, { catalog: ctx.index.catalog, expect: { service: s.code } });
  if (checked.verdict !== 'pass') return reject(ctx, info, head, describe(checked.findings) || '请求未通过校验 the request failed validation');
  let values: Row;
  try {
    values = extractValues(s, info.entity, v3xml);
  } catch (e) {
    return reject(ctx, info, head, `无法读取载荷 cannot read the payload: ${e instanceof Error ? e.message : String(e)}`);
  }
  const key = recordKey(info.keyFields, values);
  if (key === undefined) {
    const missing = info.keyFields.filter((k) => !values[k]).join(', ');
    return reject(ctx, info, head, `缺少主键字段 missing key field(s): ${missing}`);
  }
  if (s.pattern === 'register' || s.pattern === 'add') {
    ctx.store.put(s.entity, key, values);
    return accept(ctx, info, head, `${s.code} 成功：${info.entity.label}已登记（${keyText(info, values)}）`);
  }
  // update / merge: the key must name a record the platform holds
  let found: StoredRecord | undefined;
  for (const e of info.lookupEntities) {
    found = ctx.store.get(e, key);
    if (found) break;
  }
  if (!found) return reject(ctx, info, head, `未找到${info.entity.label}记录 no record with ${keyText(info, values)}`);
  if (ctx.faults.has('ae-valid')) return reject(ctx, info, head, '记录被锁定，请稍后重试（故障注入 ae-valid）record locked');
  const base = found.entity === s.entity ? found.data : {};
  ctx.store.put(s.entity, key, { ...base, ...values });
  return accept(ctx, info, head, `${s.code} 成功：${info.entity.label}已${s.pattern === 'merge' ? '合并' : '更新'}（${keyText(info, values)}）`);
}

// ---------------------------------------------------------------- queries

function nonEmpty(v: string | undefined): v is string {
  return v !== undefined && v.trim() !== '';
}

function queryParams(info: ServiceInfo, head: V3Head): Row | undefined {
  const qbp = selectElements(head.root, info.payloadRoot)[0];
  if (!qbp) return undefined;
  const out: Row = {};
  const strict = info.params.map((p) => selectValues(qbp, p.path).find(nonEmpty)?.trim());
  // A value a parameter's own path (root included) holds belongs to that parameter: the
  // root-less fallback of a sibling that differs only by root (providerId / idCardNo,
  // visitSerialNo / inpatientNo) must not take it too, or the stored record no longer matches.
  const claimed = new Set(strict.filter(nonEmpty));
  for (const [i, p] of info.params.entries()) {
    if (out[p.field] !== undefined) continue;
    let v = strict[i];
    if (v === undefined && p.loose) {
      const loose = selectValues(qbp, p.loose).map((x) => x.trim()).filter((x) => nonEmpty(x) && !claimed.has(x));
      if (loose.length === 1) {
        v = loose[0]!;
        claimed.add(v);
      }
    }
    // queryId echoes the message id unless the service keys on it
    if (v !== undefined && p.inQueryId && v === head.messageId) v = undefined;
    if (v !== undefined) out[p.field] = v.trim();
  }
  return out;
}

function matchesAll(data: Row, params: Row): boolean {
  for (const [k, v] of Object.entries(params)) if (data[k] !== v) return false;
  return true;
}

function find(ctx: HandlerContext, info: ServiceInfo, params: Row): StoredRecord[] {
  const key = recordKey(info.keyFields, params);
  if (key !== undefined) {
    const r = ctx.store.get(info.service.entity, key);
    return r && matchesAll(r.data, params) ? [r] : [];
  }
  return ctx.store.scan(info.service.entity, MAX_SCAN).filter((r) => matchesAll(r.data, params)).slice(0, MAX_RECORDS);
}

function corruptDocument(ctx: HandlerContext, data: Row): Row {
  const f = ctx.faults;
  const content = data.content;
  if (content === undefined) return data;
  const doc = decodeContent(content);
  if (!doc) return data;
  let xml = doc.xml;
  const cat = ctx.index.catalog;
  if (f.has('wrong-code')) xml = wrongCode(xml, cat) ?? xml;
  if (f.has('missing-section')) xml = missingSection(xml, cat) ?? xml;
  if (f.has('wrong-template')) xml = wrongTemplate(xml, cat) ?? xml;
  return xml === doc.xml ? data : { ...data, content: encodeContent(xml, doc.base64) };
}

function query(ctx: HandlerContext, info: ServiceInfo, head: V3Head): Answer {
  const s = info.service;
  const f = ctx.faults;
  const fill = ctx.responder.fillOf(head.messageId ?? '', head.sender);
  const answer = (rows: Row[], opts: { typeCode?: 'AA' | 'AE'; detail?: string; cacheKey?: string }, outcome: Outcome): Answer =>
    ({ xml: ctx.responder.query(s, info.entity, rows, fill, opts), outcome, service: s.code });

  // message-layer rules of the wrapper, checked without a second parse
  const problems: string[] = [];
  if (head.root.local !== s.request) problems.push(`根元素应为 ${s.request}，实际为 ${head.root.local}`);
  if (!nonEmpty(head.messageId) || head.messageIdRoot !== '2.16.156.10011.2.5.1.1') problems.push('缺少消息 id（id/@root=2.16.156.10011.2.5.1.1）');
  if (head.interactionId !== head.root.local) problems.push(`interactionId ${head.interactionId ?? '（无）'} 与根元素不一致`);
  if (!/^\d{8,14}/.test(head.creationTime ?? '')) problems.push('creationTime 缺失或格式错误');
  if (problems.length) return answer([], { typeCode: 'AE', detail: `${s.code} 请求有误：${problems.join('；')}` }, 'rejected');

  const params = queryParams(info, head);
  if (!params) return answer([], { typeCode: 'AE', detail: `${s.code} 请求有误：缺少查询载荷 ${s.payloadRoot}` }, 'rejected');
  if (Object.keys(params).length === 0) {
    return answer([], { typeCode: 'AE', detail: `${s.code} 请求有误：未给出任何查询条件（${info.params.map((p) => p.field).join(', ')}）` }, 'rejected');
  }

  let found = find(ctx, info, params);
  if (found.length === 0) {
    if (f.has('f01-data')) {
      const fake = { ...sampleEntityValues(info.entity, 1), ...params };
      return answer([fake], {}, 'query-miss');
    }
    return answer([], { cacheKey: '-' }, 'query-miss');
  }
  if (f.has('ae-valid')) return answer([], { typeCode: 'AE', detail: `${s.code} 处理失败：后台服务繁忙（故障注入 ae-valid）` }, 'query-hit');
  if (ctx.materialise) found = found.map(ctx.materialise);
  const docFault = s.code === 'DocumentRetrieve' && (f.has('wrong-code') || f.has('missing-section') || f.has('wrong-template'));
  const rows = found.map((r) => (docFault ? corruptDocument(ctx, r.data) : r.data));
  const cacheKey = found.map((r) => `${r.entity}/${r.key}#${r.version}`).join(',');
  const a = answer(rows, { cacheKey }, 'query-hit');
  if (!('xml' in a)) return a;
  if (f.has('wrong-interaction') && !info.isDocument) a.xml = wrongInteraction(a.xml, s.request);
  if (f.malformedFor(s.code)) a.xml = truncate(a.xml);
  return a;
}
