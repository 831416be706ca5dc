import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { V3_DIR } from '../../src/validate/layers/xsd.js';
import { compileSchema, XsdJsUnsupported } from '../../src/xsdjs/index.js';
import { describe, expect, it } from 'vitest';
import { catalog, SHARED, hasShared } from '../validate/helpers.js';
import { sampleDocuments, sampleMessages, type Text } from './corpus.js';
import { clone, elementsOf, find, messages, parentOf, setAttr, toNodes, toText, verdicts, type MNode } from './oracle.js';

/*
 * The JavaScript validator against libxml2-wasm on our own texts and on every mutation class
 * of test/validate. Two properties:
 *   soundness — ours valid ⇒ libxml2 valid, on every input;
 *   coverage  — every text our generators produce is accepted (else the fast path never runs).
 * Mutation classes that break validity are also checked to be refused by both.
 */

const docs = sampleDocuments();
const msgs = sampleMessages();

function unsound(cases: Text[]): string[] {
  const out: string[] = [];
  for (const c of cases) {
    const v = verdicts(c.text);
    if (v.ours.valid && !v.lib) out.push(`${c.name}: libxml2 says ${v.libFirst}`);
  }
  return out;
}

describe('own samples: accepted by the fast path, valid for libxml2', () => {
  it(`every sample document (${docs.length}: ${catalog.documents.length} templates × 2 seeds)`, () => {
    const problems: string[] = [];
    for (const c of docs) {
      const v = verdicts(c.text);
      expect(v.lib, `${c.name}: ${v.libFirst}`).toBe(true);
      if (!v.ours.valid) problems.push(`${c.name}: ${v.ours.reason} at ${v.ours.xpath}`);
    }
    expect(problems).toEqual([]);
  });

  it(`every V3 request, acknowledgement and query response (${msgs.length})`, () => {
    const problems: string[] = [];
    for (const c of msgs) {
      const v = verdicts(c.text);
      expect(v.lib, `${c.name}: ${v.libFirst}`).toBe(true);
      if (!v.ours.valid) problems.push(`${c.name}: ${v.ours.reason} at ${v.ours.xpath}`);
    }
    expect(problems).toEqual([]);
  });

  it('compileSchemaDir(schemas/xsd/v3) has a schema for every interaction root of index.json', () => {
    const index = JSON.parse(readFileSync(`${V3_DIR}/index.json`, 'utf8')) as { interactions: Record<string, { root: string }> };
    const roots = new Set(Object.values(index.interactions).map((e) => e.root));
    expect(Object.keys(messages).sort()).toEqual([...roots].sort());
  });

  it.skipIf(!hasShared)("HL7's plain CDA.xsd uses chameleon includes: XsdJsUnsupported, so it stays libxml2's alone", () => {
    const xsd = fileURLToPath(new URL('hl7-cda-r2/infrastructure/cda/CDA.xsd', SHARED));
    if (!existsSync(xsd)) return;
    expect(() => compileSchema(xsd)).toThrow(XsdJsUnsupported);
  });

  it.skipIf(!hasShared)("HL7's SampleCDADocument.xml (xsi:schemaLocation, comments, PIs): valid for both", () => {
    const file = new URL('hl7-cda-r2/infrastructure/cda/SampleCDADocument.xml', SHARED);
    if (!existsSync(file)) return;
    const text = new TextDecoder().decode(readFileSync(file)).replace(/^\uFEFF/, '');
    const v = verdicts(text);
    expect(v.lib, v.libFirst).toBe(true);
    expect(v.ours.valid ? '' : `${v.ours.reason} at ${v.ours.xpath}`).toBe('');
  });
});

// --------------------------------------------------------------------------- mutations

type Mutation = (root: MNode) => void;

