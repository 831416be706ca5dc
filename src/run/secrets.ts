/**
 * Secrets: values that must never reach the run folder, a log or a report.
 *
 * Every value the site config takes from the environment (`${env:NAME}`), every auth header
 * value and the client key are registered here when the config is loaded; the journal, the
 * record writer and the reports pass everything they write through `redact*`. Redaction is by
 * value, not by field name, so a secret echoed back by a platform inside a response body is
 * scrubbed too.
 *
 * A secret can reach text in other spellings than its own (XML-escaped inside a SOAP body,
 * JSON-escaped inside a journal line, percent-encoded inside a URL), so each registered value
 * is matched in those forms as well.
 */

export interface SecretEntry {
  /** where the value came from, e.g. "env:HIS_TOKEN" or "auth.headers.Authorization" */
  name: string;
  value: string;
}

export class SecretRegistry {
  private readonly entries = new Map<string, string>();
  // variant -> marker, longest first; rebuilt lazily after registration
  private patterns: { variant: string; marker: string }[] | null = null;
  private byteVariants: { bytes: Buffer; marker: Buffer }[] | null = null;

  /** Register a value; empty values are ignored (they would match everywhere). */
  register(name: string, value: string): void {
    if (value === '') return;
    if (!this.entries.has(value)) this.entries.set(value, name);
    this.patterns = null;
    this.byteVariants = null;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The registered names (never the values): for "n secrets registered" lines. */
  names(): string[] {
    return [...new Set(this.entries.values())].sort();
  }

  /** Whether `text` still contains a registered value in any spelling (for tests and self-checks). */
  leaks(text: string): string[] {
    const found = new Set<string>();
    for (const { variant, marker } of this.compiled()) if (text.includes(variant)) found.add(marker);
    return [...found];
  }

  redact(text: string): string {
    if (this.entries.size === 0 || text === '') return text;
    let out = text;
    for (const { variant, marker } of this.compiled()) {
      if (out.includes(variant)) out = out.split(variant).join(marker);
    }
    return out;
  }

  /** Byte-level redaction for bodies that are not (or not known to be) UTF-8 text. */
  redactBytes(data: Uint8Array): Uint8Array {
    if (this.entries.size === 0 || data.length === 0) return data;
    let buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let changed = false;
    for (const { bytes, marker } of this.compiledBytes()) {
      let at = buf.indexOf(bytes);
      if (at < 0) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at >= 0) {
        parts.push(buf.subarray(from, at), marker);
        from = at + bytes.length;
        at = buf.indexOf(bytes, from);
      }
      parts.push(buf.subarray(from));
      buf = Buffer.concat(parts);
      changed = true;
    }
    return changed ? buf : data;
  }

  /** Deep copy of a JSON-like value with every string redacted (object keys included). */
  redactDeep<T>(value: T): T {
    if (this.entries.size === 0) return value;
    return this.walk(value) as T;
  }

  private walk(v: unknown): unknown {
    if (typeof v === 'string') return this.redact(v);
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[this.redact(k)] = this.walk(x);
      return out;
    }
    return v;
  }

  private compiled(): { variant: string; marker: string }[] {
    if (this.patterns) return this.patterns;
    const seen = new Map<string, string>();
    for (const [value, name] of this.entries) {
      const marker = `[REDACTED:${name}]`;
      for (const variant of spellings(value)) if (!seen.has(variant)) seen.set(variant, marker);
    }
    // longest first, so a secret that contains another is replaced whole
    this.patterns = [...seen].map(([variant, marker]) => ({ variant, marker })).sort((a, b) => b.variant.length - a.variant.length);
    return this.patterns;
  }

  private compiledBytes(): { bytes: Buffer; marker: Buffer }[] {
    if (this.byteVariants) return this.byteVariants;
    this.byteVariants = this.compiled().map(({ variant, marker }) => ({ bytes: Buffer.from(variant, 'utf8'), marker: Buffer.from(marker, 'utf8') }));
    return this.byteVariants;
  }
}

/** The forms one secret value can take in the text we write. */
function spellings(value: string): string[] {
  const xml = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  const xmlAttr = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const json = JSON.stringify(value).slice(1, -1);
  const jsonAscii = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  let uri = value;
  try { uri = encodeURIComponent(value); } catch { /* lone surrogate: raw form only */ }
  return [...new Set([value, xml, xmlAttr, json, jsonAscii, uri, JSON.stringify(xml).slice(1, -1)])].filter((s) => s !== '');
}

/** The process-wide registry the CLI loads the site config into. */
export const defaultSecrets = new SecretRegistry();

export function redactText(text: string, registry: SecretRegistry = defaultSecrets): string {
  return registry.redact(text);
}
