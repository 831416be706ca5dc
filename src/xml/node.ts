import { NS } from './ns.js';

/**
 * A light, mutable element tree for generating documents and messages. Element names are
 * written as they serialize: unprefixed for the default namespace the root declares
 * (urn:hl7-org:v3 in CDA and V3 messages), `sdtc:x` for others. `text` comes before children;
 * mixed content uses '#text' children.
 */
export interface XmlNode {
  name: string;
  /** insertion order is output order */
  attrs: Record<string, string>;
  children: XmlNode[];
  text?: string;
  /** write `text` as CDATA (e.g. a V3 message carried inside a SOAP parameter) */
  cdata?: boolean;
}

export const TEXT = '#text';

type Child = XmlNode | string | null | undefined | false;

/** el('code', { code: 'x' }, el('originalText', {}, 'text')) — strings become text. */
export function el(name: string, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): XmlNode {
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a[k] = String(v);
  const node: XmlNode = { name, attrs: a, children: [] };
  const kids = children.filter((c): c is XmlNode | string => c !== null && c !== undefined && c !== false);
  if (kids.length === 1 && typeof kids[0] === 'string') {
    node.text = kids[0];
  } else {
    for (const k of kids) node.children.push(typeof k === 'string' ? textNode(k) : k);
  }
  return node;
}

export function textNode(text: string): XmlNode {
  return { name: TEXT, attrs: {}, children: [], text };
}

export interface SerializeOptions {
  /** indent with two spaces (elements with text or mixed content stay on one line) */
  pretty?: boolean;
  /** prepend <?xml version="1.0" encoding="UTF-8"?> */
  declaration?: boolean;
}

/**
 * XML text of a tree. Namespace declarations for the xsi: and sdtc: prefixes used anywhere
 * below are added to the root when it lacks them. Throws on characters XML 1.0 cannot carry.
 */
export function serialize(node: XmlNode, opts: SerializeOptions = {}): string {
  const out: string[] = [];
  if (opts.declaration) out.push('<?xml version="1.0" encoding="UTF-8"?>', opts.pretty ? '\n' : '');
  const root = withPrefixDeclarations(node);
  write(root, out, opts.pretty ? 0 : -1);
  if (opts.pretty) out.push('\n');
  return out.join('');
}

function write(n: XmlNode, out: string[], depth: number): void {
  if (n.name === TEXT) {
    out.push(n.cdata ? cdata(n.text ?? '') : escapeText(n.text ?? ''));
    return;
  }
  const indent = depth >= 0 ? '  '.repeat(depth) : '';
  out.push('<', n.name);
  for (const [k, v] of Object.entries(n.attrs)) out.push(' ', k, '="', escapeAttr(v), '"');
  const hasText = n.text !== undefined && n.text !== '';
  if (!hasText && n.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  if (hasText) out.push(n.cdata ? cdata(n.text!) : escapeText(n.text!));
  const mixed = hasText || n.children.some((c) => c.name === TEXT);
  if (mixed || depth < 0) {
    for (const c of n.children) write(c, out, -1);
  } else {
    for (const c of n.children) {
      out.push('\n', indent, '  ');
      write(c, out, depth + 1);
    }
    out.push('\n', indent);
  }
  out.push('</', n.name, '>');
}

// Characters XML 1.0 forbids outright; a generator producing them is a bug, not data.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkChars(s: string): void {
  const m = FORBIDDEN.exec(s);
  if (m) throw new Error(`character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} cannot be written in XML 1.0`);
}

/** Text content: &, < and > (so "]]>" can never appear), CR kept as a reference so it survives parsing. */
export function escapeText(s: string): string {
  checkChars(s);
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** Attribute value in double quotes; tab/LF/CR as references so attribute normalisation keeps them. */
export function escapeAttr(s: string): string {
  checkChars(s);
  return s.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case '\t': return '&#9;';
      case '\n': return '&#10;';
      default: return '&#13;';
    }
  });
}

/** CDATA section(s): a "]]>" inside is split across two sections. */
export function cdata(s: string): string {
  checkChars(s);
  return `<![CDATA[${s.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

const KNOWN_PREFIXES: Record<string, string> = { xsi: NS.xsi, sdtc: NS.sdtc };

function withPrefixDeclarations(root: XmlNode): XmlNode {
  const used = new Set<string>();
  const visit = (n: XmlNode): void => {
    if (n.name === TEXT) return;
    const p = prefix(n.name);
    if (p) used.add(p);
    for (const k of Object.keys(n.attrs)) {
      const ap = prefix(k);
      if (ap && ap !== 'xmlns' && ap !== 'xml') used.add(ap);
    }
    for (const c of n.children) visit(c);
  };
  visit(root);
  const missing = [...used].filter((p) => KNOWN_PREFIXES[p] !== undefined && root.attrs[`xmlns:${p}`] === undefined);
  if (missing.length === 0) return root;
  const attrs: Record<string, string> = {};
  // declarations first, after any xmlns already there
  for (const [k, v] of Object.entries(root.attrs)) if (k === 'xmlns' || k.startsWith('xmlns:')) attrs[k] = v;
  for (const p of missing) attrs[`xmlns:${p}`] = KNOWN_PREFIXES[p]!;
  for (const [k, v] of Object.entries(root.attrs)) if (!(k in attrs)) attrs[k] = v;
  return { ...root, attrs };
}

function prefix(qname: string): string | undefined {
  const i = qname.indexOf(':');
  return i > 0 ? qname.slice(0, i) : undefined;
}

/** Child elements by name (no text nodes). */
export function childrenNamed(n: XmlNode, name: string): XmlNode[] {
  return n.children.filter((c) => c.name === name);
}

/** XPath string-value of an element: all descendant text in document order. */
export function stringValue(n: XmlNode): string {
  return (n.text ?? '') + n.children.map(stringValue).join('');
}
