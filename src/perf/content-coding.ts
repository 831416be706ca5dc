/**
 * Content-Encoding of a response under load: gzip (x-gzip), deflate and br bodies are decoded
 * before the checker sees them, so a platform that compresses its answers is checked on what it
 * said, not on compressed bytes (which would all be invalid-body).
 *
 * The platform is hostile: a few kilobytes of gzip can inflate to gigabytes. Every decoding is
 * bounded by the stage's body limit (zlib's maxOutputLength: decoding stops as soon as the
 * output would pass it, the memory is never taken) and a bomb is the error class
 * body-too-large ("decoded body larger than …"); corrupt data, an unknown coding or more than
 * MAX_CODINGS of them is invalid-encoding. Decoding runs only when the checker reads the body
 * (a checker marked `needsBody: false`, like statusChecker, skips it) and after the response's
 * end instant was taken: the latency never includes our decoding.
 *
 * The generator sends no Accept-Encoding of its own: a compressed answer comes from a factory
 * that asked for it, or from a platform that compresses regardless.
 */
import zlib from 'node:zlib';
import { BodyTooLargeError } from './errors.js';

/** codings applied one over the other that we undo, at most (identity not counted) */
const MAX_CODINGS = 2;

/** A body whose Content-Encoding could not be undone (class invalid-encoding). */
export class ContentCodingError extends Error {
  readonly code = 'HUTONG_PERF_BAD_ENCODING';
  constructor(message: string) {
    super(message);
    this.name = 'ContentCodingError';
  }
}

function tooLarge(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

function undo(body: Buffer, coding: string, maxBytes: number): Buffer {
  const opts = { maxOutputLength: Math.max(1, maxBytes) };
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body, opts);
    case 'deflate':
      // RFC 9110 deflate is zlib-wrapped; some servers send it raw (browsers accept both)
      try {
        return zlib.inflateSync(body, opts);
      } catch (err) {
        if (tooLarge(err)) throw err;
        return zlib.inflateRawSync(body, opts);
      }
    case 'br':
      return zlib.brotliDecompressSync(body, opts);
    default:
      throw new ContentCodingError(`unsupported Content-Encoding ${JSON.stringify(coding.slice(0, 40))}`);
  }
}

/**
 * The body with the codings of `header` (a Content-Encoding value, or its repeated values)
 * undone, last applied first; the same Buffer when there is nothing to undo. Throws
 * BodyTooLargeError (body-too-large) past maxBytes, ContentCodingError (invalid-encoding) else.
 */
export function decodeContentCoding(body: Buffer, header: string | string[], maxBytes: number): Buffer {
  const codings = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return body;
  if (codings.length > MAX_CODINGS) throw new ContentCodingError(`more than ${MAX_CODINGS} content codings: ${JSON.stringify(String(header).slice(0, 80))}`);
  // an empty body is an empty body in any coding (a 204-like answer with a stray header)
  if (body.length === 0) return body;
  let out = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    try {
      out = undo(out, codings[i]!, maxBytes);
    } catch (err) {
      if (err instanceof ContentCodingError) throw err;
      if (tooLarge(err)) throw Object.assign(new BodyTooLargeError(maxBytes), { message: `decoded (${codings[i]}) body larger than ${maxBytes} bytes` });
      throw new ContentCodingError(`${codings[i]} body could not be decoded: ${(err as Error).message}`);
    }
  }
  return out;
}
