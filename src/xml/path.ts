import { XmlAttribute, XmlDocument, XmlElement, XmlXPath, type XmlNode as LibXmlNode } from 'libxml2-wasm';
import { NS, prefixOf } from './ns.js';
import { parseCatalogPath, pathToString } from './path-grammar.js';

export { CatalogPathError, parseCatalogPath, pathToString, type AttrName, type CatalogPath, type Predicate, type QName, type RelPath, type Step } from './path-grammar.js';

/** XPath 1.0 for a catalogue path (checked against the grammar; throws CatalogPathError). */
export function toXPath(catalogPath: string): string {
  return pathToString(parseCatalogPath(catalogPath));
}

// Compiled expressions are reusable across documents; the catalogue holds a few thousand paths.
const compiled = new Map<string, XmlXPath>();
const MAX_COMPILED = 5000;

function compile(catalogPath: string): XmlXPath {
  let x = compiled.get(catalogPath);
  if (x) return x;
  x = XmlXPath.compile(toXPath(catalogPath), { ...NS });
  if (compiled.size >= MAX_COMPILED) {
    const oldest = compiled.keys().next().value as string;
    compiled.get(oldest)?.dispose();
    compiled.delete(oldest);
  }
  compiled.set(catalogPath, x);
  return x;
}

export type Selected = XmlElement | XmlAttribute;

/** Nodes a catalogue path selects from a context element (a document means its root element). */
export function selectPath(context: XmlElement | XmlDocument, catalogPath: string): Selected[] {
  const ctx = context instanceof XmlDocument ? context.root : context;
  return ctx.find(compile(catalogPath)).filter((n): n is Selected => n instanceof XmlElement || n instanceof XmlAttribute);
}

/** Value of a selected node: an attribute's value or an element's text content. */
export function valueOf(node: Selected): string {
  return node instanceof XmlAttribute ? node.value : node.content;
}

/** The first value a path selects, or undefined when it selects nothing. */
export function selectValue(context: XmlElement | XmlDocument, catalogPath: string): string | undefined {
  const first = selectPath(context, catalogPath)[0];
  return first === undefined ? undefined : valueOf(first);
}

export function selectValues(context: XmlElement | XmlDocument, catalogPath: string): string[] {
  return selectPath(context, catalogPath).map(valueOf);
}

/** Source line of a node for a finding (an attribute reports its element's line); undefined when unknown. */
export function nodeLine(node: LibXmlNode): number | undefined {
  const el = node instanceof XmlAttribute ? node.parent : node;
  if (el === null) return undefined;
  const line = el.line;
  return line > 0 ? line : undefined;
}

/**
 * Absolute, indexed XPath of a node for a finding location, e.g.
 * /hl7:ClinicalDocument/hl7:component[1]/hl7:structuredBody[1]/hl7:component[3]/hl7:section[1]/hl7:code[1]/@code.
 * Namespaces outside NS are written with local-name()/namespace-uri() so the path still evaluates.
 */
export function xpathOf(node: XmlElement | XmlAttribute): string {
  let suffix = '';
  let el: XmlElement | null;
  if (node instanceof XmlAttribute) {
    const p = node.namespaceUri ? prefixOf(node.namespaceUri) : undefined;
    suffix = node.namespaceUri
      ? p ? `/@${p}:${node.name}` : `/@*[local-name()='${node.name}' and namespace-uri()='${node.namespaceUri}']`
      : `/@${node.name}`;
    el = node.parent;
  } else {
    el = node;
  }
  const parts: string[] = [];
  while (el !== null) {
    const parent = el.parent;
    const test = nameTest(el);
    if (parent === null) {
      parts.push(test);
    } else {
      let index = 1;
      for (let s = el.prev; s !== null; s = s.prev) {
        if (s instanceof XmlElement && s.name === el.name && s.namespaceUri === el.namespaceUri) index++;
      }
      parts.push(`${test}[${index}]`);
    }
    el = parent;
  }
  return '/' + parts.reverse().join('/') + suffix;
}

function nameTest(el: XmlElement): string {
  const uri = el.namespaceUri;
  if (!uri) return el.name;
  const p = prefixOf(uri);
  return p ? `${p}:${el.name}` : `*[local-name()='${el.name}' and namespace-uri()='${uri}']`;
}
