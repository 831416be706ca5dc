/**
 * hutong demo end to end, as `npm start` runs it: the built CLI (dist/) in a child process, the
 * reference platform on a free loopback port, the full hospital-5a plan with the short
 * performance profile, every report written, the platform stopped. A second run with a fault
 * profile (the smaller hospital-3 plan, no performance area, to keep the suite short) must exit
 * 1 and fail at least the cases the profile says it breaks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRecord } from '../../src/run/record-io.js';
import { exitCodeFor, judge } from '../../src/run/record.js';
import { loadCatalog } from '../../src/catalog/index.js';
import { FAULT_PROFILES } from '../../src/platform/index.js';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin', 'hutong.js');
const work = mkdtempSync(join(tmpdir(), 'hutong-demo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function demo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'demo', ...args], { cwd: work, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('error', fail);
    child.on('close', (code) => { clearTimeout(timer); done({ code, stdout, stderr }); });
  });
}

/** true when nothing listens on the port any more */
const closed = (url: string): Promise<boolean> => new Promise((done) => {
  const u = new URL(url);
  const s = connect(Number(u.port), u.hostname);
  s.once('connect', () => { s.destroy(); done(false); });
  s.once('error', () => done(true));
});

describe.skipIf(!existsSync(join(ROOT, 'dist', 'cli', 'commands', 'demo.js')))('hutong demo', () => {
  it('runs the full plan against the reference platform, writes every report, prints the HTML path, stops the platform', async () => {
    const out = join(work, 'clean');
    const r = await demo(['--out', out]);
    const rec = readRecord(out);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(exitCodeFor(rec));
    for (const f of ['record.json', 'record.html', 'record.xlsx', 'junit.xml', 'summary.md']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.stdout).toMatch(/report:\s+\S*record\.html/);
    expect(r.stdout).toContain(`结论 ${rec.verdict}`);
    expect(rec.plan).toBe('hospital-5a');
    expect(rec.performance.length).toBeGreaterThan(0);
    const url = /reference platform on (http:\/\/127\.0\.0\.1:\d+)\//.exec(r.stdout)?.[1];
    expect(url).toBeDefined();
    expect(await closed(url!)).toBe(true);
    // the reference platform is conformant: every case of the demo without faults passes
    const bad = rec.cases.filter((c) => c.result !== 'pass').map((c) => `${c.id}: ${c.findings[0]?.message ?? c.reason ?? c.result}`);
    expect(bad).toEqual([]);
    expect(rec.invalid).toBeUndefined();
    // performance on a shared 2-core machine is not ours to assert (no timed assertions): a
    // stage may miss a threshold or be invalid under load, and then only a stage may be why
    const why = judge(rec.cases, rec.performance).reasons;
    expect(why.filter((x) => x.kind !== 'performance')).toEqual([]);
    if (r.code !== 0) console.warn(`[demo] 不通过 because of performance under load: ${why.map((x) => x.text).join('; ')}`);
  }, 180_000);

  it('--faults shows a failing run: exit 1, the profile\'s cases fail', async () => {
    const out = join(work, 'faulty');
    const r = await demo(['--faults', 'ae-valid', '--plan', 'hospital-3', '--perf', 'off', '--quiet', '--out', out]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    const rec = readRecord(out);
    expect(rec.verdict).toBe('不通过');
    const catalog = loadCatalog();
    const plan = catalog.plans.find((p) => p.id === 'hospital-3')!;
    const expected = FAULT_PROFILES.find((p) => p.name === 'ae-valid')!.failsCases(plan, catalog);
    expect(expected.length).toBeGreaterThan(0);
    const failed = new Set(rec.cases.filter((c) => c.result === 'fail' || c.result === 'error').map((c) => c.id));
    for (const id of expected) expect(failed.has(id), id).toBe(true);
    expect(existsSync(join(out, 'record.html'))).toBe(true);
  }, 120_000);

  it('refuses an unknown fault profile (exit 2)', async () => {
    const r = await demo(['--faults', 'no-such-fault']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown fault profile');
  }, 60_000);
});
