/**
 * SIGINT during `hutong run` (the CLI as a child process, against the reference platform): the
 * run stops after the current exchange, writes an invalid record (exit 3, `invalid.reason`),
 * and `--resume` finishes it — 通过, every case ended exactly once, none of the cases that had
 * ended before the interruption started again.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecord } from '../../src/run/index.js';
import { readJournal } from '../../src/run/journal.js';
import { expectResumedOnce, runCli, signalMidRun, usePlatform } from './cli-helper.js';

const SMALL = join(import.meta.dirname, 'fixtures', 'small-plan.yaml');

const env = usePlatform('hutong-interrupt-');

describe('SIGINT and --resume', () => {
  it('exit 3 with an invalid record; the resumed run passes without repeating a case', async () => {
    const dir = join(env.root(), 'run');
    const r = await signalMidRun(['run', '--plan', SMALL, '--target', env.platform().urls.soap11, '--out', dir, '--perf', 'off', '--quiet'], dir, 6, 'SIGINT');
    expect(r.signal).toBeNull(); // it handled the signal and exited by itself
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(/Error/);
    expect(existsSync(join(dir, 'record.json'))).toBe(true);
    const interrupted = readRecord(dir);
    expect(interrupted.invalid?.reason).toMatch(/interrupted/);
    expect(interrupted.verdict).toBe('不通过');
    const before = readJournal(dir).events;
    expect(before.at(-1)).toMatchObject({ type: 'run-end', exitCode: 3 });
    const endedBefore = new Set(before.filter((e) => e.type === 'case-end').map((e) => (e as { caseId: string }).caseId));
    expect(endedBefore.size).toBeGreaterThanOrEqual(6);
    // the cases that never ran are in the record as not run, the ones that ended as they ended
    const notRun = interrupted.cases.filter((c) => !endedBefore.has(c.id));
    expect(notRun.length).toBeGreaterThan(0);
    for (const c of notRun) expect(c.result, c.id).toBe('skip');
    for (const c of notRun) expect(c.reason, c.id).toMatch(/^not run: interrupted/);

    const resumed = await runCli(['run', '--resume', dir, '--quiet']);
    expect(resumed.stderr).not.toMatch(/Error/);
    expect(resumed.code).toBe(0);
    const rec = readRecord(dir);
    expect(rec.verdict).toBe('通过');
    expect(rec.invalid).toBeUndefined();
    expect(rec.runId).toBe(interrupted.runId);
    expect(rec.cases.filter((c) => c.result !== 'pass').map((c) => c.id)).toEqual([]);

    expectResumedOnce(dir, rec, endedBefore, before);
  }, 150_000);
});
