/**
 * A bounded, incremental HTTP/1.1 response parser for the raw load-generator client.
 *
 * Why our own: the generator's CPU per request is its ceiling, and a general client (undici,
 * llhttp through a wasm boundary, per-request promises and header arrays) costs more per
 * response than the server under test. Responses under load are small and usually arrive in
 * one read, so the fast path is: one native indexOf for the end of the head, one latin1 decode
 * of the head, a split, and the body as a subarray of the read buffer (no copy).
 *
 * The platform under test is hostile, so everything is bounded and strict (a response that
 * would need leniency is an error, never a guess):
 *   - head (status line + headers, or a trailer section) ≤ maxHeaderBytes, ≤ maxHeaderCount
 *     lines; obs-fold, bare LF line ends, invalid names or control bytes in values → error;
 *   - status line exactly `HTTP/1.x NNN reason`; 1xx (but 101) skipped, at most MAX_INFORMATIONAL;
 *   - Content-Length: digits only, one value (a second header or a list is an error, identical
 *     or not), above maxBodyBytes refused on sight; Transfer-Encoding must end in chunked and
 *     never comes with Content-Length (request-smuggling shapes are errors);
 *   - chunk-size lines ≤ MAX_CHUNK_LINE bytes, hex only (extensions ignored), a chunk that
 *     would take the body over maxBodyBytes refused on sight; chunk data must end in CRLF;
 *   - no framing at all: the body runs to the connection's end, still ≤ maxBodyBytes;
 *   - HEAD responses, 204 and 304 have no body whatever their headers say.
 * Errors carry llhttp-style codes (HPE_*: class invalid-http) or the body-too-large marker,
 * so every engine's error classes agree (src/perf/errors.ts).
 */
import { BodyTooLargeError } from '../errors.js';
import type { ResponseHeaders } from '../types.js';

export const DEFAULT_MAX_HEADER_BYTES = 64 * 1024;
export const DEFAULT_MAX_HEADER_COUNT = 256;
/** chunk-size line, extensions included */
const MAX_CHUNK_LINE = 4096;
/** informational (1xx) responses tolerated before the final one */
const MAX_INFORMATIONAL = 32;

export interface ParserLimits {
  maxHeaderBytes: number;
  maxHeaderCount: number;
  maxBodyBytes: number;
}

/** A response the parser refuses; code is llhttp's name for the same fault where one exists. */
export class HttpParseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpParseError';
  }
}

/** What the parser reports, in order: head, body pieces, end. */
export interface ParserSink {
  onHead(status: number, headers: ResponseHeaders, statusText: string): void;
  /** a piece of the body: a view into the read buffer (not copied) */
  onBody(chunk: Buffer): void;
  /**
   * Optional, preferred to onBody when present: the piece is chunk[start, end) (the sink copies
   * it out directly; no view is made for it).
   */
  onBodyRange?(chunk: Buffer, start: number, end: number): void;
  onEnd(trailers: ResponseHeaders): void;
}

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const STATUS = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([^\0-\x08\x0a-\x1f\x7f]*))?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** the end of a response without trailers (shared: nobody may write to it) */
const NO_TRAILERS: ResponseHeaders = Object.freeze({});
const DIGITS = /^\d{1,16}$/;
const KEEP_ALIVE_TIMEOUT = /(?:^|[,;\s])timeout=(\d{1,9})\b/i;
const HEX = /^([0-9A-Fa-f]{1,16})[ \t]*(?:;.*)?$/;

/**
 * Field names seen before, validated, to their lower-case form: a platform sends the same few
 * names in every response. Bounded, so a peer inventing names cannot grow it.
 */
const NAMES = new Map<string, string>();
const MAX_NAMES = 1024;

function fieldName(name: string): string {
  const known = NAMES.get(name);
  if (known !== undefined) return known;
  if (!TOKEN.test(name)) throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', `invalid header name ${JSON.stringify(name.slice(0, 80))}`);
  const lower = name.toLowerCase();
  if (NAMES.size < MAX_NAMES) NAMES.set(name, lower);
  return lower;
}

