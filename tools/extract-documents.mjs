#!/usr/bin/env node
// Dev tool: writes shared-docs/wst500/C00nn.json (full depth) from the reference facts in
// ../shared/reference (WS/T 483: tools/build-regional). The JSON it writes is committed;
// the project never needs ../shared at run time. Hand corrections belong in the rule tables of
// tools/extract-documents/*.mjs, so that a re-run reproduces them.
//
//   node tools/extract-documents.mjs [--ref <shared/reference dir>] [--out <repo dir>] [--check]
//
// --check compares instead of writing and exits 1 when a file would change.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDocument } from './extract-documents/build.mjs';
import { readWs445, readWst500, readXsd } from './extract-documents/read-reference.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const ref = resolve(opt('--ref', join(repo, '..', 'shared', 'reference')));
const out = resolve(opt('--out', repo));
const check = args.includes('--check');

if (!existsSync(join(ref, 'facts'))) {
  console.error(`reference facts not found under ${ref} (pass --ref)`);
  process.exit(2);
}

const rows = readWs445(ref);
const changed = [];
const write = (file, value) => {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const path = join(out, file);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (before === text) return;
  changed.push(file);
  if (!check) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
};

const stats = [];
for (const doc of readWst500(ref)) {
  const { template, stats: s } = buildDocument({ doc, rows, xsd: readXsd(ref, doc.code) });
  write(`shared-docs/wst500/${doc.code}.json`, template);
  stats.push(s);
}

// shared-docs/wst483/ (full WS/T 483 templates) is written by tools/build-regional/main.mjs.

const sum = (k) => stats.reduce((a, s) => a + s[k], 0);
const entries = stats.map((s) => s.elements);
console.log(`WS/T 500 documents: ${stats.length}`);
console.log(`  sections: ${sum('sections')} (added beyond vendor samples: ${sum('added')})`);
console.log(`  entries: ${sum('elements')} (header ${sum('header')}, body ${sum('body')}); per document min ${Math.min(...entries)} max ${Math.max(...entries)}`);
console.log(`  named in the practitioner XSD docs: ${sum('named')}; inferred only: ${sum('inferred')}; no keyword rule (default section): ${sum('unmatched')}`);
if (check) {
  if (changed.length) {
    console.error(`out of date: ${changed.join(', ')}`);
    process.exit(1);
  }
  console.log('all files up to date');
} else {
  console.log(`${changed.length} file(s) written`);
}
