import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeXmlBytes, parseXml, withXml, XmlInputError } from '../../src/xml/index.js';

function refusal(fn: () => unknown): XmlInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof XmlInputError) return err;
    throw err;
  }
  throw new Error('expected an XmlInputError');
}

const CANARY = 'CANARY-7f3a9c-should-never-appear';
let dir: string;
let canaryFile: string;
let server: Server;
let hits = 0;
let port = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hutong-xml-'));
  canaryFile = join(dir, 'canary.txt');
  writeFileSync(canaryFile, CANARY);
  writeFileSync(join(dir, 'evil.dtd'), `<!ENTITY leak "${CANARY}">`);
  server = createServer((_req, res) => { hits++; res.end(`<!ENTITY leak "${CANARY}">`); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((r) => server.close(() => r()));
});

describe('parseXml basics', () => {
  it('parses well-formed XML and keeps line numbers', () => {
    withXml('<a xmlns="urn:hl7-org:v3">\n  <b x="1"/>\n</a>', (doc) => {
      expect(doc.root.name).toBe('a');
      const b = doc.root.firstChild?.next;
      expect(b && 'line' in b ? b.line : 0).toBe(2);
    });
  });

  it('reports the line and column of the first error', () => {
    const e = refusal(() => parseXml('<a>\n<b>\n</a>', { fileName: 'x.xml' }));
    expect(e.code).toBe('malformed');
    expect(e.line).toBe(3);
    expect(e.column).toBeGreaterThan(0);
    expect(e.message).toContain('x.xml:3');
  });

  it('refuses empty input and undefined entities', () => {
    expect(refusal(() => parseXml('  ')).code).toBe('malformed');
    expect(refusal(() => parseXml('<a>&nope;</a>')).code).toBe('malformed');
  });

  it('keeps predefined and character references', () => {
    withXml('<a t="&quot;&#x4E2D;">&lt;&amp;&gt;</a>', (doc) => {
      expect(doc.root.content).toBe('<&>');
      expect(doc.root.attr('t')?.value).toBe('"中');
    });
  });

  it('disposes in withXml, also when fn throws, and waits for promises', async () => {
    let kept: { root: unknown } | undefined;
    expect(() => withXml('<a/>', (doc) => { kept = doc; throw new Error('boom'); })).toThrow('boom');
    expect(() => kept!.root).toThrow();
    const v = await withXml('<a>v</a>', async (doc) => { await new Promise((r) => setTimeout(r, 1)); return doc.root.content; });
    expect(v).toBe('v');
  });
});

describe('limits', () => {
  it('refuses input over maxBytes before parsing (string and bytes)', () => {
    const big = `<a>${'x'.repeat(2000)}</a>`;
    expect(refusal(() => parseXml(big, { maxBytes: 1000 })).code).toBe('too-large');
    expect(refusal(() => parseXml(Buffer.from(big), { maxBytes: 1000 })).code).toBe('too-large');
    // CJK counts in UTF-8 bytes, not characters
    expect(refusal(() => parseXml(`<a>${'中'.repeat(400)}</a>`, { maxBytes: 1000 })).code).toBe('too-large');
    withXml(big, (doc) => expect(doc.root.content.length).toBe(2000), { maxBytes: 5000 });
  });

  it('refuses 100,000-deep nesting quickly with a position', () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    const e = refusal(() => parseXml(deep));
    expect(e.code).toBe('too-deep');
    expect(e.line).toBe(1);
    expect(e.column).toBe(256 * 3 + 1);
  });

  it('honours a configured maxDepth both ways', () => {
    const nest = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(refusal(() => parseXml(nest(50), { maxDepth: 40 })).code).toBe('too-deep');
    withXml(nest(300), (doc) => expect(doc.root.name).toBe('a'), { maxDepth: 400 });
    withXml(nest(256), (doc) => expect(doc.root.name).toBe('a'));
    // self-closing elements, comments, CDATA and quoted ">" do not count as depth
    withXml(`<r>${'<x a=">"/><!-- <y> --><![CDATA[<z>]]>'.repeat(1000)}</r>`, (doc) => expect(doc.root.name).toBe('r'), { maxDepth: 2 });
  });

  it('parses a 10 MB attribute without trouble', () => {
    const v = 'y'.repeat(10 * 1024 * 1024);
    withXml(`<a x="${v}"/>`, (doc) => expect(doc.root.attr('x')?.value.length).toBe(v.length));
  });
});

