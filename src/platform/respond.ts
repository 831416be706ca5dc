import type { EntityDef, ServiceDef } from '../catalog/types.js';
import { buildAck, buildQueryResponse, type AckType } from '../samples/message.js';
import { nowTs } from '../samples/synth.js';
import { escapeAttr } from '../xml/node.js';

/**
 * Building answers. The V3 builders of src/samples are exact but slow for the hot path
 * (~250 µs for one query response), so a query response is built once per (service, records,
 * ack type) with placeholder tokens for the per-request values and then filled by string
 * joins; the tokens are plain ASCII no catalogue value can contain.
 */

export const PLATFORM_DEVICE = 'HUTONG-REF';

const T = { mid: 'HT0MSGID0HT', target: 'HT0TARGET0HT', time: '20000101000000', rcv: 'HT0RCV0HT' } as const;
const TOKEN = /HT0MSGID0HT|HT0TARGET0HT|HT0RCV0HT|(?<=creationTime value=")20000101000000/g;
type Slot = 'mid' | 'target' | 'time' | 'rcv';

interface Template {
  parts: string[];
  slots: Slot[];
}

function compile(xml: string): Template {
  const parts: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const m of xml.matchAll(TOKEN)) {
    parts.push(xml.slice(last, m.index));
    slots.push(m[0] === T.mid ? 'mid' : m[0] === T.target ? 'target' : m[0] === T.rcv ? 'rcv' : 'time');
    last = m.index + m[0].length;
  }
  parts.push(xml.slice(last));
  return { parts, slots };
}

export interface Fill {
  messageId: string;
  target: string;
  receiver: string;
  time: string;
}

function fill(t: Template, f: Fill): string {
  const vals = { mid: escapeAttr(f.messageId), target: escapeAttr(f.target), rcv: escapeAttr(f.receiver), time: f.time };
  let out = t.parts[0] ?? '';
  for (let i = 0; i < t.slots.length; i++) out += vals[t.slots[i]!] + (t.parts[i + 1] ?? '');
  return out;
}

const MAX_CACHE = 5000;


export class Responder {
  private readonly cache = new Map<string, Template>();
  private counter = 0;
  private readonly boot = Date.now().toString(36).toUpperCase();

  nextId(): string {
    this.counter += 1;
    return `HTREF-${this.boot}-${this.counter}`;
  }

  fillOf(requestId: string, receiver: string | undefined): Fill {
    return { messageId: this.nextId(), target: requestId, receiver: receiver || 'unknown', time: nowTs() };
  }

  ack(request: { messageId: string; interactionId: string }, typeCode: AckType, detail: string | undefined, receiver: string | undefined): string {
    const o: Parameters<typeof buildAck>[1] = { typeCode, messageId: this.nextId(), creationTime: nowTs(), sender: PLATFORM_DEVICE, receiver: receiver || 'unknown' };
    if (detail !== undefined) o.detail = detail;
    return buildAck(request, o);
  }

  /**
   * A query response; `cacheKey` (records' keys and versions) makes it reusable, undefined
   * builds it afresh (synthetic records).
   */
  query(service: ServiceDef, entity: EntityDef, records: Record<string, string>[], f: Fill, opts: { typeCode?: AckType; detail?: string; cacheKey?: string }): string {
    const key = opts.cacheKey === undefined ? undefined : `${service.code}|${opts.typeCode ?? 'AA'}|${opts.detail ?? ''}|${opts.cacheKey}`;
    let t = key === undefined ? undefined : this.cache.get(key);
    if (!t) {
      const o: Parameters<typeof buildQueryResponse>[4] = { messageId: T.mid, creationTime: T.time, sender: PLATFORM_DEVICE, receiver: T.rcv };
      if (opts.typeCode !== undefined) o.typeCode = opts.typeCode;
      if (opts.detail !== undefined) o.detail = opts.detail;
      // only entity fields go out (stored rows may carry bookkeeping such as the seed's markers)
      const known = new Set(entity.fields.map((x) => x.name));
      const clean = records.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => known.has(k))));
      t = compile(buildQueryResponse(service, entity, T.target, clean, o));
      if (key !== undefined) {
        if (this.cache.size >= MAX_CACHE) this.cache.clear();
        this.cache.set(key, t);
      }
    }
    return fill(t, f);
  }
}
