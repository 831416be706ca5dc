import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeKeptPool, keptWorkers, validateFiles } from '../../src/validate/index.js';
import { JOBS_IN_FLIGHT, ValidatorPool, workerScript, type PoolJob, type PoolReply } from '../../src/validate/pool.js';
import { sample, template } from './helpers.js';

/*
 * The pool's mechanics with a stand-in worker (the real one is covered by hostile.test.ts and
 * the bench): several jobs in flight per worker, a worker that hangs or dies on one file costs
 * that file only, the files queued behind it still get their own answers, and jobs taken back
 * by the main thread (steal) never reach a worker.
 */
const dir = mkdtempSync(join(tmpdir(), 'hutong-pool-'));
const script = join(dir, 'worker.mjs');
writeFileSync(script, `
import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', (job) => {
  if (job.path === 'hang') for (;;) {}
  if (job.path === 'die') process.exit(7);
  parentPort.postMessage({ id: job.id, outcome: { result: { path: job.path, kind: 'unknown', verdict: 'pass', findings: [] } }, failures: [['seen-by', String(threadId)]] });
});
`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const job = (id: number, path: string): PoolJob => ({ id, path, size: 1, opts: {} });
const outcomePath = (r: PoolReply) => ('outcome' in r ? r.outcome.result.path : `error: ${r.error}`);

describe('ValidatorPool', () => {
  it('answers every job, in any number, with its own reply', async () => {
    const pool = new ValidatorPool(script, 2);
    try {
      const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => pool.run(job(i, `f${i}`))));
      expect(replies.map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(replies.map(outcomePath)).toEqual(Array.from({ length: 40 }, (_, i) => `f${i}`));
      // both workers took part
      expect(new Set(replies.map((r) => r.failures[0]![1])).size).toBe(2);
      expect(pool.pending).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('hands each worker at most JOBS_IN_FLIGHT jobs; the rest wait in the queue', async () => {
    const pool = new ValidatorPool(script, 1);
    try {
      const all = Array.from({ length: 10 }, (_, i) => pool.run(job(i, `f${i}`)));
      expect(pool.queued).toBe(Math.max(0, 10 - JOBS_IN_FLIGHT));
      expect(pool.pending).toBe(10);
      await Promise.all(all);
      expect(pool.queued).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('a file that hangs its worker times out alone; the file queued behind it on that worker is answered', async () => {
    const pool = new ValidatorPool(script, 1, 1500);
    try {
      const [hang, after, later] = await Promise.all([pool.run(job(0, 'hang')), pool.run(job(1, 'after')), pool.run(job(2, 'later'))]);
      expect(outcomePath(hang)).toMatch(/^error: timed out after/);
      expect(outcomePath(after)).toBe('after');
      expect(outcomePath(later)).toBe('later');
    } finally {
      await pool.close();
    }
  });

  it('a worker that dies costs only the file it was running; a fresh worker takes the rest', async () => {
    const pool = new ValidatorPool(script, 1);
    try {
      const replies = await Promise.all([pool.run(job(0, 'a')), pool.run(job(1, 'die')), pool.run(job(2, 'b')), pool.run(job(3, 'c'))]);
      expect(replies.map(outcomePath)).toEqual(['a', 'error: worker exited (7)', 'b', 'c']);
    } finally {
      await pool.close();
    }
  });

  it('steal takes a waiting job away from the workers; the caller settles it', async () => {
    const pool = new ValidatorPool(script, 1);
    try {
      const n = JOBS_IN_FLIGHT + 2;
      const all = Array.from({ length: n }, (_, i) => pool.run(job(i, `f${i}`)));
      const stolen = pool.steal((j) => j.path === `f${n - 1}`);
      expect(stolen?.job.id).toBe(n - 1);
      expect(pool.steal((j) => j.path === 'f0')).toBeUndefined(); // already in the worker's hands
      stolen!.resolve({ id: n - 1, outcome: { result: { path: 'main thread', kind: 'unknown', verdict: 'pass', findings: [] } }, failures: [] });
      expect((await Promise.all(all)).map(outcomePath)).toEqual([...Array.from({ length: n - 1 }, (_, i) => `f${i}`), 'main thread']);
    } finally {
      await pool.close();
    }
  });
});

describe('validateFiles keeps its workers for the next run', () => {
  // the real worker (dist/validate/worker.js): three documents of different types
  const docs = join(dir, 'docs');
  const names = ['C0001', 'C0002', 'C0003'].map((code, i) => {
    const t = template(code);
    return { t, name: `${t.testPrefix}-${t.title}-测试${i + 1}-T01-00${i + 1}.xml`, seed: i + 1 };
  });

  it.skipIf(workerScript() === undefined)('the same options reuse the same worker threads; other options, closeKeptPool or workers:0 do not', async () => {
    mkdirSync(docs, { recursive: true });
    for (const n of names) writeFileSync(join(docs, n.name), sample(n.t, n.seed));
    await closeKeptPool();
    expect(keptWorkers()).toEqual([]);

    const first = await validateFiles([docs], { workers: 1 });
    expect(first.files.map((f) => f.verdict)).toEqual(['pass', 'pass', 'pass']);
    const kept = keptWorkers();
    expect(kept).toHaveLength(1);

    // the kept worker judges the second run: same threads, same report
    const second = await validateFiles([docs], { workers: 1 });
    expect(keptWorkers()).toEqual(kept);
    expect(second).toEqual(first);

    // another worker count is another pool: the kept one is closed, the new one kept
    await validateFiles([docs], { workers: 2 });
    const two = keptWorkers();
    expect(two).toHaveLength(2);
    expect(two).not.toContain(kept[0]);

    // an in-process run neither uses nor closes it
    await validateFiles([docs], { workers: 0 });
    expect(keptWorkers()).toEqual(two);

    await closeKeptPool();
    expect(keptWorkers()).toEqual([]);
  });
});
