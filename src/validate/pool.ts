import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT } from '../version.js';
import type { FastSchemas } from './layers/xsd.js';
import type { FileOutcome, ValidateOptions } from './types.js';

/**
 * A fixed pool of validation worker threads. Each worker keeps its own catalogue (from the main
 * thread's snapshot) and compiled schemas (libxml2-wasm instances are per thread). A worker that
 * crashes or exceeds the per-file time limit is terminated and replaced; its file gets an
 * internal-error outcome instead of stopping the run. The main thread may take waiting jobs
 * back (steal) and validate them itself while it would otherwise only wait.
 */

export interface PoolJob {
  id: number;
  path: string;
  /** read by the worker */
  abs?: string;
  /** zip entry bytes (transferred) */
  bytes?: Uint8Array;
  /** bytes on disk or in the entry (the main thread takes only small files for itself) */
  size: number;
  opts: Pick<ValidateOptions, 'schemas' | 'maxBytes' | 'maxDepth' | 'fastPath'>;
}

/**
 * What every worker gets at start (workerData): the main thread's catalogue as a v8 snapshot
 * (deserialising it costs a tenth of loading and checking the catalogue files again) and the
 * --schemas value, so the worker compiles its schema sets before the first file arrives.
 */
export interface WorkerStart {
  catalog?: Uint8Array;
  schemas?: string;
  /** the fast path's compiled schemas the main thread has (plain data, cloned) */
  fast?: FastSchemas;
}

export type PoolReply =
  | { id: number; outcome: FileOutcome; failures: [string, string][] }
  | { id: number; error: string; failures: [string, string][] };

/**
 * The compiled worker script. Running from dist/ it sits beside this file; running from the
 * TypeScript sources (tests) the build's copy is used when there is one; otherwise undefined
 * and callers validate in-process.
 */
export function workerScript(): string | undefined {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = join(PROJECT_ROOT, 'dist', 'validate', 'worker.js');
  return existsSync(built) ? built : undefined;
}

/** A job and how to settle it. */
export interface PoolEntry {
  job: PoolJob;
  resolve: (r: PoolReply) => void;
}

interface Slot {
  worker: Worker;
  /** jobs handed to this worker, in order; the worker runs them one after another, the first is running */
  inflight: PoolEntry[];
  /** time limit of the running (first) job */
  timer?: NodeJS.Timeout;
}

/**
 * Jobs handed to one worker before its previous answers are back: the next files are already
 * in the worker's port when it finishes one, so it never sits idle waiting for the main thread,
 * which only hands out work between the files it validates itself (1–3 ms each). Eight covers
 * that; the cost is at most eight files queued behind a busy worker at the very end of a run.
 */
export const JOBS_IN_FLIGHT = 8;

export class ValidatorPool {
  private readonly slots: Slot[] = [];
  private readonly queue: PoolEntry[] = [];
  private closed = false;

  constructor(private readonly script: string, readonly size: number, private readonly timeoutMs = 120_000, private readonly start: WorkerStart = {}) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    // the worker's heap is bounded so that one hostile file cannot take the machine with it
    // (a larger young generation saves ≈ 10 % CPU in scavenges but took a 4,000-document run
    // from 264 to ≈ 390 MB of RSS: left at V8's default)
    const worker = new Worker(this.script, { workerData: this.start, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    const slot: Slot = { worker, inflight: [] };
    worker.on('message', (reply: PoolReply) => {
      const cur = slot.inflight[0];
      if (!cur || cur.job.id !== reply.id) return;
      slot.inflight.shift();
      this.arm(slot);
      cur.resolve(reply);
      this.pump();
    });
    const lost = (why: string) => this.replace(slot, why);
    worker.on('error', (err) => lost(`worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.closed) lost(`worker exited (${code})`);
    });
    worker.unref();
    return slot;
  }

  /** (Re)start the time limit for the job the worker is running now. */
  private arm(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    delete slot.timer;
    const head = slot.inflight[0];
    if (!head) return;
    // a file that takes this long is treated as hostile: stop the worker, replace it
    slot.timer = setTimeout(() => {
      if (slot.inflight[0] === head) this.replace(slot, `timed out after ${Math.round(this.timeoutMs / 1000)} s`, true);
    }, this.timeoutMs);
  }

  /**
   * The worker is gone (crashed, exited, or stopped for taking too long): the file it was
   * running gets the error, the files queued behind it go back to the front of the queue
   * (they were never started), and a fresh worker takes the slot.
   */
  private replace(slot: Slot, why: string, terminate = false): void {
    const i = this.slots.indexOf(slot);
    if (i === -1) return;
    if (slot.timer) clearTimeout(slot.timer);
    delete slot.timer;
    const [head, ...rest] = slot.inflight.splice(0);
    this.queue.unshift(...rest);
    if (terminate) void slot.worker.terminate();
    if (this.closed) this.slots.splice(i, 1);
    else this.slots[i] = this.spawn();
    head?.resolve({ id: head.job.id, error: why, failures: [] });
    this.pump();
  }

  run(job: PoolJob): Promise<PoolReply> {
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
    });
  }

  /** jobs waiting or running */
  get pending(): number {
    let n = this.queue.length;
    for (const s of this.slots) n += s.inflight.length;
    return n;
  }

  /** jobs not yet handed to a worker */
  get queued(): number {
    return this.queue.length;
  }

  /** The workers' thread ids (a replaced worker gets a new one). */
  get threadIds(): number[] {
    return this.slots.map((s) => s.worker.threadId);
  }

  /** Not closed and nothing waiting or running: the pool can be kept for a later run. */
  get idle(): boolean {
    return !this.closed && this.pending === 0;
  }

  /**
   * Take a waiting job away from the workers (the main thread validates it itself): the first
   * one `accept` takes. The caller must settle it with `resolve`.
   */
  steal(accept: (job: PoolJob) => boolean): PoolEntry | undefined {
    const i = this.queue.findIndex((e) => accept(e.job));
    return i === -1 ? undefined : this.queue.splice(i, 1)[0];
  }

  private pump(): void {
    for (let depth = 1; depth <= JOBS_IN_FLIGHT; depth++) {
      for (const slot of this.slots) {
        if (this.queue.length === 0) return;
        if (slot.inflight.length >= depth) continue;
        const next = this.queue.shift()!;
        slot.inflight.push(next);
        if (slot.inflight.length === 1) this.arm(slot);
        const transfer = next.job.bytes ? [next.job.bytes.buffer as ArrayBuffer] : [];
        slot.worker.postMessage(next.job, transfer);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.slots) if (s.timer) clearTimeout(s.timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
