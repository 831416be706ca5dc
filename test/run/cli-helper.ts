/** Run the built CLI (dist/) as a child process: what a user runs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../src/platform/index.js';
import type { RunRecord } from '../../src/run/record.js';
import { readJournal, type JournalEvent } from '../../src/run/journal.js';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'hutong.js');

export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    c.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** case-end events in a run folder's journal so far (0 before it exists) */
export function caseEnds(dir: string): number {
  try {
    return readFileSync(join(dir, 'journal.ndjson'), 'utf8').split('\n').filter((l) => l.includes('"type":"case-end"')).length;
  } catch {
    return 0;
  }
}

/**
 * Start a run, send it `signal` once `after` cases have ended in its journal (`dir`); resolves
 * with its exit code and output when it has exited.
 */
export async function signalMidRun(args: string[], dir: string, after: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawnCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, sig) => r({ code, signal: sig })));
  let sent = false;
  while (!sent) {
    await new Promise((r) => setTimeout(r, 25));
    if (caseEnds(dir) >= after) {
      child.kill(signal);
      sent = true;
    } else if (child.exitCode !== null) {
      throw new Error(`the run ended (exit ${child.exitCode}) before it could be sent ${signal}`);
    }
  }
  return { ...(await done), stdout, stderr };
}

/** A reference platform on a free port and a scratch folder for the whole file, both removed after it. */
export function usePlatform(prefix: string): { platform: () => RunningPlatform; root: () => string } {
  let platform: RunningPlatform | undefined;
  let root: string | undefined;
  beforeAll(async () => {
    platform = await startPlatform({ port: 0 });
    root = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await platform?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });
  return { platform: () => platform!, root: () => root! };
}

/**
 * What a resumed run's journal must show: the record lists the planned cases, every case ended
 * exactly once, the cases that had ended before the interruption started only once, one resume,
 * and their results are the ones in the record.
 */
export function expectResumedOnce(dir: string, rec: RunRecord, endedBefore: Iterable<string>, before: readonly JournalEvent[]): JournalEvent[] {
  const events = readJournal(dir).events;
  const start = events.find((e) => e.type === 'run-start');
  const planned = (start?.type === 'run-start' ? (start.params?.cases as string[]) : []) ?? [];
  expect(rec.cases.map((c) => c.id)).toEqual(planned);
  const ends = new Map<string, number>();
  const starts = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'case-end') ends.set(e.caseId, (ends.get(e.caseId) ?? 0) + 1);
    if (e.type === 'case-start') starts.set(e.caseId, (starts.get(e.caseId) ?? 0) + 1);
  }
  for (const id of planned) expect(ends.get(id), id).toBe(1);
  for (const id of endedBefore) expect(starts.get(id), id).toBe(1);
  expect(events.filter((e) => e.type === 'resume')).toHaveLength(1);
  for (const e of before) if (e.type === 'case-end') expect(rec.cases.find((c) => c.id === e.caseId)?.result).toBe(e.result);
  return events;
}
