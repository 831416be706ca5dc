import { InvalidArgumentError } from 'commander';
import { CatalogError, loadCatalog } from '../../catalog/index.js';
import { generateDocument } from '../../samples/document.js';
import { serialize } from '../../xml/node.js';
import { UsageError } from '../main.js';
import type { RegisterCommand } from './index.js';

function seedOption(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new InvalidArgumentError('the seed is a whole number from 0 to 4294967295');
  return Number(v);
}

function catalog() {
  try {
    return loadCatalog();
  } catch (err) {
    if (err instanceof CatalogError) throw new UsageError(`the catalogue cannot be loaded:\n${err.message}`);
    throw err;
  }
}

/** hutong sample list | document <code> [--seed N] — synthetic, conformant documents built from the catalogue. */
export const registersample: RegisterCommand = (program) => {
  const sample = program.command('sample').description('synthetic conformant samples built from the catalogue (合成样例)');

  sample
    .command('list')
    .description('the document templates a sample can be made for')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const docs = catalog().documents.map((d) => ({ code: d.code, title: d.title, standard: d.standard, depth: d.depth, testPrefix: d.testPrefix }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
        return;
      }
      for (const d of docs) process.stdout.write(`${d.code.padEnd(10)} ${d.testPrefix.padEnd(10)} ${d.depth.padEnd(8)} ${d.title}\n`);
    });

  sample
    .command('document')
    .description('print a synthetic CDA document for a template, e.g. C0032 or EHR-SD-01 (all names start with 测试)')
    .argument('<code>', 'document code (C0001 … C0053, EHR-SD-01 … EHR-SD-20 or the WS/T 483 type code HSDA00.01 …)')
    .option('--seed <n>', 'seed; the same seed gives the same document', seedOption, 1)
    .action((code: string, opts: { seed: number }) => {
      const cat = catalog();
      // EHR-SD-01 and EHR-SD-1 name the same WS/T 483 part; its type code (HSDA00.01 …) does too
      const norm = (s: string) => s.toUpperCase().replace(/^(EHR-SD-)0*(\d+)$/, '$1$2');
      const template = cat.documents.find((d) => norm(d.code) === norm(code) || (d.typeCode !== undefined && d.typeCode.toUpperCase() === code.toUpperCase()));
      if (!template) throw new UsageError(`no document template ${code}; see \`hutong sample list\``);
      const { tree, notes } = generateDocument(template, cat, { seed: opts.seed });
      process.stdout.write(serialize(tree, { pretty: true, declaration: true }));
      for (const n of notes) {
        process.stderr.write(`note: left out optional ${n.entry.de} ${n.entry.name}: it would repeat <${n.element}>, which the schema allows once\n`);
      }
    });
};
