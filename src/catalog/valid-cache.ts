/**
 * Remembers that one exact set of catalogue files passed one exact set of schemas, so that later
 * processes skip compiling schemas (most of a cold load: ~0.45 s of ~0.6 s) when nothing changed.
 * The key hashes every schema's and every data file's bytes; only successes are recorded, so a
 * changed or broken file always gets the full check. The marker lives with the installed
 * dependencies (node_modules/.cache), is best-effort, and HUTONG_CATALOG_CACHE=0 turns it off.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../version.js';

const DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'hutong-catalog');
// bump when what "valid" means changes without a schema changing (e.g. the ajv options)
const SCHEME = 'v1 ajv allErrors strict';

function enabled(): boolean {
  return process.env['HUTONG_CATALOG_CACHE'] !== '0';
}

export function validationKey(parts: { name: string; bytes: Uint8Array }[]): string {
  const h = createHash('sha256').update(SCHEME);
  for (const p of parts) h.update('\0').update(p.name).update('\0').update(p.bytes);
  return h.digest('hex');
}

export function knownValid(key: string): boolean {
  return enabled() && existsSync(join(DIR, key));
}

export function rememberValid(key: string): void {
  if (!enabled()) return;
  try {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(join(DIR, key), '');
  } catch {
    // a read-only install only loses the speed-up
  }
}