/** Accumulates bytes up to a fixed bound in one buffer: a slow drip costs O(n), not O(n²). */
class Accumulator {
  private buf: Buffer | undefined;
  length = 0;
  constructor(private readonly limit: number) {}

  /** false when the bytes would exceed the limit */
  append(chunk: Buffer): boolean {
    if (this.length + chunk.length > this.limit) return false;
    this.buf ??= Buffer.allocUnsafe(this.limit);
    chunk.copy(this.buf, this.length);
    this.length += chunk.length;
    return true;
  }

  view(): Buffer {
    return this.buf ? this.buf.subarray(0, this.length) : Buffer.alloc(0);
  }

  clear(): void {
    this.length = 0;
    // a big head is rare: give its memory back rather than keep it per connection
    if (this.buf && this.buf.length > 8192) this.buf = undefined;
  }
}

/**
 * Parses the field lines of a head (from `from` to the end of `text`, CRLF-separated, no final
 * blank line) into lower-cased headers; duplicates become arrays. One scan, no split: a line is
 * refused for obs-fold, a missing or invalid name, or any control byte but HTAB in it — which
 * includes a bare CR or LF, so only CRLF ends a line.
 */
function parseFields(text: string, from: number, limits: ParserLimits): { headers: ResponseHeaders; count: number; repeated: boolean } {
  const headers: ResponseHeaders = {};
  let repeated = false;
  const n = text.length;
  let count = 0;
  let i = from;
  while (i < n) {
    if (++count > limits.maxHeaderCount) throw new HttpParseError('HPE_HEADER_OVERFLOW', `more than ${limits.maxHeaderCount} header lines`);
    let end = text.indexOf('\r\n', i);
    if (end < 0) end = n;
    const c0 = text.charCodeAt(i);
    if (c0 === 32 || c0 === 9) throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', 'obsolete line folding in a header');
    const colon = text.indexOf(':', i);
    if (colon <= i || colon > end) throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', `header line without a name: ${JSON.stringify(text.slice(i, Math.min(end, i + 80)))}`);
    for (let j = colon + 1; j < end; j++) {
      const ch = text.charCodeAt(j);
      if ((ch < 32 && ch !== 9) || ch === 127) throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', `control character in header ${JSON.stringify(text.slice(i, Math.min(colon, i + 80)))}`);
    }
    const key = fieldName(text.slice(i, colon));
    const value = text.slice(colon + 1, end).trim();
    const prev = headers[key];
    if (prev === undefined) headers[key] = value;
    else {
      repeated = true;
      if (Array.isArray(prev)) prev.push(value);
      else headers[key] = [prev, value];
    }
    i = end + 2;
  }
  return { headers, count, repeated };
}

function hasToken(v: string | string[] | undefined, token: string): boolean {
  if (v === undefined) return false;
  const s = (Array.isArray(v) ? v.join(',') : v).toLowerCase();
  if (s === token) return true;
  if (!s.includes(token)) return false;
  for (const part of s.split(',')) if (part.trim() === token) return true;
  return false;
}

const enum Framing {
  None,
  Length,
  Chunked,
  Close,
}

/** What a head says, independent of the request (HEAD) and of the limits (re-checked per response). */
interface HeadInfo {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  /** some header came more than once (its value is an array: copied per response) */
  repeated: boolean;
  fields: number;
  closeAfter: boolean;
  /** Keep-Alive: timeout=N, in ms (undefined: no hint) */
  keepAliveMs: number | undefined;
  framing: Framing;
  length: number;
}

/**
 * Heads already analysed, by their exact text: under load a platform sends the same head again
 * and again (only Date changes, once a second), and re-parsing it was the parser's main cost.
 * The text is the key, so a hit is the same verdict on the same bytes. Bounded in entries and
 * in size (longer heads are always parsed).
 */
const HEADS = new Map<string, HeadInfo>();
const MAX_CACHED_HEADS = 64;
const MAX_CACHED_HEAD = 2048;

