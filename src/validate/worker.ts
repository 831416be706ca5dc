import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { Catalog } from '../catalog/types.js';
import { useCatalog, useCatalogLoader, validateOne, type LayerFailures } from './file.js';
import { useFastSchemas, xsdSets } from './layers/xsd.js';
import type { PoolJob, PoolReply, WorkerStart } from './pool.js';

/**
 * A validation worker: takes the catalogue from the main thread's snapshot (or loads it when
 * there is none), compiles the run's schema sets at once (once per thread), then validates
 * files as the pool hands them over. Files on disk are read here, so their bytes never cross
 * threads; zip entries arrive as transferred buffers.
 */

if (!parentPort) throw new Error('worker.ts runs as a worker thread only');
const port = parentPort;
const start = (workerData ?? {}) as WorkerStart;
if (start.catalog) useCatalog(deserialize(start.catalog) as Catalog);
else {
  // no snapshot (the main thread's catalogue failed to load): load it here, and say why per file
  const { loadCatalog } = await import('../catalog/index.js');
  useCatalogLoader(loadCatalog);
}
// With the main thread's compiled document schema, the schema sets are read only when a file
// needs libxml2 or is a V3 message (the fast path needs neither); without it, read them now
// (never throws: a set that fails to load is reported per file by the XSD layer).
if (start.fast) useFastSchemas(start.fast);
else xsdSets(start.schemas);

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
