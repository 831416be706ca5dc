/**
 * Bytes ↔ text for message bodies. Chinese platforms still answer in GBK/GB18030 now and then,
 * so the charset comes from Content-Type, then a BOM, then the XML declaration, then UTF-8;
 * a body that is not valid in its charset is decoded with replacement characters and said so.
 */
import iconv from 'iconv-lite';

export interface MediaType {
  /** lower-cased type/subtype, '' when absent */
  type: string;
  /** parameters, names lower-cased, values unquoted */
  params: Record<string, string>;
}

export function parseContentType(value: string | undefined): MediaType {
  if (!value) return { type: '', params: {} };
  // Without a quote there is no quoted string to step over: a plain split gives the same parts
  // (this runs on every request, twice: readRequest and decodeBody).
  const [head, ...rest] = value.includes('"') ? splitParams(value) : value.split(';');
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq === -1) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    if (name && !(name in params)) params[name] = v;
  }
  return { type: (head ?? '').trim().toLowerCase(), params };
}

/** Split on ';' outside quoted strings (the SOAP 1.2 action parameter is quoted and may hold ';'). */
function splitParams(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as string;
    if (q && c === '\\' && i + 1 < v.length) {
      cur += c + (v[++i] as string);
      continue;
    }
    if (c === '"') q = !q;
    if (c === ';' && !q) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function normalizeCharset(cs: string): string {
  const c = cs.trim().toLowerCase();
  if (c === 'utf8') return 'utf-8';
  if (c === 'gb2312' || c === 'gb_2312-80' || c === 'x-gbk' || c === 'cp936') return 'gbk';
  return c;
}

function sniffDeclaration(bytes: Uint8Array): string | undefined {
  // The declaration is ASCII in every charset we accept; 200 bytes is plenty.
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._\-]+)["']/.exec(head)?.[1];
}

/**
 * One decoder per (encoding, fatal): decode() without `stream` keeps no state between calls,
 * so sharing is safe, and constructing a TextDecoder per body is measurable at load.
 */
type Decoder = InstanceType<typeof TextDecoder>;
const decoders = new Map<string, Decoder>();

function decoder(encoding: 'utf-8' | 'utf-16le' | 'utf-16be', fatal: boolean): Decoder {
  const key = `${encoding}/${fatal ? 'fatal' : 'replace'}`;
  let d = decoders.get(key);
  if (!d) {
    d = new TextDecoder(encoding, { fatal, ignoreBOM: true });
    decoders.set(key, d);
  }
  return d;
}

export interface DecodedBody {
  text: string;
  charset: string;
  warnings: string[];
}

export function isSupportedCharset(cs: string): boolean {
  const c = normalizeCharset(cs);
  return c === 'utf-8' || c === 'utf-16le' || c === 'utf-16be' || iconv.encodingExists(c);
}

/** Decode a body; never throws for bad bytes (warns), throws only for an unknown declared charset when `strict`. */
export function decodeBody(bytes: Uint8Array, contentType: string | undefined, strict = false): DecodedBody {
  const warnings: string[] = [];
  let charset: string | undefined;
  const declared = parseContentType(contentType).params.charset;
  if (declared) charset = normalizeCharset(declared);
  let body = bytes;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    if (charset && charset !== 'utf-8') warnings.push(`Content-Type says charset=${declared} but the body starts with a UTF-8 byte-order mark`);
    charset ??= 'utf-8';
    body = bytes.subarray(3);
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    charset ??= 'utf-16le';
    body = bytes.subarray(2);
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    charset ??= 'utf-16be';
    body = bytes.subarray(2);
  }
  if (!charset) {
    const d = sniffDeclaration(bytes);
    charset = d ? normalizeCharset(d) : 'utf-8';
  }
  if (!isSupportedCharset(charset)) {
    if (strict) throw new RangeError(`unsupported charset "${charset}"`);
    warnings.push(`unsupported charset "${charset}"; decoded as UTF-8`);
    charset = 'utf-8';
  }
  if (charset === 'utf-8') {
    try {
      return { text: decoder('utf-8', true).decode(body), charset, warnings };
    } catch {
      warnings.push('the body is not valid UTF-8; invalid bytes were replaced with U+FFFD');
      return { text: decoder('utf-8', false).decode(body), charset, warnings };
    }
  }
  if (charset === 'utf-16le' || charset === 'utf-16be') {
    return { text: decoder(charset, false).decode(body), charset, warnings };
  }
  const text = iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), charset);
  if (text.includes('\ufffd')) warnings.push(`the body has bytes that are not valid ${charset}; they were replaced with U+FFFD`);
  return { text, charset, warnings };
}

export function encodeBody(text: string, charset: string): Buffer {
  const c = normalizeCharset(charset);
  return c === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, c);
}
