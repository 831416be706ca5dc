import { NS } from '../xml/ns.js';
import type { CatalogPath, RelPath, Step } from '../xml/path.js';
import { scanXml, type VNode } from './v3scan.js';

/**
 * The hot-path reader of V3 requests: the wrapper (message id, interaction id, sender) and
 * catalogue paths evaluated on the light tree of v3scan.ts. libxml2 costs ~100 µs per message
 * on the query path, far above the budget of 5 000 req/s; writes still go through the
 * validator (src/validate) and src/samples extractValues on libxml2.
 */

export interface V3Head {
  root: VNode;
  messageId?: string;
  messageIdRoot?: string;
  interactionId?: string;
  interactionIdRoot?: string;
  creationTime?: string;
  sender?: string;
}

const PREFIX_NS = NS as unknown as Record<string, string>;

function nsOf(prefix: string | undefined): string {
  return prefix === undefined ? '' : PREFIX_NS[prefix] ?? '';
}

function attrValue(el: VNode, local: string, prefix?: string): string | undefined {
  if (prefix === undefined) return el.attrs[local];
  const want = nsOf(prefix);
  for (const k in el.attrs) {
    const c = k.indexOf(':');
    if (c !== -1 && k.slice(c + 1) === local && el.scope.get(k.slice(0, c)) === want) return el.attrs[k];
  }
  return undefined;
}

function kids(el: VNode, step: { prefix: string; local: string }): VNode[] {
  const ns = nsOf(step.prefix);
  const out: VNode[] = [];
  for (const c of el.children) if (c.local === step.local && c.ns === ns) out.push(c);
  return out;
}

export function textContent(el: VNode): string {
  let out = el.text;
  for (const c of el.children) out += textContent(c);
  return out;
}

function relValues(ctx: VNode, rel: RelPath): string[] {
  let cur = [ctx];
  for (const s of rel.steps) cur = cur.flatMap((c) => kids(c, s));
  const a = rel.attribute;
  if (a) return cur.map((c) => attrValue(c, a.local, a.prefix)).filter((v): v is string => v !== undefined);
  return cur.map(textContent);
}

function matches(el: VNode, step: Step): boolean {
  for (const p of step.predicates) if (!relValues(el, p.rel).includes(p.value)) return false;
  return true;
}

/** Elements a catalogue path's element steps select (the attribute, if any, is not applied). */
export function selectElements(ctx: VNode, path: CatalogPath): VNode[] {
  let cur = [ctx];
  for (const s of path.steps) {
    const next: VNode[] = [];
    for (const c of cur) for (const k of kids(c, s)) if (matches(k, s)) next.push(k);
    cur = next;
  }
  return cur;
}

/** All values a catalogue path selects from ctx. */
export function selectValues(ctx: VNode, path: CatalogPath): string[] {
  const els = selectElements(ctx, path);
  const a = path.attribute;
  if (a) return els.map((e) => attrValue(e, a.local, a.prefix)).filter((v): v is string => v !== undefined);
  return els.map(textContent);
}

function first(ctx: VNode | undefined, local: string): VNode | undefined {
  if (!ctx) return undefined;
  for (const c of ctx.children) if (c.local === local && c.ns === NS.hl7) return c;
  return undefined;
}

/** Parse a V3 message (throws ScanError on hostile or malformed input) and read its wrapper. */
export function readHead(xml: string, maxElements = 200_000): V3Head {
  const root = scanXml(xml, { maxElements });
  const head: V3Head = { root };
  if (root.ns !== NS.hl7) return head;
  const id = first(root, 'id');
  if (id) {
    if (id.attrs.extension !== undefined) head.messageId = id.attrs.extension;
    if (id.attrs.root !== undefined) head.messageIdRoot = id.attrs.root;
  }
  const ii = first(root, 'interactionId');
  if (ii) {
    if (ii.attrs.extension !== undefined) head.interactionId = ii.attrs.extension;
    if (ii.attrs.root !== undefined) head.interactionIdRoot = ii.attrs.root;
  }
  const ct = first(root, 'creationTime');
  if (ct?.attrs.value !== undefined) head.creationTime = ct.attrs.value;
  const did = first(first(first(root, 'sender'), 'device'), 'id');
  const item = first(did, 'item') ?? did;
  if (item?.attrs.extension !== undefined) head.sender = item.attrs.extension;
  return head;
}
