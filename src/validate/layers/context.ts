import { XmlAttribute, XmlElement, XmlXPath, type XmlDocument } from 'libxml2-wasm';
import type { Catalog } from '../../catalog/types.js';
import type { Finding, Severity } from '../../findings/types.js';
import { nodeLine, xpathOf } from '../../xml/path.js';
import type { Detection } from '../detect.js';
import { finding, type FindingParams } from '../rules.js';
import type { Expectation } from '../types.js';

/** What every content layer gets for one parsed file. */
export interface LayerContext {
  /** display path of the file */
  file: string;
  doc: XmlDocument;
  root: XmlElement;
  catalog: Catalog;
  detection: Detection;
  expect?: Expectation;
}

/** Collects findings located at nodes: line from libxml2, absolute indexed XPath. */
export class Findings {
  readonly list: Finding[] = [];
  constructor(private readonly file: string) {}

  /**
   * Add a finding at a node. `paramsEn` overrides params for the English text (reasons that
   * come in two languages).
   */
  add(rule: string, params: FindingParams, node?: XmlElement | XmlAttribute | null, opts: { severity?: Severity; paramsEn?: FindingParams } = {}): Finding {
    const where: Parameters<typeof finding>[2] = { file: this.file };
    if (node) {
      const line = nodeLine(node);
      if (line !== undefined) where.line = line;
      where.xpath = xpathOf(node);
    }
    if (opts.severity !== undefined) where.severity = opts.severity;
    const f = finding(rule, params, where);
    if (opts.paramsEn) {
      const en = finding(rule, { ...params, ...opts.paramsEn }, where);
      if (en.messageEn !== undefined) f.messageEn = en.messageEn;
      if (en.hintEn !== undefined) f.hintEn = en.hintEn;
    }
    this.list.push(f);
    return f;
  }

  /** a finding located by an XPath string only (the node does not exist: the place it should be) */
  addAt(rule: string, params: FindingParams, xpath: string, line?: number): Finding {
    const where: Parameters<typeof finding>[2] = { file: this.file, xpath };
    if (line !== undefined) where.line = line;
    const f = finding(rule, params, where);
    this.list.push(f);
    return f;
  }
}

export function elementsOf(nodes: (XmlElement | XmlAttribute)[]): XmlElement[] {
  return nodes.filter((n): n is XmlElement => n instanceof XmlElement);
}

/** An attribute's value by local name (no namespace) or by namespace URI; undefined when absent. */
export function attr(el: XmlElement | undefined, name: string, nsUri?: string): string | undefined {
  if (!el) return undefined;
  if (nsUri === undefined) return el.attr(name)?.value;
  for (const a of el.attrs) if (a.name === name && a.namespaceUri === nsUri) return a.value;
  return undefined;
}

// one compiled child step per (namespace, name): a libxml2 XPath step is several times cheaper
// than walking the children from JavaScript, which wraps every node (whitespace text included)
const childSteps = new Map<string, XmlXPath>();
const NCNAME = /^[A-Za-z_][\w.-]*$/;

/** Child elements of an element with a local name in a namespace (hl7 by default). */
export function childrenNamed(el: XmlElement, local: string, nsUri = 'urn:hl7-org:v3'): XmlElement[] {
  if (!NCNAME.test(local)) return [];
  const key = `${nsUri} ${local}`;
  let step = childSteps.get(key);
  if (!step) {
    step = XmlXPath.compile(`c:${local}`, { c: nsUri });
    childSteps.set(key, step);
  }
  return el.find(step).filter((n): n is XmlElement => n instanceof XmlElement);
}
