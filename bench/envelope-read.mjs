// Server-side envelope reading, in process: readRequest through the single-pass scanner
// (envelope-scan.ts, the default) against the tree parser (envelope-tree.ts, scan: false) in the
// same run, on the PatientInfoQuery request bench/platform.mjs sends, plus writeResponse.
//
//   npm run build && node bench/envelope-read.mjs [--iterations 20000]
//
// Prints µs per call (CPU time of this process) and the tree / scanner ratio; on a shared
// machine the ratio is the number to read.
import { loadCatalog } from '../dist/catalog/index.js';
import { buildQueryResponse, buildRequest } from '../dist/samples/message.js';
import { sampleEntityValues } from '../dist/samples/message-values.js';
import { resolveBinding } from '../dist/transport/binding.js';
import { readRequest, wrapRequest, writeResponse } from '../dist/transport/envelope.js';

const args = process.argv.slice(2);
const i = args.indexOf('--iterations');
const N = i === -1 ? 20_000 : Number(args[i + 1]);

const catalog = loadCatalog();
const svc = catalog.services.find((s) => s.code === 'PatientInfoQuery');
const patient = catalog.entities.get('patient');
const values = sampleEntityValues(patient, 424242);
const head = { creationTime: '20250301093000', sender: 'bench', receiver: 'platform', messageId: 'BENCHQ0000000' };
const v3 = buildRequest(svc, patient, { patientId: values.patientId }, head);
const answer = buildQueryResponse(svc, patient, 'BENCHQ0000000', [values], { ...head, messageId: 'R1', sender: 'platform', receiver: 'bench' });

function cpuUs(fn) {
  for (let k = 0; k < Math.min(2000, N); k++) fn(k); // warm-up
  const c0 = process.cpuUsage();
  for (let k = 0; k < N; k++) fn(k);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / N;
}

console.log(`PatientInfoQuery request (${v3.length} chars of V3), ${N} iterations each`);
console.log('binding              tree µs  scan µs  tree/scan  writeResponse µs');
for (const [name, input] of [['soap11 cdata', 'soap11'], ['soap11 escaped', { kind: 'soap11', messageAs: 'escaped' }], ['soap12 cdata', 'soap12'], ['soap12 escaped', { kind: 'soap12', messageAs: 'escaped' }]]) {
  const b = resolveBinding(input);
  const w = wrapRequest(b, 'PatientInfoQuery', v3);
  const headers = Object.fromEntries(Object.entries(w.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const body = Buffer.from(w.body, 'utf8');
  const ct = w.headers['Content-Type'];
  const check = readRequest(b, ct, headers, body);
  if (!('action' in check) || check.v3xml !== v3) throw new Error(`${name}: the request was not read back`);
  const tree = cpuUs(() => readRequest(b, ct, headers, body, { scan: false }));
  const scan = cpuUs(() => readRequest(b, ct, headers, body));
  const wr = cpuUs(() => writeResponse(b, answer));
  console.log(`${name.padEnd(19)} ${tree.toFixed(1).padStart(8)} ${scan.toFixed(1).padStart(8)} ${(tree / scan).toFixed(1).padStart(9)}× ${wr.toFixed(1).padStart(17)}`);
}
