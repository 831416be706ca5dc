/**
 * Checks shared by the case kinds: what the transport saw, the validator's view of a response,
 * and content consistency between what was sent and what came back.
 */
import type { Catalog, EntityDef, ServiceDef } from '../../catalog/types.js';
import type { Finding } from '../../findings/types.js';
import type { Exchange } from '../../transport/client.js';
import { validateText } from '../../validate/index.js';
import { finding } from '../../validate/rules.js';
import type { Expectation } from '../../validate/types.js';
import type { Values } from './data.js';
import type { Attempt } from '../retry.js';

/**
 * HT-TX-* findings for an exchange that did not bring back a V3 message cleanly; `attempts`
 * (site config retries) is said in the reason when there was more than one.
 */
export function transportFindings(ex: Exchange, attempts = 1): Finding[] {
  const out: Finding[] = [];
  const e = ex.error;
  const status = ex.response?.status;
  if (e) {
    if (e.kind === 'soap-fault') out.push(finding('HT-TX-FAULT', { reason: ex.fault?.reason ?? e.message }));
    else if (e.kind === 'http-status') out.push(finding('HT-TX-STATUS', { status: status ?? '?', reason: e.message }));
    else if (e.kind === 'bad-envelope' || e.kind === 'no-body') out.push(finding('HT-TX-BODY', { reason: e.message }));
    else out.push(finding('HT-TX-ERROR', { kind: e.kind, reason: attempts > 1 ? `${e.message}（共尝试 ${attempts} 次，均未收到响应 / no answer in ${attempts} attempts）` : e.message }));
  } else if (status !== undefined && status !== 200) {
    out.push(finding('HT-TX-STATUS', { status, reason: 'expected 200' }));
  }
  if (!e && ex.v3xml === undefined) out.push(finding('HT-TX-BODY', { reason: 'no V3 message in the response' }));
  // Bytes the charset could not decode were replaced with U+FFFD by the transport: the text the
  // validator then judges is not what the platform sent, so that alone is an encoding error.
  for (const w of ex.warnings) if (/not valid .*U\+FFFD/.test(w)) out.push(finding('HT-PRE-ENCODING', { reason: w }));
  return out;
}

/**
 * A warning per attempt that got no answer and was sent again (site config `retries`): the
 * platform did answer in the end, or the last attempt's own finding says it did not; either
 * way the case shows how many attempts the exchange took and where each one's evidence is.
 */
export function retryFindings(attempts: readonly Attempt<string[]>[]): Finding[] {
  const n = attempts.length;
  const answered = attempts[n - 1]?.exchange.response !== undefined;
  return attempts.slice(0, -1).map((a, i) => finding('HT-TX-ERROR', {
    kind: a.exchange.error?.kind ?? 'other',
    reason: `${a.exchange.error?.message ?? ''}（第 ${i + 1}/${n} 次尝试未收到响应，${a.waitedMs ?? 0} ms 后重试；${answered ? `第 ${n} 次收到响应` : `${n} 次均未收到响应`} / attempt ${i + 1} of ${n} got no answer and was retried）`,
  }, { severity: 'warning', ...(a.extra[0] !== undefined ? { file: a.extra[0] } : {}) }));
}

/** Every validator layer on a response, with what the runner knows about it. */
export function responseFindings(catalog: Catalog, v3: string, expect: Expectation): Finding[] {
  const r = validateText(v3, { catalog, expect });
  return r.findings;
}

function show(v: string | undefined): string {
  if (v === undefined) return '（缺失）';
  return v.length > 60 ? `${v.slice(0, 57)}…` : v;
}

/**
 * What came back against what was sent: a field present in both must be equal (error); a sent
 * field the answer lacks is a warning (platforms may answer with a subset); key fields must be
 * there and equal (error).
 */
export function consistency(service: ServiceDef, entity: EntityDef, step: string, sent: Values, got: Values, only?: readonly string[]): Finding[] {
  const out: Finding[] = [];
  const clause = `第 ${service.part} 部分 ${service.section} ${service.name}`;
  for (const f of entity.fields) {
    if (only && !only.includes(f.name)) continue;
    const want = sent[f.name];
    if (want === undefined || want === '') continue;
    const have = got[f.name];
    if (have === want) continue;
    const missing = have === undefined;
    out.push(finding('HT-SVC-CONSISTENCY', { step, label: `${f.label}（${f.name}）`, expected: show(want), actual: show(have), clause },
      missing && !f.key ? { severity: 'warning' } : {}));
  }
  return out;
}
