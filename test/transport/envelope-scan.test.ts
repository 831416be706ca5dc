/**
 * Differential test of the server side's two envelope readers: readRequest with the
 * single-pass scanner (envelope-scan.ts, the default) must give exactly what the tree parser
 * (envelope-tree.ts, `scan: false`) gives — same action, same message, same form, same extra
 * parameters, same warnings, same fault code, status and reason — over every request the
 * catalogue can build, a hostile and malformed corpus, and random mutations of both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import type { ServiceDef } from '../../src/catalog/types.js';
import { buildRequest } from '../../src/samples/message.js';
import { sampleEntityValues } from '../../src/samples/message-values.js';
import { scanRequest } from '../../src/transport/envelope-scan.js';
import {
  type Binding,
  type BindingInput,
  encodeBody,
  type HeaderBag,
  readRequest,
  type ReadRequestResult,
  resolveBinding,
  SOAP11_NS,
  SOAP12_NS,
  wrapRequest,
  writeResponse,
} from '../../src/transport/index.js';

const catalog = loadCatalog();

interface Req {
  name: string;
  b: Binding;
  contentType: string;
  headers: HeaderBag;
  body: string | Uint8Array;
  maxElements?: number;
}

function both(r: Req): { fast: ReadRequestResult; tree: ReadRequestResult } {
  const opts = r.maxElements === undefined ? {} : { maxElements: r.maxElements };
  return {
    fast: readRequest(r.b, r.contentType, r.headers, r.body, opts),
    tree: readRequest(r.b, r.contentType, r.headers, r.body, { ...opts, scan: false }),
  };
}

/** the scanner's own verdict: read (true) or left to the tree (false) */
function scanned(r: Req, text: string): boolean {
  return scanRequest(r.b, r.b.kind === 'soap12' ? SOAP12_NS : SOAP11_NS, text, r.maxElements) !== undefined;
}