/**
 * The last head this parser accepted, as bytes (terminator included), and its analysis: the next
 * response on a connection usually starts with exactly these bytes, and comparing them is far
 * cheaper than finding the terminator, decoding the head and looking the text up in HEADS.
 * Equal bytes are the same head (they hold the same first CRLFCRLF at the same place), so a
 * hit is the same verdict on the same bytes.
 */
interface LastHead {
  bytes: Buffer;
  view: DataView;
  info: HeadInfo;
}

/**
 * chunk[pos, pos + memo length) equals the memo's bytes; dv: a view of chunk.buffer from its
 * byte 0. Eight bytes at a time read as doubles (twice as fast as 32-bit reads): equal doubles
 * are equal bytes but for +0/−0, i.e. eight bytes of which seven are NUL — never in a head the
 * parser accepted (NUL is refused everywhere in a head); NaN never equals itself, which is at
 * worst a miss (the head is then read the long way).
 */
function sameBytes(dv: DataView, at: number, memo: LastHead): boolean {
  const m = memo.view;
  const len = m.byteLength;
  let i = 0;
  for (; i + 8 <= len; i += 8) if (dv.getFloat64(at + i, true) !== m.getFloat64(i, true)) return false;
  for (; i < len; i++) if (dv.getUint8(at + i) !== m.getUint8(i)) return false;
  return true;
}

function copyHeaders(head: HeadInfo): ResponseHeaders {
  const out: ResponseHeaders = { ...head.headers };
  if (head.repeated) for (const k in out) if (Array.isArray(out[k])) out[k] = [...(out[k] as string[])];
  return out;
}

function analyseHead(text: string, limits: ParserLimits): HeadInfo {
  let eol = text.indexOf('\r\n');
  if (eol < 0) eol = text.length;
  const statusLine = text.slice(0, eol);
  const m = STATUS.exec(statusLine);
  if (!m) {
    const code = statusLine.startsWith('HTTP/') ? 'HPE_INVALID_STATUS' : 'HPE_INVALID_CONSTANT';
    throw new HttpParseError(code, `invalid status line ${JSON.stringify(statusLine.slice(0, 80))}`);
  }
  const status = Number(m[2]);
  const parsed = parseFields(text, eol + 2, limits);
  const headers = parsed.headers;
  const http10 = m[1] === '0';
  const conn = headers['connection'];
  const closeAfter = hasToken(conn, 'close') || (http10 && !hasToken(conn, 'keep-alive'));
  const te = headers['transfer-encoding'];
  const cl = headers['content-length'];
  let framing: Framing;
  let length = 0;
  if (te !== undefined) {
    if (cl !== undefined) throw new HttpParseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'both Transfer-Encoding and Content-Length');
    const codings = (Array.isArray(te) ? te.join(',') : te).split(',').map((c) => c.trim().toLowerCase());
    if (codings[codings.length - 1] !== 'chunked' || codings.indexOf('chunked') !== codings.length - 1 || http10) {
      throw new HttpParseError('HPE_INVALID_TRANSFER_ENCODING', `unsupported Transfer-Encoding ${JSON.stringify(String(te).slice(0, 80))}`);
    }
    framing = Framing.Chunked;
  } else if (cl !== undefined) {
    if (Array.isArray(cl)) throw new HttpParseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'duplicate Content-Length');
    if (!DIGITS.test(cl)) throw new HttpParseError('HPE_INVALID_CONTENT_LENGTH', `invalid Content-Length ${JSON.stringify(cl.slice(0, 40))}`);
    length = Number(cl);
    framing = length === 0 ? Framing.None : Framing.Length;
  } else {
    framing = Framing.Close;
  }
  const ka = headers['keep-alive'];
  const hint = typeof ka === 'string' ? KEEP_ALIVE_TIMEOUT.exec(ka) : null;
  const keepAliveMs = hint ? Number(hint[1]) * 1000 : undefined;
  return { status, statusText: m[3] ?? '', headers, repeated: parsed.repeated, fields: parsed.count, closeAfter, keepAliveMs, framing, length };
}

/**
 * One response at a time: reset(isHead) before each request's response, then feed() every read.
 * feed() returns how many bytes of the chunk it consumed; the rest (after the end) is not ours.
 */
