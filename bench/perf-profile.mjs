#!/usr/bin/env node
// What does the 运行性能 pipeline cost on top of the bare generator, and how far does one
// machine go? (docs/scaling.md quotes this bench.)
//
//   npx tsc -p tsconfig.build.json && node bench/perf-profile.mjs [--duration 5] [--connections 32]
//
// 1. CPU µs per request of the pipeline's own work, in this process, no network:
//      build = a PatientInfoRegister / PatientInfoQuery message from the catalogue with fresh
//              values + SOAP 1.1 wrap (src/perf/requests.ts);
//      check = status + envelope unwrap + acknowledgement/targetMessage check of a SOAP ack
//              (src/perf/check.ts);
//      validate = the full validator on one acknowledgement (done for 1 response in 100).
// 2. Throughput against the same fixed-cost loopback server (bench/perf-server.mjs, child
//    process): the bare generator replaying a fixed-size SOAP body with a per-request id
//    (POST /soap, echo) vs the profile pipeline (POST /ack: catalogue-built PatientInfoRegister,
//    every answer checked), same connection count, closed model. Printed: req/s of both and the
//    ratio, CPU of generator and server (/proc/<pid>/stat) and CPU µs per request.
//    One core's worth of generator CPU / (CPU µs per request) = the most requests/s one
//    generator process can send; the bench prints that estimate for both.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { procCpu } from './_proc.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = (p) => join(here, '../dist', p);
if (!existsSync(dist('perf/index.js'))) {
  console.error('dist/ missing: run `npx tsc -p tsconfig.build.json` first');
  process.exit(2);
}
const { runStage, RequestBuilder, ResponseCheck, serviceLoad } = await import(dist('perf/index.js'));
const { loadCatalog } = await import(dist('catalog/index.js'));
const { resolveBinding } = await import(dist('transport/binding.js'));
const { sampleEntityValues } = await import(dist('samples/message-values.js'));
const { buildAck } = await import(dist('samples/message.js'));
const { writeResponse } = await import(dist('transport/envelope.js'));
const { validateText } = await import(dist('validate/index.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const DURATION = arg('duration', 5);
const C = arg('connections', 32);
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const cpuUs = (a, b) => b.user - a.user + (b.system - a.system);

const catalog = loadCatalog();
const soap = resolveBinding('soap11');
const started = performance.now();

// ---------------------------------------------------------------- 1. µs per request
function perOp(label, n, fn) {
  for (let i = 0; i < Math.min(200, n); i++) fn(i); // JIT warm-up
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn(i + 1000);
  const us = cpuUs(c0, process.cpuUsage()) / n;
  console.log(`  ${label.padEnd(52)} ${f(us).padStart(8)} µs/request  (${f(1e6 / us, 0)} /s on one core)`);
  return us;
}
console.log(`hutong perf-profile bench: node ${process.version}, ${C} connections, ${DURATION} s per run`);
console.log('\n1. pipeline CPU per request (no network)');
const reg = serviceLoad(catalog, 'PatientInfoRegister');
const qry = serviceLoad(catalog, 'PatientInfoQuery');
const pool = Array.from({ length: 50 }, (_, i) => sampleEntityValues(qry.entity, i));
const bReg = new RequestBuilder(reg, { binding: soap, endpointPath: '/ack', runTag: 'B', seedBase: 1 });
const bQry = new RequestBuilder(qry, { binding: soap, endpointPath: '/ack', runTag: 'Q', seedBase: 1, pool });
const buildUs = perOp('build PatientInfoRegister (values + message + wrap)', 3000, (i) => bReg.build(i));
perOp('build PatientInfoQuery (pooled key + message + wrap)', 3000, (i) => bQry.build(i));
const ackBody = (id) => writeResponse(soap, buildAck({ messageId: id, interactionId: reg.service.request }, { typeCode: 'AA', messageId: 'A', creationTime: '20250101000000' })).body;
const bodies = Array.from({ length: 3000 }, (_, i) => ackBody(`B-${i + 1000}`));
const headers = { 'content-type': 'text/xml; charset=utf-8' };
const chk = new ResponseCheck({ binding: soap, service: reg.service, catalog, validateEvery: 0, expectRecords: false });
for (let i = 0; i < 3200; i++) chk.expect(`B-${i}`);
const checkUs = perOp('check an acknowledgement (status, unwrap, AA, target)', 3000, (i) => chk.check(200, headers, bodies[(i - 1000 + 3000) % 3000]));
const ackXml = buildAck({ messageId: 'M1', interactionId: reg.service.request }, { typeCode: 'AA', messageId: 'A', creationTime: '20250101000000' });
const valUs = perOp('full validation of one acknowledgement (sampled 1/100)', 100, () => validateText(ackXml, { catalog, expect: { service: reg.service.code, requestId: 'M1', ack: 'AA' } }));
console.log(`  pipeline per request ≈ build + check + validate/100 = ${f(buildUs + checkUs + valUs / 100)} µs`);

// ---------------------------------------------------------------- 2. under load
const benchAck = buildAck({ messageId: '__ID__', interactionId: reg.service.request }, { typeCode: 'AA', messageId: 'BENCH-ACK', creationTime: '20250101000000', sender: 'bench', receiver: 'hutong' });
const child = fork(join(here, 'perf-server.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, BENCH_ACK: benchAck } });
const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
const origin = `http://127.0.0.1:${port}`;
const serverCpu = () => procCpu(child.pid) ?? new Promise((resolve) => { child.once('message', (m) => resolve(m.cpu)); child.send('cpu'); });

// the bare generator: a fixed SOAP body (same size as a PatientInfoRegister request) with a
// unique id spliced in, no check beyond the status
const sample = bReg.build(0).spec;
const fixed = String(sample.body);
const bareFactory = ({ seq }) => ({ path: '/soap', headers: sample.headers, body: fixed.replace('B-0', `B-${seq}`) });
const statusOnly = (status) => (status === 200 ? null : `http-status:${status}`);

async function measure(label, factory, checker) {
  const s0 = await serverCpu();
  const g0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runStage({ name: label, model: 'closed', users: C, durationS: DURATION, warmupS: 0.5 }, { url: origin, timeoutMs: 10_000 }, factory, checker);
  const wallS = (performance.now() - t0) / 1000;
  const genUs = cpuUs(g0, process.cpuUsage());
  const srvUs = cpuUs(s0, await serverCpu());
  const sent = r.requests * ((DURATION + 0.5) / DURATION); // warm-up requests cost CPU too
  const m = { rps: r.rps, p50: r.latency.p50Ms, p99: r.latency.p99Ms, genPct: genUs / wallS / 1e4, srvPct: srvUs / wallS / 1e4, genPerReq: genUs / sent, srvPerReq: srvUs / sent, r };
  console.log(
    `  ${label.padEnd(40)} ${f(m.rps, 0).padStart(7)} req/s  p50 ${f(m.p50, 2).padStart(7)} ms  p99 ${f(m.p99, 2).padStart(7)} ms` +
      `  cpu gen ${f(m.genPct, 0).padStart(3)}% srv ${f(m.srvPct, 0).padStart(3)}%  cpu/req gen ${f(m.genPerReq).padStart(6)} µs srv ${f(m.srvPerReq).padStart(6)} µs` +
      `  errors ${r.errorCount}${r.errorCount ? ' ' + JSON.stringify(r.errors) : ''}${r.valid ? '' : ` INVALID (${r.invalidReason})`}`,
  );
  return m;
}

console.log(`\n2. closed model, ${C} users, same loopback server`);
await measure('jit warm-up (not compared)', bareFactory, statusOnly);
const bare = await measure('bare generator, fixed body + id, /soap', bareFactory, statusOnly);
const check = new ResponseCheck({ binding: soap, service: reg.service, catalog, validateEvery: 100, expectRecords: false });
const prof = await measure('profile pipeline PatientInfoRegister, /ack', ({ seq }) => {
  const b = bReg.build(seq + 10_000_000);
  check.expect(b.messageId);
  return b.spec;
}, check.checker);
const rejected = check.validateSamples();
console.log(`  full validation after the stage: ${check.stats.validated} sampled, ${rejected} rejected`);
console.log(`  ratio pipeline/bare requests/s ${f(prof.rps / bare.rps, 3)}; generator CPU per request pipeline/bare ${f(prof.genPerReq / bare.genPerReq, 2)}`);
console.log(
  `  one generator process (one core) tops out near ${f(1e6 / bare.genPerReq, 0)} req/s bare and ${f(1e6 / prof.genPerReq, 0)} req/s with the pipeline ` +
    '(1 s of CPU / CPU per request; the server needs its own core)',
);
console.log(`\ntotal ${f((performance.now() - started) / 1000, 1)} s`);
child.send('exit');
