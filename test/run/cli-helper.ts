/** Run the built CLI (dist/) as a child process: what a user runs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../src/platform/index.js';

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
