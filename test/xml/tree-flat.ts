import { descendantsJ, xpathOfJ, type JElement } from '../../src/xml/jstree.js';

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
