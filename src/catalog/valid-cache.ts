/**
 * Remembers that one exact set of catalogue files passed one exact set of schemas, so that later
 * processes skip compiling schemas (most of a cold load: ~0.45 s of ~0.6 s) when nothing changed,
 * and keeps what those files parsed to, so that they also skip parsing the YAML (another
 * ~0.45 s of every command's start-up).
 * The key hashes every schema's and every data file's bytes (and the YAML parser's version);
 * only successes are recorded, so a changed or broken file always gets the full check. The
 * files live with the installed dependencies (node_modules/.cache), are best-effort (an
 * unreadable or damaged one is a miss), and HUTONG_CATALOG_CACHE=0 turns them off.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { PROJECT_ROOT } from '../version.js';

const DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'hutong-catalog');
// bump when what "valid" means changes without a schema changing (e.g. the ajv options)
const SCHEME = `v2 ajv allErrors strict; yaml ${(createRequire(import.meta.url)('yaml/package.json') as { version: string }).version}`;

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

/** What each file (by its relative path) parsed and validated to, when this exact key passed before. */
export function cachedData(key: string): Record<string, unknown> | undefined {
  if (!enabled()) return undefined;
  try {
    const data: unknown = deserialize(readFileSync(join(DIR, `${key}.data`)));
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The serialized data of a load that passed (taken before later steps could touch the objects),
 * written to a temporary name first: a reader never sees half a file.
 */
export function rememberData(key: string, snapshot: Buffer): void {
  if (!enabled()) return;
  try {
    mkdirSync(DIR, { recursive: true });
    const tmp = join(DIR, `${key}.data.${process.pid}`);
    writeFileSync(tmp, snapshot);
    renameSync(tmp, join(DIR, `${key}.data`));
    prune();
  } catch {
    // a read-only install only loses the speed-up
  }
}

export { serialize as snapshotData };

/** Data snapshots kept (≈ 2 MB each): a catalogue being edited, or tests loading edited copies, write a new one per version. */
const KEEP_DATA = 6;

function prune(): void {
  const data = readdirSync(DIR).filter((n) => n.endsWith('.data')).map((n) => ({ n, t: statSync(join(DIR, n)).mtimeMs }));
  if (data.length <= KEEP_DATA) return;
  data.sort((a, b) => b.t - a.t);
  for (const { n } of data.slice(KEEP_DATA)) rmSync(join(DIR, n), { force: true });
}
