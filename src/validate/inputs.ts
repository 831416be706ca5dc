import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import yauzl from 'yauzl';
import type { Finding } from '../findings/types.js';
import { finding } from './rules.js';

/**
 * What `hutong validate` was given, as a stream of items in a stable order: files (read later,
 * by whoever validates them), zip entries (read here, one at a time, so a large package never
 * sits in memory), and problems found on the way (an unreadable path, a zip entry that tries to
 * escape, a package over its limits). Folders are walked recursively for *.xml; symbolic links
 * to folders are not followed (no loops).
 */

export interface ZipLimits {
  /** most entries read from one archive */
  maxEntries: number;
  /** most uncompressed bytes read from one archive */
  maxTotalBytes: number;
  /** per entry: larger entries are reported, not extracted */
  maxEntryBytes: number;
}

export const DEFAULT_ZIP_LIMITS: Omit<ZipLimits, 'maxEntryBytes'> = { maxEntries: 20_000, maxTotalBytes: 2 * 1024 * 1024 * 1024 };

export type InputItem =
  | { kind: 'file'; path: string; abs: string; size: number }
  | { kind: 'bytes'; path: string; bytes: Uint8Array }
  /** nothing to validate: the findings say why (unreadable, refused) */
  | { kind: 'problem'; path: string; findings: Finding[] }
  /** a package's own findings (limits), reported on the archive itself */
  | { kind: 'package'; path: string; findings: Finding[] };

const XML_FILE = /\.xml$/i;
const ZIP_FILE = /\.zip$/i;

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : err instanceof Error ? err.message : String(err);
}

function walk(dir: string, shown: string, out: { abs: string; shown: string; stat: Stats }[], problems: InputItem[]): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    problems.push({ kind: 'problem', path: shown, findings: [finding('HT-PRE-UNREADABLE', { reason: errorText(err) }, { file: shown })] });
    return;
  }
  for (const n of names) {
    const abs = join(dir, n);
    const sh = join(shown, n);
    let st: Stats;
    try {
      st = lstatSync(abs);
      if (st.isSymbolicLink()) {
        const target = statSync(abs);
        if (target.isDirectory()) continue;
        st = target;
      }
    } catch (err) {
      problems.push({ kind: 'problem', path: sh, findings: [finding('HT-PRE-UNREADABLE', { reason: errorText(err) }, { file: sh })] });
      continue;
    }
    if (st.isDirectory()) walk(abs, sh, out, problems);
    else if (st.isFile() && (XML_FILE.test(n) || ZIP_FILE.test(n))) out.push({ abs, shown: sh, stat: st });
  }
}

/** Expand the command-line inputs, in order. */
export async function* collectInputs(paths: string[], limits: ZipLimits): AsyncGenerator<InputItem> {
  for (const p of paths) {
    let st: Stats;
    try {
      st = statSync(p);
    } catch (err) {
      yield { kind: 'problem', path: p, findings: [finding('HT-PRE-UNREADABLE', { reason: errorText(err) }, { file: p })] };
      continue;
    }
    if (st.isDirectory()) {
      const files: { abs: string; shown: string; stat: Stats }[] = [];
      const problems: InputItem[] = [];
      walk(p, p, files, problems);
      yield* problems;
      for (const f of files) {
        if (ZIP_FILE.test(f.abs)) yield* zipEntries(f.abs, f.shown, limits);
        else yield { kind: 'file', path: f.shown, abs: f.abs, size: f.stat.size };
      }
    } else if (ZIP_FILE.test(p)) {
      yield* zipEntries(p, p, limits);
    } else {
      yield { kind: 'file', path: p, abs: p, size: st.size };
    }
  }
}

/** Entry names: UTF-8 when flagged or valid, else GB18030 (Chinese Windows archivers write GBK without saying so). */
function entryName(raw: Buffer, flags: number): string {
  if ((flags & 0x800) !== 0) return raw.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return iconv.decode(raw, 'gb18030');
  }
}

