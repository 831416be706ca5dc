#!/usr/bin/env node
// Regenerates src/xml/cda-order.fallback.ts from HL7's CDA R2 schema plus the WS/T 500
// localisations. Needs `npm run build` first and ../shared/reference/hl7-cda-r2 beside the repo.
//   node tools/gen-cda-order.mjs [path/to/CDA.xsd]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deriveOrderTable } from '../dist/xml/xsd-order.js';
import { localiseCdaOrder } from '../dist/xml/cda-order-localise.js';
import { renderFallback } from '../dist/xml/cda-order-render.js';

const xsd = process.argv[2] ?? fileURLToPath(new URL('../../shared/reference/hl7-cda-r2/infrastructure/cda/CDA.xsd', import.meta.url));
const out = fileURLToPath(new URL('../src/xml/cda-order.fallback.ts', import.meta.url));
writeFileSync(out, renderFallback(localiseCdaOrder(deriveOrderTable(xsd))));
process.stdout.write(`wrote ${out}\n`);
