import type { Catalog, DocumentTemplate, PlanDef, ServiceDef } from '../catalog/types.js';
import { isDocumentService, isQuery, plainQueries, servicesOfKind, type PlatformKind } from './catalog-index.js';
import type { FaultProfile } from './types.js';

/**
 * Fault profiles: named, deterministic misbehaviours the harness must detect. Each one touches
 * a fixed, declared set of answers, never the acknowledgements of register/add (which other
 * cases use to set up their data), so the cases it makes fail follow from the plan alone:
 *
 *   answers of a case   T01 register/add  → the ack of S (AA)
 *                       F01 register/add/update/merge → the AE ack of S
 *                       T01 update/merge  → the AA ack of S (after a register/add of the key)
 *                       T01 query         → the response of S with records
 *                       F01 query         → the response of S without records
 *                       EMR-SD-nn         → DocumentRegister ack, DocumentAccess and
 *                                           DocumentRetrieve responses with records, the document
 *
 * failsCases lists the case ids (CONTRACTS.md) of the plan whose judged answers are touched.
 */

export type FaultName =
  | 'wrong-code' | 'missing-section' | 'wrong-template'
  | 'ae-valid' | 'no-target' | 'wrong-interaction' | 'f01-data'
  | 'slow' | 'http-500' | 'soap-fault' | 'malformed-xml';

/** The plan's services in catalogue order: WS/T 790 ones (EHR-PL-nn ids) for a regional plan. */
function planServices(plan: PlanDef, catalog: Catalog): ServiceDef[] {
  const want = new Set(plan.services);
  return servicesOfKind(catalog, plan.kind).filter((s) => want.has(s.code));
}

function documentCases(plan: PlanDef, catalog: Catalog, only: (d: DocumentTemplate) => boolean = () => true): string[] {
  const want = new Set(plan.documents);
  return catalog.documents.filter((d) => want.has(d.code) && only(d)).map((d) => d.testPrefix);
}

/** Templates placing a WS 364 / GB coded element whose value set is enumerated and verified (what wrong-code breaks). */
export const hasVerifiedCode = (catalog: Catalog) => (d: DocumentTemplate): boolean =>
  [...d.header.elements, ...d.sections.flatMap((s) => s.entries)].some((e) => {
    if (!e.valueSet || e.valueSet.startsWith('2.16.840.1.113883.')) return false;
    const vs = catalog.valueSets.get(e.valueSet);
    return vs !== undefined && vs.verified && vs.concepts.length > 0;
  });

/** Templates with a required section (the others have nothing missing-section can break). */
export const hasRequiredSection = (d: DocumentTemplate): boolean => d.sections.some((s) => s.cardinality.startsWith('1'));

const t01 = (s: ServiceDef): string => `${s.caseId}-T01`;
const f01 = (s: ServiceDef): string => `${s.caseId}-F01`;
const isChange = (s: ServiceDef): boolean => s.pattern === 'update' || s.pattern === 'merge';
const isWrite = (s: ServiceDef): boolean => !isQuery(s);

/** Non-document query services at even (0, 2, …) or odd positions in the catalogue order of the kind's services. */
export function queryHalf(catalog: Catalog, parity: 0 | 1, kind: PlatformKind = 'hospital'): Set<string> {
  return new Set(plainQueries(catalog, kind).filter((_s, i) => i % 2 === parity).map((s) => s.code));
}

function sorted(ids: string[]): string[] {
  return [...new Set(ids)].sort();
}

const retrievedDocuments = (only?: (catalog: Catalog) => (d: DocumentTemplate) => boolean) => (plan: PlanDef, catalog: Catalog): string[] =>
  sorted([...documentCases(plan, catalog, only?.(catalog)), ...planServices(plan, catalog).filter((s) => s.code === 'DocumentRetrieve').map(t01)]);

