#!/usr/bin/env node
// Dev tool: writes shared-docs/wst500/C00nn.json (full depth) and shared-docs/wst483/EHR-SD-nn.json
// (identity) from the reference facts in ../shared/reference. The JSON it writes is committed;
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
import { readWs445, readWst483, readWst500, readXsd } from './extract-documents/read-reference.mjs';

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

for (const d of readWst483(ref)) {
  const nn = String(d.seq).padStart(2, '0');
  write(`shared-docs/wst483/EHR-SD-${nn}.json`, {
    code: d.testPrefix,
    family: 'wst483',
    part: d.seq,
    standard: `WS/T 483.${d.seq}-2016`,
    title: d.name,
    templateId: `2.16.156.10011.2.1.1.${d.seq}`,
    codeSystem: '2.16.156.10011.2.4',
    testPrefix: d.testPrefix,
    depth: 'identity',
    datasets: d.dataset ? [d.dataset] : [],
    header: { required: [], elements: [] },
    sections: [],
    source: {
      standard: `WS/T 483.${d.seq}-2016`,
      via: 'shared/reference/facts/wst483_regional_documents_and_datasets.csv; shared/reference/facts/oid_conventions.csv',
      verified: false,
      note: [
        `Identity only. The document type code is not known from public sources: "${d.testPrefix}" (the test-file prefix) stands in for it.`,
        d.seq === 1
          ? 'templateId 2.16.156.10011.2.1.1.1 was observed in a public sample.'
          : `templateId 2.16.156.10011.2.1.1.${d.seq} is assumed by analogy with part 1 (only .1 was observed).`,
        d.dataset ? `Dataset ${d.dataset} (${d.datasetPrefix}) per the source table.` : `The source table names no dataset for this part (${d.datasetPrefix}).`,
      ].join(' '),
    },
  });
}

const sum = (k) => stats.reduce((a, s) => a + s[k], 0);
const entries = stats.map((s) => s.elements);
console.log(`WS/T 500 documents: ${stats.length}`);
console.log(`  sections: ${sum('sections')} (added beyond vendor samples: ${sum('added')})`);
console.log(`  entries: ${sum('elements')} (header ${sum('header')}, body ${sum('body')}); per document min ${Math.min(...entries)} max ${Math.max(...entries)}`);
console.log(`  named in the practitioner XSD docs: ${sum('named')}; inferred only: ${sum('inferred')}; no keyword rule (default section): ${sum('unmatched')}`);
console.log(`WS/T 483 documents: ${readWst483(ref).length} (identity)`);
if (check) {
  if (changed.length) {
    console.error(`out of date: ${changed.join(', ')}`);
    process.exit(1);
  }
  console.log('all files up to date');
} else {
  console.log(`${changed.length} file(s) written`);
}
