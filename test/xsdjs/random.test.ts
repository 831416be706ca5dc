import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleDocuments, sampleMessages } from './corpus.js';
import { clone, elementsOf, parentOf, toNodes, toText, verdicts, type MNode } from './oracle.js';

/*
 * Random structural mutations of our own texts (delete, duplicate, swap, rename, attribute
 * changes, xsi:type, stray text), each judged by libxml2-wasm and by the fast path.
 * Property: the fast path never accepts what libxml2 refuses. The seed is fixed so a failure
 * reproduces; the counts make sure the property is not vacuous (some mutants stay valid and
 * are accepted, many are refused).
 */

const NAMES = ['id', 'code', 'title', 'value', 'low', 'high', 'section', 'entry', 'observation', 'foo', 'realmCode', 'templateId', 'name', 'given', 'family', 'addr', 'city', 'telecom', 'originalText', 'component', 'text', 'paragraph', 'content', 'item', 'queryAck', 'acknowledgement', 'device', 'subject', 'effectiveTime', 'translation'];
const ATTRS = ['foo', 'nullFlavor', 'classCode', 'moodCode', 'code', 'codeSystem', 'value', 'unit', 'root', 'extension', 'typeCode', 'ID', 'xsi:type', 'xsi:nil', 'use', 'inclusive', 'operator', 'representation', 'mediaType', 'negationInd', 'xml:lang', 'displayName', 'xsi:schemaLocation', 'xsi:noNamespaceSchemaLocation'];
const VALUES = ['', ' ', 'x y', 'EVN', 'DOCCLIN', 'true', 'false', '1', '0', '-1', '1.5', '1e3', '20230230', '20230101', '2.16.156.10011.1.1', 'ZZ', '测试', 'UNK', 'NI', 'OBS', 'H', 'PQ', 'CD', 'CE', 'ST', 'IVL_TS', 'TS', 'INT', 'ANY', 'XYZ', 'hl7:CD', 'xsi:CD', 'a:b', '#x', 'mailto:a@b', '测试说明', 'TXT', 'text/plain', ' RCT', 'RCT'];
const TEXTS = ['x', ' ', '\n  ', '测试', '&', '<'];

/** more runs for a soak: XSDJS_RUNS=5000 XSDJS_SEED=7 npx vitest run test/xsdjs/random.test.ts */
const RUNS = Number(process.env.XSDJS_RUNS ?? 300);
const SEED = process.env.XSDJS_SEED === undefined ? undefined : Number(process.env.XSDJS_SEED);

type Op = { kind: number; at: number; pick: number; value: number };

const opArb: fc.Arbitrary<Op> = fc.record({ kind: fc.nat(8), at: fc.nat(), pick: fc.nat(), value: fc.nat() });

function mutate(root: MNode, op: Op): void {
  const els = elementsOf(root);
  const el = els[op.at % els.length]!;
  const parent = parentOf(root, el);
  switch (op.kind) {
    case 0: // delete
      if (parent) parent.kids.splice(parent.kids.indexOf(el), 1);
      break;
    case 1: // duplicate
      if (parent) parent.kids.splice(parent.kids.indexOf(el), 0, clone(el));
      break;
    case 2: { // swap with the next element sibling
      if (!parent) break;
      const sibs = parent.kids.filter((k): k is MNode => typeof k !== 'string');
      const i = sibs.indexOf(el);
      const next = sibs[i + 1];
      if (next) {
        const a = parent.kids.indexOf(el);
        const b = parent.kids.indexOf(next);
        [parent.kids[a], parent.kids[b]] = [next, el];
      }
      break;
    }
    case 3: // rename (keeping any prefix)
      if (parent) el.name = el.name.replace(/[^:]*$/, NAMES[op.pick % NAMES.length]!);
      break;
    case 4: { // change an existing attribute (not a namespace declaration)
      const own = el.attrs.filter(([k]) => !k.startsWith('xmlns'));
      const a = own[op.pick % Math.max(1, own.length)];
      if (a) a[1] = VALUES[op.value % VALUES.length]!;
      break;
    }
    case 5: { // add or set an attribute
      const name = ATTRS[op.pick % ATTRS.length]!;
      const have = el.attrs.find(([k]) => k === name);
      if (have) have[1] = VALUES[op.value % VALUES.length]!;
      else el.attrs.push([name, VALUES[op.value % VALUES.length]!]);
      break;
    }
    case 6: { // drop an attribute
      const i = el.attrs.findIndex(([k], j) => !k.startsWith('xmlns') && j >= op.pick % Math.max(1, el.attrs.length));
      if (i >= 0) el.attrs.splice(i, 1);
      break;
    }
    case 7: // stray text
      el.kids.splice(op.pick % (el.kids.length + 1), 0, TEXTS[op.value % TEXTS.length]!);
      break;
    case 8: { // set xsi:type (only where the sample already has xsi:type, or anywhere 1 in 4)
      const typed = els.filter((e) => e.attrs.some(([k]) => k === 'xsi:type'));
      const target = typed.length > 0 && op.pick % 4 !== 0 ? typed[op.at % typed.length]! : el;
      const v = VALUES[op.value % VALUES.length]!;
      const have = target.attrs.find(([k]) => k === 'xsi:type');
      if (have) have[1] = v;
      else target.attrs.push(['xsi:type', v]);
      break;
    }
  }
}

function run(bases: string[], numRuns: number, seed: number): { both: number; refused: number; libOnly: number } {
  const counts = { both: 0, refused: 0, libOnly: 0 };
  const roots = bases.map((b) => toText(toNodes(b)));
  fc.assert(
    fc.property(fc.nat(roots.length - 1), fc.array(opArb, { minLength: 1, maxLength: 3 }), (bi, ops) => {
      const root = toNodes(roots[bi]!);
      for (const op of ops) mutate(root, op);
      const v = verdicts(toText(root));
      if (v.ours.valid && !v.lib) throw new Error(`accepted although libxml2 says ${v.libFirst} (ops ${JSON.stringify(ops)})`);
      if (v.ours.valid) counts.both++;
      else if (v.lib) counts.libOnly++;
      else counts.refused++;
    }),
    { seed, numRuns },
  );
  if (process.env.XSDJS_RUNS !== undefined) console.log(JSON.stringify(counts));
  return counts;
}

describe('random structural mutations: ours valid ⇒ libxml2 valid', () => {
  it('documents', () => {
    const docs = sampleDocuments().filter((_, i) => i % 4 === 0).map((d) => d.text);
    const c = run(docs, RUNS, SEED ?? 20261201);
    expect(c.both).toBeGreaterThan(0);
    expect(c.refused).toBeGreaterThan(0);
  });

  it('V3 messages', () => {
    const msgs = sampleMessages().filter((_, i) => i % 6 === 0).map((m) => m.text);
    const c = run(msgs, RUNS, SEED ?? 1201);
    expect(c.both).toBeGreaterThan(0);
    expect(c.refused).toBeGreaterThan(0);
  });
});
