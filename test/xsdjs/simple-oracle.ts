import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XmlDocument, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import { withSchemaFiles } from '../../src/validate/xsd-provider.js';

/**
 * libxml2-wasm as the oracle for simple types: a schema with one element `t` carrying one
 * attribute per type under test, compiled from memory (optionally including schema files of a
 * folder), and one tiny document per (attribute, value).
 */

export const XS = 'http://www.w3.org/2001/XMLSchema';

/** Escape a value for a double-quoted attribute so that it reaches the validator unchanged. */
export function attrEscape(v: string): string {
  let out = '';
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '"') out += '&quot;';
    else if (c === 9 || c === 10 || c === 13) out += `&#${c};`;
    else out += ch;
  }
  return out;
}

export interface Oracle {
  /** does libxml2 accept value for the attribute `attr`? (nsDecls: extra xmlns declarations on the element) */
  accepts(attr: string, value: string, nsDecls?: Record<string, string>): boolean;
  dispose(): void;
}

/**
 * attrs: attribute name → type QName as written in the schema (e.g. 'xs:token', 'ts').
 * extraTypes: xs:simpleType declarations (text) placed in the schema. includeDir: a folder whose
 * .xsd files named in `includes` are xs:included (same target namespace urn:hl7-org:v3).
 */
export function makeOracle(attrs: Record<string, string>, opts: { extraTypes?: string; includeDir?: string; includes?: string[] } = {}): Oracle {
  const tns = 'urn:hl7-org:v3';
  const inc = (opts.includes ?? []).map((f) => `<xs:include schemaLocation="${f}"/>`).join('');
  // one element per attribute under test (an element may carry one ID attribute only); a type
  // starting with '<' is an anonymous xs:simpleType written out
  const decls = Object.entries(attrs)
    .map(([n, t]) => {
      const a = t.startsWith('<') ? `<xs:attribute name="v">${t}</xs:attribute>` : `<xs:attribute name="v" type="${t}"/>`;
      return `<xs:element name="probe.${n}"><xs:complexType>${a}</xs:complexType></xs:element>`;
    })
    .join('');
  const xsd = `<?xml version="1.0"?><xs:schema xmlns:xs="${XS}" xmlns="${tns}" targetNamespace="${tns}" elementFormDefault="qualified">${inc}${opts.extraTypes ?? ''}${decls}</xs:schema>`;
  const files = new Map<string, Uint8Array>();
  const dir = opts.includeDir !== undefined ? resolve(opts.includeDir) : process.cwd();
  if (opts.includeDir !== undefined) {
    for (const f of readdirSync(dir)) if (f.endsWith('.xsd')) files.set(join(dir, f), readFileSync(join(dir, f)));
  }
  let sdoc: XmlDocument;
  try {
    sdoc = XmlDocument.fromString(xsd);
  } catch (err) {
    writeFileSync('/tmp/oracle-bad.xsd', xsd);
    throw err;
  }
  let validator: XsdValidator;
  try {
    validator = withSchemaFiles(dir, files, () => XsdValidator.fromDoc(sdoc)).result;
  } finally {
    sdoc.dispose();
  }
  return {
    accepts(attr, value, nsDecls = {}) {
      const decls = Object.entries(nsDecls)
        .map(([p, u]) => (p === '' ? ` xmlns="${u}"` : ` xmlns:${p}="${u}"`))
        .join('');
      const hasDefault = Object.prototype.hasOwnProperty.call(nsDecls, '');
      const text = hasDefault
        ? `<h:probe.${attr} xmlns:h="${tns}"${decls} v="${attrEscape(value)}"/>`
        : `<probe.${attr} xmlns="${tns}"${decls} v="${attrEscape(value)}"/>`;
      const doc = XmlDocument.fromString(text);
      try {
        validator.validate(doc);
        return true;
      } catch (err) {
        if (err instanceof XmlValidateError) return false;
        throw err;
      } finally {
        doc.dispose();
      }
    },
    dispose() {
      validator.dispose();
    },
  };
}
