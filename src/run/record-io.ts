/**
 * record.json on disk: written atomically (temp file, fsync, rename, folder fsync) so a crash
 * leaves either the previous record or the new one, never half of one; checked against the
 * contract before it is written and when it is read; secrets scrubbed on the way out.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { formatRecordErrors, validateRecord, type RecordError, type RunRecord } from './record.js';
import { SecretRegistry, defaultSecrets } from './secrets.js';
import { writeAll } from './lock.js';

export const RECORD_FILE = 'record.json';

export class RecordFileError extends Error {
  constructor(readonly file: string, readonly errors: RecordError[], detail?: string) {
    super(`${file}: ${detail ?? `not a valid record:\n${formatRecordErrors(errors)}`}`);
    this.name = 'RecordFileError';
  }
}

/** Validate, redact and atomically write <dir>/record.json; returns its path. */
export function writeRecord(dir: string, record: RunRecord, secrets: SecretRegistry = defaultSecrets): string {
  const clean = secrets.redactDeep(record);
  const file = join(dir, RECORD_FILE);
  const checked = validateRecord(clean);
  if (!checked.ok) throw new RecordFileError(file, checked.errors);
  const tmp = join(dir, `.${RECORD_FILE}.tmp-${process.pid}`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeAll(fd, Buffer.from(`${JSON.stringify(clean, null, 2)}\n`, 'utf8'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  if (process.platform !== 'win32') {
    const dfd = openSync(dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  }
  return file;
}

/** Read and validate <dir>/record.json (or a record file given directly). */
export function readRecord(dirOrFile: string): RunRecord {
  const file = dirOrFile.endsWith('.json') ? dirOrFile : join(dirOrFile, RECORD_FILE);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RecordFileError(file, [], `cannot read: ${(err as Error).message}`);
  }
  const checked = validateRecord(value);
  if (!checked.ok) throw new RecordFileError(file, checked.errors);
  return checked.record;
}
