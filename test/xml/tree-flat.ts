import { expect } from 'vitest';
import { descendantsJ, treeFromDom, xpathOfJ, type JElement } from '../../src/xml/jstree.js';
import { parseXmlText, XmlInputError } from '../../src/xml/parse.js';
import { scanChecked } from '../../src/xml/wellformed.js';

/** A tree as comparable rows, node for node: position, line, attributes, in-scope namespaces, text content. */
export interface Flat {
  xpath: string;
  line: number;
  attrs: string;
  scope: string;
  content: string;
}

export function flat(root: JElement): Flat[] {
  return [...descendantsJ(root)].map((e) => ({
    xpath: xpathOfJ(e), line: e.line, content: e.content, attrs: e.attrs.map((a) => `{${a.ns}}${a.local}=${JSON.stringify(a.value)}`).join(' '),
    scope: [...e.scope].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, u]) => `${p}=${u}`).join(' '),
  }));
}

/** libxml2's tree of the text, or undefined when libxml2 refuses it. */
export function libxml(text: string): Flat[] | undefined {
  let parsed: ReturnType<typeof parseXmlText>;
  try {
    parsed = parseXmlText(text);
  } catch (err) {
    if (err instanceof XmlInputError) return undefined;
    throw err;
  }
  try {
    return flat(treeFromDom(parsed.doc));
  } finally {
    parsed.doc.dispose();
  }
}

/** The scanner's soundness on one text (ok:true ⇒ libxml2 accepts and builds the same tree); returns whether it vouched. */
export function sound(text: string, name = ''): boolean {
  const r = scanChecked(text);
  if (!r.ok) return false;
  const lib = libxml(text);
  expect(lib, `${name}: scanChecked ok but libxml2 refuses`).toBeDefined();
  expect(flat(r.root), name).toEqual(lib);
  return true;
}