export class ResponseParser {
  private state = State.Done;
  private head: Accumulator;
  private line: Accumulator;
  private isHead = false;
  private remaining = 0;
  private received = 0;
  private informational = 0;
  private trailerBytes = 0;
  /** the connection must not be reused after this response */
  closeAfter = false;
  /** the server's idle timeout for this connection, if its last response said (ms) */
  keepAliveMs: number | undefined;
  status = 0;
  private last: LastHead | undefined;
  /** a DataView of the last chunk's ArrayBuffer (the read buffer: the same one every read) */
  private dv: DataView | undefined;

  constructor(private readonly limits: ParserLimits) {
    this.head = new Accumulator(limits.maxHeaderBytes + 4);
    this.line = new Accumulator(MAX_CHUNK_LINE + 2);
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** true when nothing of the response was seen yet (a close now is a close before any answer) */
  get idle(): boolean {
    return this.state === State.Head && this.head.length === 0 && this.informational === 0;
  }

  /** the response ends when the connection does (no length, not chunked) */
  get untilClose(): boolean {
    return this.state === State.UntilClose;
  }

  /** Stop: the rest of the current read is ignored (the connection is being dropped). */
  halt(): void {
    this.state = State.Done;
  }

  reset(isHead: boolean): void {
    this.state = State.Head;
    this.isHead = isHead;
    this.head.clear();
    this.line.clear();
    this.remaining = 0;
    this.received = 0;
    this.informational = 0;
    this.trailerBytes = 0;
    this.closeAfter = false;
    this.status = 0;
  }

  /** The connection ended: completes a body that runs to the close, else throws. */
  end(sink: ParserSink): void {
    if (this.state === State.UntilClose) {
      this.state = State.Done;
      sink.onEnd(NO_TRAILERS);
      return;
    }
    if (this.state !== State.Done) {
      throw Object.assign(new Error('the connection closed before a complete response'), { code: 'ECONNRESET' });
    }
  }

  /** Body bytes of a counted run (Content-Length, or one chunk): up to `remaining` from pos to the sink; the new position. */
  private passCounted(chunk: Buffer, pos: number, sink: ParserSink): number {
    const take = Math.min(this.remaining, chunk.length - pos);
    this.remaining -= take;
    if (sink.onBodyRange) sink.onBodyRange(chunk, pos, pos + take);
    else sink.onBody(chunk.subarray(pos, pos + take));
    return pos + take;
  }

  feed(chunk: Buffer, sink: ParserSink): number {
    let pos = 0;
    const n = chunk.length;
    while (pos < n && this.state !== State.Done) {
      switch (this.state) {
        case State.Head:
          pos = this.feedHead(chunk, pos, sink);
          break;
        case State.Length: {
          pos = this.passCounted(chunk, pos, sink);
          if (this.remaining === 0) {
            this.state = State.Done;
            sink.onEnd(NO_TRAILERS);
          }
          break;
        }
        case State.UntilClose: {
          const piece = pos === 0 ? chunk : chunk.subarray(pos);
          this.received += piece.length;
          if (this.received > this.limits.maxBodyBytes) throw new BodyTooLargeError(this.limits.maxBodyBytes);
          pos = n;
          sink.onBody(piece);
          break;
        }
        case State.ChunkSize:
          pos = this.feedChunkSize(chunk, pos);
          break;
        case State.ChunkData: {
          pos = this.passCounted(chunk, pos, sink);
          if (this.remaining === 0) {
            this.state = State.ChunkEnd;
            this.remaining = 2;
          }
          break;
        }
        case State.ChunkEnd: {
          // the CRLF after chunk data, possibly split across reads
          const expect = this.remaining === 2 ? 13 : 10;
          if (chunk[pos] !== expect) throw new HttpParseError('HPE_STRICT', 'chunk data not followed by CRLF');
          pos++;
          if (--this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.Trailers:
          pos = this.feedTrailers(chunk, pos, sink);
          break;
      }
    }
    return pos;
  }

  private feedHead(chunk: Buffer, pos: number, sink: ParserSink): number {
    let headText: string;
    let next: number;
    if (this.head.length === 0) {
      const last = this.last;
      if (last !== undefined && chunk.length - pos >= last.bytes.length) {
        let dv = this.dv;
        if (dv === undefined || dv.buffer !== chunk.buffer) dv = this.dv = new DataView(chunk.buffer);
        if (sameBytes(dv, chunk.byteOffset + pos, last)) {
          this.applyHead(last.info, sink);
          return pos + last.bytes.length;
        }
      }
      const end = chunk.indexOf(CRLFCRLF, pos);
      if (end >= 0 && end - pos <= this.limits.maxHeaderBytes) {
        headText = chunk.toString('latin1', pos, end);
        next = end + 4;
      } else {
        if (end >= 0 || chunk.length - pos > this.limits.maxHeaderBytes + 3) throw this.headTooLarge();
        this.head.append(chunk.subarray(pos));
        this.checkStatusPrefix(this.head.view());
        return chunk.length;
      }
    } else {
      // continue a head split across reads: search from where the terminator could start
      const before = this.head.length;
      const room = this.limits.maxHeaderBytes + 4 - before;
      const piece = chunk.subarray(pos, pos + Math.min(room, chunk.length - pos));
      this.head.append(piece);
      const buf = this.head.view();
      const end = buf.indexOf(CRLFCRLF, Math.max(0, before - 3));
      if (end < 0) {
        if (piece.length < chunk.length - pos || this.head.length > this.limits.maxHeaderBytes + 3) throw this.headTooLarge();
        this.checkStatusPrefix(buf);
        return chunk.length;
      }
      if (end > this.limits.maxHeaderBytes) throw this.headTooLarge();
      headText = buf.toString('latin1', 0, end);
      next = pos + (end + 4 - before);
      this.head.clear();
    }
    this.onHeadText(headText, sink);
    return next;
  }

  /** garbage is refused at once, not after the head limit or the timeout */
  private checkStatusPrefix(buf: Buffer): void {
    const want = 'HTTP/1.';
    const k = Math.min(buf.length, want.length);
    for (let i = 0; i < k; i++) {
      if (buf[i] !== want.charCodeAt(i)) throw new HttpParseError('HPE_INVALID_CONSTANT', `not an HTTP/1.x response: ${JSON.stringify(buf.toString('latin1', 0, Math.min(buf.length, 40)))}`);
    }
  }

  private headTooLarge(): HttpParseError {
    return new HttpParseError('HPE_HEADER_OVERFLOW', `response head larger than ${this.limits.maxHeaderBytes} bytes`);
  }

  private onHeadText(text: string, sink: ParserSink): void {
    let head = HEADS.get(text);
    if (head === undefined) {
      head = analyseHead(text, this.limits);
      if (text.length <= MAX_CACHED_HEAD) {
        if (HEADS.size >= MAX_CACHED_HEADS) HEADS.clear();
        HEADS.set(text, head);
      }
    }
    // remembered once it passed this parser's limits (which never change): a final head on a
    // connection that stays open (a closing one never sees another)
    if (text.length <= MAX_CACHED_HEAD && head.status >= 200 && !head.closeAfter && head.framing !== Framing.Close && head.fields <= this.limits.maxHeaderCount) {
      const bytes = Buffer.from(text + '\r\n\r\n', 'latin1');
      this.last = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length), info: head };
    }
    this.applyHead(head, sink);
  }

  private applyHead(head: HeadInfo, sink: ParserSink): void {
    if (head.fields > this.limits.maxHeaderCount) throw new HttpParseError('HPE_HEADER_OVERFLOW', `more than ${this.limits.maxHeaderCount} header lines`);
    const status = head.status;
    if (status < 200) {
      if (status === 101) throw new HttpParseError('HPE_INVALID_STATUS', '101 Switching Protocols to a request that asked for no upgrade');
      if (++this.informational > MAX_INFORMATIONAL) throw new HttpParseError('HPE_INVALID_STATUS', `more than ${MAX_INFORMATIONAL} informational responses`);
      return; // an interim response: the final one follows
    }
    this.status = status;
    this.closeAfter = head.closeAfter;
    this.keepAliveMs = head.keepAliveMs;
    let framing = head.framing;
    if (this.isHead || status === 204 || status === 304) framing = Framing.None;
    else if (framing === Framing.Length && head.length > this.limits.maxBodyBytes) throw new BodyTooLargeError(this.limits.maxBodyBytes);

    sink.onHead(status, copyHeaders(head), head.statusText);
    switch (framing) {
      case Framing.None:
        this.state = State.Done;
        sink.onEnd(NO_TRAILERS);
        return;
      case Framing.Length:
        this.state = State.Length;
        this.remaining = head.length;
        return;
      case Framing.Chunked:
        this.state = State.ChunkSize;
        return;
      case Framing.Close:
        this.closeAfter = true;
        this.state = State.UntilClose;
        return;
    }
  }

  private feedChunkSize(chunk: Buffer, pos: number): number {
    let lineText: string;
    let next: number;
    const lf = chunk.indexOf(10, pos);
    if (this.line.length === 0 && lf >= 0 && lf - pos <= MAX_CHUNK_LINE) {
      if (lf === pos || chunk[lf - 1] !== 13) throw new HttpParseError('HPE_STRICT', 'chunk-size line not ended by CRLF');
      lineText = chunk.toString('latin1', pos, lf - 1);
      next = lf + 1;
    } else if (lf < 0 || this.line.length > 0) {
      const end = lf < 0 ? chunk.length : lf + 1;
      if (!this.line.append(chunk.subarray(pos, end))) throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', `chunk-size line longer than ${MAX_CHUNK_LINE} bytes`);
      if (lf < 0) return chunk.length;
      const buf = this.line.view();
      if (buf.length < 2 || buf[buf.length - 2] !== 13) throw new HttpParseError('HPE_STRICT', 'chunk-size line not ended by CRLF');
      lineText = buf.toString('latin1', 0, buf.length - 2);
      this.line.clear();
      next = end;
    } else {
      throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', `chunk-size line longer than ${MAX_CHUNK_LINE} bytes`);
    }
    const m = HEX.exec(lineText);
    if (!m) throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', `invalid chunk size ${JSON.stringify(lineText.slice(0, 40))}`);
    const size = parseInt(m[1]!, 16);
    if (size === 0) {
      this.state = State.Trailers;
      return next;
    }
    if (this.received + size > this.limits.maxBodyBytes) throw new BodyTooLargeError(this.limits.maxBodyBytes);
    this.received += size;
    this.remaining = size;
    this.state = State.ChunkData;
    return next;
  }

  /** after the last chunk: trailer fields, then an empty line */
  private feedTrailers(chunk: Buffer, pos: number, sink: ParserSink): number {
    // the common case: no trailers, "\r\n" right away
    if (this.head.length === 0 && this.trailerBytes === 0 && chunk.length - pos >= 2 && chunk[pos] === 13 && chunk[pos + 1] === 10) {
      this.state = State.Done;
      sink.onEnd(NO_TRAILERS);
      return pos + 2;
    }
    const before = this.head.length;
    const room = this.limits.maxHeaderBytes + 4 - before;
    const piece = chunk.subarray(pos, pos + Math.min(room, chunk.length - pos));
    this.head.append(piece);
    this.trailerBytes += piece.length;
    const buf = this.head.view();
    if (buf.length >= 2 && buf[0] === 13 && buf[1] === 10) {
      this.head.clear();
      this.state = State.Done;
      sink.onEnd(NO_TRAILERS);
      return pos + (2 - before);
    }
    const end = buf.indexOf(CRLFCRLF, Math.max(0, before - 3));
    if (end < 0) {
      if (piece.length < chunk.length - pos || this.head.length > this.limits.maxHeaderBytes + 3) throw this.headTooLarge();
      return chunk.length;
    }
    const trailers = parseFields(buf.toString('latin1', 0, end), 0, this.limits).headers;
    this.head.clear();
    this.state = State.Done;
    sink.onEnd(trailers);
    return pos + (end + 4 - before);
  }
}
