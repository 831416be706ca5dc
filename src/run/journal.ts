/**
 * The evidence journal: everything a run did, on disk before the run moves on.
 *
 * Layout of a run folder (owner-only: folders 0700, files 0600):
 *
 *   run.lock                               pid of the one process writing here (lock.ts)
 *   journal.ndjson                         one JSON event per line, append-only
 *   journal.torn-<n>.bin                   bytes of a torn last line found on resume (kept, not lost)
 *   evidence/<caseId>/<nn>-<action>-request.xml
 *   evidence/<caseId>/<nn>-<action>-response.xml
 *   evidence/<caseId>/<name>               other artefacts of a case (retrieved documents …)
 *   evidence/<caseId>.attempt-<k>/         evidence of an attempt that never finished (resume)
 *
 * Durability: `append` writes the whole line with one writeSync loop and fdatasyncs before it
 * returns, so the next step of the run starts only once the event is on disk. Evidence files
 * are written under a temporary name, fdatasynced and renamed into place; the folders that got
 * new entries are fsynced (batched) before the next event is appended, so an event never names
 * a file that a crash could take back. A kill -9 can only leave (a) a torn last journal line,
 * which readers ignore and report, and (b) evidence of a case whose case-end never made it,
 * which --resume moves aside (renamed, never deleted) before running the case again.
 *
 * Cost, measured on the 2-core dev VM (ext4 on virtio, other jobs sharing the disk): 0.4–1.3 ms
 * per event (write+fdatasync; the write alone is ~0.005 ms), 3–11 ms per exchange (two evidence
 * files, their folder, one event). `stats()` reports what a run actually paid.
 *
 * Secrets: every journal line and evidence body passes through the SecretRegistry first;
 * credential-bearing headers (Authorization, Cookie …) are masked by name as well.
 */