const removeEl = (root: MNode, n: MNode) => {
  const p = parentOf(root, n)!;
  p.kids.splice(p.kids.indexOf(n), 1);
};
const top = (root: MNode, local: string) => {
  const n = root.kids.find((k): k is MNode => typeof k !== 'string' && k.name === local);
  if (!n) throw new Error(`no top-level <${local}>`);
  return n;
};
const withXsiType = (root: MNode) => find(root, 'value', (n) => n.attrs.some(([k]) => k === 'xsi:type'));

/** Mutations that make a CDA-CN document invalid (libxml2 must refuse; so must we). */
const breaking: Record<string, Mutation> = {
  'drop required id': (r) => removeEl(r, top(r, 'id')),
  'drop required custodian': (r) => removeEl(r, top(r, 'custodian')),
  'drop required typeId': (r) => removeEl(r, top(r, 'typeId')),
  'drop patientRole': (r) => removeEl(r, find(r, 'patientRole')),
  'duplicate title': (r) => r.kids.splice(r.kids.indexOf(top(r, 'title')), 0, clone(top(r, 'title'))),
  'duplicate custodian': (r) => r.kids.splice(r.kids.indexOf(top(r, 'custodian')), 0, clone(top(r, 'custodian'))),
  'reorder id and code': (r) => {
    const a = r.kids.indexOf(top(r, 'id'));
    const b = r.kids.indexOf(top(r, 'code'));
    [r.kids[a], r.kids[b]] = [r.kids[b]!, r.kids[a]!];
  },
  'rename title': (r) => (top(r, 'title').name = 'titel'),
  'rename a section code': (r) => (find(r, 'section').kids.find((k): k is MNode => typeof k !== 'string' && k.name === 'code')!.name = 'kode'),
  'effectiveTime shape': (r) => setAttr(top(r, 'effectiveTime'), 'value', '2023-02-03'),
  'typeId root (fixed)': (r) => setAttr(top(r, 'typeId'), 'root', '1.2.3'),
  'recordTarget typeCode (fixed)': (r) => setAttr(top(r, 'recordTarget'), 'typeCode', 'XXX'),
  'code with a space (cs)': (r) => setAttr(top(r, 'code'), 'code', 'a b'),
  'codeSystem not a uid': (r) => setAttr(top(r, 'confidentialityCode'), 'codeSystem', 'abc!'),
  'empty code': (r) => setAttr(top(r, 'languageCode'), 'code', ''),
  'unknown xsi:type': (r) => setAttr(withXsiType(r), 'xsi:type', 'XYZ'),
  'xsi:type with an undeclared prefix': (r) => setAttr(withXsiType(r), 'xsi:type', 'q:PQ'),
  'xsi:type not derived (PQ on CE)': (r) => setAttr(top(r, 'code'), 'xsi:type', 'PQ'),
  'xsi:type a base type (CD on CE)': (r) => setAttr(top(r, 'code'), 'xsi:type', 'CD'),
  'xsi:type abstract (ANY)': (r) => setAttr(withXsiType(r), 'xsi:type', 'ANY'),
  'xsi:type abstract (QTY)': (r) => setAttr(withXsiType(r), 'xsi:type', 'QTY'),
  'extra attribute on the root': (r) => setAttr(r, 'foo', '1'),
  'extra attribute on id': (r) => setAttr(top(r, 'id'), 'bogus', 'x'),
  'xsi:nil on title': (r) => setAttr(top(r, 'title'), 'xsi:nil', 'true'),
  'text in element-only content': (r) => top(r, 'recordTarget').kids.unshift('x'),
  'element of another namespace': (r) => find(r, 'structuredBody').kids.push({ name: 'x', attrs: [['xmlns', 'urn:other']], kids: [] }),
  'unknown element': (r) => find(r, 'structuredBody').kids.push({ name: 'notInCda', attrs: [], kids: [] }),
  'child element in ST (title)': (r) => top(r, 'title').kids.push({ name: 'b', attrs: [], kids: [] }),
  'duplicate ID': (r) => {
    const secs = elementsOf(r).filter((e) => e.name === 'section');
    if (secs.length < 2) throw new Error('one section');
    setAttr(secs[0]!, 'ID', 's1');
    setAttr(secs[1]!, 'ID', 's1');
  },
  'ID not an NCName': (r) => setAttr(find(r, 'section'), 'ID', '1x'),
  'required child missing in IVL_TS low': (r) => {
    const t = find(r, 'effectiveTime', (n) => n.kids.some((k) => typeof k !== 'string' && k.name === 'low'));
    t.kids = t.kids.filter((k) => typeof k === 'string' || k.name !== 'low');
    t.kids.push({ name: 'width', attrs: [['value', '1'], ['unit', 'd']], kids: [] }, { name: 'low', attrs: [['value', '20230101']], kids: [] });
  },
};

