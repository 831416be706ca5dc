import { GCProfiler, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { validateText } from '../../src/validate/index.js';
import { catalog, fileNameOf, sample } from './helpers.js';

/*
 * A validated document must not outlive its validation. Two ways it did, both found by profiling
 * the validator (each made the garbage collector a fifth of the run):
 *   - memo keys cut from a document's text: V8 keeps a sliced string's whole parent alive, so a
 *     memo of attribute verdicts held every document it had seen;
 *   - a WeakMap from a tree's root to its element list: V8's scavenger keeps the value of a young
 *     key alive, so every tree survived the scavenges and was promoted to the old generation.
 * What is measured is not time (the machine is shared) but bytes: what a full collection leaves
 * of documents already validated, and what the scavenges promote per document.
 */

const templates = catalog.documents.filter((d) => d.family === 'wst500');

/** Distinct documents (seeded ids, times and values), each padded to a large text by a comment. */
function corpus(count: number, from: number, pad = 0): { text: string; fileName: string }[] {
  const filler = pad > 0 ? `<!--${'填'.repeat(pad)}-->` : '';
  return Array.from({ length: count }, (_, i) => {
    const t = templates[(from + i) % templates.length]!;
    // the comment goes after the XML declaration: the text stays one string the scanner slices
    const text = sample(t, from + i + 1).replace(/^(<\?xml[^>]*\?>)/, `$1${filler}`);
    return { text, fileName: fileNameOf(t) };
  });
}

function validateAll(docs: { text: string; fileName: string }[]): void {
  for (const d of docs) expect(validateText(d.text, { fileName: d.fileName }).verdict, d.fileName).toBe('pass');
}

function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('memory of the validator', () => {
  it('keeps nothing of the documents it validated (no text kept alive by a memo)', () => {
    const gc = fullGc();
    validateAll(corpus(20, 0));
    gc();
    const before = process.memoryUsage().heapUsed;
    // 150 documents of ≈ 100 KB of text each (the padding is two-byte): 15 MB if they were kept
    let docs: { text: string; fileName: string }[] | undefined = corpus(150, 1000, 50_000);
    validateAll(docs);
    docs = undefined;
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(kept).toBeLessThan(3 * 1024 * 1024);
  });

  it('lets the scavenges free a document (trees are not promoted to the old generation)', () => {
    const docs = corpus(400, 5000);
    validateAll(docs.slice(0, 100));
    // from a collected heap: while V8 marks the old generation (after the garbage of generating
    // the corpus, say) its scavenges keep far more, whatever the validator does
    fullGc()();
    const profiler = new GCProfiler();
    profiler.start();
    validateAll(docs.slice(100));
    const { statistics } = profiler.stop();
    let promoted = 0;
    let scavenges = 0;
    const oldSpace = (s: { heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[] }) => s.heapSpaceStatistics.find((x) => x.spaceName === 'old_space')!.spaceUsedSize;
    for (const s of statistics) {
      if (s.gcType !== 'Scavenge') continue;
      scavenges++;
      promoted += oldSpace(s.afterGC) - oldSpace(s.beforeGC);
    }
    // 300 documents of ≈ 20 KB allocate far more than one young generation: scavenges happened
    expect(scavenges).toBeGreaterThan(0);
    // measured: ≈ 1.5 KB a document; a kept tree promotes ≈ 120 KB a document
    expect(promoted / 300).toBeLessThan(24 * 1024);
  });
});
