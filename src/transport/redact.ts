/**
 * Secrets never reach an Exchange: headers and parameters are redacted by name, and every
 * known secret value is scrubbed from whatever text or bytes is recorded (a platform may echo
 * a token back in an error page or a Location header).
 */

export const REDACTED = '[REDACTED]';

/** Headers that always carry credentials. */
export const ALWAYS_SECRET_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

type HeaderValue = string | string[] | number | undefined;

/** A copy of `headers` with credential headers and those named in `secretNames` replaced. */
export function redact(headers: Record<string, HeaderValue>, secretNames: Iterable<string> = []): Record<string, string | string[]> {
  const secret = new Set(ALWAYS_SECRET_HEADERS);
  for (const n of secretNames) secret.add(n.toLowerCase());
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (secret.has(k.toLowerCase())) out[k] = Array.isArray(v) ? v.map(() => REDACTED) : REDACTED;
    else out[k] = Array.isArray(v) ? [...v] : String(v);
  }
  return out;
}

/** The URL with secret query parameters (and any userinfo) replaced. */
export function redactUrl(url: string, secretNames: Iterable<string> = []): string {
  const u = new URL(url);
  const names = new Set([...secretNames]);
  if (u.username || u.password) {
    u.username = REDACTED;
    u.password = '';
  }
  for (const k of [...u.searchParams.keys()]) if (names.has(k)) u.searchParams.set(k, REDACTED);
  return u.toString();
}

/**
 * Replaces known secret values wherever they appear. Values shorter than 4 characters are not
 * scrubbed (they would shred ordinary text); they are still redacted by name.
 */
export class Scrubber {
  private readonly values: string[];
  private readonly bytes: Buffer[];

  constructor(values: Iterable<string>) {
    // Longest first, so a value containing another is replaced whole.
    this.values = [...new Set([...values].filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
    this.bytes = this.values.map((v) => Buffer.from(v, 'utf8'));
  }

  get empty(): boolean {
    return this.values.length === 0;
  }

  text(s: string): string {
    let out = s;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  buffer(b: Buffer): Buffer {
    let out = b;
    const rep = Buffer.from(REDACTED);
    for (const v of this.bytes) {
      if (out.indexOf(v) === -1) continue;
      const parts: Buffer[] = [];
      let from = 0;
      for (let i = out.indexOf(v); i !== -1; i = out.indexOf(v, from)) {
        parts.push(out.subarray(from, i), rep);
        from = i + v.length;
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
    return out;
  }

  /** Deep copy of plain data with every string (and Buffer) scrubbed. */
  deep<T>(value: T): T {
    if (this.empty) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (Buffer.isBuffer(v)) return this.buffer(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) o[this.text(k)] = walk(x);
        return o;
      }
      return v;
    };
    return walk(value) as T;
  }
}
