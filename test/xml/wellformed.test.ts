import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { buildAck } from '../../src/samples/message.js';
import { resolveBinding, wrapRequest, writeResponse } from '../../src/transport/index.js';
import { scanTree, treeFromDom } from '../../src/xml/jstree.js';
import { decodeXmlBytes, parseXmlText } from '../../src/xml/parse.js';
import { scanChecked } from '../../src/xml/wellformed.js';
import { apply, edit, FUZZ, NASTY } from '../fuzz/mutate.js';
import { catalog, request, response, sample, template } from '../validate/helpers.js';
import { flat, libxml, sound } from './tree-flat.js';

/*
 * scanChecked is the fast path's only well-formedness proof, so its soundness is tested
 * against libxml2 itself (parseXmlText: the PARSE_OPTIONS and limits the slow path uses):
 *   ok:true ⇒ libxml2 accepts the text AND its tree (treeFromDom) equals the scanner's, node
 *   for node (the flat() rows of the tree-equivalence test);
 * over every sample document and V3 message (where it must also say ok, or the fast path never
 * runs), text variants, the hostile fragments of the fuzz corpus, and fast-check mutations.
 * Then every rejection class has its own case: ok:false, and libxml2 rejects too where the
 * text is really malformed.
 */

function samples(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const t of catalog.documents) {
    out.push({ name: `sample ${t.code}`, text: sample(t) }, { name: `sample ${t.code} seed 7`, text: sample(t, 7) });
  }
  for (const s of catalog.services) {
    out.push({ name: `${s.code} request`, text: request(s) }, { name: `${s.code} response`, text: response(s) }, { name: `${s.code} response AE`, text: response(s, 'AE') });
    if (s.responseRecords) out.push({ name: `${s.code} response none`, text: response(s, 'AA', 0) }, { name: `${s.code} response two`, text: response(s, 'AA', 2) });
  }
  const reg = catalog.services.find((s) => s.code === 'PatientInfoRegister')!;
  for (const kind of ['soap11', 'soap12'] as const) {
    out.push({ name: `request envelope ${kind}`, text: wrapRequest(resolveBinding(kind), reg.code, request(reg)).body });
    const ack = buildAck({ messageId: 'REQ-1', interactionId: reg.request }, { typeCode: 'AA', messageId: 'ACK-1', creationTime: '20260101120000' });
    out.push({ name: `response envelope ${kind}`, text: writeResponse(resolveBinding(kind), ack).body.toString('utf8') });
  }
  return out;
}

