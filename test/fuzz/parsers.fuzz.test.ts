import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { sampleDocument } from '../../src/samples/document.js';
import { buildAck, readMessage } from '../../src/samples/message.js';
import { decodeBody, readRequest, resolveBinding, unwrapResponse, wrapRequest, writeResponse } from '../../src/transport/index.js';
import { ruleById, validateText } from '../../src/validate/index.js';
import { XmlInputError } from '../../src/xml/index.js';
import { registerRequest } from '../hostile/request.js';
import { apply, edit, FUZZ, wellFormedEdit } from './mutate.js';

/**
 * Fuzzing the code that reads what a platform sends: a bounded, deterministic run (fixed
 * seed, 300 cases per target) of mutated generated samples. Properties: nothing throws that
 * is not the documented error type, every finding names a registered rule, nothing is judged
 * by an internal error, and the canary path in an injected entity is never resolved.
 */

interface Seed { name: string; text: string }
let seeds: Seed[] = [];

beforeAll(() => {
  const catalog = loadCatalog();
  const req = registerRequest(1);
  const ack = buildAck({ messageId: req.messageId, interactionId: 'RCMR_IN000002UV02' }, { typeCode: 'AA', messageId: 'FUZZ-ACK-1', creationTime: '20260101120000' });
  seeds = [
    { name: 'document C0001', text: sampleDocument(catalog.documents.find((d) => d.code === 'C0001')!, catalog, { seed: 3 }) },
    { name: 'request', text: req.xml },
    { name: 'ack', text: ack },
    { name: 'envelope', text: writeResponse(resolveBinding('soap11'), ack).body.toString('utf8') },
  ];
});

const mutant = (e = edit) => fc.tuple(fc.integer({ min: 0, max: 3 }), fc.array(e, { minLength: 1, maxLength: 4 }));

function checkResult(r: ReturnType<typeof validateText>): void {
  expect(['pass', 'fail', 'error']).toContain(r.verdict);
  for (const f of r.findings) {
    expect(() => ruleById(f.rule)).not.toThrow();
    expect(f.rule, f.message).not.toBe('HT-PRE-INTERNAL');
    expect(f.rule, f.message).not.toMatch(/-UNAVAILABLE$/);
    expect(f.message.length).toBeLessThan(2_000);
  }
}

afterAll(() => {
  seeds = [];
});

describe('fuzz (bounded, deterministic seed)', () => {
  it(`readRequest (the platform side): an action and a message, or an error — never a throw (${FUZZ.numRuns} cases)`, () => {
    const kinds = ['soap11', 'soap12', 'http'] as const;
    const wrapped = kinds.map((k) => {
      const b = resolveBinding(k);
      return { b, w: wrapRequest(b, 'DocumentRegister', seeds[1]!.text) };
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.array(edit, { minLength: 1, maxLength: 4 }), fc.boolean(), (k, edits, wf) => {
        const { b, w } = wrapped[k]!;
        const body = apply(w.body, wf ? edits.filter((e) => e.op === 'value' || e.op === 'element') : edits);
        const ct = Object.entries(w.headers).find(([n]) => n.toLowerCase() === 'content-type')?.[1];
        const r = readRequest(b, ct, w.headers, body, { path: w.path || '/' });
        if ('error' in r) {
          expect(r.error.status).toBeGreaterThanOrEqual(400);
          expect(typeof r.error.reason).toBe('string');
        } else {
          expect(typeof r.action).toBe('string');
          expect(typeof r.v3xml).toBe('string');
        }
      }),
      { seed: FUZZ.seed + 4, numRuns: FUZZ.numRuns },
    );
  });

  it('the seeds themselves are good (otherwise mutants prove nothing)', () => {
    const doc = validateText(seeds[0]!.text, { fileName: 'EMR-SD-01-病历概要-T01-001.xml' });
    expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(readMessage(seeds[2]!.text).root).toBe('MCCI_IN000002UV01');
    expect(unwrapResponse(resolveBinding('soap11'), seeds[3]!.text).kind).toBe('message');
  });

  it('regression (found by this fuzzer): a processing instruction among elements is not an internal error', () => {
    const doc = seeds[0]!.text.replace(/(<ClinicalDocument[^>]*>)/, '$1<?pi data?>').replace('<realmCode code="CN"/>', '<realmCode code="XX"/>');
    const r = validateText(doc);
    expect(r.findings.map((f) => f.rule)).not.toContain('HT-PRE-INTERNAL');
    // the location still names the right element behind the processing instruction
    expect(r.findings.find((f) => f.rule === 'HT-TPL-REALM')?.xpath).toMatch(/hl7:realmCode\[1\]/);
  });

  it(`validateText on any mutant: never throws, only registered rules, no internal error (${FUZZ.numRuns} cases)`, () => {
    fc.assert(
      fc.property(mutant(), ([i, edits]) => checkResult(validateText(apply(seeds[i]!.text, edits)))),
      { seed: FUZZ.seed, numRuns: FUZZ.numRuns },
    );
  });

  it(`validateText on well-formed mutants: the content layers judge them, never crash (${FUZZ.numRuns} cases)`, () => {
    const rules = new Map<string, number>();
    fc.assert(
      fc.property(mutant(wellFormedEdit), ([i, edits]) => {
        const r = validateText(apply(seeds[i]!.text, edits));
        checkResult(r);
        for (const rule of new Set(r.findings.map((f) => f.rule))) rules.set(rule, (rules.get(rule) ?? 0) + 1);
      }),
      { seed: FUZZ.seed + 3, numRuns: FUZZ.numRuns },
    );
    if (process.env.FUZZ_DEBUG) console.log('[fuzz] findings by rule', Object.fromEntries(rules));
    // the corpus must reach past pre-flight, or it only fuzzes the well-formedness check
    const deeper = [...rules].filter(([k]) => !k.startsWith('HT-PRE-')).reduce((n, [, v]) => n + v, 0);
    expect(deeper).toBeGreaterThan(FUZZ.numRuns / 3);
  });

  it(`readMessage: a result or an XmlInputError, nothing else (${FUZZ.numRuns} cases)`, () => {
    fc.assert(
      fc.property(mutant(), ([i, edits]) => {
        const bytes = apply(seeds[i]!.text, edits);
        try {
          const m = readMessage(bytes);
          expect(typeof m.root).toBe('string');
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(XmlInputError);
        }
      }),
      { seed: FUZZ.seed + 1, numRuns: FUZZ.numRuns },
    );
  });

  it(`decodeBody + unwrapResponse: never throw, always a kind (${FUZZ.numRuns} cases)`, () => {
    const bindings = [resolveBinding('soap11'), resolveBinding('soap12'), resolveBinding('http')];
    fc.assert(
      fc.property(mutant(), fc.integer({ min: 0, max: 2 }), fc.constantFrom(undefined, 'text/xml', 'text/xml; charset=gbk', 'application/soap+xml; charset=utf-16', 'text/html; charset=bogus'), ([i, edits], bi, ct) => {
        const bytes = apply(seeds[i]!.text, edits);
        const d = decodeBody(bytes, ct);
        expect(typeof d.text).toBe('string');
        const u = unwrapResponse(bindings[bi]!, d.text);
        expect(['message', 'fault', 'error']).toContain(u.kind);
        if (u.kind === 'message') expect(u.v3xml.length).toBeGreaterThan(0);
      }),
      { seed: FUZZ.seed + 2, numRuns: FUZZ.numRuns },
    );
  });
});
