/**
 * parseContentType's fast path (no quote: a plain split on ';') against the quote-aware
 * splitter it replaced, kept here verbatim as the reference; and decodeBody with its shared
 * TextDecoders (a fatal decoder that threw must not spoil the next body).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody, type MediaType, parseContentType } from '../../src/transport/index.js';

/** The implementation before the fast path, character by character. */
function referenceParse(value: string | undefined): MediaType {
  if (!value) return { type: '', params: {} };
  const parts: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (q && c === '\\' && i + 1 < value.length) {
      cur += c + (value[++i] as string);
      continue;
    }
    if (c === '"') q = !q;
    if (c === ';' && !q) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const [head, ...rest] = parts;
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

const CONTENT_TYPES: (string | undefined)[] = [
  undefined,
  '',
  'text/xml',
  'text/xml; charset=utf-8',
  'TEXT/XML;CHARSET=UTF-8',
  'text/xml;charset=GBK',
  ' text/xml ; charset = gb18030 ; ',
  'application/soap+xml; charset=utf-8; action="urn:hl7-org:v3/HIPMessageServer"',
  'application/soap+xml; action="urn:a;b;c"; charset=utf-8',
  'application/soap+xml; action="a \\"quoted\\" ;x"; charset=gbk',
  'application/soap+xml; action="unterminated; charset=utf-8',
  'application/soap+xml; action=""; charset=utf-8',
  'text/xml; charset="utf-8"',
  'text/xml; charset=utf-8; charset=gbk',
  'text/xml; =novalue; noequals; charset=utf-8',
  'text/xml;;;charset=utf-8;;',
  'multipart/related; type="application/xop+xml"; boundary="uuid:1;2"; start="<root>"; start-info="text/xml"',
  'text/xml; __proto__=x; constructor=y',
  'text/xml; charset=utf-8\\; x=1',
  ';charset=utf-8',
  'text/html; charset=utf-8',
];

describe('parseContentType', () => {
  it('gives what the quote-aware splitter gave, over real and odd content types', () => {
    for (const ct of CONTENT_TYPES) expect(parseContentType(ct), String(ct)).toEqual(referenceParse(ct));
  });

  it('reads the quoted SOAP 1.2 action with its ";" and the charset after it', () => {
    expect(parseContentType('application/soap+xml; action="urn:a;b;c"; charset=UTF-8')).toEqual({ type: 'application/soap+xml', params: { action: 'urn:a;b;c', charset: 'UTF-8' } });
  });

  it('agrees with the reference on random strings over the separators, quotes and escapes', () => {
    const ch = fc.constantFrom(';', '=', '"', '\\', ' ', 'a', 'B', '/', 'c', '-', '8');
    fc.assert(fc.property(fc.array(ch, { maxLength: 40 }).map((a) => a.join('')), (s) => {
      expect(parseContentType(s)).toEqual(referenceParse(s));
    }), { numRuns: 2000 });
  });
});

describe('decodeBody with shared decoders', () => {
  it('a body that is not UTF-8 is followed by good ones decoded right (the fatal decoder keeps no state)', () => {
    const bad = Uint8Array.from([0x3c, 0x61, 0x3e, 0xe6, 0xb5, 0x3c, 0x2f, 0x61, 0x3e]);
    const good = Buffer.from('<a>测试</a>', 'utf8');
    for (let i = 0; i < 3; i++) {
      const b = decodeBody(bad, 'text/xml; charset=utf-8');
      expect(b.text).toBe('<a>\ufffd</a>');
      expect(b.warnings.join()).toMatch(/not valid UTF-8/);
      expect(decodeBody(good, 'text/xml; charset=utf-8')).toEqual({ text: '<a>测试</a>', charset: 'utf-8', warnings: [] });
    }
  });

  it('UTF-16 bodies with and without their BOM, and a UTF-8 BOM, decode as before', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>互通</a>', 'utf16le')]);
    expect(decodeBody(le, 'text/xml')).toMatchObject({ text: '<a>互通</a>', charset: 'utf-16le' });
    expect(decodeBody(Buffer.from('<a>互通</a>', 'utf16le'), 'text/xml; charset=utf-16le')).toMatchObject({ text: '<a>互通</a>', charset: 'utf-16le' });
    const be = Buffer.from('<a>互通</a>', 'utf16le').swap16();
    expect(decodeBody(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), undefined)).toMatchObject({ text: '<a>互通</a>', charset: 'utf-16be' });
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a/>')]), undefined)).toEqual({ text: '<a/>', charset: 'utf-8', warnings: [] });
  });
});
