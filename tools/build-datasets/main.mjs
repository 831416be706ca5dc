#!/usr/bin/env node
// Builds datasets/ws445.json, ws364.json (from ../shared/reference facts) and ws363.json (from
// this repository's own data: re-run `ws363` whenever shared-docs/ or scenarios/entities.json change).
//
//   node tools/build-datasets/main.mjs [all|ws445|ws364|ws363] [--ref DIR] [--check]
//
// --check writes nothing and exits 1 when a file is not what the generator would write.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWs445 } from './ws445.mjs';
import { buildWs364 } from './ws364.mjs';
import { buildWs363 } from './ws363.mjs';
import { stringify } from './json-out.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const refAt = args.indexOf('--ref');
const ref = refAt >= 0 ? resolve(args[refAt + 1]) : resolve(root, '../shared/reference');
const what = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--ref') ?? 'all';

const steps = {
  ws445: () => ['datasets/ws445.json', buildWs445(ref)],
  ws364: () => ['datasets/ws364.json', buildWs364(ref)],
  ws363: () => ['datasets/ws363.json', buildWs363(root)],
};
const order = what === 'all' ? ['ws445', 'ws364', 'ws363'] : [what];
if (!order.every((s) => s in steps)) {
  process.stderr.write(`usage: main.mjs [all|ws445|ws364|ws363] [--ref DIR] [--check]\n`);
  process.exit(2);
}
if (order.some((s) => s !== 'ws363') && !existsSync(ref)) {
  process.stderr.write(`reference not found at ${ref} (pass --ref DIR)\n`);
  process.exit(2);
}
let stale = 0;
for (const s of order) {
  const [file, data] = steps[s]();
  const text = stringify(data) + '\n';
  const path = join(root, file);
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (check) {
    if (old !== text) { stale++; process.stderr.write(`${file} is stale\n`); }
    continue;
  }
  if (old !== text) writeFileSync(path, text);
  const [key] = Object.keys(data);
  process.stdout.write(`${file}: ${data[key].length} ${key}${old === text ? ' (unchanged)' : ''}\n`);
}
process.exit(stale ? 1 : 0);