/** Text-level variants every well-formed reader must agree on (as in tree-equivalence.test.ts). */
function variants(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const code of ['C0001', 'C0032', 'C0041']) {
    const xml = sample(template(code));
    const v = (name: string, text: string) => out.push({ name: `${code} ${name}`, text });
    v('CRLF', xml.replace(/\n/g, '\r\n'));
    v('CR', xml.replace(/\n/g, '\r'));
    v('one line', xml.replace(/\n\s*/g, ''));
    v('comments', xml.replace(/<\/title>/, '</title><!-- a <comment> & -->').replace(/<code /g, '<!--c-->\n<code '));
    v('multi-line tags', xml.replace(/ (code|codeSystem|value|root)="/g, '\n\t $1 = "'));
    v('references', xml.replace(/>([^<>\n]+)</g, (_, s: string) => `>${[...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('')}<`).replace(/displayName="([^"]*)"/g, 'displayName="&#32;$1&#9;&amp;&#10;&#13;&lt;&gt;&quot;&apos;"'));
    v('decimal references', xml.replace(/>([^<>\n]+)</g, (_, s: string) => `>&#0${s.codePointAt(0)!};&#13;${s}&lt;&gt;&amp;&quot;&apos;<`));
    v('CDATA', xml.replace(/>([^<>\n]+)</g, '><![CDATA[$1]]><'));
    v('CDATA CRLF', xml.replace(/>([^<>\n]+)</g, '><![CDATA[$1\r\n<x>\r]]><'));
    v('attribute white space', xml.replace(/displayName="([^"]*)"/g, 'displayName="\t$1\r\n x\ry"'));
    v('single quotes', xml.replace(/ (\w+)="([^"]*)"/g, " $1='$2'"));
    v('quotes inside values', xml.replace(/displayName="([^"]*)"/g, `displayName="'$1' ]]> >"`));
    v('hl7 prefix', xml.replace(/<(\/?)(?!\?|!)([A-Za-z])/g, '<$1hl7:$2').replace('xmlns="urn:hl7-org:v3"', 'xmlns:hl7="urn:hl7-org:v3"'));
    v('nested default namespace', xml.replace('</structuredBody>', '<x xmlns="urn:other"><code code="1"/><y xmlns=""><z/></y></x></structuredBody>'));
    v('prefixed attributes', xml.replace('</structuredBody>', '<x xmlns:a="urn:a" xmlns:b="http://example.org:8080/b;v=1" a:k="1" b:k="2" k="3" xml:lang="zh"/></structuredBody>'));
    v('redeclared prefix', xml.replace('</structuredBody>', '<x xmlns:a="urn:a"><a:y xmlns:a="urn:b" a:k="1"/><a:y/></x></structuredBody>'));
    v('end tag white space', xml.replace(/<\/(\w+)>/g, '</$1 \n>'));
    v('GBK declaration', xml.replace('encoding="UTF-8"', 'encoding="GBK"'));
    v('no declaration', xml.replace(/^<\?xml[^>]*\?>\s*/, ''));
    v('standalone', xml.replace('encoding="UTF-8"', "encoding='utf-8' standalone='yes'"));
    v('prolog and epilog', xml.replace(/^(<\?xml[^>]*\?>)/, '$1\n<!-- before -->\n<?xml-stylesheet type="text/xsl" href="cda.xsl"?>\n') + '\n<!-- after --><?done?>\n\n');
    v('astral characters', xml.replace(/<title>([^<]*)</, '<title>$1 𠀀𝄞 &#x20000;<'));
  }
  const t = template('C0001');
  out.push({ name: 'C0001 many lines', text: sample(t).replace('<realmCode', `${'<!-- -->\n'.repeat(70_000)}<realmCode`) });
  out.push({ name: 'deep 256', text: '<a>'.repeat(256) + '</a>'.repeat(256) });
  // positions among many siblings (the scanner looks back a few siblings, then keeps counts)
  const names = ['x', 'y', 'p:x', 'z', 'q:x', 'x', 'w'];
  const kids = Array.from({ length: 120 }, (_, k) => {
    const q = names[(k * k + 3 * k) % names.length]!;
    return k % 3 === 0 ? `<${q}>t</${q}>` : `<${q}/>`;
  }).join('');
  out.push({ name: 'many siblings', text: `<r xmlns="urn:a" xmlns:p="urn:p" xmlns:q="urn:a">${kids}<s>${kids}</s>${'<x/>'.repeat(40)}<y/><x/></r>` });
  return out;
}

describe('scanChecked: sound against libxml2 on our own documents, and never unsure about them', () => {
  const all = samples();

  it('covers every document template and every service', () => {
    expect(all.filter((c) => c.name.startsWith('sample ')).length).toBe(2 * catalog.documents.length);
    expect(catalog.documents.length).toBe(73);
    expect(all.filter((c) => c.name.endsWith(' request')).length).toBe(catalog.services.length);
  });

  it('every sample and message: ok, and the tree is libxml2\'s', () => {
    for (const c of all) {
      const r = scanChecked(c.text);
      expect(r.ok ? 'ok' : r.reason, c.name).toBe('ok');
      expect(sound(c.text, c.name)).toBe(true);
    }
  }, 300_000);

  it('text variants (line ends, references, CDATA, quotes, prefixes, namespaces, prolog): ok and libxml2\'s tree', () => {
    for (const c of variants()) {
      const r = scanChecked(c.text);
      expect(r.ok ? 'ok' : r.reason, c.name).toBe('ok');
      expect(sound(c.text, c.name)).toBe(true);
    }
  }, 300_000);

  it('a GBK file decoded as the pipeline decodes it: ok and libxml2\'s tree', () => {
    const xml = sample(template('C0001')).replace('encoding="UTF-8"', 'encoding="GBK"');
    const { text } = decodeXmlBytes(iconv.encode(xml, 'gbk'));
    expect(sound(text, 'GBK')).toBe(true);
  });

  it('scanTree (trusted mode of the same scanner) gives the same tree as scanChecked', () => {
    for (const c of all.slice(0, 40)) {
      const r = scanChecked(c.text);
      if (!r.ok) throw new Error(r.reason);
      expect(flat(scanTree(c.text)), c.name).toEqual(flat(r.root));
    }
    // what strict mode does not vouch for, trusted mode reads as libxml2 did
    const pi = '<a xmlns="urn:x"><?pi data?><b/>t<?x?>u</a>';
    expect(scanChecked(pi).ok).toBe(false);
    expect(flat(scanTree(pi))).toEqual(libxml(pi));
  });
});