import {
  closeSync, existsSync, fchmodSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync,
  readSync, renameSync, statSync, chmodSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import type { CaseArea, CaseRecord, CaseResult, Verdict } from './record.js';
import { SecretRegistry, defaultSecrets } from './secrets.js';
import { acquireLock, writeAll, type HeldLock, type LockInfo } from './lock.js';

export const JOURNAL_FILE = 'journal.ndjson';
export const LOCK_FILE = 'run.lock';
export const EVIDENCE_DIR = 'evidence';

/** Case ids and evidence names become path segments: keep them to a safe alphabet. */
export const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type Headers = Record<string, string | string[] | undefined>;

export interface MessageMeta {
  /** evidence file, relative to the run folder */
  file: string;
  bytes: number;
  sha256: string;
  method?: string;
  url?: string;
  status?: number;
  headers?: Record<string, string | string[]>;
}

interface EventBase {
  /** position in the journal, 1-based, assigned by append */
  seq: number;
  /** ISO time the event was appended */
  at: string;
}

export interface RunStartEvent extends EventBase {
  type: 'run-start';
  runId: string;
  plan: string;
  level: string;
  target: string;
  pid: number;
  toolVersion?: string;
  /** anything the runner needs to check a resume continues the same run (config hash …) */
  params?: Record<string, unknown>;
}
export interface ResumeEvent extends EventBase {
  type: 'resume';
  pid: number;
  completed: number;
  abandoned: string[];
  tookOverLockFrom?: number;
}
export interface CaseStartEvent extends EventBase { type: 'case-start'; caseId: string; title?: string; area?: CaseArea }
export interface ExchangeEvent extends EventBase {
  type: 'exchange';
  caseId: string;
  /** nn of the evidence files, per case attempt */
  n: number;
  action: string;
  request: MessageMeta;
  response?: MessageMeta;
  error?: { code: string; message: string };
  /** milliseconds: connect, firstByte, total … as the transport measured them */
  timings?: Record<string, number>;
}
export interface CaseEndEvent extends EventBase { type: 'case-end'; caseId: string; result: CaseResult; case: CaseRecord }
export interface CaseAbandonedEvent extends EventBase {
  type: 'case-abandoned';
  caseId: string;
  reason: string;
  /** where its partial evidence now lives */
  movedTo?: string;
}
export interface JournalRecoveredEvent extends EventBase { type: 'journal-recovered'; tornBytes: number; savedAs: string }
export interface NoteEvent extends EventBase { type: 'note'; caseId?: string; text: string }
export interface RunEndEvent extends EventBase { type: 'run-end'; verdict?: Verdict; invalid?: { reason: string }; exitCode?: number }

export type JournalEvent =
  | RunStartEvent | ResumeEvent | CaseStartEvent | ExchangeEvent | CaseEndEvent | CaseAbandonedEvent
  | JournalRecoveredEvent | NoteEvent | RunEndEvent;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What callers append: seq and at are filled in. */
export type NewEvent = DistributiveOmit<JournalEvent, 'seq' | 'at'>;

export interface ExchangeRequest {
  body: string | Uint8Array;
  method?: string;
  url?: string;
  headers?: Headers;
}
export interface ExchangeResponse {
  body: string | Uint8Array;
  status?: number;
  headers?: Headers;
}
export interface ExchangeEnd {
  response?: ExchangeResponse;
  error?: { code: string; message: string };
  timings?: Record<string, number>;
}

/** An exchange whose request is already on disk, waiting for its answer. */
export interface ExchangeHandle {
  readonly caseId: string;
  readonly n: number;
  readonly requestFile: string;
  end(result: ExchangeEnd): ExchangeEvent;
}

export interface JournalStats {
  events: number;
  bytes: number;
  /** time spent in write+fsync of journal lines */
  appendMs: { total: number; max: number; mean: number };
  evidenceFiles: number;
  /** time spent writing, fsyncing and renaming evidence files (incl. folder fsync) */
  evidenceMs: { total: number; max: number; mean: number };
}

export interface Journal {
  readonly dir: string;
  readonly path: string;
  /** what --resume found and did; undefined for a fresh journal */
  readonly resumed?: ResumeState;
  /** append one event; it is on disk when this returns */
  append<E extends NewEvent>(event: E): E & EventBase;
  /** write the request evidence now (before sending), the response with `end` */
  beginExchange(caseId: string, action: string, request: ExchangeRequest): ExchangeHandle;
  /** both halves at once */
  exchange(caseId: string, action: string, request: ExchangeRequest, end: ExchangeEnd): ExchangeEvent;
  /** another artefact of a case (a retrieved document, an export copy …); never overwrites */
  writeEvidence(caseId: string, name: string, data: string | Uint8Array): string;
  stats(): JournalStats;
  close(): void;
}

export interface OpenOptions {
  /** continue an interrupted run in this folder (--resume) */
  resume?: boolean;
  secrets?: SecretRegistry;
  /** header names whose values are masked whatever they are (case-insensitive) */
  secretHeaders?: readonly string[];
}

export interface ResumeState {
  completed: Map<string, CaseEndEvent>;
  abandoned: { caseId: string; movedTo?: string }[];
  torn?: TornTail;
  tookOverLockFrom?: LockInfo;
  runStart?: RunStartEvent;
}

export type JournalErrorCode = 'EXISTS' | 'MISSING' | 'LOCKED' | 'CORRUPT' | 'CLOSED' | 'BAD_EVENT' | 'EVIDENCE_EXISTS';

export class JournalError extends Error {
  constructor(readonly code: JournalErrorCode, message: string) {
    super(message);
    this.name = 'JournalError';
  }
}

const DEFAULT_SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/** Open (create or, with resume, continue) the journal of a run folder. Takes the folder's lock. */
export function openJournal(dir: string, opts: OpenOptions = {}): Journal {
  const secrets = opts.secrets ?? defaultSecrets;
  const secretHeaders = new Set([...DEFAULT_SECRET_HEADERS, ...(opts.secretHeaders ?? [])].map((h) => h.toLowerCase()));
  const created = !existsSync(dir);
  ensureDir(dir);
  if (created) fsyncDir(dirname(dir));
  const path = join(dir, JOURNAL_FILE);
  const exists = existsSync(path);
  if (!opts.resume && exists) throw new JournalError('EXISTS', `${path} already exists: continue that run with --resume, or choose another output folder`);
  if (opts.resume && !exists) throw new JournalError('MISSING', `${path} not found: nothing to resume`);

  let lock: HeldLock;
  try {
    lock = acquireLock(join(dir, LOCK_FILE));
  } catch (err) {
    if (err instanceof Error && err.name === 'LockHeldError') throw new JournalError('LOCKED', err.message);
    throw err;
  }

  try {
    let resumed: ResumeState | undefined;
    let seq = 0;
    if (opts.resume) {
      const torn = recoverTornTail(dir, path);
      const read = readJournal(dir);
      if (read.corrupt.length) {
        throw new JournalError('CORRUPT', `${path}: ${read.corrupt.length} damaged line(s) (first: line ${read.corrupt[0]?.line}); resume impossible`);
      }
      seq = read.events.reduce((m, e) => Math.max(m, e.seq), 0);
      const state = journalState(read.events);
      resumed = { completed: state.completed, abandoned: [], ...(torn ? { torn } : {}), ...(lock.tookOver ? { tookOverLockFrom: lock.tookOver } : {}), ...(state.runStart ? { runStart: state.runStart } : {}) };
    }
    const fd = openSync(path, 'a', 0o600);
    fchmodSync(fd, 0o600);
    if (!exists) fsyncDir(dir);
    const j = new JournalImpl(dir, path, fd, lock, secrets, secretHeaders, seq, resumed);

    if (resumed) {
      if (resumed.torn) j.append({ type: 'journal-recovered', tornBytes: resumed.torn.bytes, savedAs: resumed.torn.savedAs ?? '' });
      const state = journalState(readJournal(dir).events);
      for (const caseId of state.inProgress) {
        const movedTo = j.moveAside(caseId);
        resumed.abandoned.push({ caseId, ...(movedTo ? { movedTo } : {}) });
        j.append({ type: 'case-abandoned', caseId, reason: 'interrupted before case-end; re-run from the start on resume', ...(movedTo ? { movedTo } : {}) });
      }
      j.append({
        type: 'resume', pid: process.pid, completed: resumed.completed.size, abandoned: resumed.abandoned.map((a) => a.caseId),
        ...(lock.tookOver ? { tookOverLockFrom: lock.tookOver.pid } : {}),
      });
    }
    return j;
  } catch (err) {
    lock.release();
    throw err;
  }
}

class JournalImpl implements Journal {
  private closed = false;
  private readonly counters = new Map<string, number>();
  /** folders with new entries not yet fsynced */
  private readonly dirty = new Set<string>();
  private readonly stat = { events: 0, bytes: 0, appendTotal: 0, appendMax: 0, files: 0, fileTotal: 0, fileMax: 0 };

  constructor(
    readonly dir: string,
    readonly path: string,
    private readonly fd: number,
    private readonly lock: HeldLock,
    private readonly secrets: SecretRegistry,
    private readonly secretHeaders: Set<string>,
    private seq: number,
    readonly resumed: ResumeState | undefined,
  ) {}

  append<E extends NewEvent>(event: E): E & EventBase {
    this.open();
    checkEvent(event);
    if (event.type === 'case-start') this.startCase(event.caseId);
    const full = { ...event, seq: this.seq + 1, at: new Date().toISOString() } as E & EventBase;
    const line = Buffer.from(`${this.secrets.redact(JSON.stringify(this.secrets.redactDeep(full)))}\n`, 'utf8');
    const t0 = process.hrtime.bigint();
    // the files this event may name must be durable before the event is
    this.flushDirs();
    writeAll(this.fd, line);
    // fdatasync: data and size, without the mtime; enough to read the line back after a crash
    fdatasyncSync(this.fd);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    this.seq++;
    this.stat.events++;
    this.stat.bytes += line.length;
    this.stat.appendTotal += ms;
    this.stat.appendMax = Math.max(this.stat.appendMax, ms);
    return full;
  }

  beginExchange(caseId: string, action: string, request: ExchangeRequest): ExchangeHandle {
    this.open();
    checkId(caseId, 'case id');
    const n = (this.counters.get(caseId) ?? 0) + 1;
    this.counters.set(caseId, n);
    const stem = `${String(n).padStart(2, '0')}-${fileSafe(action)}`;
    const reqMeta = this.message(caseId, `${stem}-request.xml`, request.body, request.headers);
    if (request.method) reqMeta.method = request.method;
    if (request.url) reqMeta.url = this.secrets.redact(request.url);
    let done = false;
    return {
      caseId,
      n,
      requestFile: reqMeta.file,
      end: (result: ExchangeEnd): ExchangeEvent => {
        if (done) throw new JournalError('BAD_EVENT', `exchange ${caseId} #${n} already ended`);
        done = true;
        const ev: DistributiveOmit<ExchangeEvent, 'seq' | 'at'> = { type: 'exchange', caseId, n, action, request: reqMeta };
        if (result.response) {
          const resMeta = this.message(caseId, `${stem}-response.xml`, result.response.body, result.response.headers);
          if (result.response.status !== undefined) resMeta.status = result.response.status;
          ev.response = resMeta;
        }
        if (result.error) ev.error = { code: result.error.code, message: result.error.message };
        if (result.timings) ev.timings = result.timings;
        return this.append(ev);
      },
    };
  }

  exchange(caseId: string, action: string, request: ExchangeRequest, end: ExchangeEnd): ExchangeEvent {
    return this.beginExchange(caseId, action, request).end(end);
  }

  writeEvidence(caseId: string, name: string, data: string | Uint8Array): string {
    this.open();
    checkId(caseId, 'case id');
    checkId(name, 'evidence name');
    return this.writeFile(caseId, name, data).file;
  }

  stats(): JournalStats {
    const s = this.stat;
    return {
      events: s.events,
      bytes: s.bytes,
      appendMs: { total: s.appendTotal, max: s.appendMax, mean: s.events ? s.appendTotal / s.events : 0 },
      evidenceFiles: s.files,
      evidenceMs: { total: s.fileTotal, max: s.fileMax, mean: s.files ? s.fileTotal / s.files : 0 },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flushDirs();
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.lock.release();
    }
  }

  /** Move a case's evidence folder to <caseId>.attempt-<k>; returns its new relative path. */
  moveAside(caseId: string): string | undefined {
    const ev = join(this.dir, EVIDENCE_DIR);
    const from = join(ev, caseId);
    if (!existsSync(from)) return undefined;
    let k = 1;
    while (existsSync(join(ev, `${caseId}.attempt-${k}`))) k++;
    const to = join(ev, `${caseId}.attempt-${k}`);
    const pending = this.dirty.delete(from);
    renameSync(from, to);
    if (pending) fsyncDir(to);
    fsyncDir(ev);
    this.counters.delete(caseId);
    return `${EVIDENCE_DIR}/${caseId}.attempt-${k}`;
  }

  private startCase(caseId: string): void {
    // a case that starts again (resume, or a runner re-running it) must not mix or overwrite
    // the evidence of its earlier attempt
    const folder = join(this.dir, EVIDENCE_DIR, caseId);
    if (existsSync(folder) && readdirSync(folder).length > 0) {
      const movedTo = this.moveAside(caseId);
      this.append({ type: 'case-abandoned', caseId, reason: 'case started again; earlier evidence kept', ...(movedTo ? { movedTo } : {}) });
    }
    this.counters.delete(caseId);
  }

  private message(caseId: string, name: string, body: string | Uint8Array, headers: Headers | undefined): MessageMeta {
    const meta: MessageMeta = this.writeFile(caseId, name, body);
    if (headers) meta.headers = this.maskHeaders(headers);
    return meta;
  }

  private writeFile(caseId: string, name: string, data: string | Uint8Array): MessageMeta {
    const t0 = process.hrtime.bigint();
    const folder = this.caseFolder(caseId);
    const final = join(folder, name);
    if (existsSync(final)) throw new JournalError('EVIDENCE_EXISTS', `${final} exists; evidence is never overwritten`);
    const raw = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const bytes = this.secrets.redactBytes(raw);
    const tmp = join(folder, `.${name}.tmp-${process.pid}`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeAll(fd, bytes);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, final);
    // the rename becomes durable with the folder's fsync, batched before the next append
    this.dirty.add(folder);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    this.stat.files++;
    this.stat.fileTotal += ms;
    this.stat.fileMax = Math.max(this.stat.fileMax, ms);
    return { file: `${EVIDENCE_DIR}/${caseId}/${name}`, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  private caseFolder(caseId: string): string {
    const ev = join(this.dir, EVIDENCE_DIR);
    if (!existsSync(ev)) {
      ensureDir(ev);
      this.dirty.add(this.dir);
    }
    const folder = join(ev, caseId);
    if (!existsSync(folder)) {
      ensureDir(folder);
      this.dirty.add(ev);
    }
    return folder;
  }

  private flushDirs(): void {
    for (const d of this.dirty) fsyncDir(d);
    this.dirty.clear();
  }

  private maskHeaders(h: Headers): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(h)) {
      if (v === undefined) continue;
      out[k] = this.secretHeaders.has(k.toLowerCase()) ? '[REDACTED]' : v;
    }
    return out;
  }

  private open(): void {
    if (this.closed) throw new JournalError('CLOSED', `${this.path}: journal is closed`);
  }
}

function checkEvent(e: NewEvent): void {
  if ('caseId' in e && e.caseId !== undefined) checkId(e.caseId, 'case id');
  if (e.type === 'case-end') {
    if (e.case.id !== e.caseId) throw new JournalError('BAD_EVENT', `case-end for ${e.caseId} carries the record of ${e.case.id}`);
    if (e.case.result !== e.result) throw new JournalError('BAD_EVENT', `case-end for ${e.caseId}: result ${e.result} but record says ${e.case.result}`);
  }
}

function checkId(id: string, what: string): void {
  if (!SAFE_ID.test(id)) throw new JournalError('BAD_EVENT', `${what} "${id}" is not a safe file name ([A-Za-z0-9._-], max 128, not starting with . or -)`);
}

function fileSafe(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[.-]+/, '').slice(0, 64);
  return t === '' ? 'message' : t;
}

