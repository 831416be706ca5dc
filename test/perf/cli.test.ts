/**
 * hutong perf end to end: the CLI (dist/, in a child process, so the generator has its own
 * process and the platform ours) against the reference platform started here on port 0.
 * Assertions are on verdicts and record contents, never on timings.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startPlatform, type RunningPlatform } from '../../src/platform/index.js';
import { readRecord } from '../../src/run/record-io.js';
import { PROJECT_ROOT } from '../../src/version.js';

const BIN = join(PROJECT_ROOT, 'bin', 'hutong.js');
const tmp = mkdtempSync(join(tmpdir(), 'hutong-perf-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function hutong(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 45_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A one-stage profile (a register: no key pool to set up first): a few seconds, latency thresholds a 1.5 s platform clearly breaks (no warm-up: every 1.5 s request must fall in the window). */
function profileFile(name: string, warmupS = 0.3, durationS = 2): string {
  const f = join(tmp, `${name}.yaml`);
  writeFileSync(
    f,
    `performance:
  poolSize: 4
  validateEvery: 10
  timeoutMs: 8000
  stages:
    - name: ${name}
      service: DocumentRegister
      model: closed
      users: 2
      warmupSeconds: ${warmupS}
      durationSeconds: ${durationS}
      thresholds: [avg<1000ms, p(95)<3s, errors<0.1%]
      assumed: false
`,
  );
  return f;
}

describe.skipIf(!existsSync(BIN) || !existsSync(join(PROJECT_ROOT, 'dist', 'cli', 'main.js')))('hutong perf', () => {
  let platform: RunningPlatform;
  let slow: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ port: 0 });
    slow = await startPlatform({ port: 0, faults: ['slow'], latencyMs: 1500 });
  });
  afterAll(async () => {
    await platform?.close();
    await slow?.close();
  });

  it('--short: per-service tables, record.json with performance stages and no cases, exit 0', async () => {
    const out = join(tmp, 'short');
    const r = await hutong(['perf', '--plan', 'hospital-5a', '--target', platform.urls.soap11, '--short', '--out', out]);
    const record = readRecord(out);
    // every stage is reported whatever the verdict, with its measurements
    expect(record.cases).toEqual([]);
    expect(record.performance.map((p) => p.service)).toEqual(['PatientInfoQuery', 'DocumentRegister', 'DocumentRetrieve', 'OrderInfoQuery']);
    for (const p of record.performance) {
      expect(r.stdout).toContain(`■ ${p.name}`);
      expect(p.requests as number).toBeGreaterThan(0);
      expect(p.thresholds!.every((t) => t.assumed === true)).toBe(true);
      expect(p.latency).toMatchObject({ p50: expect.any(Number), p99: expect.any(Number), p999: expect.any(Number) });
    }
    expect(r.stdout).toMatch(/p50\s+p90\s+p95\s+p99\s+p99\.9\s+mean\s+max/);
    expect(record.assumptions.some((a) => a.figure.startsWith('运行性能'))).toBe(true);
    const notPass = record.performance.filter((p) => p.result !== 'pass').map((p) => `${p.name}: ${p.result} ${p.reason ?? ''}`);
    expect(notPass, r.stdout + r.stderr).toEqual([]);
    expect(record.verdict).toBe('通过');
    expect(r.code, r.stderr).toBe(0);
  });

  it('a slow platform breaks the latency thresholds: 不通过, exit 1', async () => {
    const out = join(tmp, 'slow');
    const r = await hutong(['perf', '--target', slow.urls.soap11, '--profile', profileFile('slow-register', 0), '--out', out]);
    const record = readRecord(out);
    const [stage] = record.performance;
    expect(stage?.result, r.stdout + r.stderr).toBe('fail');
    expect(stage?.thresholds?.find((t) => t.expr === 'avg<1000ms')?.pass).toBe(false);
    expect(stage?.thresholds?.find((t) => t.expr === 'errors<0.1%')?.pass).toBe(true);
    expect(record.verdict).toBe('不通过');
    expect(r.stdout).toContain('✗ avg<1000ms');
    expect(r.code).toBe(1);
  });

  it('a starved generator marks its stage invalid, never passed: exit 3 when every stage is', async () => {
    const out = join(tmp, 'burn');
    const r = await hutong(['perf', '--target', platform.urls.soap11, '--profile', profileFile('burn-register', 0, 1), '--burn-cpu-ms', '40', '--out', out]);
    const record = readRecord(out);
    const [stage] = record.performance;
    expect(stage?.result, r.stdout + r.stderr).toBe('invalid');
    expect(stage?.reason).toMatch(/self-check/);
    expect(record.invalid?.reason).toMatch(/invalid/);
    expect(record.verdict).toBe('不通过');
    expect(r.code).toBe(3);
  });

  it('rejects a profile with a bad threshold before sending anything: exit 2', async () => {
    const f = join(tmp, 'bad.yaml');
    writeFileSync(f, `stages:\n  - { name: x, service: PatientInfoQuery, model: closed, users: 1, warmupSeconds: 0, durationSeconds: 1, thresholds: ['p95<3s'], assumed: true }\n`);
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    let code: number;
    try {
      // in-process: nothing is measured, so sharing the process with the platform is harmless
      code = await main(['node', 'hutong', 'perf', '--target', platform.urls.soap11, '--profile', f, '--out', join(tmp, 'bad')]);
    } finally {
      process.stderr.write = write;
    }
    expect(code).toBe(2);
    expect(err.join('')).toContain('p95<3s');
    expect(existsSync(join(tmp, 'bad', 'record.json'))).toBe(false);
  });
});
