// Throughput of the reference platform on PatientInfoQuery (SOAP 1.1), loaded in the same run by
// the project's own generator (src/perf runStage, via dist/) and by wrk (when /usr/bin/wrk is
// installed), with the ratio of the two.
//
//   npm run build && node bench/platform.mjs [--duration 5] [--users 16] [--binding soap11|soap12|http]
//
// The platform runs in a child process; its CPU time per request (from /health cpuUs) gives the
// throughput one core would sustain, the number the ≥ 5 000 req/s target is about — on a shared,
// noisy machine the raw req/s mostly measures the neighbours.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../dist/catalog/index.js';
import { runStage } from '../dist/perf/index.js';
import { buildRequest } from '../dist/samples/message.js';
import { sampleEntityValues } from '../dist/samples/message-values.js';
import { resolveBinding } from '../dist/transport/binding.js';
import { wrapRequest } from '../dist/transport/envelope.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const durationS = Number(opt('duration', 5));
const users = Number(opt('users', 16));
const kind = opt('binding', 'soap11');
const here = fileURLToPath(new URL('.', import.meta.url));

const child = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), join(here, 'platform-child.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const urls = await new Promise((resolve, reject) => {
  const rl = createInterface({ input: child.stdout });
  rl.once('line', (l) => resolve(JSON.parse(l)));
  child.once('exit', (c) => reject(new Error(`platform exited with ${c}`)));
});
const endpoint = kind === 'soap11' ? urls.soap11 : kind === 'soap12' ? urls.soap12 : urls.http;
const origin = new URL(endpoint).origin;
const path = new URL(endpoint).pathname;

const catalog = loadCatalog();
const svc = (code) => catalog.services.find((s) => s.code === code);
const patient = catalog.entities.get('patient');
const values = sampleEntityValues(patient, 424242);
const binding = resolveBinding(kind);
const head = { creationTime: '20250301093000', sender: 'bench', receiver: 'platform' };

async function health() {
  return (await fetch(urls.health)).json();
}

