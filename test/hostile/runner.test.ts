import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEHAVIOURS, type Behaviour, CA_PATH, startHostile, type HostileServer } from './server.js';

/**
 * The real runner (`node bin/hutong.js run`, a child process) against every hostile behaviour:
 * it finishes (exit 1, never a signal or a stack trace), records the first service case as
 * failed with the precise rule (HT-TX-* naming the transport error class, or the validator's
 * rule), every exchange ends within the configured timeout, the child opens neither the canary
 * file nor any connection but to the target, its peak RSS stays under the bound, the evidence
 * folders are owner-only, TLS verification is on unless the config turns it off (and the
 * record says so), and the planted credentials appear in no output file.
 */

const BIN = new URL('../../bin/hutong.js', import.meta.url).pathname;
const PROBE = new URL('./probe.mjs', import.meta.url).href;
const built = existsSync(new URL('../../dist/run/index.js', import.meta.url));

const TOTAL_MS = 2_000;
/** a bound, not a benchmark: an exchange may overrun its deadline by timer and scheduling slack */
const EXCHANGE_SLACK_MS = 1_500;
/** peak RSS of one `hutong run` child (catalogue, libxml2-wasm, reports, a 20 MiB response at most) */
const RSS_BOUND_MB = 400;
/**
 * Known exception, measured: validating a V3 answer with a 10 MB attribute grows the
 * libxml2-wasm heap to ~650 MB peak (parse alone is +44 MB; the layers re-read it). Bounded,
 * but over the general bound: see docs/security.md.
 */
const RSS_EXCEPTIONS: Record<string, number> = { 'huge-attribute': 800 };
const PARALLEL = 3;
/**
 * One child run costs 5–15 s on a shared 2-core machine, so by default a representative
 * subset runs (every reason class, every security-critical behaviour); HOSTILE_FULL=1 runs all
 * of them (about 4–5 minutes). The transport-level suite always covers every behaviour.
 */
const SUBSET = [
  'ok', 'tls-trusted', 'tls-verify-off', 'tls-expired', 'xxe-file-payload', 'xxe-url-envelope', 'endless-chunked', 'huge-attribute',
  'no-response', 'drip-body', 'keepalive-lag', 'http-500', 'redirect-other-host', 'soap11-fault-to-soap12', 'deep-nesting-payload',
  'invalid-utf8', 'echo-credentials',
];
const ONLY = process.env.HOSTILE_ONLY?.split(',');
const CORPUS = ONLY ? BEHAVIOURS.filter((b) => ONLY.includes(b.name)) : process.env.HOSTILE_FULL ? BEHAVIOURS : BEHAVIOURS.filter((b) => SUBSET.includes(b.name));
const PASSWORD = `pw-${process.pid}-Zq8!x`;
const TOKEN = `tok-${Date.now().toString(36)}-9f3b1c7e`;
const FIRST = 'EMR-PL-14-T01';

interface RunResult {
  b: Behaviour;
  dir: string;
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
  probe?: { maxRssKb: number; opened: string[]; connects: { host: string; port: number }[] };
}

let h: HostileServer;
let work: string;
let keyPem: string;
const results = new Map<string, RunResult>();

function siteConfig(b: Behaviour): string {
  const tls: string[] = [];
  if (b.tls === 'trusted' || b.tls === 'expired') tls.push(`  ca: ${JSON.stringify(CA_PATH)}`);
  if (b.verifyOff) tls.push('  verify: false');
  if (b.tls === 'trusted') {
    // a client certificate + key: the key's content is a secret too
    tls.push(`  cert: ${JSON.stringify(new URL('./certs/valid.pem', import.meta.url).pathname)}`, `  key: ${JSON.stringify(new URL('./certs/leaf.key', import.meta.url).pathname)}`);
  }
  return [
    'plan: hospital-3',
    `target:`,
    `  url: ${JSON.stringify(h.url(b.name))}`,
    `  binding: ${b.binding ?? 'soap11'}`,
    'auth:',
    '  headers:',
    '    X-Hip-Password: "${env:HOSTILE_PASSWORD}"',
    '    Authorization: "Bearer ${env:HOSTILE_TOKEN}"',
    ...(tls.length ? ['tls:', ...tls] : []),
    `timeouts: { connectMs: 1000, headersMs: ${TOTAL_MS}, bodyMs: ${TOTAL_MS}, totalMs: ${TOTAL_MS} }`,
    'retries: 0',
    'services: { only: [DocumentRegister] }',
    'documents: { only: [C0001] }',
    'datasets: { only: [WS445.01.01] }',
    '',
  ].join('\n');
}

