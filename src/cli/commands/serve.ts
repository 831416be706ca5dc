import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { loadCatalog } from '../../catalog/index.js';
import { FAULT_NAMES, FAULT_PROFILES, startPlatform, UnknownFaultError, type PlatformOptions } from '../../platform/index.js';
import { BindingConfigError } from '../../transport/binding.js';
import { findPlan } from '../../validate/index.js';
import { UsageError } from '../main.js';
import type { RegisterCommand } from './index.js';

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('expected 0 … 65535');
  return Number(v);
}

function wholeNumber(v: string): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('expected a whole number');
  return Number(v);
}

function faultList(v: string): string[] {
  const names = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !FAULT_NAMES.includes(n));
  if (unknown.length) throw new InvalidArgumentError(`unknown fault profile ${unknown.join(', ')} (known: ${FAULT_NAMES.join(', ')})`);
  return names;
}

function platformKind(v: string): 'hospital' | 'regional' {
  if (v !== 'hospital' && v !== 'regional') throw new InvalidArgumentError('expected hospital or regional');
  return v;
}

/** --binding takes inline JSON/YAML or a file holding it (the `binding:` object of a plan). */
function bindingOption(v: string): NonNullable<PlatformOptions['binding']> {
  const text = existsSync(v) ? readFileSync(v, 'utf8') : v;
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (e) {
    throw new InvalidArgumentError(`not JSON/YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('expected an object such as {"namespace":"http://www.dhcc.com.cn","params":{"action":"input1","message":"input2"}}');
  const o = parsed as Record<string, unknown>;
  return (o.binding && typeof o.binding === 'object' ? o.binding : o) as NonNullable<PlatformOptions['binding']>;
}

interface ServeCliOptions {
  port: number;
  host: string;
  db?: string;
  faults?: string[];
  binding?: NonNullable<PlatformOptions['binding']>;
  seed: number;
  seedVisits: number;
  latency?: number;
  log?: string;
  quiet?: boolean;
  listFaults?: boolean;
  plan: string;
  json?: boolean;
  kind: 'hospital' | 'regional';
}

function listFaults(planName: string, json: boolean): void {
  const catalog = loadCatalog();
  const plan = findPlan(catalog, planName);
  if (!plan) throw new UsageError(`--plan ${planName}: no such plan (known: ${catalog.plans.map((p) => p.id).join(', ')})`);
  const rows = FAULT_PROFILES.map((p) => ({ name: p.name, description: p.description, failsCases: p.failsCases(plan, catalog) }));
  if (json) {
    process.stdout.write(`${JSON.stringify({ plan: plan.id, profiles: rows }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`fault profiles (plan ${plan.id}); use --faults a,b\n\n`);
  for (const r of rows) {
    process.stdout.write(`${r.name}\n  ${r.description}\n  fails ${r.failsCases.length} case(s): ${r.failsCases.length ? r.failsCases.join(' ') : '(none: performance thresholds only)'}\n\n`);
  }
}

/**
 * hutong serve — the reference platform. Prints one line per binding with its URL, then logs
 * one line per request (stderr or --log FILE) until SIGINT/SIGTERM, which close it gracefully.
 */
export const registerserve: RegisterCommand = (program, setExit) => {
  program
    .command('serve')
    .description('run the reference platform (hospital or regional): all interaction services over SOAP 1.1/1.2 and HTTP, SQLite storage, fault profiles (参考平台)')
    .option('--port <n>', 'port (0 = any free port)', port, 18080)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--db <file>', 'SQLite database file (default: in memory, lost on exit)')
    .option('--faults <list>', `comma-separated fault profiles: ${FAULT_NAMES.join(', ')}`, faultList)
    .option('--binding <json|yaml|file>', 'SOAP naming (operation, namespace, params, messageAs, soapActionCheck …) as a plan writes it')
    .option('--seed <n>', 'seed of the synthetic seed data', wholeNumber, 1)
    .option('--seed-visits <n>', 'sample visits to seed (0 = none)', wholeNumber, 3)
    .option('--latency <ms>', 'added latency of the slow profile', wholeNumber)
    .option('--log <file>', 'append the request log to this file instead of stderr')
    .option('--quiet', 'no request log')
    .option('--list-faults', 'list the fault profiles and the cases each must make fail, then exit')
    .option('--kind <kind>', 'hospital: the WS/T 846 services and WS/T 500 seed documents; regional: the WS/T 790 services (EHR-PL) and WS/T 483 documents', platformKind, 'hospital')
    .option('--plan <name>', 'plan for --list-faults (hospital-3 … hospital-5a, regional-3 … regional-5a)', 'hospital-5a')
    .option('--json', 'with --list-faults: print JSON')
    .action(async (raw: Omit<ServeCliOptions, 'binding'> & { binding?: string }) => {
      if (raw.listFaults) {
        listFaults(raw.plan, raw.json === true);
        return;
      }
      let binding: ServeCliOptions['binding'];
      try {
        if (raw.binding !== undefined) binding = bindingOption(raw.binding);
      } catch (e) {
        throw new UsageError(`--binding: ${e instanceof Error ? e.message : String(e)}`);
      }
      const logLine = raw.quiet ? undefined : raw.log ? (l: string) => appendFileSync(raw.log!, `${l}\n`) : (l: string) => process.stderr.write(`${l}\n`);
      const opts: PlatformOptions = { port: raw.port, host: raw.host, seed: raw.seed, seedVisits: raw.seedVisits, kind: raw.kind };
      if (raw.db !== undefined) opts.db = raw.db;
      if (raw.faults) opts.faults = raw.faults;
      if (binding) opts.binding = binding;
      if (raw.latency !== undefined) opts.latencyMs = raw.latency;
      if (logLine) opts.log = logLine;
      let p;
      try {
        p = await startPlatform(opts);
      } catch (e) {
        if (e instanceof BindingConfigError || e instanceof UnknownFaultError) throw new UsageError(e.message);
        const code = (e as { code?: string }).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UsageError(`cannot listen on ${raw.host}:${raw.port}: ${(e as Error).message}`);
        throw e;
      }
      const u = p.urls;
      process.stdout.write(`SOAP 1.1  ${u.soap11}\nSOAP 1.2  ${u.soap12}\nHTTP      ${u.http}\nWSDL      ${u.wsdl}\nHEALTH    ${u.health}\n`);
      if (raw.faults?.length) process.stdout.write(`faults    ${raw.faults.join(',')}\n`);
      await new Promise<void>((resolve) => {
        const stop = (sig: string): void => {
          process.stderr.write(`hutong serve: ${sig}, closing (in-flight requests finish, database flushed)\n`);
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          p.close().then(resolve, (e: unknown) => {
            process.stderr.write(`hutong serve: close failed: ${e instanceof Error ? e.message : String(e)}\n`);
            setExit(1);
            resolve();
          });
        };
        const onInt = (): void => stop('SIGINT');
        const onTerm = (): void => stop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      });
    });
};