function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode alone and is subject to the umask: enforce it
  chmodSync(dir, 0o700);
}

/** Make a folder's entries (new files, renames) durable. */
function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface TornTail {
  /** byte offset where the incomplete last record starts */
  offset: number;
  bytes: number;
  /** where the bytes were saved (resume only), relative to the run folder */
  savedAs?: string;
}

export interface JournalRead {
  events: JournalEvent[];
  /** an incomplete last record (no newline: the writer died mid-append); ignored */
  torn?: TornTail;
  /** complete lines that do not parse: never produced by a crash, so a damaged file */
  corrupt: { line: number; offset: number; error: string }[];
  bytes: number;
}

/** Read a run's journal; tolerates a torn last line (reported in `torn`, never thrown). */
export function readJournal(dir: string): JournalRead {
  const buf = readFileSync(join(dir, JOURNAL_FILE));
  const events: JournalEvent[] = [];
  const corrupt: JournalRead['corrupt'] = [];
  let start = 0;
  let line = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    line++;
    const text = buf.toString('utf8', start, nl);
    const parsed = parseEvent(text);
    if (typeof parsed === 'string') corrupt.push({ line, offset: start, error: parsed });
    else events.push(parsed);
    start = nl + 1;
  }
  const out: JournalRead = { events, corrupt, bytes: buf.length };
  if (start < buf.length) out.torn = { offset: start, bytes: buf.length - start };
  return out;
}

