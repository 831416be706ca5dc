// The reference platform as a child process of bench/platform.mjs, so that the platform's CPU
// (reported by /health as cpuUs) is measured apart from the load generator's.
import { startPlatform } from '../dist/platform/index.js';

const p = await startPlatform({ port: 0, seedVisits: 0, db: process.env.BENCH_DB || undefined });
process.stdout.write(`${JSON.stringify(p.urls)}\n`);
const stop = () => p.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
