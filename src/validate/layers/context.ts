import type { Catalog } from '../../catalog/types.js';
import type { Finding, Severity } from '../../findings/types.js';
import { lineOfJ, xpathOfJ, type JAttr, type JElement, type JSelected } from '../../xml/jstree.js';
import type { Detection } from '../detect.js';
import { finding, type FindingParams } from '../rules.js';
import type { Expectation } from '../types.js';

export { elementsJ as elementsOf, kids as childrenNamed } from '../../xml/jstree.js';

/** What every content layer gets for one parsed file. */
export interface LayerContext {
  /** display path of the file */
  file: string;
  /** the document as a JavaScript tree, built once (src/xml/jstree.ts) */
  root: JElement;
  catalog: Catalog;
  detection: Detection;
  expect?: Expectation;
}

/** Collects findings located at nodes: source line, absolute indexed XPath. */
export class Findings {
  readonly list: Finding[] = [];
  constructor(private readonly file: string) {}

  /**
   * Add a finding at a node. `paramsEn` overrides params for the English text (reasons that
   * come in two languages).
   */
  add(rule: string, params: FindingParams, node?: JSelected | null, opts: { severity?: Severity; paramsEn?: FindingParams } = {}): Finding {
    const where: Parameters<typeof finding>[2] = { file: this.file };
    if (node) {
      const line = lineOfJ(node);
      if (line !== undefined) where.line = line;
      where.xpath = xpathOfJ(node);
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

/** An attribute's value by local name (no namespace) or by namespace URI; undefined when absent. */
export function attr(el: JElement | undefined, name: string, nsUri = ''): string | undefined {
  return el === undefined ? undefined : el.attr(name, nsUri)?.value;
}

/**
 * Elements told apart as (line, name, key): what a layer already checked or covered, so that a
 * later walk skips it. By line first: most elements are not in it, and a number is looked up
 * without building a key. Two elements alike in all three count as one (a one-line document),
 * as they always have.
 */
export class ElementKeys {
  size = 0;
  private readonly byLine = new Map<number, string[]>();

  add(el: JElement, key: string): void {
    const list = this.byLine.get(el.line);
    if (list === undefined) this.byLine.set(el.line, [el.local, key]);
    else list.push(el.local, key);
    this.size++;
  }

  has(el: JElement, key: string): boolean {
    const list = this.byLine.get(el.line);
    if (list === undefined) return false;
    const local = el.local;
    for (let i = 0; i < list.length; i += 2) if (list[i] === local && list[i + 1] === key) return true;
    return false;
  }
}