// ------------------------------------------------------------------------- rejections

/** [class, text, libxml2 rejects it too] */
const REJECT: [string, string, boolean][] = [
  ['DOCTYPE', '<!DOCTYPE a><a/>', false],
  ['DOCTYPE with subset', '<!DOCTYPE a [<!ELEMENT a ANY>]><a/>', false],
  ['processing instruction inside the root', '<a><?pi x?></a>', false],
  ['PI target xml', '<a/><?xml version="1.0"?>', true],
  ['PI target with a colon', '<?a:b x?><a/>', true],
  ['PI without white space after target', '<?pi"x"?><a/>', true],
  ['XML declaration not first', ' <?xml version="1.0"?><a/>', true],
  ['XML declaration version 1.1', '<?xml version="1.1"?><a/>', false],
  ['XML declaration version 2.0', '<?xml version="2.0"?><a/>', false],
  ['XML declaration without version', '<?xml encoding="UTF-8"?><a/>', true],
  ['XML declaration upper-case keyword', '<?xml VERSION="1.0"?><a/>', true],
  ['XML declaration attributes out of order', '<?xml version="1.0" standalone="yes" encoding="UTF-8"?><a/>', true],
  ['XML declaration odd encoding', '<?xml version="1.0" encoding="ISO-8859-1"?><a/>', false],
  ['XML declaration bad standalone', '<?xml version="1.0" standalone="maybe"?><a/>', true],
  ['XML declaration unterminated', '<?xml version="1.0"<a/>', true],
  ['non-ASCII element name', '<数据/>', false],
  ['non-ASCII attribute name', '<a 名="1"/>', false],
  ['name starting with a digit', '<1a/>', true],
  ['name starting with -', '<a><-b/></a>', true],
  ['two colons in a name', '<a xmlns:b="urn:b"><b:c:d/></a>', true],
  ['empty prefix', '<a><:b/></a>', true],
  ['empty local name', '<a xmlns:b="urn:b"><b:/></a>', true],
  ['control character in text', '<a>\u0001</a>', true],
  ['control character in an attribute', '<a b="\u001f"/>', true],
  ['NUL', '<a>\u0000</a>', true],
  ['unpaired high surrogate', '<a>\uD800</a>', true],
  ['unpaired low surrogate', '<a b="\uDC00"/>', true],
  ['U+FFFE', '<a>\uFFFE</a>', true],
  ['U+FFFF', '<a>\uFFFF</a>', true],
  ['U+FEFF inside the text (libxml2 drops some)', '<a b="\uFEFFx">\uFEFF</a>', false],
  ['reference to U+FEFF', '<a>&#xFEFF;</a>', false],
  ['control character in a comment', '<a><!-- \u0002 --></a>', true],
  ['control character in CDATA', '<a><![CDATA[\u0008]]></a>', true],
  ['control character in a prolog PI', '<?pi \u0007?><a/>', true],
  ['U+FFFE in CDATA', '<a><![CDATA[\uFFFE]]></a>', true],
  ['unpaired surrogate in a comment', '<!-- \uDBFF --><a/>', true],
  ['surrogates in the wrong order', '<a>\uDC00\uD800</a>', true],
  ['surrogate at the end of the input', '<a/>\uD800', true],
  ['undeclared element prefix', '<a><p:b/></a>', true],
  ['undeclared attribute prefix', '<a p:b="1"/>', true],
  ['prefix declared on a sibling only', '<a><b xmlns:p="urn:p"/><p:c/></a>', true],
  ['duplicate attribute', '<a b="1" b="2"/>', true],
  ['duplicate attribute after namespace expansion', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>', true],
  ['duplicate namespace declaration', '<a xmlns:p="urn:x" xmlns:p="urn:y"/>', true],
  ['duplicate default namespace', '<a xmlns="urn:x" xmlns="urn:y"/>', true],
  ['undeclared entity', '<a>&nbsp;</a>', true],
  ['undeclared entity in an attribute', '<a b="&nbsp;"/>', true],
  ['bare ampersand', '<a>AT&T</a>', true],
  ['bare ampersand in an attribute', '<a b="AT&T"/>', true],
  ['reference to NUL', '<a>&#0;</a>', true],
  ['reference to a surrogate', '<a>&#xD800;</a>', true],
  ['reference to U+FFFE', '<a b="&#xFFFE;"/>', true],
  ['reference beyond U+10FFFF', '<a>&#x110000;</a>', true],
  ['empty character reference', '<a>&#;</a>', true],
  ['hex digits in a decimal reference', '<a>&#1F;</a>', true],
  ['unterminated reference', '<a>&amp</a>', true],
  ["'<' in an attribute value", '<a b="<"/>', true],
  ['unquoted attribute value', '<a b=1/>', true],
  ['attribute without value', '<a b/>', true],
  ['attributes without white space between', '<a b="1"c="2"/>', true],
  ["'--' in a comment", '<a><!-- a -- b --></a>', true],
  ["comment ending in '-'", '<a><!-- a ---></a>', true],
  ['unterminated comment', '<a><!-- a </a>', true],
  ["']]>' in text", '<a>x ]]> y</a>', true],
  ['unterminated CDATA', '<a><![CDATA[x</a>', true],
  ['CDATA outside the root', '<![CDATA[x]]><a/>', true],
  ['mismatched end tag', '<a><b></a></b>', true],
  ['end tag with another prefix', '<p:a xmlns:p="urn:p" xmlns:q="urn:p"></q:a>', true],
  ['end tag longer name', '<a></ab>', true],
  ['unclosed element', '<a><b></b>', true],
  ['end tag with attribute', '<a></a b="1">', true],
  ['stray end tag first', '</a><a/>', true],
  ['content after the root', '<a/>x', true],
  ['second root element', '<a/><b/>', true],
  ['text before the root', 'x<a/>', true],
  ['BOM left in the text', '\uFEFF<a/>', false],
  ['empty input', '', true],
  ['white space only', '  \n', true],
  ['no root, only a comment', '<!-- x -->', true],
  ['depth 257', '<a>'.repeat(257) + '</a>'.repeat(257), true],
  ['self-closing at depth 257', '<a>'.repeat(256) + '<b/>' + '</a>'.repeat(256), false],
  ['xmlns:xml bound to its own URI', '<a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>', false],
  ['xmlns:xml bound elsewhere', '<a xmlns:xml="urn:x"/>', true],
  ['xmlns:xmlns declared', '<a xmlns:xmlns="urn:x"/>', true],
  ['prefix bound to the xml namespace', '<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>', true],
  ['default namespace = the xmlns namespace', '<a xmlns="http://www.w3.org/2000/xmlns/"/>', true],
  ['prefix undeclared with an empty URI', '<a xmlns:p=""/>', true],
  ['relative namespace URI', '<a xmlns="x/y"/>', false],
  ['namespace URI with a space', '<a xmlns="urn:a b"/>', false],
  ['namespace URI with a bad port', '<a xmlns="http://host:x/"/>', false],
  ['namespace URI with a reference', '<a xmlns="urn:&amp;"/>', false],
  ['element with the xml prefix', '<xml:a/>', false],
  ["'/' without '>'", '<a/ >', true],
  ['< inside a tag', '<a <b/>', true],
  ['truncated start tag', '<a b="1"', true],
  ['truncated attribute value', '<a b="1/>', true],
  ['markup declaration inside the root', '<a><!ELEMENT a ANY></a>', true],
  ['more than 256 attributes', `<a ${Array.from({ length: 257 }, (_, k) => `a${k}="1"`).join(' ')}/>`, false],
  ['more than 64 namespaces in scope', `<a ${Array.from({ length: 65 }, (_, k) => `xmlns:p${k}="urn:${k}"`).join(' ')}/>`, false],
];

describe('scanChecked refuses what it does not prove', () => {
  for (const [name, text, libxmlRejects] of REJECT) {
    it(`${name}: ok:false with a reason${libxmlRejects ? ', and libxml2 rejects it too' : ''}`, () => {
      const r = scanChecked(text);
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(3);
      if (libxmlRejects) expect(libxml(text), name).toBeUndefined();
    });
  }

  it('a U+FEFF inside a large document: libxml2 drops it (found by the fuzz test), so the scanner never vouches for one', () => {
    const text = sample(template('C0032')).replace(/displayName="损伤中毒的外部原因"/, 'displayName="\uFEFF损伤中毒的外部原因"');
    expect(text).toContain('\uFEFF');
    expect(scanChecked(text).ok).toBe(false);
    expect(JSON.stringify(libxml(text))).not.toContain('\uFEFF');
  });

  it('maxDepth is the configured limit', () => {
    const nest = (k: number) => '<a>'.repeat(k) + '</a>'.repeat(k);
    expect(scanChecked(nest(10), { maxDepth: 10 }).ok).toBe(true);
    expect(scanChecked(nest(11), { maxDepth: 10 }).ok).toBe(false);
  });

  it('well-formed cousins of the rejections are accepted (the checks are not blanket refusals)', () => {
    for (const text of [
      '<a>&amp;&#x41;&#65;</a>', '<a b="&lt;&#60;"/>', '<a><!-- - a - --></a>', '<a>]] ></a>', '<a b="]]>"/>', '<?xml version="1.0"?><a/>',
      '<a xmlns:p="urn:x" p:b="1" b="2"/>', '<a xmlns="urn:x"><b xmlns=""/></a>', '<a>\u0085\u2028</a>', '<a xml:lang="zh"/>',
      '<?xml-stylesheet href="x.xsl"?><a/>', '<a\n/>', '<a></a\t>', '<a b = \'1\' c="2"/>', '<a><!----></a>', '<a><!-- x - y --></a>',
      `<a ${Array.from({ length: 256 }, (_, k) => `a${k}="1"`).join(' ')}/>`,
    ]) {
      expect(sound(text, text), text).toBe(true);
    }
  });
});

// ------------------------------------------------------------------------- mutations

/** Edits aimed at the checks: markup characters, names, namespace declarations, duplicates, truncation. */
const FRAGMENTS = [
  '<', '>', '&', '"', "'", '=', '/', ':', ' ', '\n', '\r', '\t', ']]>', '--', '<!--', '-->', '<![CDATA[', '&#0;', '&#x41;', '&lt;', '&bogus;',
  ' xmlns:p="urn:p"', ' p:x="1"', ' xmlns="urn:other"', ' xmlns=""', ' xmlns:p=""', ' xmlns:xml="urn:x"', ' x="1"', ' x="2"', ' xsi:type="ST"',
  '<p:a/>', '</a>', '<a>', '<b/>', '<?pi?>', '<!DOCTYPE a>', '\u0001', '\uD800', '\uFFFE', '中', '𝄞', 'xml:', '1',
];

type TextEdit = { op: 'insert'; at: number; s: string } | { op: 'delete'; at: number; len: number } | { op: 'swap'; at: number; with: string } | { op: 'cut'; at: number } | { op: 'dupattr'; at: number };

const frac = fc.integer({ min: 0, max: 9_999 }).map((x) => x / 10_000);
const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: frac, s: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.constantFrom(...NASTY)) }),
  fc.record({ op: fc.constant('delete' as const), at: frac, len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('swap' as const), at: frac, with: fc.constantFrom('<', '>', '&', '"', "'", '=', '/', ':', ' ', 'x', '-', ']') }),
  fc.record({ op: fc.constant('cut' as const), at: frac }),
  fc.record({ op: fc.constant('dupattr' as const), at: frac }),
) as fc.Arbitrary<TextEdit>;