function runOne(b: Behaviour): Promise<RunResult> {
  const dir = join(work, b.name);
  const cfg = join(work, `${b.name}.yaml`);
  writeFileSync(cfg, siteConfig(b));
  const probeFile = join(work, `${b.name}.probe.json`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', PROBE, BIN, 'run', '--config', cfg, '--out', dir, '--perf', 'off', '--quiet'], {
    env: { ...process.env, HOSTILE_PASSWORD: PASSWORD, HOSTILE_TOKEN: TOKEN, HOSTILE_PROBE: probeFile, CI: '1', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  // a child that hangs is a failure, not a stuck suite
  const kill = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(kill);
      const r: RunResult = { b, dir, code, signal, stdout, stderr, elapsedMs: performance.now() - t0 };
      if (existsSync(probeFile)) r.probe = JSON.parse(readFileSync(probeFile, 'utf8')) as RunResult['probe'];
      resolve(r);
    });
  });
}

interface CaseRec { id: string; result: string; reason?: string; findings: { rule: string; severity: string; message: string }[]; evidence: string[] }
interface RecordJson { cases: CaseRec[]; tls?: { verify: boolean }; invalid?: { reason: string } }
const record = (r: RunResult): RecordJson => JSON.parse(readFileSync(join(r.dir, 'record.json'), 'utf8')) as RecordJson;

interface JournalExchange { type: string; timings?: { totalMs?: number }; error?: { code?: string }; response?: { bytes?: number } }
function exchanges(r: RunResult): JournalExchange[] {
  return readFileSync(join(r.dir, 'journal.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as JournalExchange).filter((e) => e.type === 'exchange');
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

function dirs(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    out.push(p, ...dirs(p));
  }
  return out;
}

/** The finding the first service case must carry for this behaviour. */
function expectedRule(b: Behaviour): string | undefined {
  const t = b.expect.transport;
  if (t === 'ok') return b.expect.rule === 'pass' ? undefined : b.expect.rule;
  if (t === 'soap-fault') return 'HT-TX-FAULT';
  if (t === 'http-status') return 'HT-TX-STATUS';
  if (t === 'bad-envelope' || t === 'no-body') return 'HT-TX-BODY';
  return 'HT-TX-ERROR';
}

beforeAll(async () => {
  if (!built) return;
  h = await startHostile();
  work = mkdtempSync(join(tmpdir(), 'hutong-hostile-run-'));
  keyPem = readFileSync(new URL('./certs/leaf.key', import.meta.url), 'utf8');
  const queue = [...CORPUS];
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    for (let b = queue.shift(); b; b = queue.shift()) {
      let r = await runOne(b);
      // another engineer rebuilding dist/ mid-import is not the platform's doing: run it again
      if (r.code !== 1 && /SyntaxError: The requested module|ERR_MODULE_NOT_FOUND/.test(r.stderr)) {
        rmSync(r.dir, { recursive: true, force: true });
        r = await runOne(b);
      }
      results.set(b.name, r);
    }
  }));
}, 600_000);

