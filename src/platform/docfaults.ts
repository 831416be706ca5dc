import type { Catalog, DocumentTemplate } from '../catalog/types.js';

/**
 * Document corruptions of the wrong-code / missing-section / wrong-template profiles. They
 * work on the text of documents the harness registered (or the seed built), so they are plain
 * text edits; each returns undefined when it finds nothing to corrupt.
 */

export const WRONG_CODE = 'HTX99';
export const WRONG_TEMPLATE_ID = '2.16.156.10011.2.1.1.999';

/** The stored content of a document field: base64 of the CDA, or the CDA itself. */
export function decodeContent(content: string): { xml: string; base64: boolean } | undefined {
  const t = content.trim();
  if (t.startsWith('<')) return { xml: t, base64: false };
  if (!/^[A-Za-z0-9+/=\s]+$/.test(t)) return undefined;
  const xml = Buffer.from(t, 'base64').toString('utf8');
  return xml.trimStart().startsWith('<') ? { xml, base64: true } : undefined;
}

export function encodeContent(xml: string, base64: boolean): string {
  return base64 ? Buffer.from(xml, 'utf8').toString('base64') : xml;
}

/**
 * The template of a document by its type code (ClinicalDocument/code@code): WS/T 500 carries
 * the catalogue code (C0001), WS/T 483 its own type code (HSDB04.01, `typeCode`). The first
 * <code> whose value names a template decides (the document's code precedes every section's).
 */
function templateOf(xml: string, catalog: Catalog): DocumentTemplate | undefined {
  for (const m of xml.matchAll(/<code\s[^>]*?\bcode="([^"]+)"/g)) {
    const t = catalog.documents.find((d) => (d.typeCode ?? d.code) === m[1]);
    if (t) return t;
  }
  return undefined;
}

/** Replace the code of the first coded element whose value set enumerates its concepts. */
export function wrongCode(xml: string, catalog: Catalog): string | undefined {
  const tag = /<[A-Za-z][^<>]*\bcodeSystem="([0-9.]+)"[^<>]*>/g;
  // the document type code says what the document is; a wrong one is another fault
  const docCodeSystem = templateOf(xml, catalog)?.codeSystem ?? '2.16.156.10011.2.4';
  for (const m of xml.matchAll(tag)) {
    // HL7's own code systems (confidentiality …) are HL7's business, not WS 364's
    if (m[1] === docCodeSystem || m[1]!.startsWith('2.16.840.1.113883.')) continue;
    const vs = catalog.valueSets.get(m[1]!);
    if (!vs || vs.concepts.length === 0 || !vs.verified) continue;
    if (!/\bcode="[^"]*"/.test(m[0])) continue;
    const bad = m[0].replace(/\bcode="[^"]*"/, `code="${WRONG_CODE}"`);
    return xml.slice(0, m.index) + bad + xml.slice(m.index + m[0].length);
  }
  return undefined;
}

/**
 * Remove the <component> holding the first required section (by its LOINC code). A template
 * without required sections loses its first section: the document still conforms, but its
 * content no longer equals what was registered.
 */
export function missingSection(xml: string, catalog: Catalog): string | undefined {
  const t = templateOf(xml, catalog);
  const req = t?.sections.find((s) => s.cardinality.startsWith('1'));
  const codes = req ? [req.code] : (t?.sections ?? []).map((s) => s.code);
  for (const code of codes) {
    const re = new RegExp(`<section\\b[^>]*>\\s*(?:<[^>]+>\\s*)*?<code\\s[^>]*code="${code.replace(/\./g, '\\.')}"`, 'g');
    const m = re.exec(xml);
    if (!m) continue;
    const start = xml.lastIndexOf('<component', m.index);
    if (start < 0) continue;
    const end = closing(xml, start, 'component');
    if (end < 0) continue;
    return xml.slice(0, start) + xml.slice(end);
  }
  return undefined;
}

/** Offset just after the element starting at `start` closes (balanced by tag name). */
function closing(xml: string, start: number, name: string): number {
  const re = new RegExp(`<(/?)${name}\\b[^>]*?(/?)>`, 'g');
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[1] === '/') depth--;
    else if (m[2] !== '/') depth++;
    if (depth === 0) return m.index + m[0].length;
  }
  return -1;
}

/** Put a templateId no WS/T 500 template has on the document. */
export function wrongTemplate(xml: string, catalog: Catalog): string | undefined {
  const t = templateOf(xml, catalog);
  if (!t) return undefined;
  const at = xml.indexOf(`<templateId root="${t.templateId}"`);
  if (at < 0) return undefined;
  return xml.replace(`<templateId root="${t.templateId}"`, `<templateId root="${WRONG_TEMPLATE_ID}"`);
}