describe('hostile input', () => {
  it('refuses billion laughs outright', () => {
    let lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">';
    let prev = 'lol';
    for (let i = 1; i <= 9; i++) { lol += `<!ENTITY lol${i} "${`&${prev};`.repeat(10)}">`; prev = `lol${i}`; }
    lol += `]><lolz>&${prev};</lolz>`;
    const e = refusal(() => parseXml(lol));
    expect(e.code).toBe('entity-declaration');
    expect(e.line).toBe(1);
  });

  it('refuses file:// and http:// external entities and never reads them', () => {
    const variants = [
      `<!DOCTYPE r [<!ENTITY x SYSTEM "${pathToFileURL(canaryFile).href}">]><r>&x;</r>`,
      `<!DOCTYPE r [<!ENTITY x SYSTEM "${canaryFile}">]><r>&x;</r>`,
      `<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:${port}/x">]><r>&x;</r>`,
      `<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:${port}/evil.dtd"> %p;]><r>&leak;</r>`,
      `<!DOCTYPE r [\n<!-- hide ] > -->\n<!ENTITY x SYSTEM "${pathToFileURL(canaryFile).href}">]><r>&x;</r>`,
    ];
    for (const v of variants) {
      const e = refusal(() => parseXml(v));
      expect(e.code).toBe('entity-declaration');
      expect(e.message).not.toContain(CANARY);
    }
    expect(hits).toBe(0);
  });

  it('does not load an external DTD subset (file:// or http://)', () => {
    const variants = [
      `<!DOCTYPE r SYSTEM "${pathToFileURL(join(dir, 'evil.dtd')).href}"><r>&leak;</r>`,
      `<!DOCTYPE r SYSTEM "http://127.0.0.1:${port}/evil.dtd"><r>&leak;</r>`,
    ];
    for (const v of variants) {
      try {
        withXml(v, (doc) => {
          expect(doc.root.content).not.toContain(CANARY);
          expect(doc.toString()).not.toContain(CANARY);
        });
      } catch (err) {
        expect(err).toBeInstanceOf(XmlInputError);
        expect((err as Error).message).not.toContain(CANARY);
      }
    }
    expect(hits).toBe(0);
  });

  it('does not process XInclude', () => {
    const xml = `<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="${pathToFileURL(canaryFile).href}" parse="text"/></r>`;
    withXml(xml, (doc) => expect(doc.toString()).not.toContain(CANARY));
  });

  it('accepts a DOCTYPE without entity declarations', () => {
    withXml('<!DOCTYPE r [<!ELEMENT r ANY>]><r>ok</r>', (doc) => expect(doc.root.content).toBe('ok'));
  });
});

describe('encodings', () => {
  const body = '<?xml version="1.0" encoding="UTF-8"?><a>中文测试</a>';

  it('accepts UTF-8 with and without BOM', () => {
    withXml(Buffer.from(body), (doc) => expect(doc.root.content).toBe('中文测试'));
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    withXml(bom, (doc) => expect(doc.root.content).toBe('中文测试'));
    expect(decodeXmlBytes(bom)).toMatchObject({ bom: 'UTF-8', declaredEncoding: 'UTF-8', transcoded: false });
  });

  it('accepts UTF-16 with a BOM, both byte orders', () => {
    const u16 = '<?xml version="1.0" encoding="UTF-16"?><a>中文测试</a>';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(u16, 'utf16le')]);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) { const t = be[i]!; be[i] = be[i + 1]!; be[i + 1] = t; }
    withXml(le, (doc) => expect(doc.root.content).toBe('中文测试'));
    withXml(be, (doc) => expect(doc.root.content).toBe('中文测试'));
    expect(decodeXmlBytes(le)).toMatchObject({ bom: 'UTF-16LE', declaredEncoding: 'UTF-16', transcoded: true });
    expect(decodeXmlBytes(be).bom).toBe('UTF-16BE');
  });

  it('transcodes declared GBK, GB2312 and GB18030', () => {
    for (const enc of ['GBK', 'GB2312', 'gb18030']) {
      const bytes = iconv.encode(`<?xml version="1.0" encoding="${enc}"?><a>中文测试</a>`, 'gbk');
      withXml(bytes, (doc) => expect(doc.root.content).toBe('中文测试'));
      expect(decodeXmlBytes(bytes)).toMatchObject({ declaredEncoding: enc, transcoded: true, encoding: 'GB18030', bom: null });
    }
  });

  it('refuses invalid UTF-8 with the position of the bad byte', () => {
    const bad = Buffer.concat([Buffer.from('<a>\n  中'), Buffer.from([0xc3, 0x28]), Buffer.from('</a>')]);
    const e = refusal(() => parseXml(bad, { fileName: 'bad.xml' }));
    expect(e.code).toBe('encoding');
    expect(e.line).toBe(2);
    expect(e.column).toBe(4);
    // GBK bytes without a declaration are not UTF-8
    expect(refusal(() => parseXml(iconv.encode('<a>中文</a>', 'gbk'))).code).toBe('encoding');
    // overlong and surrogate encodings are invalid too
    expect(refusal(() => parseXml(Buffer.from([0x3c, 0x61, 0x3e, 0xc0, 0xaf, 0x3c, 0x2f, 0x61, 0x3e]))).code).toBe('encoding');
    expect(refusal(() => parseXml(Buffer.from([0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80, 0x3c, 0x2f, 0x61, 0x3e]))).code).toBe('encoding');
  });

  it('recognises UTF-16 without a BOM by its first characters', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a>中文</a>', 'utf16le');
    withXml(bytes, (doc) => expect(doc.root.content).toBe('中文'));
    expect(decodeXmlBytes(bytes)).toMatchObject({ bom: null, encoding: 'UTF-16LE', transcoded: true });
  });

  it('refuses an unknown declared encoding', () => {
    expect(refusal(() => parseXml(Buffer.from('<?xml version="1.0" encoding="X-NOPE"?><a/>'))).code).toBe('encoding');
  });
});
