import iconv from 'iconv-lite';
import { XmlInputError } from './errors.js';

/** What the bytes of an XML file turned out to be; the pre-flight layer reports it. */
export interface DecodedXml {
  /** the document as text, byte-order mark removed; the XML declaration is left as written */
  text: string;
  /** encoding named in the XML declaration, as written (null when there is none) */
  declaredEncoding: string | null;
  bom: 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | null;
  /** the encoding actually used to decode the bytes */
  encoding: string;
  /** true when the bytes were not UTF-8 and were converted */
  transcoded: boolean;
}

const GB_FAMILY = /^(gbk|gb2312|gb_2312-80|gb18030|cp936|x-gbk|euc-cn)$/i;
const UTF8 = /^utf-?8$/i;
const UTF16 = /^(utf-?16|ucs-?2)(le|be)?$/i;
const ASCII = /^(us-)?ascii$/i;

/**
 * Decode the bytes of an XML document. UTF-8 (with or without BOM) is taken as is and must be
 * valid; a UTF-16 byte-order mark is honoured; a declared GBK / GB2312 / GB18030 (still common
 * in hospital systems) is decoded as GB18030, their superset. Anything else iconv-lite knows is
 * decoded too and marked transcoded. Throws XmlInputError('encoding') with the position of the
 * first bad byte.
 */
export function decodeXmlBytes(bytes: Uint8Array, fileName?: string): DecodedXml {
  const where = fileName !== undefined ? { fileName } : {};
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = decodeUtf8(bytes.subarray(3), fileName);
    return { text, declaredEncoding: declaredEncodingOf(text), bom: 'UTF-8', encoding: 'UTF-8', transcoded: false };
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const le = bytes[0] === 0xff;
    const text = decodeUtf16(bytes.subarray(2), le, fileName);
    return { text, declaredEncoding: declaredEncodingOf(text), bom: le ? 'UTF-16LE' : 'UTF-16BE', encoding: le ? 'UTF-16LE' : 'UTF-16BE', transcoded: true };
  }
  // UTF-16 without a BOM still announces itself by "<?" in two-byte units (XML 1.0 appendix F)
  if (bytes.length >= 4 && bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] === 0x3f && bytes[3] === 0) {
    const text = decodeUtf16(bytes, true, fileName);
    return { text, declaredEncoding: declaredEncodingOf(text), bom: null, encoding: 'UTF-16LE', transcoded: true };
  }
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x3c && bytes[2] === 0 && bytes[3] === 0x3f) {
    const text = decodeUtf16(bytes, false, fileName);
    return { text, declaredEncoding: declaredEncodingOf(text), bom: null, encoding: 'UTF-16BE', transcoded: true };
  }

  // ASCII-compatible: the declaration can be read before decoding
  const head = latin1(bytes.subarray(0, 256));
  const declared = declaredEncodingOf(head);
  if (declared === null || UTF8.test(declared) || ASCII.test(declared)) {
    return { text: decodeUtf8(bytes, fileName), declaredEncoding: declared, bom: null, encoding: 'UTF-8', transcoded: false };
  }
  if (UTF16.test(declared)) {
    throw new XmlInputError('encoding', `the XML declaration says ${declared} but the bytes are not UTF-16 (no byte-order mark, ASCII-compatible)`, { line: 1, column: 1, ...where });
  }
  const codec = GB_FAMILY.test(declared) ? 'gb18030' : declared;
  if (!iconv.encodingExists(codec)) {
    throw new XmlInputError('encoding', `unsupported encoding "${declared}" in the XML declaration`, { line: 1, column: 1, ...where });
  }
  return { text: iconv.decode(toBuffer(bytes), codec), declaredEncoding: declared, bom: null, encoding: codec === 'gb18030' ? 'GB18030' : declared, transcoded: true };
}

/** The encoding pseudo-attribute of an XML declaration at the very start of `text`. */
export function declaredEncodingOf(text: string): string | null {
  const m = /^<\?xml[ \t\r\n][^?>]*?encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/.exec(text);
  return m ? m[2]! : null;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array, fileName?: string): string {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const pos = bytePosition(bytes, at);
    throw new XmlInputError('encoding', `invalid UTF-8 byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at byte offset ${at}`, { ...pos, ...(fileName !== undefined ? { fileName } : {}) });
  }
}

function decodeUtf16(bytes: Uint8Array, le: boolean, fileName?: string): string {
  if (bytes.length % 2 !== 0) {
    throw new XmlInputError('encoding', 'UTF-16 input has an odd number of bytes', fileName !== undefined ? { fileName } : {});
  }
  try {
    return new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new XmlInputError('encoding', 'invalid UTF-16 (unpaired surrogate)', fileName !== undefined ? { fileName } : {});
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (overlongs, surrogates and > U+10FFFF included). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) { i++; continue; }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) { need = 2; if (c === 0xe0) lo = 0xa0; if (c === 0xed) hi = 0x9f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; if (c === 0xf0) lo = 0x90; if (c === 0xf4) hi = 0x8f; }
    else return i;
    if (i + need >= n) return i;
    const second = b[i + 1];
    if (second === undefined || second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || x < 0x80 || x > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

function bytePosition(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) { line++; lineStart = i + 1; }
  // the line up to the bad byte is valid UTF-8: count its characters
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, column: [...prefix].length + 1 };
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
