import { isNsPrefix, type NsPrefix } from './ns.js';

/**
 * The catalogue path grammar (src/catalog/types.ts), parsed once so that evaluation (XPath)
 * and building (light tree) read the very same structure.
 *
 *   path      := ( step ( '/' step )* ( '/' '@' NAME )? ) | '@' NAME
 *   step      := QNAME predicate*
 *   predicate := '[' rel '=' "'" literal "'" ']'
 *   rel       := ( QNAME '/' )* ( QNAME | '@' NAME )
 *
 * Beyond the documented grammar, '@' NAME may carry a prefix (`@xsi:type`) and a path may be a
 * bare attribute of the context node (`@classCode`).
 */
export interface QName {
  prefix: NsPrefix;
  local: string;
}

export interface AttrName {
  prefix?: NsPrefix;
  local: string;
}

export interface RelPath {
  steps: QName[];
  attribute?: AttrName;
}

export interface Predicate {
  rel: RelPath;
  value: string;
}

export interface Step extends QName {
  predicates: Predicate[];
}

export interface CatalogPath {
  steps: Step[];
  attribute?: AttrName;
}

export class CatalogPathError extends Error {
  override readonly name = 'CatalogPathError';
  constructor(readonly path: string, readonly position: number, reason: string) {
    super(`bad catalogue path at ${position + 1}: ${reason}\n  ${path}\n  ${' '.repeat(position)}^`);
  }
}

const NAME_START = /[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR = /[-.0-9\u00B7\u0300-\u036F\u203F-\u2040A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;

const cache = new Map<string, CatalogPath>();

export function parseCatalogPath(path: string): CatalogPath {
  const hit = cache.get(path);
  if (hit) return hit;
  const parsed = new Parser(path).path();
  if (cache.size > 10_000) cache.clear();
  cache.set(path, parsed);
  return parsed;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  path(): CatalogPath {
    if (this.s.length === 0) this.fail('empty path');
    const steps: Step[] = [];
    let attribute: AttrName | undefined;
    for (;;) {
      if (this.peek() === '@') {
        this.i++;
        attribute = this.attrName();
        break;
      }
      steps.push(this.step());
      if (this.i >= this.s.length) break;
      this.expect('/');
    }
    if (this.i < this.s.length) this.fail(attribute ? 'nothing may follow the attribute' : `unexpected "${this.s[this.i]}"`);
    return attribute ? { steps, attribute } : { steps };
  }

  private step(): Step {
    const q = this.qname();
    const predicates: Predicate[] = [];
    while (this.peek() === '[') predicates.push(this.predicate());
    return { ...q, predicates };
  }

  private predicate(): Predicate {
    this.expect('[');
    const steps: QName[] = [];
    let attribute: AttrName | undefined;
    for (;;) {
      if (this.peek() === '@') {
        this.i++;
        attribute = this.attrName();
        break;
      }
      steps.push(this.qname());
      if (this.peek() !== '/') break;
      this.i++;
    }
    this.expect('=');
    const open = this.i;
    this.expect("'");
    const end = this.s.indexOf("'", this.i);
    if (end === -1) {
      this.i = open;
      this.fail('unterminated literal');
    }
    const value = this.s.slice(this.i, end);
    this.i = end + 1;
    this.expect(']');
    return { rel: attribute ? { steps, attribute } : { steps }, value };
  }

  private qname(): QName {
    const start = this.i;
    const first = this.name('element name');
    if (this.peek() !== ':') {
      this.i = start;
      this.fail(`element "${first}" needs a namespace prefix (hl7:, xsi: or sdtc:)`);
    }
    if (!isNsPrefix(first)) {
      this.i = start;
      this.fail(`unknown prefix "${first}" (hl7, xsi or sdtc)`);
    }
    this.i++;
    return { prefix: first, local: this.name('element name') };
  }

  private attrName(): AttrName {
    const start = this.i;
    const first = this.name('attribute name');
    if (this.peek() !== ':') return { local: first };
    if (!isNsPrefix(first)) {
      this.i = start;
      this.fail(`unknown prefix "${first}" (hl7, xsi or sdtc)`);
    }
    this.i++;
    return { prefix: first, local: this.name('attribute name') };
  }

  private name(what: string): string {
    const start = this.i;
    if (!NAME_START.test(this.s[this.i] ?? '')) this.fail(`${what} expected`);
    this.i++;
    while (this.i < this.s.length && NAME_CHAR.test(this.s[this.i]!)) this.i++;
    return this.s.slice(start, this.i);
  }

  private peek(): string | undefined {
    return this.s[this.i];
  }

  private expect(ch: string): void {
    if (this.s[this.i] !== ch) this.fail(`"${ch}" expected${this.i < this.s.length ? `, found "${this.s[this.i]}"` : ' at the end'}`);
    this.i++;
  }

  private fail(reason: string): never {
    throw new CatalogPathError(this.s, Math.min(this.i, this.s.length), reason);
  }
}

function qn(q: QName): string {
  return `${q.prefix}:${q.local}`;
}

function an(a: AttrName): string {
  return `@${a.prefix ? `${a.prefix}:` : ''}${a.local}`;
}

export function relToString(r: RelPath): string {
  const parts = r.steps.map(qn);
  if (r.attribute) parts.push(an(r.attribute));
  return parts.join('/');
}

/** Canonical text of a parsed path; equal to a well-written catalogue path and valid XPath 1.0. */
export function pathToString(p: CatalogPath): string {
  const parts = p.steps.map((s) => qn(s) + s.predicates.map((pr) => `[${relToString(pr.rel)}='${pr.value}']`).join(''));
  if (p.attribute) parts.push(an(p.attribute));
  return parts.join('/');
}
