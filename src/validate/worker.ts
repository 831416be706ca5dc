import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { validateOne, type LayerFailures } from './file.js';
import type { PoolJob, PoolReply } from './pool.js';

/**
 * A validation worker: loads the catalogue and compiles the schema sets on first use (once
 * per thread), then validates files as the pool hands them over. Files on disk are read here,
 * so their bytes never cross threads; zip entries arrive as transferred buffers.
 */

if (!parentPort) throw new Error('worker.ts runs as a worker thread only');
const port = parentPort;

port.on('message', (job: PoolJob) => {
  const failures: LayerFailures = new Map();
  let reply: PoolReply;
  try {
    const input = job.bytes ?? readFileSync(job.abs!);
    const outcome = validateOne(input, { ...job.opts, fileName: job.path }, failures);
    reply = { id: job.id, outcome, failures: [...failures] };
  } catch (err) {
    reply = { id: job.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), failures: [...failures] };
  }
  port.postMessage(reply);
});
