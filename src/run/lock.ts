/**
 * One writer per run folder: a lock file holding the owner's pid.
 *
 * A lock whose process is gone (kill -9, power loss) is stale and is taken over, so `--resume`
 * works after a crash without manual cleanup. "Gone" is decided on this host only: the pid no
 * longer exists, or (Linux) it exists but started at another time than the lock says, i.e.
 * the pid was reused. A lock written on another host (a shared folder) is never taken over.
 *
 * Takeover renames the stale file away before creating a new one, and every acquisition
 * re-reads the file to confirm it holds our nonce, so two processes racing for the same stale
 * lock cannot both win. (Residual: three processes racing within microseconds on one stale
 * lock may leave the loser of the restore step without a lock; it then fails, it never
 * writes unlocked.)
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export interface LockInfo {
  pid: number;
  host: string;
  /** Linux process start time (clock ticks since boot), to detect pid reuse */
  startTicks?: number;
  startedAt: string;
  nonce: string;
}

export class LockHeldError extends Error {
  constructor(readonly lockPath: string, readonly holder: LockInfo | null, detail: string) {
    super(`${lockPath}: ${detail}`);
    this.name = 'LockHeldError';
  }
}

export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** the stale lock this acquisition replaced, if any */
  readonly tookOver?: LockInfo;
  /** still ours? (false if someone removed or replaced the file) */
  held(): boolean;
  release(): void;
}

// A lock file that is empty or half-written belongs to a creator between open and write;
// only when it stays that way this long is it treated as the remains of a crash.
const UNREADABLE_GRACE_MS = 5_000;

export function acquireLock(path: string): HeldLock {
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), nonce: randomBytes(8).toString('hex') };
  const ticks = processStartTicks(process.pid);
  if (ticks !== undefined) info.startTicks = ticks;
  const body = Buffer.from(`${JSON.stringify(info)}\n`);
  let tookOver: LockInfo | undefined;

  for (let attempt = 0; attempt < 20; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if (code(err) !== 'EEXIST') throw err;
      const current = readLock(path);
      if (current === 'gone') continue;
      if (current === 'unreadable') {
        if (ageMs(path) < UNREADABLE_GRACE_MS) { sleep(20); continue; }
      } else if (isAlive(current)) {
        throw new LockHeldError(path, current, `in use by process ${current.pid} on ${current.host} since ${current.startedAt}; if no hutong run is using this folder, delete the lock file`);
      }
      if (takeOver(path, current)) tookOver = current === 'unreadable' ? undefined : current;
      continue;
    }
    try {
      writeAll(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const check = readLock(path);
    if (typeof check === 'object' && check.nonce === info.nonce) return makeHeld(path, info, tookOver);
    // lost a race against another taker; the loop decides again from what is there now
  }
  throw new LockHeldError(path, null, 'could not acquire the lock (contention)');
}

function makeHeld(path: string, info: LockInfo, tookOver: LockInfo | undefined): HeldLock {
  let released = false;
  const held = (): boolean => {
    if (released) return false;
    const cur = readLock(path);
    return typeof cur === 'object' && cur.nonce === info.nonce;
  };
  return {
    path,
    info,
    ...(tookOver ? { tookOver } : {}),
    held,
    release() {
      if (released) return;
      // never delete a lock that is no longer ours
      if (held()) unlinkSync(path);
      released = true;
    },
  };
}

/** Move a stale lock away; restore it if it turned out to be a fresh one. */
function takeOver(path: string, judged: LockInfo | 'unreadable'): boolean {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if (code(err) === 'ENOENT') return false;
    throw err;
  }
  const moved = readLock(aside);
  const same = judged === 'unreadable' ? moved === 'unreadable' : typeof moved === 'object' && moved.nonce === judged.nonce;
  if (!same) {
    // we grabbed someone's fresh lock between judging and renaming: put it back (no-clobber)
    try { linkSync(aside, path); } catch { /* a third process already holds the path */ }
  }
  try { unlinkSync(aside); } catch { /* already gone */ }
  return same;
}

function readLock(path: string): LockInfo | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (code(err) === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.nonce === 'string') {
      return { pid: v.pid, host: v.host, startedAt: String(v.startedAt ?? ''), nonce: v.nonce, ...(typeof v.startTicks === 'number' ? { startTicks: v.startTicks } : {}) };
    }
  } catch { /* fall through */ }
  return 'unreadable';
}

export function isAlive(lock: LockInfo): boolean {
  if (lock.host !== hostname()) return true; // cannot tell: never steal across hosts
  try {
    process.kill(lock.pid, 0);
  } catch (err) {
    if (code(err) === 'ESRCH') return false;
    // EPERM: exists, owned by someone else
  }
  if (lock.startTicks !== undefined) {
    const now = processStartTicks(lock.pid);
    if (now !== undefined && now !== lock.startTicks) return false; // pid reused
  }
  return true;
}

/** Field 22 of /proc/<pid>/stat; undefined where /proc is not available. */
function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may contain spaces and parentheses: split after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(rest[19]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

export function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}
