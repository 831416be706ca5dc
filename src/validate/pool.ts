import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT } from '../version.js';
import type { FileOutcome, ValidateOptions } from './types.js';

/**
 * A fixed pool of validation worker threads. Each worker keeps its own catalogue (from the main
 * thread's snapshot) and compiled schemas (libxml2-wasm instances are per thread). A worker that crashes or exceeds the per-file
 * time limit is terminated and replaced; its file gets an internal-error outcome instead of
 * stopping the run.
 */

export interface PoolJob {
  id: number;
  path: string;
  /** read by the worker */
  abs?: string;
  /** zip entry bytes (transferred) */
  bytes?: Uint8Array;
  opts: Pick<ValidateOptions, 'schemas' | 'maxBytes' | 'maxDepth'>;
}

/**
 * What every worker gets at start (workerData): the main thread's catalogue as a v8 snapshot
 * (deserialising it costs a tenth of loading and checking the catalogue files again) and the
 * --schemas value, so the worker compiles its schema sets before the first file arrives.
 */
export interface WorkerStart {
  catalog?: Uint8Array;
  schemas?: string;
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

interface Slot {
  worker: Worker;
  job?: { job: PoolJob; resolve: (r: PoolReply) => void; timer: NodeJS.Timeout };
}

export class ValidatorPool {
  private readonly slots: Slot[] = [];
  private readonly queue: { job: PoolJob; resolve: (r: PoolReply) => void }[] = [];
  private closed = false;

  constructor(private readonly script: string, readonly size: number, private readonly timeoutMs = 120_000, private readonly start: WorkerStart = {}) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    // the worker's heap is bounded so that one hostile file cannot take the machine with it
    const worker = new Worker(this.script, { workerData: this.start, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    const slot: Slot = { worker };
    worker.on('message', (reply: PoolReply) => {
      const cur = slot.job;
      if (!cur || cur.job.id !== reply.id) return;
      clearTimeout(cur.timer);
      delete slot.job;
      cur.resolve(reply);
      this.pump();
    });
    const lost = (why: string) => {
      const cur = slot.job;
      delete slot.job;
      if (cur) {
        clearTimeout(cur.timer);
        cur.resolve({ id: cur.job.id, error: why, failures: [] });
      }
      const i = this.slots.indexOf(slot);
      if (i !== -1 && !this.closed) {
        this.slots[i] = this.spawn();
        this.pump();
      }
    };
    worker.on('error', (err) => lost(`worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.closed) lost(`worker exited (${code})`);
    });
    worker.unref();
    return slot;
  }

  run(job: PoolJob): Promise<PoolReply> {
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
    });
  }

  /** jobs waiting or running */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.job).length;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const next = this.queue.shift();
      if (!next) return;
      const timer = setTimeout(() => {
        // a file that takes this long is treated as hostile: stop the worker, replace it
        const cur = slot.job;
        if (cur && cur.job.id === next.job.id) {
          void slot.worker.terminate();
          delete slot.job;
          cur.resolve({ id: next.job.id, error: `timed out after ${Math.round(this.timeoutMs / 1000)} s`, failures: [] });
          const i = this.slots.indexOf(slot);
          if (i !== -1 && !this.closed) this.slots[i] = this.spawn();
          this.pump();
        }
      }, this.timeoutMs);
      slot.job = { job: next.job, resolve: next.resolve, timer };
      const transfer = next.job.bytes ? [next.job.bytes.buffer as ArrayBuffer] : [];
      slot.worker.postMessage(next.job, transfer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
