import { ParseOption, XmlDocument, XmlParseError } from 'libxml2-wasm';
import { declaredEncodingOf, decodeXmlBytes } from './encoding.js';
import { XmlInputError, type XmlInputErrorCode } from './errors.js';
import { prescan } from './prescan.js';

export { XmlInputError, type XmlInputErrorCode } from './errors.js';
export { decodeXmlBytes, type DecodedXml } from './encoding.js';

export interface ParseXmlOptions {
  /** refuse inputs larger than this many bytes (UTF-8 bytes for strings); default 50 MB */
  maxBytes?: number;
  /** refuse element nesting deeper than this; default 256 (libxml2 itself stops at 2048) */
  maxDepth?: number;
  /** only for messages and positions */
  fileName?: string;
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 256;

/*
 * Options for hostile input. Never NOENT (entity substitution) nor DTDLOAD/DTDATTR/DTDVALID
 * (external subset), NO_XXE and NONET as a second fence, IGNORE_ENC because we always hand
 * libxml2 UTF-8 ourselves (a GBK declaration left in the text must not re-decode it), BIG_LINES
 * for truthful positions in long files. HUGE lifts libxml2's fixed 10 MB text-node and 256-depth
 * caps: our own maxBytes and maxDepth (checked before parsing) are the limits that count, and
 * entity declarations never reach libxml2.
 */
const PARSE_OPTIONS =
  ParseOption.XML_PARSE_NONET |
  ParseOption.XML_PARSE_NO_XXE |
  ParseOption.XML_PARSE_NO_SYS_CATALOG |
  ParseOption.XML_PARSE_IGNORE_ENC |
  ParseOption.XML_PARSE_BIG_LINES |
  ParseOption.XML_PARSE_HUGE;

/**
 * Parse XML from outside (platform responses, test-package files). The caller owns the
 * returned document and must dispose() it; prefer withXml.
 */
export function parseXml(input: string | Uint8Array, opts: ParseXmlOptions = {}): XmlDocument {
  return parseXmlText(input, opts).doc;
}

/** parseXml, and the text libxml2 parsed (decoded, BOM removed) for src/xml/jstree.ts. */
export function parseXmlText(input: string | Uint8Array, opts: ParseXmlOptions = {}): { doc: XmlDocument; text: string } {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const where = opts.fileName !== undefined ? { fileName: opts.fileName } : {};

  let text: string;
  let utf8: Uint8Array | null = null;
  if (typeof input === 'string') {
    // cheap bound first: a UTF-16 unit is at most 3 UTF-8 bytes
    if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input, 'utf8') > maxBytes)) {
      throw new XmlInputError('too-large', `input is larger than the ${maxBytes}-byte limit`, where);
    }
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    if (input.byteLength > maxBytes) {
      throw new XmlInputError('too-large', `input of ${input.byteLength} bytes is larger than the ${maxBytes}-byte limit`, where);
    }
    const decoded = decodeXmlBytes(input, opts.fileName);
    text = decoded.text;
    // plain UTF-8 bytes go to libxml2 untouched; anything else is re-encoded from the text
    if (!decoded.transcoded && decoded.bom === null) utf8 = input;
  }
  if (text.trim() === '') throw new XmlInputError('malformed', 'the input is empty', where);

  prescan(text, maxDepth, opts.fileName);

  try {
    const doc = utf8 !== null
      ? XmlDocument.fromBuffer(utf8, { option: PARSE_OPTIONS })
      : XmlDocument.fromString(text, { option: PARSE_OPTIONS });
    // libxml2-wasm gives a processing instruction no prev/next, so one inside the root would
    // break every sibling walk over its element (a hostile file crashed the validator layers
    // this way). PIs carry no data for CDA or V3: drop those inside the root element.
    if (text.indexOf('<?', text.startsWith('<?xml') ? 2 : 0) !== -1) {
      for (const pi of doc.find('/*//processing-instruction()')) pi.remove();
    }
    return { doc, text };
  } catch (err) {
    if (err instanceof XmlParseError) {
      const first = err.details.find((d) => d.level >= 2) ?? err.details[0];
      const message = (first?.message ?? err.message).trim();
      const pos = first !== undefined ? { line: first.line, column: first.col } : {};
      throw new XmlInputError(codeFor(message), message, { ...pos, ...where });
    }
    throw err;
  }
}

function codeFor(libxmlMessage: string): XmlInputErrorCode {
  if (/Excessive depth/i.test(libxmlMessage)) return 'too-deep';
  if (/character encoding|Unsupported encoding|not proper UTF-8/i.test(libxmlMessage)) return 'encoding';
  if (/amplification|entity/i.test(libxmlMessage) && /loop|amplification|Detected an entity reference loop/i.test(libxmlMessage)) return 'entity-declaration';
  if (/Resource limit exceeded|too long|Huge input/i.test(libxmlMessage)) return 'too-large';
  return 'malformed';
}

const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_NAME = /^utf-?8$/i;

/**
 * The text of plain input, without parsing: UTF-8 with no byte-order mark, no encoding
 * declared other than UTF-8, valid UTF-8 throughout (a string: no leading BOM), within
 * maxBytes and not blank. Anything else (BOM, UTF-16, a declared GBK, invalid bytes, too
 * large, empty) gives undefined: the caller then takes parseXmlText, which decodes, reports and
 * refuses such input as it always has. For the validator's fast path (src/validate/file.ts).
 */
export function decodePlainXml(input: string | Uint8Array, maxBytes = DEFAULT_MAX_BYTES): string | undefined {
  let text: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input, 'utf8') > maxBytes)) return undefined;
    if (input.charCodeAt(0) === 0xfeff) return undefined;
    text = input;
  } else {
    const n = input.byteLength;
    if (n === 0 || n > maxBytes) return undefined;
    // a BOM (UTF-8 or UTF-16) or a NUL in the first two bytes (BOM-less UTF-16/32): not plain
    if (input[0] === 0xef || input[0] === 0xfe || input[0] === 0xff || input[0] === 0 || (n > 1 && input[1] === 0)) return undefined;
    let head = '';
    for (let i = 0, end = Math.min(256, n); i < end; i++) head += String.fromCharCode(input[i]!);
    const declared = declaredEncodingOf(head);
    if (declared !== null && !UTF8_NAME.test(declared)) return undefined;
    try {
      text = FATAL_UTF8.decode(input);
    } catch {
      return undefined;
    }
  }
  return text.trim() === '' ? undefined : text;
}

/**
 * Parse, run fn, always dispose. If fn returns a promise the document lives until it settles.
 */
export function withXml<T>(input: string | Uint8Array, fn: (doc: XmlDocument) => T, opts?: ParseXmlOptions): T {
  const doc = parseXml(input, opts);
  let result: T;
  try {
    result = fn(doc);
  } catch (err) {
    doc.dispose();
    throw err;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).finally(() => doc.dispose()) as T;
  }
  doc.dispose();
  return result;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}
