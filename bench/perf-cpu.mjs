#!/usr/bin/env node
// Generator CPU per request: our closed model (default engine) against the fixed-cost loopback
// server (bench/perf-server.mjs, a child process), GET /hello and POST /soap, the same factories
// and checkers as bench/perf-generator.mjs. CPU µs per request = process.cpuUsage() over the
// stage ÷ requests the factory built (warm-up included): steadier than req/s on a shared
// machine, and what decides ours/wrk when generator and server share two cores.
//
//   npx tsc -p tsconfig.build.json && node bench/perf-cpu.mjs [--duration 3] [--rounds 5] [--connections 32]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/perf-cpu.mjs --only soap     # a profile of the generator
//   node bench/perf-cpu.mjs --dist /tmp/base/dist     # measure another build instead of ./dist
//   node bench/perf-cpu.mjs --base /tmp/base/dist     # A/B: another build's dist/ (e.g. the last commit's), rounds alternated
//
// --base loads a second build in the same process and alternates it with this one round by round
// (the order swapped every round): on a shared machine only such a same-moment comparison says
// whether a change helped; printed is base/this per round and the median.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { helloFactory as helloRequest, okChecker, soapChecker, soapFactory as soapRequest } from './_load-requests.mjs';
import { procCpu } from './_proc.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const distArg = process.argv.indexOf('--dist');
const distIndex = join(distArg > 0 ? process.argv[distArg + 1] : join(here, '../dist'), 'perf/index.js');
if (!existsSync(distIndex)) {
  console.error('dist/perf/index.js missing: run `npx tsc -p tsconfig.build.json` first');
  process.exit(2);
}
const { runStage } = await import(distIndex);

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const DURATION = Number(arg('duration', 3));
const ROUNDS = Number(arg('rounds', 5));
const C = Number(arg('connections', 32));
const ONLY = arg('only', '');
const BASE = arg('base', '');
const engines = [['this', runStage]];
if (BASE) engines.unshift(['base', (await import(join(BASE, 'perf/index.js'))).runStage]);

const child = fork(join(here, 'perf-server.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
const origin = `http://127.0.0.1:${port}`;

// the same requests and checks as bench/perf-generator.mjs, counted as the factory builds them
let built = 0;
const counted = (make) => (ctx) => {
  built++;
  return make(ctx);
};
const helloFactory = counted(helloRequest);
const soapFactory = counted(soapRequest);

const cpuUs = (a, b) => b.user - a.user + (b.system - a.system);
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

async function once(run, key, factory, checker, durationS) {
  built = 0;
  const s0 = procCpu(child.pid);
  const g0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await run({ name: key, model: 'closed', users: C, durationS, warmupS: 0 }, { url: origin, timeoutMs: 10_000 }, factory, checker);
  const wallMs = performance.now() - t0;
  const g1 = process.cpuUsage();
  const s1 = procCpu(child.pid);
  return {
    gen: cpuUs(g0, g1) / built,
    genUser: (g1.user - g0.user) / built,
    genSys: (g1.system - g0.system) / built,
    srv: s0 && s1 ? cpuUs(s0, s1) / built : NaN,
    rps: (built / wallMs) * 1000,
    errors: r.errorCount,
  };
}

console.log(`hutong perf-cpu: node ${process.version}, ${C} connections, ${DURATION} s × ${ROUNDS} rounds per path`);
const cases = [
  ['hello', helloFactory, okChecker],
  ['soap', soapFactory, soapChecker],
].filter(([k]) => !ONLY || k === ONLY);
// JIT warm-up (not reported)
for (const [, run] of engines) for (const [key, factory, checker] of cases) await once(run, key, factory, checker, Math.max(2, DURATION));
const out = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [key, factory, checker] of cases) {
    const order = round % 2 ? [...engines].reverse() : engines;
    const got = {};
    for (const [name, run] of order) {
      const m = await once(run, key, factory, checker, DURATION);
      got[name] = m;
      (out[`${key} ${name}`] ??= []).push(m);
      console.log(`  ${key.padEnd(5)} ${name.padEnd(4)} round ${round + 1}: gen ${f(m.gen).padStart(5)} µs/req (user ${f(m.genUser)} sys ${f(m.genSys)})  srv ${f(m.srv).padStart(5)} µs/req  ${f(m.rps, 0).padStart(6)} req/s  errors ${m.errors}`);
    }
    if (got.base) (out[`${key} base/this`] ??= []).push({ ratio: got.base.gen / got.this.gen });
  }
}
for (const [key, ms] of Object.entries(out)) {
  if (key.endsWith('base/this')) {
    console.log(`${key}: generator CPU per request, ratio per round ${ms.map((m) => f(m.ratio, 2)).join(' ')}, median ${f(median(ms.map((m) => m.ratio)), 2)}`);
    continue;
  }
  console.log(`${key}: generator CPU per request median ${f(median(ms.map((m) => m.gen)))} µs (min ${f(Math.min(...ms.map((m) => m.gen)))}), server ${f(median(ms.map((m) => m.srv)))} µs`);
}
child.send('exit');
