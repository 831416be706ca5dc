/**
 * kill -9 in the middle of a run, then --resume: the run finishes with every case passing, no
 * case that had ended runs again, the interrupted one runs once more (its partial evidence kept
 * aside), and every evidence file the journal names is still there. For the three bindings.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecord } from '../../src/run/index.js';
import { readJournal } from '../../src/run/journal.js';
import { expectResumedOnce, runCli, signalMidRun, usePlatform } from './cli-helper.js';

const SMALL = join(import.meta.dirname, 'fixtures', 'small-plan.yaml');

const env = usePlatform('hutong-resume-');

const variants: { binding: 'soap11' | 'soap12' | 'http'; plan: string; after: number }[] = [
  { binding: 'soap11', plan: SMALL, after: 12 },
  { binding: 'soap12', plan: SMALL, after: 6 },
  { binding: 'http', plan: SMALL, after: 9 },
];

describe('kill -9 and --resume', () => {
  for (const v of variants) {
    it(`${v.binding} (${v.plan === SMALL ? 'small plan' : v.plan}): the resumed run finishes without repeating a case`, async () => {
      const dir = join(env.root(), v.binding);
      const target = env.platform().urls[v.binding];
      await signalMidRun(['run', '--plan', v.plan, '--target', target, '--binding', v.binding, '--out', dir, '--perf', 'off', '--quiet'], dir, v.after);
      expect(existsSync(join(dir, 'record.json'))).toBe(false);
      const before = readJournal(dir);
      const endedBefore = new Set(before.events.filter((e) => e.type === 'case-end').map((e) => (e as { caseId: string }).caseId));
      expect(endedBefore.size).toBeGreaterThanOrEqual(v.after);

      const r = await runCli(['run', '--resume', dir, '--quiet']);
      expect(r.stderr).not.toMatch(/Error/);
      expect(r.code).toBe(0);
      const rec = readRecord(dir);
      expect(rec.verdict).toBe('通过');
      expect(rec.binding.kind).toBe(v.binding);
      expect(rec.cases.filter((c) => c.result !== 'pass').map((c) => c.id)).toEqual([]);

      // every case ended exactly once; those that ended before the kill started only once, with the results recorded then
      const events = expectResumedOnce(dir, rec, endedBefore, before.events);
      // not a byte lost: every file any exchange names exists, moved aside or not
      const moved = new Map<string, string>();
      for (const e of events) if (e.type === 'case-abandoned' && e.movedTo) moved.set(e.caseId, e.movedTo);
      for (const e of events) {
        if (e.type !== 'exchange') continue;
        for (const f of [e.request.file, ...(e.response ? [e.response.file] : [])]) {
          const alt = moved.has(e.caseId) ? f.replace(`evidence/${e.caseId}/`, `${moved.get(e.caseId)}/`) : f;
          expect(existsSync(join(dir, f)) || existsSync(join(dir, alt)), f).toBe(true);
        }
      }
    }, 150_000);
  }

  it('resume of a folder without a journal: exit 3', async () => {
    const r = await runCli(['run', '--resume', join(env.root(), 'nothing-here'), '--quiet']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/nothing to resume/);
  }, 30_000);
});
