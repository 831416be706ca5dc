/**
 * Character-level XML helpers for envelopes: escaping what we write, and a strict decoder for
 * what we read. Envelopes are parsed with entity processing off, so the five predefined
 * entities and character references are decoded here — and nothing else: without a DTD any
 * other `&name;` is an error, never an expansion.
 */

export function escapeText(s: string): string {
  // '>' is escaped too so that "]]>" can never appear in text; CR as a reference survives
  // the line-end normalisation every XML parser applies.
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

export function escapeAttr(s: string): string {
  return s.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      default: return `&#${c.charCodeAt(0)};`;
    }
  });
}

/** One CDATA block carrying `s` exactly: every "]]>" is split across two sections. */
export function cdata(s: string): string {
  return `<![CDATA[${s.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

export class EntityError extends Error {
  constructor(
    message: string,
    /** offset of the '&' in the decoded input */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'EntityError';
  }
}

// A Map, not an object literal: "&constructor;" must not find Object.prototype.constructor.
const PREDEFINED = new Map([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]]);

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Decode predefined entities and character references; throw EntityError on anything else. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  // An indexOf loop: a multi-megabyte escaped payload has millions of references, and this
  // measured faster than regex replacement with a callback.
  let out = '';
  let last = 0;
  let i = s.indexOf('&');
  while (i !== -1) {
    const semi = s.indexOf(';', i + 1);
    // The longest legitimate reference is &#x10FFFF; (8 characters between & and ;).
    if (semi === -1 || semi - i > 41) throw new EntityError('bare "&" (not part of an entity or character reference)', i);
    const ref = s.slice(i + 1, semi);
    let rep = PREDEFINED.get(ref);
    if (rep === undefined) {
      const m = /^#x([0-9a-fA-F]{1,6})$|^#([0-9]{1,7})$/.exec(ref);
      if (m) {
        const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2] as string, 10);
        if (!isXmlChar(cp)) throw new EntityError(`invalid character reference &${ref};`, i);
        rep = String.fromCodePoint(cp);
      } else if (/^[A-Za-z_][\w.\-]*$/.test(ref)) {
        throw new EntityError(`undefined entity &${ref}; (only the five predefined entities are allowed; no DTD is read)`, i);
      } else {
        throw new EntityError('bare "&" (not part of an entity or character reference)', i);
      }
    }
    out += s.slice(last, i) + rep;
    last = semi + 1;
    i = s.indexOf('&', last);
  }
  return out + s.slice(last);
}

/** Characters XML 1.0 forbids anywhere in a document (C0 controls, U+FFFE/FFFF, lone surrogates). */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function firstForbiddenChar(s: string): number {
  const m = FORBIDDEN.exec(s);
  return m ? m.index : -1;
}

/** 1-based line and column of an offset, for messages a tester can act on. */
export function lineColumn(s: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = s.indexOf('\n'); i !== -1 && i < offset; i = s.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Short, printable excerpt of hostile text for an error message. */
export function excerpt(s: string, max = 60): string {
  const t = s.replace(/\s+/g, ' ').trim();
  const cut = t.length > max ? `${t.slice(0, max)}…` : t;
  return JSON.stringify(cut);
}