/** Mutations whose verdict we do not presume: only soundness is asserted. */
const open: Record<string, Mutation> = {
  'white space in empty content': (r) => top(r, 'realmCode').kids.push(' '),
  'fixed value with white space': (r) => setAttr(top(r, 'recordTarget'), 'typeCode', ' RCT'),
  'xsi:type with white space': (r) => setAttr(withXsiType(r), 'xsi:type', ' PQ '),
  'xsi:type prefixed hl7': (r) => {
    setAttr(r, 'xmlns:hl7', 'urn:hl7-org:v3');
    const v = withXsiType(r);
    setAttr(v, 'xsi:type', `hl7:${v.attrs.find(([k]) => k === 'xsi:type')![1]}`);
  },
  'xml:lang on title': (r) => setAttr(top(r, 'title'), 'xml:lang', 'zh'),
  'xsi:schemaLocation': (r) => setAttr(r, 'xsi:schemaLocation', 'urn:hl7-org:v3 CDA.xsd'),
  'white space around an OID': (r) => setAttr(top(r, 'id'), 'root', ' 2.16.156.10011.1.1 '),
};

/** Text-level variants (CDATA cannot be written through MNodes): only soundness is asserted. */
const textual: Record<string, (t: string) => string> = {
  'white-space CDATA in element-only content': (t) => t.replace('<recordTarget', '<![CDATA[ ]]><recordTarget'),
  'CDATA in a title': (t) => t.replace(/<title>([^<]*)<\/title>/, '<title><![CDATA[$1]]></title>'),
  'comment inside a title': (t) => t.replace(/<title>([^<]*)<\/title>/, '<title>$1<!-- c --></title>'),
};

function apply(text: string, m: Mutation): string | undefined {
  const root = toNodes(text);
  try {
    m(root);
  } catch {
    return undefined; // the sample lacks what this mutation needs
  }
  return toText(root);
}

/** A breaking mutation: every base it applies to (at least one) is refused by libxml2 and by the fast path. */
function expectRefusedByBoth(bases: Text[], m: Mutation): void {
  let n = 0;
  for (const b of bases) {
    const text = apply(b.text, m);
    if (text === undefined) continue;
    const v = verdicts(text);
    expect(v.lib, `${b.name}: the mutation should break validity`).toBe(false);
    expect(v.ours.valid, `${b.name}: accepted although libxml2 says ${v.libFirst}`).toBe(false);
    n++;
  }
  expect(n).toBeGreaterThan(0);
}

/** An open mutation: whatever libxml2 says, the fast path never accepts what it refuses. */
function expectNeverUnsound(name: string, bases: Text[], m: Mutation): void {
  const texts = bases.map((b) => apply(b.text, m)).filter((t): t is string => t !== undefined);
  expect(texts.length).toBeGreaterThan(0);
  expect(unsound(texts.map((text, i) => ({ name: `${name} ${i}`, text })))).toEqual([]);
}