export const FAULT_PROFILES: readonly FaultProfile[] = [
  {
    name: 'wrong-code',
    description: 'DocumentRetrieve 返回的文档中第一个（非文档类型的）值域编码被替换为值域外编码 HTX99（terminology 层报错）。Retrieved documents carry a code outside its value set; their content also differs from what was registered (EMR-PL-16-T01). Templates without such an element (C0014) are unchanged.',
    failsCases: retrievedDocuments(hasVerifiedCode),
  },
  {
    name: 'missing-section',
    description: 'DocumentRetrieve 返回的文档缺少第一个必选章节（无必选章节的模板去掉第一个章节：文档仍合格，但内容与登记的不同）。Retrieved documents lack their first required section; templates without one lose their first section (still conformant, content differs).',
    failsCases: retrievedDocuments(() => hasRequiredSection),
  },
  {
    name: 'wrong-template',
    description: 'DocumentRetrieve 返回的文档 templateId 错误（2.16.156.10011.2.1.1.999）。Retrieved documents carry a wrong templateId.',
    failsCases: retrievedDocuments(),
  },
  {
    name: 'ae-valid',
    description: '对合法请求应答 AE：已存在主键的更新/合并，以及查到记录的查询/调阅。Valid update/merge of an existing key and queries that find records are answered AE (no records).',
    failsCases: (plan, catalog) => sorted([
      ...planServices(plan, catalog).filter((s) => isChange(s) || isQuery(s)).map(t01),
      ...documentCases(plan, catalog),
    ]),
  },
  {
    name: 'no-target',
    description: '更新/合并成功的确认消息缺少 targetMessage。The AA acknowledgement of update/merge services has no targetMessage.',
    failsCases: (plan, catalog) => sorted(planServices(plan, catalog).filter(isChange).map(t01)),
  },
  {
    name: 'wrong-interaction',
    description: '非文档查询服务查到记录时，应答的 interactionId 为请求的交互 id。Query responses with records (non-document queries) carry the request interactionId.',
    failsCases: (plan, catalog) => sorted(planServices(plan, catalog).filter((s) => isQuery(s) && !isDocumentService(s)).map(t01)),
  },
  {
    name: 'f01-data',
    description: '不存在的主键也返回一条记录（F01 应为“无结果”）。A query for a key that does not exist is answered with one synthetic record carrying that key.',
    failsCases: (plan, catalog) => sorted(planServices(plan, catalog).filter(isQuery).map(f01)),
  },
  {
    name: 'slow',
    description: '每个服务应答前增加延迟（默认 1500 ms，latencyMs）。一致性用例不失败，只有性能阈值失败。Adds latency to every service answer; no conformance case fails, only performance thresholds.',
    failsCases: () => [],
  },
  {
    name: 'http-500',
    description: '目录顺序中奇数位的非文档查询服务每次请求都返回 HTTP 500（固定、可计算的“间歇”故障）。Every request to the non-document query services at odd catalogue positions gets HTTP 500 (SOAP Receiver fault).',
    failsCases: (plan, catalog) => {
      const hit = queryHalf(catalog, 1, plan.kind);
      return sorted(planServices(plan, catalog).filter((s) => hit.has(s.code)).flatMap((s) => [t01(s), f01(s)]));
    },
  },
  {
    name: 'soap-fault',
    description: '本应答 AE 的写请求（缺主键的注册/新增、未知主键的更新/合并）改为 SOAP Fault。Writes that deserve AE get a SOAP fault (HTTP 500) instead.',
    failsCases: (plan, catalog) => sorted(planServices(plan, catalog).filter(isWrite).map(f01)),
  },
  {
    name: 'malformed-xml',
    description: '目录顺序中偶数位的非文档查询服务查到记录时，应答的 V3 XML 被截断（非良构）。Query responses with records of the non-document query services at even catalogue positions are truncated (not well-formed).',
    failsCases: (plan, catalog) => {
      const hit = queryHalf(catalog, 0, plan.kind);
      return sorted(planServices(plan, catalog).filter((s) => hit.has(s.code)).map(t01));
    },
  },
];

export const FAULT_NAMES: readonly string[] = FAULT_PROFILES.map((p) => p.name);

export class UnknownFaultError extends Error {
  constructor(readonly names: string[]) {
    super(`unknown fault profile${names.length > 1 ? 's' : ''}: ${names.join(', ')}; known: ${FAULT_NAMES.join(', ')}`);
    this.name = 'UnknownFaultError';
  }
}

/** The active profiles of one platform, with the service sets they touch. */
export class ActiveFaults {
  readonly on: ReadonlySet<FaultName>;
  private readonly http500: Set<string>;
  private readonly malformed: Set<string>;

  constructor(names: readonly string[], catalog: Catalog, kind: PlatformKind = 'hospital') {
    const unknown = names.filter((n) => !FAULT_NAMES.includes(n));
    if (unknown.length) throw new UnknownFaultError(unknown);
    this.on = new Set(names as FaultName[]);
    this.http500 = queryHalf(catalog, 1, kind);
    this.malformed = queryHalf(catalog, 0, kind);
  }

  has(n: FaultName): boolean {
    return this.on.has(n);
  }

  http500For(code: string): boolean {
    return this.on.has('http-500') && this.http500.has(code);
  }

  malformedFor(code: string): boolean {
    return this.on.has('malformed-xml') && this.malformed.has(code);
  }

  get any(): boolean {
    return this.on.size > 0;
  }
}

// ---------------------------------------------------------------- answer transforms

/** Drop acknowledgement/targetMessage from an answer we built ourselves. */
export function dropTarget(xml: string): string {
  return xml.replace(/<targetMessage>[\s\S]*?<\/targetMessage>/, '');
}

/** Put another interaction id in the wrapper (the root element keeps its name). */
export function wrongInteraction(xml: string, interactionId: string): string {
  return xml.replace(/(<interactionId root="2\.16\.156\.10011\.2\.5\.1\.2" extension=")[^"]*"/, `$1${interactionId}"`);
}

/** Cut the message inside an element: what a crashed serializer leaves behind. */
export function truncate(xml: string): string {
  const at = xml.indexOf('<controlActProcess');
  const cut = at > 0 ? at + Math.floor((xml.length - at) / 2) : Math.floor(xml.length / 2);
  return `${xml.slice(0, cut)}<`;
}
