#!/usr/bin/env node
// npm run bench: every benchmark script in bench/ (*.mjs, except the servers and helpers that
// other scripts start: *-server.mjs, *-child.mjs, _*.mjs), one after the other, each printing
// its ratios against a baseline measured in the same run. Builds dist/ first when it is missing.
// Arguments are passed to every script (e.g. npm run bench -- --rounds 3).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
if (!existsSync(join(root, 'dist', 'perf', 'index.js'))) {
  const b = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 2);
}
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && !/-(server|child)\.mjs$/.test(f) && !f.startsWith('_'))
  .sort();
let worst = 0;
for (const s of scripts) {
  console.log(`\n===== bench/${s} =====`);
  // a bench that hangs must not hang the run: 10 minutes each at most
  const r = spawnSync(process.execPath, [join(here, s), ...process.argv.slice(2)], { stdio: 'inherit', timeout: 600_000, killSignal: 'SIGTERM' });
  if (r.status !== 0) console.log(`bench/${s} exited ${r.status ?? r.signal}`);
  worst = Math.max(worst, r.status ?? 1);
}
process.exit(worst);