function applyText(text: string, edits: readonly TextEdit[]): string {
  let s = text;
  for (const e of edits) {
    const at = Math.floor(e.at * s.length);
    switch (e.op) {
      case 'insert': s = s.slice(0, at) + e.s + s.slice(at); break;
      case 'delete': s = s.slice(0, at) + s.slice(at + e.len); break;
      case 'swap': s = s.slice(0, at) + e.with + s.slice(at + 1); break;
      case 'cut': s = s.slice(0, at); break;
      case 'dupattr': {
        // repeat an attribute inside its own tag, or under another prefix bound to the same URI
        const m = / ([\w:]+)="[^"]*"/g;
        m.lastIndex = at;
        const hit = m.exec(s);
        if (hit) s = s.slice(0, hit.index) + hit[0] + (at % 2 === 0 ? hit[0] : ` xmlns:dup="urn:hl7-org:v3" dup:${hit[1]!.replace(/^\w+:/, '')}="x"`) + s.slice(hit.index + hit[0].length);
        break;
      }
    }
  }
  return s;
}

describe('scanChecked on mutated samples: ok ⇒ libxml2 accepts and builds the same tree', () => {
  const seeds = [
    sample(template('C0001')), sample(template('C0032')), sample(template('C0041')),
    request(catalog.services[0]!), response(catalog.services.find((s) => s.responseRecords)!),
    '<a xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><b x="1" xsi:type="CD">t &amp; <![CDATA[c]]></b><!-- c --><c/></a>',
    // the tricky constructs, so mutations land on them
    ...variants().filter((v) => /^C0032 (references|CDATA CRLF|hl7 prefix|prefixed attributes|redeclared prefix|attribute white space|prolog and epilog)$/.test(v.name)).map((v) => v.text),
  ];
  const runs = FUZZ.numRuns * 5;
  let vouched = 0;
  let refused = 0;

  it(`text edits aimed at the checks (${runs} cases)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(textEdit, { minLength: 1, maxLength: 3 }), (k, edits) => {
        if (sound(applyText(seeds[k]!, edits))) vouched++;
        else refused++;
      }),
      { seed: FUZZ.seed + 11, numRuns: runs },
    );
    // both sides exercised: some mutants stay well-formed, most are refused
    expect(vouched).toBeGreaterThan(runs / 50);
    expect(refused).toBeGreaterThan(runs / 4);
  }, 600_000);

  it(`byte edits of the fuzz corpus, decoded as the pipeline decodes (${FUZZ.numRuns} cases)`, () => {
    const dec = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), (k, edits) => {
        let text: string;
        try {
          text = dec.decode(apply(seeds[k]!, edits));
        } catch {
          return; // not UTF-8: never reaches the scanner
        }
        sound(text);
      }),
      { seed: FUZZ.seed + 12, numRuns: FUZZ.numRuns },
    );
  }, 600_000);

  it(`any characters at the start of a text run or attribute value (${FUZZ.numRuns * 2} cases)`, () => {
    const spots = seeds.map((t) => [...t.matchAll(/="|>/g)].map((m) => m.index! + m[0].length));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), frac, fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), (k, at, chars) => {
        const sp = spots[k]!;
        const pos = sp[Math.floor(at * sp.length)]!;
        sound(seeds[k]!.slice(0, pos) + chars + seeds[k]!.slice(pos));
      }),
      { seed: FUZZ.seed + 13, numRuns: FUZZ.numRuns * 2 },
    );
  }, 600_000);

  it('every hostile fragment of the fuzz corpus, inserted at every tag boundary of a small document', () => {
    const base = '<?xml version="1.0" encoding="UTF-8"?>\n<a xmlns="urn:hl7-org:v3"><b x="1">t</b><c/></a>\n';
    const cuts = [...base.matchAll(/[<>]/g)].map((m) => m.index!);
    for (const f of [...NASTY, ...FRAGMENTS]) for (const at of cuts) for (const off of [0, 1]) sound(base.slice(0, at + off) + f + base.slice(at + off), JSON.stringify(f));
  }, 300_000);
});
