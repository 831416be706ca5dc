import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRuns, type RunSummary } from '../../src/report/index.js';
import { makeRun } from './fixtures.js';
import { runCli } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'hutong-history-'));
makeRun({ variant: 'pass', dir: join(root, '20261201-080000'), runId: 'run-1', hostile: false, startedAt: '2026-12-01T08:00:00.000Z' });
makeRun({ variant: 'faulty', dir: join(root, '20261202-080000'), runId: 'run-2', hostile: false, startedAt: '2026-12-02T08:00:00.000Z' });
mkdirSync(join(root, 'broken'));
writeFileSync(join(root, 'broken', 'record.json'), '{"recordVersion": 1');
mkdirSync(join(root, 'not-a-run'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('history', () => {
  it('lists the folders holding a record.json, newest first, with verdict, plan, target, date, counts', () => {
    const runs = listRuns(root);
    const ok = runs.filter((r) => !r.error);
    expect(ok.map((r) => r.runId)).toEqual(['run-2', 'run-1']);
    expect(ok[0]).toMatchObject({ verdict: '不通过', plan: 'hospital-5a', target: 'http://127.0.0.1:18080/soap11', startedAt: '2026-12-02T08:00:00.000Z', counts: { pass: 3, fail: 2, error: 1, skip: 1 }, performance: { pass: 1, total: 2 } });
    expect(ok[1]).toMatchObject({ verdict: '通过', counts: { pass: 6, fail: 0, error: 0, skip: 1 } });
    // a damaged record is listed with its error, not hidden
    const broken = runs.find((r) => r.dir.endsWith('broken'));
    expect(broken?.error).toMatch(/cannot read/);
    expect(runs).toHaveLength(3);
  });

  it('hutong history --json and the table', async () => {
    const j = await runCli(['history', '--dir', root, '--json']);
    expect(j.code).toBe(0);
    expect((JSON.parse(j.stdout) as RunSummary[]).map((r) => r.runId ?? 'broken')).toEqual(['run-2', 'run-1', 'broken']);
    const t = await runCli(['history', '--dir', root]);
    expect(t.stdout).toMatch(/20261202-080000\s+不通过\s+hospital-5a/);
    expect(t.stdout).toContain('3/2/1/1');
  });

  it('says so when there is nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'hutong-history-empty-'));
    try {
      expect(listRuns(empty)).toEqual([]);
      expect((await runCli(['history', '--dir', empty])).stdout).toContain('no runs');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
