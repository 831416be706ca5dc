import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/index.js';
import { readRecord } from '../../src/run/record-io.js';
import { readJournal } from '../../src/run/journal.js';
import { startMiniPlatform, type MiniPlatform } from './mini-platform.js';

let p: MiniPlatform;
let root: string;
beforeAll(async () => {
  p = await startMiniPlatform();
  root = mkdtempSync(join(tmpdir(), 'hutong-run-unit-'));
});
afterAll(async () => {
  await p.close();
  rmSync(root, { recursive: true, force: true });
});

describe('runPlan against a loopback platform', () => {
  it('hospital-4b passes every case and writes a valid record and journal', async () => {
    const out = join(root, 'ok');
    const r = await runPlan({ plan: 'hospital-4b', target: p.urls.soap11, out, perf: 'off', quiet: true, progress: () => {} });
    const bad = r.record.cases.filter((c) => c.result !== 'pass').map((c) => `${c.id} ${c.result} ${c.reason ?? ''} ${c.findings.filter((f) => f.severity === 'error').map((f) => f.message).join(' | ')}`);
    expect(bad).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.record.verdict).toBe('通过');
    expect(readRecord(out).runId).toBe(r.record.runId);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    const ends = readJournal(out).events.filter((e) => e.type === 'case-end');
    expect(ends.length).toBe(r.record.cases.length);
  }, 120_000);
});