try {
  const reg = wrapRequest(binding, 'PatientInfoRegister', buildRequest(svc('PatientInfoRegister'), patient, values, { ...head, messageId: 'BENCH-REG' }));
  const r0 = await fetch(`${origin}${path}${reg.path}`, { method: 'POST', headers: reg.headers, body: reg.body });
  if (!(await r0.text()).includes('typeCode="AA"')) throw new Error('PatientInfoRegister was not accepted');

  // one template, a fresh message id per request (the platform cannot cache by body)
  const q = wrapRequest(binding, 'PatientInfoQuery', buildRequest(svc('PatientInfoQuery'), patient, { patientId: values.patientId }, { ...head, messageId: 'BENCHQ0000000' }));
  // the id appears twice (id/@extension and queryId/@extension)
  const parts = q.body.split('BENCHQ0000000');
  const factory = (ctx) => ({ method: 'POST', path: `${path}${q.path}`, headers: q.headers, body: parts.join(`BQ${ctx.seq}`) });
  const checker = (status, _h, body) => (status !== 200 ? `http-status:${status}` : body.includes('queryResponseCode code="OK"') ? null : 'check:no-record');

  const rows = [];
  const measure = async (name, run) => {
    const h0 = await health();
    const res = await run();
    const h1 = await health();
    const n = h1.served - h0.served - 1;
    const cpuUs = (h1.cpuUs - h0.cpuUs) / Math.max(1, n);
    rows.push({ name, rps: res.rps, errors: res.errors, cpuUsPerReq: cpuUs, perCore: 1e6 / cpuUs, extra: res.extra });
  };

  await measure('hutong runStage', async () => {
    const r = await runStage({ name: 'bench', model: 'closed', users, durationS, warmupS: 1 }, origin, factory, checker);
    return { rps: r.rps, errors: r.errorCount, extra: `p50 ${r.latency.p50Ms.toFixed(2)} ms, p99 ${r.latency.p99Ms.toFixed(2)} ms${r.valid ? '' : `, INVALID: ${r.invalidReason}`}` };
  });

  const WRK = '/usr/bin/wrk';
  if (existsSync(WRK)) {
    const dir = mkdtempSync(join(tmpdir(), 'hutong-wrk-'));
    try {
      const lua = join(dir, 'query.lua');
      const hdrs = Object.entries(q.headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join('\n');
      // counter-based message ids, like the generator's
      const body = parts.map((x) => JSON.stringify(x)).join(' .. id .. ');
      writeFileSync(lua, `wrk.method = "POST"\n${hdrs}\nlocal n = 0\nrequest = function()\n  n = n + 1\n  local id = "BW" .. n\n  return wrk.format(nil, nil, nil, ${body})\nend\n`);
      await measure('wrk', async () => {
        const out = spawnSync(WRK, ['-t1', `-c${users}`, `-d${durationS}s`, '-s', lua, `${origin}${path}${q.path}`], { encoding: 'utf8' });
        const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1] ?? NaN);
        const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out.stdout)?.[1] ?? 0);
        const lat = /Latency\s+(\S+)/.exec(out.stdout)?.[1] ?? '?';
        return { rps, errors: non2xx, extra: `mean latency ${lat}` };
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // baseline in the same run: bench/perf-server.mjs /ack answers a fixed SOAP acknowledgement
    // (one regex, no parsing, no store) — what node:http itself costs per request here
    const base = spawn(process.execPath, [join(here, 'perf-server.mjs')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    try {
      const port = await new Promise((resolve) => base.once('message', (m) => resolve(m.port)));
      const cpu = () => new Promise((resolve) => {
        base.once('message', (m) => resolve(m.cpu.user + m.cpu.system));
        base.send('cpu');
      });
      const dir2 = mkdtempSync(join(tmpdir(), 'hutong-wrk-'));
      try {
        const lua = join(dir2, 'ack.lua');
        const hdrs = Object.entries(q.headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join('\n');
        writeFileSync(lua, `wrk.method = "POST"\n${hdrs}\nwrk.body = ${JSON.stringify(parts.join('BASE1'))}\n`);
        const c0 = await cpu();
        const out = spawnSync(WRK, ['-t1', `-c${users}`, `-d${durationS}s`, '-s', lua, `http://127.0.0.1:${port}/ack`], { encoding: 'utf8' });
        const c1 = await cpu();
        const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1] ?? NaN);
        const n = Number(/(\d+) requests in/.exec(out.stdout)?.[1] ?? NaN);
        const us = (c1 - c0) / n;
        rows.push({ name: 'wrk → fixed ack', rps, errors: 0, cpuUsPerReq: us, perCore: 1e6 / us, extra: 'baseline: bench/perf-server.mjs /ack' });
      } finally {
        rmSync(dir2, { recursive: true, force: true });
      }
    } finally {
      base.send('exit');
    }
  } else {
    console.log('(wrk not installed: /usr/bin/wrk missing; apt-get install wrk to compare)');
  }

  console.log(`PatientInfoQuery over ${kind}, ${users} connections, ${durationS} s each`);
  console.log('generator            req/s   errors  platform CPU µs/req  ⇒ req/s per core  notes');
  for (const r of rows) {
    console.log(`${r.name.padEnd(19)} ${r.rps.toFixed(0).padStart(6)}  ${String(r.errors).padStart(7)}  ${r.cpuUsPerReq.toFixed(1).padStart(19)}  ${r.perCore.toFixed(0).padStart(16)}  ${r.extra}`);
  }
  if (rows.length >= 2) {
    console.log(`ratio wrk / runStage: req/s ${(rows[1].rps / rows[0].rps).toFixed(2)}, platform CPU per request ${(rows[1].cpuUsPerReq / rows[0].cpuUsPerReq).toFixed(2)}`);
  }
  if (rows.length === 3) {
    console.log(`ratio platform / fixed-ack baseline (both under wrk): CPU per request ${(rows[1].cpuUsPerReq / rows[2].cpuUsPerReq).toFixed(2)}×, req/s ${(rows[1].rps / rows[2].rps).toFixed(2)}`);
  }
  console.log(`load average now: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).availableParallelism()} cores`);
} finally {
  child.kill('SIGTERM');
}