function parseEvent(text: string): JournalEvent | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not an object';
  const o = v as Record<string, unknown>;
  if (typeof o.type !== 'string' || typeof o.seq !== 'number' || typeof o.at !== 'string') return 'missing type/seq/at';
  if ((o.type === 'case-start' || o.type === 'case-end' || o.type === 'exchange' || o.type === 'case-abandoned') && typeof o.caseId !== 'string') {
    return `${o.type} without caseId`;
  }
  if (o.type === 'case-end' && (o.case === null || typeof o.case !== 'object')) return 'case-end without case record';
  return o as unknown as JournalEvent;
}

export interface JournalState {
  /** cases whose latest event is a durable case-end */
  completed: Map<string, CaseEndEvent>;
  /** cases started (latest event case-start or exchange) but not ended */
  inProgress: string[];
  runStart?: RunStartEvent;
  runEnd?: RunEndEvent;
}

/** What the events say about each case: the latest case-start/exchange/case-end/abandon wins. */
export function journalState(events: readonly JournalEvent[]): JournalState {
  const last = new Map<string, JournalEvent>();
  let runStart: RunStartEvent | undefined;
  let runEnd: RunEndEvent | undefined;
  for (const e of events) {
    if (e.type === 'run-start') { runStart ??= e; runEnd = undefined; }
    else if (e.type === 'run-end') runEnd = e;
    else if (e.type === 'resume') runEnd = undefined;
    else if (e.type === 'case-start' || e.type === 'exchange' || e.type === 'case-end' || e.type === 'case-abandoned') last.set(e.caseId, e);
  }
  const completed = new Map<string, CaseEndEvent>();
  const inProgress: string[] = [];
  for (const [id, e] of last) {
    if (e.type === 'case-end') completed.set(id, e);
    else if (e.type === 'case-start' || e.type === 'exchange') inProgress.push(id);
  }
  return { completed, inProgress, ...(runStart ? { runStart } : {}), ...(runEnd ? { runEnd } : {}) };
}

