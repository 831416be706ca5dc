import type { XmlDocument } from 'libxml2-wasm';
import type { Finding } from '../../findings/types.js';
import { declaredEncodingOf, decodeXmlBytes } from '../../xml/encoding.js';
import { XmlInputError } from '../../xml/errors.js';
import { NS } from '../../xml/ns.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parseXmlText } from '../../xml/parse.js';
import { finding } from '../rules.js';

/**
 * Layer 1, pre-flight: the bytes become a parsed document or a clean finding. Encoding (UTF-8,
 * BOM, a declared GBK/GB18030 decoded and reported), size and depth limits, entity declarations
 * refused (XXE, billion laughs), well-formedness with line and column, then the root element's
 * namespace. Nothing here expands entities or touches the file system or network: src/xml's
 * parser is the only door.
 */

export interface PreflightOptions {
  file: string;
  maxBytes?: number;
  maxDepth?: number;
}

export type RootClass = 'document' | 'message' | 'envelope' | 'other';

export interface PreflightResult {
  /** the parsed document (caller disposes) when the input could be parsed */
  doc?: XmlDocument;
  /** the text libxml2 parsed (with doc) */
  text?: string;
  rootClass?: RootClass;
  findings: Finding[];
}

const SOAP_NS = new Set(['http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope']);
const V3_ROOT = /^[A-Z]{4}_IN\d{6}[A-Z0-9]*$/;
const UTF8 = /^utf-?8$/i;
const ASCII = /^(us-)?ascii$/i;

/** What the root element (local name, namespace URI) makes of a file; the namespace is checked separately. */
export function classifyRoot(local: string, ns: string): RootClass {
  if (local === 'Envelope' && SOAP_NS.has(ns)) return 'envelope';
  if (local === 'ClinicalDocument') return 'document';
  if (V3_ROOT.test(local)) return 'message';
  return 'other';
}

function latin1Head(bytes: Uint8Array, n = 256): string {
  let s = '';
  const end = Math.min(n, bytes.length);
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function inputFinding(err: XmlInputError, file: string, size: number, limit: number): Finding {
  const where = { file, ...(err.line !== undefined ? { line: err.line } : {}), ...(err.column !== undefined ? { column: err.column } : {}) };
  const reason = err.message.replace(/ \([^()]*:\d+(:\d+)?\)$/, '');
  switch (err.code) {
    case 'too-large':
      return finding('HT-PRE-TOO-LARGE', { size, limit }, where);
    case 'too-deep':
      return finding('HT-PRE-TOO-DEEP', { limit: /deeper than (\d+)/.exec(reason)?.[1] ?? '' }, where);
    case 'entity-declaration':
      return finding('HT-PRE-ENTITY', {}, where);
    case 'encoding':
      return finding('HT-PRE-ENCODING', { reason }, where);
    default:
      return finding('HT-PRE-MALFORMED', { line: err.line ?? 1, column: err.column ?? 1, reason }, where);
  }
}

export function preflight(input: string | Uint8Array, opts: PreflightOptions): PreflightResult {
  const findings: Finding[] = [];
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const file = opts.file;
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) {
    findings.push(finding('HT-PRE-TOO-LARGE', { size, limit: maxBytes }, { file }));
    return { findings };
  }
  if (size === 0) {
    findings.push(finding('HT-PRE-UNREADABLE', { reason: '文件为空 (empty file)' }, { file }));
    return { findings };
  }

  let parseInput: string | Uint8Array = input;
  if (typeof input !== 'string') {
    const bomUtf8 = input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf;
    const bomUtf16 = input.length >= 2 && ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff));
    if (bomUtf8) findings.push(finding('HT-PRE-BOM', {}, { file, line: 1 }));
    const declared = bomUtf16 ? null : declaredEncodingOf(latin1Head(bomUtf8 ? input.subarray(3) : input));
    const plain = !bomUtf16 && (declared === null || UTF8.test(declared) || ASCII.test(declared))
      && !(input.length >= 2 && (input[0] === 0 || input[1] === 0));
    if (!plain) {
      // the rare non-UTF-8 file: decode here to report what was done, then parse the text
      try {
        const d = decodeXmlBytes(input, file);
        if (d.bom === 'UTF-16LE' || d.bom === 'UTF-16BE') findings.push(finding('HT-PRE-BOM', {}, { file, line: 1 }));
        if (d.transcoded) {
          if (d.text.includes('\uFFFD')) {
            findings.push(finding('HT-PRE-ENCODING', { reason: `按声明的 ${d.declaredEncoding ?? d.encoding} 解码出现无法识别的字节（bytes invalid for ${d.encoding}）` }, { file, line: 1 }));
            return { findings };
          }
          findings.push(finding('HT-PRE-ENCODING-DECLARED', { encoding: d.declaredEncoding ?? d.encoding }, { file, line: 1 }));
        }
        parseInput = d.text;
      } catch (err) {
        if (err instanceof XmlInputError) {
          findings.push(inputFinding(err, file, size, maxBytes));
          return { findings };
        }
        throw err;
      }
    }
  }

  let doc: XmlDocument;
  let text: string;
  try {
    ({ doc, text } = parseXmlText(parseInput, { maxBytes, maxDepth, fileName: file }));
  } catch (err) {
    if (err instanceof XmlInputError) {
      findings.push(inputFinding(err, file, size, maxBytes));
      return { findings };
    }
    throw err;
  }

  const root = doc.root;
  const ns = root.namespaceUri ?? '';
  const rootClass = classifyRoot(root.name, ns);
  const rootLine = root.line > 0 ? root.line : undefined;
  const at = { file, ...(rootLine !== undefined ? { line: rootLine } : {}), xpath: ns ? `/*[local-name()='${root.name}']` : `/${root.name}` };
  if ((rootClass === 'document' || rootClass === 'message') && ns !== NS.hl7) {
    findings.push(finding('HT-PRE-NAMESPACE', { root: root.name, ns: ns === '' ? '（无命名空间 none）' : ns }, at));
  } else if (rootClass === 'other') {
    findings.push(finding('HT-PRE-KIND-UNKNOWN', { root: ns ? `{${ns}}${root.name}` : root.name }, at));
  }
  return { doc, text, rootClass, findings };
}
