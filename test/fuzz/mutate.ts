/**
 * A mutation corpus for fuzzing: generated conformant samples (a document, a request, an
 * acknowledgement, a query response, a SOAP envelope) broken by fast-check-chosen edits that
 * mimic what platforms really send — cut, spliced, flipped bytes, hostile markup inserted.
 */
import fc from 'fast-check';

/** A position as a fraction of the input (fc.double is biased towards 0: integers spread evenly). */
const frac = fc.integer({ min: 0, max: 9_999 }).map((n) => n / 10_000);

/** Fragments that exercise the parsers' sharp edges. */
export const NASTY = [
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '<!ENTITY a "b">', '&e;', '&lt;', '&#0;', '&#x110000;', '&amp;lt;',
  '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0" encoding="GBK"?>', '<?xml-stylesheet href="http://127.0.0.1:1/x"?>',
  '\u0000', '\uFFFE', '\uD800', '"', "'", '<', '>', '/>', '</', '<a', 'xmlns="urn:other"', 'xmlns:hl7="urn:hl7-org:v3"',
  'xsi:type="ST"', 'extension=""', 'root="2.16.156.10011.2.5.1.1"', '<id/>', '<id root="x" extension="y"/>',
  '<acknowledgement typeCode="AE"/>', '<soap:Fault>', '</soap:Body>', '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">',
  '<a>'.repeat(300), '</a>'.repeat(300), '文档', '\uFEFF', ' '.repeat(1000),
];

export type Edit =
  | { op: 'cut'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; len: number }
  | { op: 'duplicate'; at: number; len: number }
  | { op: 'bytes'; at: number; bytes: number[] }
  /** replace one attribute value (well-formedness kept, so the content layers run) */
  | { op: 'value'; at: number; text: string }
  /** insert a well-formed element between two tags */
  | { op: 'element'; at: number; text: string };

const WELL_FORMED = [
  '<id/>', '<id root="2.16.156.10011.2.5.1.1" extension="DUP"/>', '<acknowledgement typeCode="AE"/>', '<text value="x"/>',
  '<a xmlns="urn:other"><b/></a>', '<!-- comment -->', '<?pi data?>', '<![CDATA[<x>]]>', '<component><section/></component>',
  '<value xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CD" code="99" codeSystem="2.16.156.10011.2.3.3.4"/>',
  `${'<d>'.repeat(200)}${'</d>'.repeat(200)}`, '<controlActProcess/>', '<queryAck><queryResponseCode code="OK"/></queryAck>',
];

/** Edits that keep the XML well-formed, so the layers past pre-flight see the mutants. */
export const wellFormedEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('value' as const), at: frac, text: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', 'AA', 'AE', 'NF', '0', '-1', '99999999999999999999', '20261301', '2.16.156.10011.2.5.1.1', 'C0001', 'urn:hl7-org:v3', '文档', 'x'.repeat(5000))) }),
  fc.record({ op: fc.constant('element' as const), at: frac, text: fc.constantFrom(...WELL_FORMED) }),
) as fc.Arbitrary<Edit>;

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('cut' as const), at: frac }),
  fc.record({ op: fc.constant('insert' as const), at: frac, text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 8 })) }),
  fc.record({ op: fc.constant('delete' as const), at: frac, len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: frac, len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('value' as const), at: frac, text: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', 'AA', 'AE', 'NF', '0', '-1', '99999999999999999999', '20261301', '2.16.156.10011.2.5.1.1', 'C0001', 'urn:hl7-org:v3', '文档', 'x'.repeat(5000))) }),
  fc.record({ op: fc.constant('bytes' as const), at: frac, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }) }),
) as fc.Arbitrary<Edit>;

/** Apply edits to the UTF-8 bytes of `text` (byte edits may leave invalid UTF-8: on purpose). */
export function apply(text: string, edits: readonly Edit[]): Buffer {
  let b = Buffer.from(text, 'utf8');
  for (const e of edits) {
    const at = Math.min(b.length, Math.floor(e.at * b.length));
    switch (e.op) {
      case 'cut':
        b = b.subarray(0, at);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(e.text, 'utf8'), b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, at + e.len), b.subarray(at, at + e.len), b.subarray(at + e.len)]);
        break;
      case 'value': {
        const text = b.toString('utf8');
        const from = text.startsWith('<?xml') ? text.indexOf('?>') : 0; // keep the declaration
        const spans = [...text.slice(from).matchAll(/="([^"<&]*)"/g)].map((m) => Object.assign(m, { index: (m.index ?? 0) + from }));
        const m = spans[Math.min(spans.length - 1, Math.floor(e.at * spans.length))];
        if (!m || m.index === undefined) break;
        const start = m.index + 2;
        // only characters XML allows (a control character would only test the well-formedness check)
        const isNs = /xmlns(:\w+)?$/.test(text.slice(Math.max(0, start - 12), start - 2));
        if (isNs) break; // a namespace URI: only the well-formedness check would see it
        const legal = e.text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/g, ' ');
        const esc = legal.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
        b = Buffer.from(text.slice(0, start) + esc + text.slice(start + (m[1] ?? '').length), 'utf8');
        break;
      }
      case 'element': {
        const text = b.toString('utf8');
        // between the root's start tag and its end tag, so the result has one root still
        const decl = text.startsWith('<?xml') ? text.indexOf('?>') + 2 : 0;
        const rootOpen = text.indexOf('>', text.indexOf('<', decl));
        const rootClose = text.lastIndexOf('</');
        const gaps = [...text.matchAll(/>\s*</g)].filter((g) => (g.index ?? 0) >= rootOpen && (g.index ?? 0) < rootClose);
        const m = gaps[Math.min(gaps.length - 1, Math.floor(e.at * gaps.length))];
        if (!m || m.index === undefined) break;
        b = Buffer.from(text.slice(0, m.index + 1) + e.text + text.slice(m.index + 1), 'utf8');
        break;
      }
      case 'bytes':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(e.bytes), b.subarray(at)]);
        break;
    }
  }
  return b;
}

/** Fixed seed: CI runs the same cases every time; FUZZ_SEED / FUZZ_RUNS explore further by hand. */
export const FUZZ = {
  seed: Number(process.env.FUZZ_SEED ?? 20261201),
  numRuns: Number(process.env.FUZZ_RUNS ?? 300),
};
