import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CDA_ORDER_FALLBACK } from './cda-order.fallback.js';
import { deriveOrderTable, type OrderTable } from './xsd-order.js';

export type { OrderTable, TypeOrder } from './xsd-order.js';

/**
 * Child order of CDA elements, so generated documents pass the XSD. The source of truth is the
 * CDA-CN schema in schemas/xsd/cda-cn/ (HL7 CDA R2 plus the WS/T 500 localisations): the order
 * is derived from it on first use, so samples and the XSD layer cannot drift. Without it (a
 * partial checkout) a built-in table is used: HL7's POCD_MT000040 order with the localisations
 * placed where the practitioner schemas put them (see cda-order.fallback.ts).
 */
const CDA_CN_DIR = fileURLToPath(new URL('../../schemas/xsd/cda-cn/', import.meta.url));

let cached: { table: OrderTable; source: string } | undefined;

export function cdaOrder(): OrderTable {
  return load().table;
}

/** Where the order came from: the XSD file used, or "built-in fallback …". */
export function cdaOrderSource(): string {
  return load().source;
}

function load(): { table: OrderTable; source: string } {
  if (cached) return cached;
  const entry = findCdaCnEntry(CDA_CN_DIR);
  if (entry) {
    try {
      const table = deriveOrderTable(entry);
      if (table.roots['ClinicalDocument']) return (cached = { table, source: entry });
    } catch {
      // an unreadable schema must not stop sample generation; the XSD layer reports it
    }
  }
  return (cached = { table: CDA_ORDER_FALLBACK, source: 'built-in fallback (HL7 POCD_MT000040 + WS/T 500 localisations)' });
}

/** The schema file in dir that declares the global ClinicalDocument element. */
export function findCdaCnEntry(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => f.endsWith('.xsd')).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const f of files) {
    const path = join(dir, f);
    if (/<([\w-]+:)?element\s+name="ClinicalDocument"/.test(readFileSync(path, 'utf8'))) return path;
  }
  return undefined;
}

function rank(file: string): number {
  return /^cda(-cn)?\.xsd$/i.test(file) ? 0 : 1;
}

/** Type of an element whose children are ordered by `table`, when known. */
export function childTypeOf(table: OrderTable, parentType: string | undefined, childName: string): string | undefined {
  if (parentType === undefined) return undefined;
  return table.types[parentType]?.childTypes[childName];
}