describe('mutation classes of documents', () => {
  const bases = docs.filter((_, i) => i % 2 === 0); // seed 1 of every template
  for (const [name, f] of Object.entries(textual)) {
    it(`${name}: never accepted where libxml2 refuses`, () => {
      expect(unsound(bases.map((b) => ({ name: `${name} ${b.name}`, text: f(b.text) })))).toEqual([]);
    });
  }
  it('the tree round trip changes nothing (both still valid)', () => {
    for (const b of bases.slice(0, 10)) {
      const v = verdicts(toText(toNodes(b.text)));
      expect(v.lib && v.ours.valid, b.name).toBe(true);
    }
  });
  for (const [name, m] of Object.entries(breaking)) {
    it(`${name}: refused by libxml2 and by the fast path`, () => expectRefusedByBoth(bases, m));
  }
  for (const [name, m] of Object.entries(open)) {
    it(`${name}: never accepted where libxml2 refuses`, () => expectNeverUnsound(name, bases, m));
  }
});

// ------------------------------------------------------------------------ V3 messages

const reqs = msgs.filter((m) => m.name.endsWith(' request'));
const answers = msgs.filter((m) => / response/.test(m.name));
const payload = (r: MNode) => find(r, 'controlActProcess').kids.find((k): k is MNode => typeof k !== 'string')!;

const breakingV3: Record<string, [Text[], Mutation]> = {
  'drop interactionId': [reqs, (r) => removeEl(r, top(r, 'interactionId'))],
  'processingCode not D/P/T': [reqs, (r) => setAttr(top(r, 'processingCode'), 'code', 'X')],
  'receiver typeCode SND': [reqs, (r) => setAttr(top(r, 'receiver'), 'typeCode', 'SND')],
  'message id root (enumeration)': [reqs, (r) => setAttr(top(r, 'id'), 'root', '1.2.3')],
  'creationTime shape': [reqs, (r) => setAttr(top(r, 'creationTime'), 'value', '2025-03-01')],
  'duplicate id': [reqs, (r) => r.kids.splice(r.kids.indexOf(top(r, 'id')), 0, clone(top(r, 'id')))],
  'extra attribute on id': [reqs, (r) => setAttr(top(r, 'id'), 'bogus', 'x')],
  'text in receiver': [reqs, (r) => top(r, 'receiver').kids.push('x')],
  'unresolvable xsi:type in lax payload': [reqs, (r) => setAttr(payload(r), 'xsi:type', 'XYZ')],
  'abstract-free but unknown prefix xsi:type in payload': [reqs, (r) => setAttr(payload(r), 'xsi:type', 'q:II')],
  'acknowledgement typeCode': [answers, (r) => setAttr(top(r, 'acknowledgement'), 'typeCode', 'XX')],
  'queryAck without queryResponseCode (global, checked in lax content)': [
    answers.filter((a) => a.text.includes('queryAck')),
    (r) => {
      const q = find(r, 'queryAck');
      q.kids = q.kids.filter((k) => typeof k === 'string' || k.name !== 'queryResponseCode');
    },
  ],
  'drop acknowledgement': [answers, (r) => removeEl(r, top(r, 'acknowledgement'))],
};

const openV3: Record<string, [Text[], Mutation]> = {
  'any attribute in lax payload': [reqs, (r) => setAttr(payload(r), 'foo', 'bar')],
  'any element in lax payload': [reqs, (r) => payload(r).kids.push({ name: 'anything', attrs: [['x', '1']], kids: ['text'] })],
  'known xsi:type in lax payload': [reqs, (r) => setAttr(payload(r), 'xsi:type', 'II')],
  'text in lax payload': [reqs, (r) => payload(r).kids.push('free text')],
};

describe('mutation classes of V3 messages', () => {
  for (const [name, [bases, m]] of Object.entries(breakingV3)) {
    it(`${name}: refused by libxml2 and by the fast path`, () => expectRefusedByBoth(bases, m));
  }
  for (const [name, [bases, m]] of Object.entries(openV3)) {
    it(`${name}: never accepted where libxml2 refuses`, () => expectNeverUnsound(name, bases, m));
  }
});