function lowerHeaders(h: Record<string, string>): HeaderBag {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A request as the harness client sends it, with the body edited by `edit`. */
function wire(name: string, b: Binding, action: string, v3: string, edit: (env: string) => string = (e) => e): Req {
  const w = wrapRequest(b, action, v3);
  const headers = lowerHeaders(w.headers);
  return { name, b, contentType: w.headers['Content-Type'] ?? '', headers, body: edit(w.body) };
}

// ------------------------------------------------------------------------------ the catalogue

const VARIANTS: [string, Exclude<BindingInput, string>][] = [
  ['default', {}],
  ['dhcc input1/input2', { namespace: 'http://www.dhcc.com.cn', params: { action: 'input1', message: 'input2' } }],
  ['jax-ws unqualified', { paramsQualified: false, prefix: 'ns1', namespace: 'http://hip.example.test/ws' }],
  ['no namespace', { namespace: '' }],
  ['extra params', { extraParams: [{ name: 'appId', value: 'HIS-01' }, { name: 'token', value: 'a&b<c' }] }],
  ['other names', { operation: 'HIPService', namespace: 'urn:vendor:hip/', params: { action: 'serviceCode', message: 'xmlData' }, soapActionCheck: 'present' }],
];

function catalogueRequests(): { req: Req; action: string; v3: string }[] {
  const out: { req: Req; action: string; v3: string }[] = [];
  const services: ServiceDef[] = [...catalog.services, ...catalog.regionalServices];
  services.forEach((s, i) => {
    const entity = catalog.entities.get(s.entity);
    if (!entity) throw new Error(`no entity ${s.entity}`);
    const v3 = buildRequest(s, entity, sampleEntityValues(entity, 1000 + i), { messageId: `DIFF-${i}`, creationTime: '20250301093000', sender: 'hutong-test', receiver: 'platform' });
    for (const kind of ['soap11', 'soap12'] as const) {
      for (const messageAs of ['cdata', 'escaped'] as const) {
        for (const [vname, v] of VARIANTS) {
          const b = resolveBinding({ ...v, kind, messageAs });
          out.push({ req: wire(`${s.code} ${kind} ${messageAs} ${vname}`, b, s.code, v3), action: s.code, v3 });
        }
      }
    }
  });
  return out;
}

describe('the scanner reads every request the catalogue builds exactly as the tree does', () => {
  const corpus = catalogueRequests();

  it(`covers all ${catalog.services.length} hospital services (and the regional ones) in ${corpus.length} requests`, () => {
    expect(catalog.services.length).toBe(69);
    expect(corpus.length).toBe((catalog.services.length + catalog.regionalServices.length) * 2 * 2 * VARIANTS.length);
  });

  it('gives identical results, and takes the fast path for every one of them', () => {
    let fastPath = 0;
    for (const { req, action, v3 } of corpus) {
      const { fast, tree } = both(req);
      expect(fast, req.name).toEqual(tree);
      expect(fast, req.name).toMatchObject({ action, v3xml: v3.trim(), warnings: [] });
      if (scanned(req, req.body as string)) fastPath++;
    }
    expect(fastPath).toBe(corpus.length);
  });

  it('reads bytes in GBK and GB18030 bodies and BOM-prefixed UTF-8 the same way', () => {
    const { v3 } = corpus[0] as { v3: string };
    for (const charset of ['gbk', 'gb18030', 'utf-8']) {
      const b = resolveBinding({ charset });
      const w = wrapRequest(b, 'PatientInfoRegister', v3.replace('hutong-test', '测试系统'));
      const body = charset === 'utf-8' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encodeBody(w.body, charset)]) : encodeBody(w.body, charset);
      const req: Req = { name: charset, b, contentType: w.headers['Content-Type'] ?? '', headers: lowerHeaders(w.headers), body };
      const { fast, tree } = both(req);
      expect(fast).toEqual(tree);
      expect(fast).toMatchObject({ action: 'PatientInfoRegister' });
      if ('v3xml' in fast) expect(fast.v3xml).toContain('测试系统');
    }
  });
});

// ------------------------------------------------------------------------------ hostile corpus

const soap11 = resolveBinding('soap11');
const soap12 = resolveBinding('soap12');
const escaped11 = resolveBinding({ kind: 'soap11', messageAs: 'escaped' });
const SA = { soapaction: '"urn:hl7-org:v3/HIPMessageServer"' };
const V3 = '<?xml version="1.0" encoding="UTF-8"?>\n<PRPA_IN201305UV02 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="2.16.156.10011.2.5.1.1" extension="M1"/><name>测试 &amp; “引号”</name></PRPA_IN201305UV02>';
const ESC = V3.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const LAUGHS = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)].join('');

/** A SOAP 1.1 request written by hand: envelope prefix s, default-namespace operation. */
function env11(body: string, opts: { header?: string; decl?: string; envAttrs?: string; after?: string; ns?: string } = {}): string {
  return `${opts.decl ?? '<?xml version="1.0" encoding="UTF-8"?>'}<s:Envelope xmlns:s="${opts.ns ?? SOAP11_NS}"${opts.envAttrs ?? ''}>${opts.header ?? ''}<s:Body>${body}</s:Body></s:Envelope>${opts.after ?? ''}`;
}
function op(inner: string, attrs = ' xmlns="urn:hl7-org:v3"'): string {
  return `<HIPMessageServer${attrs}>${inner}</HIPMessageServer>`;
}
const ACT = '<action>PatientInfoQuery</action>';
const MSG = `<message><![CDATA[${V3}]]></message>`;
const MSG_ESC = `<message>${ESC}</message>`;
const GOOD = env11(op(ACT + MSG));

function r11(name: string, body: string, extra: Partial<Req> = {}): Req {
  return { name, b: soap11, contentType: 'text/xml; charset=utf-8', headers: SA, body, ...extra };
}