function unsafeName(name: string): string | undefined {
  if (name.includes('\\')) return `名称含反斜杠 (backslash in name)`;
  if (/^[a-zA-Z]:/.test(name) || name.startsWith('/')) return '绝对路径 (absolute path)';
  if (name.split('/').includes('..')) return '路径穿越 (path traversal "..")';
  if (name.includes('\u0000')) return '名称含 NUL (NUL in name)';
  return undefined;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true }, (err, zip) => {
      if (err || !zip) reject(err ?? new Error('cannot open archive'));
      else resolve(zip);
    });
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) {
        reject(err ?? new Error('cannot read entry'));
        return;
      }
      const chunks: Buffer[] = [];
      let n = 0;
      stream.on('data', (c: Buffer) => {
        n += c.length;
        // validateEntrySizes already holds the stream to the declared size; this is a second fence
        if (n > max) {
          stream.destroy(new Error(`entry grows past ${max} bytes`));
          return;
        }
        chunks.push(c);
      });
      stream.on('error', reject);
      // a fresh ArrayBuffer of its own: the bytes may be transferred to a worker thread
      stream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks, n))));
    });
  });
}

async function* zipEntries(abs: string, shown: string, limits: ZipLimits): AsyncGenerator<InputItem> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(abs);
  } catch (err) {
    yield { kind: 'package', path: shown, findings: [finding('HT-PKG-UNREADABLE', { reason: errorText(err) }, { file: shown })] };
    return;
  }
  const packageFindings: Finding[] = [];
  let entries = 0;
  let total = 0;
  // one entry at a time: 'entry' → read → yield → readEntry()
  const next = (): Promise<yauzl.Entry | null> => new Promise((resolve, reject) => {
    const onEntry = (e: yauzl.Entry) => { cleanup(); resolve(e); };
    const onEnd = () => { cleanup(); resolve(null); };
    const onError = (err: Error) => { cleanup(); reject(err); };
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
  try {
    for (;;) {
      let entry: yauzl.Entry | null;
      try {
        entry = await next();
      } catch (err) {
        packageFindings.push(finding('HT-PKG-UNREADABLE', { reason: errorText(err) }, { file: shown }));
        break;
      }
      if (entry === null) break;
      const name = entryName(entry.fileName as unknown as Buffer, entry.generalPurposeBitFlag);
      if (name.endsWith('/')) continue;
      const shownEntry = `${shown}!/${name}`;
      const unsafe = unsafeName(name);
      if (unsafe) {
        packageFindings.push(finding('HT-PKG-LIMIT', { reason: `条目 ${JSON.stringify(name)} 被拒绝：${unsafe}` }, { file: shown }));
        continue;
      }
      if (!XML_FILE.test(name)) continue;
      entries++;
      if (entries > limits.maxEntries) {
        packageFindings.push(finding('HT-PKG-LIMIT', { reason: `XML 条目超过 ${limits.maxEntries} 个，其余未读取 (more than ${limits.maxEntries} entries)` }, { file: shown }));
        break;
      }
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        yield { kind: 'problem', path: shownEntry, findings: [finding('HT-PRE-TOO-LARGE', { size: entry.uncompressedSize, limit: limits.maxEntryBytes }, { file: shownEntry })] };
        continue;
      }
      if (total + entry.uncompressedSize > limits.maxTotalBytes) {
        packageFindings.push(finding('HT-PKG-LIMIT', { reason: `解压总量超过 ${limits.maxTotalBytes} 字节，其余未读取 (uncompressed total over ${limits.maxTotalBytes} bytes)` }, { file: shown }));
        break;
      }
      total += entry.uncompressedSize;
      let bytes: Uint8Array;
      try {
        bytes = await readEntry(zip, entry, limits.maxEntryBytes);
      } catch (err) {
        yield { kind: 'problem', path: shownEntry, findings: [finding('HT-PKG-UNREADABLE', { reason: errorText(err) }, { file: shownEntry })] };
        continue;
      }
      yield { kind: 'bytes', path: shownEntry, bytes };
    }
  } finally {
    zip.close();
  }
  if (packageFindings.length > 0) yield { kind: 'package', path: shown, findings: packageFindings };
}
