import { childElements, parseEnvelope, type XElement } from '../transport/envelope-tree.js';
import { decodeEntities } from '../transport/xmltext.js';
import { NS } from '../xml/ns.js';
import type { CatalogPath, RelPath, Step } from '../xml/path.js';

/**
 * The hot-path reader of V3 requests. libxml2 costs ~100 µs per message on the query path,
 * far above the 200 µs budget of 5 000 req/s, so queries are read with the transport's
 * hostile-input parser (DOCTYPE/entities refused, element limit, well-formedness checked) and
 * the catalogue paths are evaluated on its light tree. Writes still go through the validator
 * (src/validate) and src/samples extractValues on libxml2.
 */

export interface V3Head {
  src: string;
  root: XElement;
  messageId?: string;
  messageIdRoot?: string;
  interactionId?: string;
  interactionIdRoot?: string;
  creationTime?: string;
  sender?: string;
}

const PREFIX_NS: Record<string, string> = NS as unknown as Record<string, string>;

function nsOf(prefix: string | undefined): string {
  return prefix === undefined ? '' : PREFIX_NS[prefix] ?? '';
}

function attrValue(el: XElement, local: string, prefix?: string): string | undefined {
  if (prefix === undefined) {
    const v = el.attrs[local];
    return v;
  }
  const want = nsOf(prefix);
  for (const [k, v] of Object.entries(el.attrs)) {
    const c = k.indexOf(':');
    if (c === -1) continue;
    if (k.slice(c + 1) === local && el.scope.get(k.slice(0, c)) === want) return v;
  }
  return undefined;
}

function kids(src: string, el: XElement, step: { prefix: string; local: string }): XElement[] {
  const ns = nsOf(step.prefix);
  return childElements(src, el).filter((c) => c.local === step.local && c.ns === ns);
}

function relValues(src: string, ctx: XElement, rel: RelPath): string[] {
  let cur = [ctx];
  for (const s of rel.steps) cur = cur.flatMap((c) => kids(src, c, s));
  if (rel.attribute) {
    const a = rel.attribute;
    return cur.map((c) => attrValue(c, a.local, a.prefix)).filter((v): v is string => v !== undefined);
  }
  return cur.map((c) => textContent(src, c));
}

function matches(src: string, el: XElement, step: Step): boolean {
  return step.predicates.every((p) => relValues(src, el, p.rel).includes(p.value));
}

/** Elements a catalogue path's element steps select (the attribute, if any, is not applied). */
export function selectElements(src: string, ctx: XElement, path: CatalogPath): XElement[] {
  let cur = [ctx];
  for (const s of path.steps) cur = cur.flatMap((c) => kids(src, c, s).filter((k) => matches(src, k, s)));
  return cur;
}

export function textContent(src: string, el: XElement): string {
  let out = '';
  for (const c of childElementsAndText(src, el)) out += c;
  return out;
}

function childElementsAndText(src: string, el: XElement): string[] {
  const out: string[] = [];
  // items are filled lazily by childElements; reuse it, then read text items
  childElements(src, el);
  for (const it of el.items ?? []) {
    if (it.kind === 'text') out.push(decodeEntities(it.raw));
    else if (it.kind === 'cdata') out.push(it.value);
    else out.push(textContent(src, it));
  }
  return out;
}

/** All values a catalogue path selects from ctx. */
export function selectValues(src: string, ctx: XElement, path: CatalogPath): string[] {
  const els = selectElements(src, ctx, path);
  if (path.attribute) {
    const a = path.attribute;
    return els.map((e) => attrValue(e, a.local, a.prefix)).filter((v): v is string => v !== undefined);
  }
  return els.map((e) => textContent(src, e));
}

function first(src: string, ctx: XElement, local: string): XElement | undefined {
  return childElements(src, ctx).find((c) => c.local === local && c.ns === NS.hl7);
}

/** Parse a V3 message (throws EnvelopeError on hostile or malformed input) and read its wrapper. */
export function readHead(xml: string, maxElements = 200_000): V3Head {
  const { src, root } = parseEnvelope(xml, { maxElements });
  const head: V3Head = { src, root };
  if (root.ns !== NS.hl7) return head;
  const id = first(src, root, 'id');
  if (id) {
    head.messageId = id.attrs.extension;
    head.messageIdRoot = id.attrs.root;
  }
  const ii = first(src, root, 'interactionId');
  if (ii) {
    head.interactionId = ii.attrs.extension;
    head.interactionIdRoot = ii.attrs.root;
  }
  const ct = first(src, root, 'creationTime');
  if (ct) head.creationTime = ct.attrs.value;
  const snd = first(src, root, 'sender');
  const dev = snd && first(src, snd, 'device');
  const did = dev && first(src, dev, 'id');
  const item = did && (first(src, did, 'item') ?? did);
  if (item) head.sender = item.attrs.extension;
  return head;
}