/** [request, does the scanner read it itself?] — false: it must leave it to the tree path. */
const HOSTILE: [Req, boolean][] = [
  // the plain shape and its harmless variations: read by the scanner
  [r11('plain cdata', GOOD), true],
  [r11('plain escaped', env11(op(ACT + MSG_ESC))), true],
  [r11('no declaration', env11(op(ACT + MSG), { decl: '' })), true],
  [r11("declaration in single quotes, standalone", env11(op(ACT + MSG), { decl: "<?xml version='1.0' encoding='utf-8' standalone='yes'?>\r\n" })), true],
  [r11('empty Header', env11(op(ACT + MSG), { header: '<s:Header/>' })), true],
  [r11('empty Header with white space', env11(op(ACT + MSG), { header: '<s:Header>\n  </s:Header >' })), true],
  [r11('white space everywhere', `\n<s:Envelope\n xmlns:s="${SOAP11_NS}" >\r\n <s:Body\t>\n ${op(`\n ${ACT}\n <message>\n${ESC}\n</message >\n`)}\n</s:Body>\n</s:Envelope>\n\n`), true],
  [r11('split CDATA and mixed with text', env11(op(`${ACT}<message> <![CDATA[<a>]]]]><![CDATA[>]]>&lt;b/&gt;<![CDATA[</a>]]></message>`))), true],
  [r11('CR and CRLF in CDATA, &#13; in text', env11(op(`${ACT}<message><![CDATA[<a>\r\nx\ry</a>]]>&#13;</message>`))), true],
  [r11('xmlns declarations and other attributes', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="x" id=\'o&amp;1\' data-x="a>b"'), { envAttrs: ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xml:lang="zh"' })), true],
  [r11('entity in a namespace name', env11(op(ACT + MSG, ' xmlns="urn:hl7-org&#58;v3"'))), true],
  [r11('prefixed operation, default ns redeclared on params', env11(`<h:HIPMessageServer xmlns:h="urn:hl7-org:v3"><action xmlns="urn:hl7-org:v3">PatientInfoQuery</action><message xmlns="urn:hl7-org:v3"><![CDATA[${V3}]]></message></h:HIPMessageServer>`)), true],
  [r11('self-closing and repeated extra params', env11(op(`<appId/>${ACT}<appId>first</appId>${MSG}<appId>second</appId><action>Other</action><_p>p</_p>`))), true],
  [r11('action padded with white space', env11(op(`<action>\n PatientInfoQuery \n</action>${MSG}`))), true],
  [r11('"]]>" and ">" in text', env11(op(`${ACT}<message>&lt;a&gt;]]&gt; ]]> x&gt;y&lt;/a&gt;</message>`))), true],
  [r11('BOM', `\uFEFF${GOOD}`), true],
  [r11('surrogate pair in the payload', GOOD.replace('测试', '𠀀测试😀')), true],
  [r11('message before action, names with . and -', env11(op(`<message><![CDATA[${V3}]]></message><action>Patient.Info-Query_1</action>`))), true],
  [r11('SOAPAction mismatch (read, then refused)', GOOD, { headers: { soapaction: '"urn:other"' } }), true],
  [r11('element limit exactly reached', GOOD, { maxElements: 5 }), true],

  // left to the tree path
  [r11('DOCTYPE with billion laughs', `<?xml version="1.0"?><!DOCTYPE s:Envelope [${LAUGHS}]>${env11(op(`${ACT}<message>&lol9;</message>`), { decl: '' })}`), false],
  [r11('DOCTYPE with a file entity', `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${env11(op(`${ACT}<message>&e;</message>`), { decl: '' })}`), false],
  [r11('internal DOCTYPE in the Body', env11(`<!DOCTYPE x>${op(ACT + MSG)}`)), false],
  [r11('<!ENTITY> inside the envelope', env11(op(ACT + MSG), { header: '<!ENTITY x "y">' })), false],
  [r11('undefined entity', env11(op(`${ACT}<message>&ext;</message>`))), false],
  [r11('undefined entity in an attribute', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3" a="&nbsp;"'))), false],
  [r11('bare ampersand', env11(op(`${ACT}<message>&lt;a&gt;R&D&lt;/a&gt;</message>`))), false],
  [r11('invalid character reference', env11(op(`${ACT}<message>&lt;a&gt;&#0;&lt;/a&gt;</message>`))), false],
  [r11('comment before the envelope', `<!-- hi -->${GOOD}`), false],
  [r11('comment in the Body', env11(`<!-- c -->${op(ACT + MSG)}`)), false],
  [r11('comment in the message', env11(op(`${ACT}<message><!-- c --><![CDATA[${V3}]]></message>`))), false],
  [r11('processing instruction', env11(op(`${ACT}<?pi x?>${MSG}`))), false],
  [r11('stylesheet PI instead of a declaration', env11(op(ACT + MSG), { decl: '<?xml-stylesheet href="x"?>' })), false],
  [r11('declaration after white space', env11(op(ACT + MSG), { decl: ' <?xml version="1.0"?>' })), false],
  [r11('Header with a mustUnderstand block', env11(op(ACT + MSG), { header: '<s:Header><t:Token xmlns:t="urn:sec" s:mustUnderstand="1">x</t:Token></s:Header>' })), false],
  [r11('Header with an optional block', env11(op(ACT + MSG), { header: '<s:Header><t:Token xmlns:t="urn:sec">x</t:Token></s:Header>' })), false],
  [r11('10 000 nested elements in the Header', env11(op(ACT + MSG), { header: `<s:Header>${'<d>'.repeat(10_000)}${'</d>'.repeat(10_000)}</s:Header>` })), false],
  [r11('Header after the Body', GOOD.replace('</s:Envelope>', '<s:Header/></s:Envelope>')), false],
  [r11('SOAP 1.2 envelope to SOAP 1.1', env11(op(ACT + MSG), { ns: SOAP12_NS })), false],
  [r11('unknown envelope namespace', env11(op(ACT + MSG), { ns: 'urn:not-soap' })), false],
  [r11('not an envelope', V3), false],
  [r11('bare operation', op(ACT + MSG)), false],
  [r11('no Body', `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Header/></s:Envelope>`), false],
  [r11('empty Body', env11('')), false],
  [r11('self-closing Body', `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Body/></s:Envelope>`), false],
  [r11('two Body children', env11(op(ACT + MSG) + op(ACT + MSG))), false],
  [r11('text in the Body', env11(`text${op(ACT + MSG)}`)), false],
  [r11('text between params', env11(op(`${ACT} junk ${MSG}`))), false],
  [r11('unknown operation namespace', env11(op(ACT + MSG, ' xmlns="http://www.dhcc.com.cn"'))), false],
  [r11('unknown operation', env11(`<Other xmlns="urn:hl7-org:v3">${ACT}${MSG}</Other>`)), false],
  [r11('unqualified params for a qualified binding', env11(`<h:HIPMessageServer xmlns:h="urn:hl7-org:v3">${ACT}${MSG}</h:HIPMessageServer>`)), false],
  [r11('no action', env11(op(MSG))), false],
  [r11('empty action', env11(op(`<action> </action>${MSG}`))), false],
  [r11('invalid action', env11(op(`<action>Patient Info"Query</action>${MSG}`))), false],
  [r11('action with an element', env11(op(`<action><b>PatientInfoQuery</b></action>${MSG}`))), false],
  [r11('no message', env11(op(ACT))), false],
  [r11('empty message', env11(op(`${ACT}<message>  </message>`))), false],
  [r11('self-closing message', env11(op(`${ACT}<message/>`))), false],
  [r11('double-escaped message', env11(op(`${ACT}<message>${ESC.replace(/&/g, '&amp;')}</message>`))), false],
  [r11('message that is not XML', env11(op(`${ACT}<message>OK</message>`))), false],
  [r11('base64 message', env11(op(`${ACT}<message>${Buffer.from(V3).toString('base64')}</message>`))), false],
  [r11('inline message', env11(op(`${ACT}<message>${V3.replace(/^<\?xml[^>]*\?>\n/, '')}</message>`))), false],
  [r11('nested inline message', env11(op(`${ACT}<message><x>${ESC}</x></message>`))), false],
  [r11('mixed text and elements', env11(op(`${ACT}<message>t<a/></message>`))), false],
  [r11('trailing garbage', `${GOOD}<junk>trailing</junk> garbage`), false],
  [r11('trailing text', `${GOOD} x`), false],
  [r11('truncated', GOOD.slice(0, GOOD.length >> 1)), false],
  [r11('truncated in the CDATA', GOOD.slice(0, GOOD.indexOf('<name>'))), false],
  [r11('NUL bytes', GOOD.replace('<s:Body>', '<s:Body>\0\0\0')), false],
  [r11('NUL in the payload', GOOD.replace('测试', '\0')), false],
  [r11('lone surrogate', GOOD.replace('测试', '\uD800')), false],
  [r11('U+FFFE', GOOD.replace('测试', '\uFFFE')), false],
  [r11('duplicate attribute', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3" a="1" a="2"'))), false],
  [r11('"<" in an attribute', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3" a="<"'))), false],
  [r11('attributes without space', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3"a="1"'))), false],
  [r11('unquoted attribute', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3" a=1'))), false],
  [r11('boolean attribute', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3" checked'))), false],
  [r11('__proto__ param (the tree parser refuses it)', env11(op(`${ACT}${MSG}<__proto__>p</__proto__>`))), false],
  [r11('toString param (the tree parser renames it)', env11(op(`${ACT}${MSG}<toString>p</toString>`))), false],
  [r11('prefixed constructor param', env11(op(`${ACT}${MSG}<x:constructor xmlns:x="urn:hl7-org:v3">p</x:constructor>`))), false],
  [r11('hasOwnProperty attribute', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3" hasOwnProperty="1"'))), false],
  [r11('32 attributes on a start tag', env11(op(ACT + MSG, ` xmlns="urn:hl7-org:v3"${Array.from({ length: 31 }, (_, i) => ` a${i}="${i}"`).join('')}`))), true],
  [r11('33 attributes on a start tag', env11(op(ACT + MSG, ` xmlns="urn:hl7-org:v3"${Array.from({ length: 32 }, (_, i) => ` a${i}="${i}"`).join('')}`))), false],
  [r11('20 000 namespace declarations and 20 000 params', env11(op(`${ACT}${MSG}${'<p/>'.repeat(20_000)}`, ` xmlns="urn:hl7-org:v3"${Array.from({ length: 20_000 }, (_, i) => ` xmlns:n${i}="urn:n${i}"`).join('')}`))), false],
  [r11('20 000 params', env11(op(`${ACT}${MSG}${'<p>x</p>'.repeat(20_000)}`))), true],
  [r11('unbound element prefix', env11(`<x:HIPMessageServer>${ACT}${MSG}</x:HIPMessageServer>`)), false],
  [r11('unbound attribute prefix', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3" y:a="1"'))), false],
  [r11('prefix undeclared', env11(op(ACT + MSG, ' xmlns="urn:hl7-org:v3" xmlns:s=""'))), false],
  [r11('xml prefix on an element', env11(op(`${ACT}${MSG}<xml:x>1</xml:x>`))), false],
  [r11('non-ASCII element name', env11(op(`${ACT}${MSG}<参数>1</参数>`))), false],
  [r11('two colons in a name', env11(op(`${ACT}${MSG}<a:b:c xmlns:a="urn:a">1</a:b:c>`))), false],
  [r11('mismatched end tag', env11(op(`${ACT}<message><![CDATA[${V3}]]></massage>`))), false],
  [r11('unterminated CDATA', env11(op(`${ACT}<message><![CDATA[${V3}</message>`))), false],
  [r11('element limit exceeded', GOOD, { maxElements: 4 }), false],
  [r11('wrong media type (refused before reading)', GOOD, { contentType: 'application/soap+xml' }), true],
  [r11('no SOAPAction (refused before reading)', GOOD, { headers: {} }), true],
  [r11('empty body', ''), false],
  [r11('white space body', '  \n'), false],
  [{ name: 'SOAP 1.1 envelope to SOAP 1.2', b: soap12, contentType: 'application/soap+xml; charset=utf-8', headers: {}, body: GOOD }, false],
  [{ name: 'SOAP 1.2 plain', b: soap12, contentType: 'application/soap+xml; charset=utf-8; action="urn:hl7-org:v3/HIPMessageServer"', headers: {}, body: env11(op(ACT + MSG), { ns: SOAP12_NS }) }, true],
  [{ name: 'escaped binding, CDATA sent', b: escaped11, contentType: 'text/xml', headers: SA, body: GOOD }, true],
];

describe('the hostile and malformed corpus', () => {
  it.each(HOSTILE.map(([r, fast]) => [r.name, r, fast] as const))('%s', (_name, r, fast) => {
    const { fast: a, tree } = both(r);
    expect(a).toEqual(tree);
    expect(scanned(r, typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8'))).toBe(fast);
  });

  it('still refuses every DOCTYPE, naming it', () => {
    for (const [r] of HOSTILE.filter(([x]) => /DOCTYPE|ENTITY/.test(x.name))) {
      const { fast } = both(r);
      expect(fast, r.name).toMatchObject({ error: { faultCode: 'Sender' } });
      if ('error' in fast) expect(fast.error.reason, r.name).toMatch(/DOCTYPE|ENTITY/);
    }
  });
});

// ------------------------------------------------------------------------------ mutations

const SNIPPETS = [
  '<', '>', '/', '&', '"', "'", '=', ':', ' ', '\t', '\r\n', '\n', '\r', ']]>', '<![CDATA[', '<!--x-->', '<?pi?>', '<?xml version="1.0"?>',
  '&amp;', '&lt;', '&#13;', '&#0;', '&#x1F600;', '&bogus;', '\u0000', '\uD800', '\uFEFF', '中', 'xmlns="urn:x"', ' xmlns:p="urn:p"', ' p:a="1"',
  ' a="1"', ' a="<"', 'p:', '</', '/>', '<a>', '</a>', '<a/>', '<!DOCTYPE x>', '<s:Header/>', '<appId>1</appId>', '<action>X</action>', 'soap:', 's:',
  '<toString>1</toString>', ' valueOf="1"', '<__proto__/>', ' constructor="x"',
];

type Mutation = { at: number; kind: 'insert'; text: string } | { at: number; kind: 'delete'; len: number } | { at: number; kind: 'duplicate'; len: number };

function mutate(s: string, muts: Mutation[]): string {
  let out = s;
  for (const m of muts) {
    const at = Math.min(m.at, out.length);
    if (m.kind === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.len);
    else out = out.slice(0, at) + out.slice(at, at + m.len) + out.slice(at);
  }
  return out;
}

describe('random mutations (fast-check, fixed seed)', () => {
  const small = '<PRPA_IN201305UV02 xmlns="urn:hl7-org:v3"><id extension="M&amp;1"/></PRPA_IN201305UV02>';
  const seeds: Req[] = [
    r11('plain', GOOD),
    r11('escaped', env11(op(ACT + MSG_ESC))),
    r11('small escaped with header and extras', env11(op(`<action>A1</action><message>${small.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</message><appId>x</appId>`), { header: '<s:Header/>' })),
    wire('dhcc small cdata', resolveBinding({ namespace: 'http://www.dhcc.com.cn', params: { action: 'input1', message: 'input2' } }), 'PatientInfoQuery', small),
    wire('jax-ws soap12 small escaped', resolveBinding({ kind: 'soap12', messageAs: 'escaped', paramsQualified: false, prefix: 'ns1', namespace: 'urn:ws' }), 'PatientInfoQuery', small),
  ];
  const mutation = (len: number): fc.Arbitrary<Mutation> =>
    fc.oneof(
      { weight: 3, arbitrary: fc.record({ at: fc.nat({ max: len }), kind: fc.constant('insert' as const), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 3 })) }) },
      { weight: 1, arbitrary: fc.record({ at: fc.nat({ max: len }), kind: fc.constant('delete' as const), len: fc.integer({ min: 1, max: 12 }) }) },
      { weight: 1, arbitrary: fc.record({ at: fc.nat({ max: len }), kind: fc.constant('duplicate' as const), len: fc.integer({ min: 1, max: 40 }) }) },
    );

  it.each(seeds.map((s) => [s.name, s] as const))('%s: both readers agree on every mutant', (_name, seed) => {
    const text = seed.body as string;
    let read = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(mutation(text.length), { minLength: 1, maxLength: 3 }), (muts) => {
        const r = { ...seed, body: mutate(text, muts) };
        const { fast, tree } = both(r);
        expect(fast).toEqual(tree);
        if ('error' in fast) refused++;
        else read++;
      }),
      { seed: 20261201, numRuns: 600 },
    );
    // the mutants exercise both outcomes, not only one
    expect(read).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

// ------------------------------------------------------------------------------ response side

describe('writeResponse builds the response frame once per binding', () => {
  const ack = '<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3"><id extension="A]]>B"/></MCCI_IN000002UV01>';

  it('writes the envelope of the binding, byte for byte', () => {
    const b = resolveBinding('soap11');
    expect(writeResponse(b, '<a/>').body.toString()).toBe(
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body><HIPMessageServerResponse xmlns="urn:hl7-org:v3"><HIPMessageServerResult><![CDATA[<a/>]]></HIPMessageServerResult></HIPMessageServerResponse></soap:Body></soap:Envelope>`,
    );
    const jax = resolveBinding({ kind: 'soap12', paramsQualified: false, prefix: 'ns1', namespace: 'urn:ws', resultElement: 'return' });
    const r = writeResponse(jax, ack);
    expect(r.headers['Content-Type']).toBe('application/soap+xml; charset=utf-8');
    expect(r.body.toString()).toBe(
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP12_NS}"><soap:Body><ns1:HIPMessageServerResponse xmlns:ns1="urn:ws"><return><![CDATA[${ack.replace(']]>', ']]]]><![CDATA[>')}]]></return></ns1:HIPMessageServerResponse></soap:Body></soap:Envelope>`,
    );
  });

  it('follows a binding object that changes after its first use', () => {
    const b = resolveBinding('soap11');
    expect(writeResponse(b, '<a/>').body.toString()).toContain('<HIPMessageServerResponse xmlns="urn:hl7-org:v3"><HIPMessageServerResult>');
    const changed: Binding = { ...b };
    Object.assign(b, { operation: 'Other', namespace: 'urn:x', charset: 'gbk', kind: 'soap12' });
    const text = writeResponse(b, '<a/>').body.toString();
    expect(text).toContain(`<soap:Envelope xmlns:soap="${SOAP12_NS}"><soap:Body><OtherResponse xmlns="urn:x"><OtherResult>`);
    expect(text.startsWith('<?xml version="1.0" encoding="gbk"?>')).toBe(true);
    expect(writeResponse(changed, '<a/>').body.toString()).toContain('<HIPMessageServerResponse xmlns="urn:hl7-org:v3">');
  });
});