/**
 * Cases whose case-end is durable, for --resume. Throws JournalError CORRUPT when a complete
 * line is damaged (resume impossible: exit 3); a torn last line is fine.
 */
export function completedCases(dir: string): Map<string, CaseEndEvent> {
  const read = readJournal(dir);
  if (read.corrupt.length) {
    throw new JournalError('CORRUPT', `${join(dir, JOURNAL_FILE)}: ${read.corrupt.length} damaged line(s) (first: line ${read.corrupt[0]?.line})`);
  }
  return journalState(read.events).completed;
}

/**
 * Before appending after a crash: save a torn last line to journal.torn-<n>.bin (so not a byte
 * is lost) and cut the journal back to its last complete line (so the next event does not fuse
 * with the fragment).
 */
function recoverTornTail(dir: string, path: string): TornTail | undefined {
  const fd = openSync(path, 'r+');
  try {
    fchmodSync(fd, 0o600);
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    // scan back for the last newline
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    let cut = -1;
    while (end > 0 && cut < 0) {
      const from = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - from, from);
      const i = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (i >= 0) cut = from + i + 1;
      end = from;
    }
    if (cut < 0) cut = 0;
    if (cut === size) return undefined;
    const tail = Buffer.alloc(size - cut);
    readSync(fd, tail, 0, tail.length, cut);
    let k = 1;
    while (existsSync(join(dir, `journal.torn-${k}.bin`))) k++;
    const savedAs = `journal.torn-${k}.bin`;
    const sfd = openSync(join(dir, savedAs), 'wx', 0o600);
    try {
      writeAll(sfd, tail);
      fsyncSync(sfd);
    } finally {
      closeSync(sfd);
    }
    fsyncDir(dir);
    ftruncateSync(fd, cut);
    fsyncSync(fd);
    return { offset: cut, bytes: tail.length, savedAs };
  } finally {
    closeSync(fd);
  }
}

/** All files under a run's evidence folder (relative paths), for checks that nothing was lost. */
export function listEvidence(dir: string): string[] {
  const root = join(dir, EVIDENCE_DIR);
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(root, r)).isDirectory()) walk(r);
      else out.push(`${EVIDENCE_DIR}/${r}`);
    }
  };
  if (existsSync(root)) walk('');
  return out.sort();
}