afterAll(async () => {
  await h?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!built)('hutong run against the hostile corpus', () => {
  CORPUS.forEach((b) => {
    const rule = expectedRule(b);
    it(`${b.name}: ${FIRST} ${rule ? `fails with ${rule}${rule === 'HT-TX-ERROR' ? ` (${b.expect.transport})` : ''}` : 'passes'}`, () => {
      const r = results.get(b.name) as RunResult;
      const ctx = `${b.name}: exit ${r.code}/${r.signal}\n${r.stderr.slice(-1500)}`;
      // finished: a verdict (1), never a signal, a crash (stack trace) or an invalid run
      expect(r.signal, ctx).toBeNull();
      expect(r.code, ctx).toBe(1);
      expect(r.stderr, ctx).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
      const rec = record(r);
      const c = rec.cases.find((x) => x.id === FIRST) as CaseRec;
      expect(c, ctx).toBeDefined();
      const errors = c.findings.filter((f) => f.severity === 'error');
      const detail = JSON.stringify(errors.map((f) => [f.rule, f.message.slice(0, 160)]));
      if (rule === undefined) {
        expect(c.result, detail).toBe('pass');
      } else {
        expect(['fail', 'error'], detail).toContain(c.result);
        expect(errors.map((f) => f.rule), detail).toContain(rule);
        if (rule === 'HT-TX-ERROR') expect(errors.find((f) => f.rule === rule)?.message, detail).toContain(`（${b.expect.transport}）`);
      }
      // every exchange ended within the configured budget
      const ex = exchanges(r);
      expect(ex.length, ctx).toBeGreaterThan(0);
      // (the deadline bounds waiting; unwrapping a body that did arrive in time is CPU on top,
      // proportional to its size — at most 20 MiB — so it gets 250 ms per MB of allowance)
      for (const e of ex) {
        const mb = (e.response?.bytes ?? 0) / (1024 * 1024);
        expect(e.timings?.totalMs ?? 0, `${b.name} exchange (${mb.toFixed(1)} MB)`).toBeLessThanOrEqual(TOTAL_MS + EXCHANGE_SLACK_MS + 250 * mb);
      }
      // evidence of every exchange kept, before and after the hostile answer
      expect(c.evidence.length, ctx).toBeGreaterThan(0);
      for (const k of rec.cases) for (const f of k.evidence) expect(existsSync(join(r.dir, f)), `${k.id}: ${f}`).toBe(true);
      // the child's own view: no canary file opened, only the target contacted, bounded memory
      expect(r.probe, 'probe output').toBeDefined();
      const probe = r.probe as NonNullable<RunResult['probe']>;
      expect(probe.opened.filter((p) => p.includes(h.canary.file.dir))).toEqual([]);
      // the hooks work (else the two checks above prove nothing): the config was read, the target reached
      expect(probe.opened.some((p) => p.endsWith(`${b.name}.yaml`)), 'fs hook saw the site config').toBe(true);
      expect(probe.connects.length, 'net hook saw the connection').toBeGreaterThan(0);
      const port = Number(new URL(h.url(b.name)).port);
      for (const k of probe.connects) expect(k, 'outgoing connection').toEqual({ host: '127.0.0.1', port });
      expect(probe.maxRssKb / 1024, `${b.name} peak RSS MB`).toBeLessThan(RSS_EXCEPTIONS[b.name] ?? RSS_BOUND_MB);
    });
  });

  it('no canary was touched by any run: zero connections, file never read, its content in no output', () => {
    expect(h.canary.xxe.hits()).toBe(0);
    expect(h.canary.redirect.hits()).toBe(0);
    if (h.canary.file.atimeWorks) expect(h.canary.file.wasRead()).toBe(false);
    for (const r of results.values()) {
      expect(r.stdout + r.stderr).not.toContain(h.canary.file.text);
      for (const f of files(r.dir)) expect(readFileSync(f).includes(h.canary.file.text), f).toBe(false);
    }
  });

  it('the planted password, token and client key appear in no output file, stdout or stderr', () => {
    const keyBody = keyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    const needles = [PASSWORD, TOKEN, Buffer.from(TOKEN).toString('base64'), ...keyBody];
    let scanned = 0;
    for (const r of results.values()) {
      for (const n of needles) expect(r.stdout + r.stderr, `${r.b.name} console`).not.toContain(n);
      for (const f of files(r.dir)) {
        const text = readFileSync(f);
        scanned++;
        for (const n of needles) expect(text.includes(n), `${f} holds a secret`).toBe(false);
      }
    }
    expect(scanned).toBeGreaterThan(CORPUS.length * 3);
    // and the platform did receive them (else the scan proves nothing): the echo behaviour saw them
    if (!ONLY) {
      expect((results.get('echo-credentials') as RunResult).code).toBe(1);
      const sent = h.lastHeaders.get('echo-credentials') ?? {};
      expect(sent['x-hip-password']).toBe(PASSWORD);
      expect(sent.authorization).toBe(`Bearer ${TOKEN}`);
    }
  });

  it('evidence folders are owner-only (0700), record says whether TLS was verified', () => {
    for (const r of results.values()) {
      for (const d of [r.dir, ...dirs(r.dir)]) expect((statSync(d).mode & 0o777).toString(8), d).toBe('700');
    }
    const verify = (n: string): boolean | undefined => (results.has(n) ? record(results.get(n) as RunResult).tls?.verify : undefined);
    if (!ONLY) {
      expect(verify('tls-verify-off')).toBe(false);
      expect(verify('tls-trusted')).toBe(true);
      expect(verify('tls-expired')).toBe(true);
    }
  });

  it('redirects were never followed: the server saw one request per exchange', () => {
    for (const name of ['redirect-loop', 'redirect-other-host'].filter((n) => results.has(n))) expect(h.requests.get(name)).toBe(exchanges(results.get(name) as RunResult).length);
  });

  it(`reports the peak RSS of the runs (bound ${RSS_BOUND_MB} MB)`, () => {
    const peaks = [...results.values()].map((r) => [r.b.name, Math.round((r.probe?.maxRssKb ?? 0) / 1024)] as const).sort((a, b) => b[1] - a[1]);
    console.log(`[hostile] hutong run peak RSS (MB), highest first: ${peaks.slice(0, 6).map(([n, m]) => `${n} ${m}`).join(', ')}; lowest ${peaks.at(-1)?.[1]}`);
    for (const [name, mb] of peaks) expect(mb, name).toBeLessThan(RSS_EXCEPTIONS[name] ?? RSS_BOUND_MB);
  });
});
