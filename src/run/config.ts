/**
 * The site config of a live run: which plan, which platform, how to reach it, which test data.
 *
 * A YAML or JSON file checked against schemas/site-config.schema.json (grammar and every key's
 * meaning are written there), merged with the command line (`--plan`, `--target`,
 * `--binding` win over the file) and defaulted so that `hutong run --target URL` alone is
 * enough: plan hospital-5a, SOAP 1.1, HIPMessageServer(action, message) in urn:hl7-org:v3.
 *
 * Secrets: any string may contain `${env:NAME}`; it is resolved from the environment here and
 * the value registered in a SecretRegistry (as are auth header values, a URL password and the
 * client key's content), so the journal and the reports can scrub them by value. A missing
 * variable is a config error (exit 2), as is anything the schema rejects; every error names
 * the file, the JSON path and, for files, the line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node as YamlNode } from 'yaml';
import type { LevelCode } from '../catalog/types.js';
import {
  BindingConfigError, DEFAULT_NAMESPACE, DEFAULT_OPERATION, resolveBinding, type Binding, type BindingInput, type BindingKind,
} from '../transport/binding.js';
import { PROJECT_ROOT } from '../version.js';
import { SecretRegistry, defaultSecrets } from './secrets.js';

export { SecretRegistry, defaultSecrets, redactText } from './secrets.js';

export const LEVELS: readonly LevelCode[] = ['3', '4b', '4a', '5b', '5a'];
const LEVEL_ALIASES: Record<string, LevelCode> = {
  三级: '3', 四级乙等: '4b', 四级甲等: '4a', 五级乙等: '5b', 五级甲等: '5a',
};
/** Built-in plans are named <kind>-<level>; anything else is a plan file. */
const BUILTIN_PLAN = /^(hospital|regional)-(3|4b|4a|5b|5a)$/;
export const DEFAULT_PLAN = 'hospital-5a';
const MAX_CONFIG_BYTES = 1024 * 1024;

export type PlanRef = { kind: 'builtin'; id: string } | { kind: 'file'; path: string };

export interface Selection {
  only?: string[];
  add: string[];
  /** code -> reason */
  skip: Record<string, string>;
}

export type KeySet = Record<string, string>;

export interface DatasetExport {
  /** absolute path */
  file: string;
  format: 'csv' | 'xlsx';
  dataset?: string;
  sheet?: string;
  encoding?: 'utf-8' | 'gbk' | 'gb18030';
  columns: 'auto' | 'de' | 'name';
}

export interface TargetConfig {
  url: string;
  binding: BindingKind;
  soap: {
    operation: string;
    namespace: string;
    actionParam: string;
    messageParam: string;
    cdata: boolean;
    /** undefined: the transport's default ({namespace}/{operation}) */
    soapAction?: string;
    paramsQualified: boolean;
    prefix?: string;
    extraParams: { name: string; value: string }[];
  };
  http: { actionHeader: string; actionInPath: boolean; path?: string; contentType?: string };
  headers: Record<string, string>;
  charset?: 'utf-8' | 'gbk' | 'gb18030';
}

export interface TlsConfig {
  verify: boolean;
  /** absolute paths */
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  servername?: string;
}

export interface Timeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
  totalMs: number;
}

export interface SiteConfig {
  /** the file it came from (absolute), undefined when only the command line was given */
  source?: string;
  plan: PlanRef;
  /** known here for built-in plans and when the file says; otherwise from the plan file */
  level?: LevelCode;
  institution?: string;
  expert?: string;
  target: TargetConfig;
  tls: TlsConfig;
  auth: { headers: Record<string, string> };
  timeouts: Timeouts;
  retries: number;
  services: Selection;
  documents: Selection & { held: KeySet[] };
  datasets: Selection;
  /** service code -> T01 (existing) / F01 (absent) keys */
  keys: Record<string, { T01?: KeySet; F01?: KeySet }>;
  datasetExports: DatasetExport[];
  /** settings that fell back to a default the expert should know about, e.g. "plan: hospital-5a" */
  defaulted: string[];
  warnings: string[];
  /** environment variables read (names only) */
  envUsed: string[];
  /** header and SOAP parameter names whose values are secret (for the transport's scrubbing) */
  secretNames: string[];
}

/** What the command line may set; it wins over the file. */
export interface ConfigOverrides {
  plan?: string;
  target?: string;
  binding?: string;
  level?: string;
  institution?: string;
  expert?: string;
}

export interface LoadConfigOptions {
  /** site config file (YAML or JSON) */
  file?: string;
  overrides?: ConfigOverrides;
  /** defaults to process.env */
  env?: Record<string, string | undefined>;
  /** defaults to the process-wide registry */
  secrets?: SecretRegistry;
  /** base for relative paths when there is no file; defaults to process.cwd() */
  cwd?: string;
}

export interface ConfigIssue {
  /** the file, or the command-line option ("--target") */
  file: string;
  /** JSONPath-style location, "$" for the whole file, "" for a command-line option */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** A usage/config mistake: exit 2. The message lists every issue, one per line. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.line !== undefined ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

// ---------------------------------------------------------------------------------------------

/** Load, check, resolve secrets and default the site config. Throws ConfigError. */
export function loadConfig(opts: LoadConfigOptions = {}): SiteConfig {
  const env = opts.env ?? process.env;
  const secrets = opts.secrets ?? defaultSecrets;
  const cwd = opts.cwd ?? process.cwd();
  const file = opts.file === undefined ? undefined : resolve(cwd, opts.file);
  const label = opts.file ?? 'command line';

  let raw: Record<string, unknown> = {};
  let locate: Locator = () => ({});
  if (file !== undefined) {
    const parsed = readConfigFile(file, opts.file ?? file);
    raw = parsed.value;
    locate = parsed.locate;
    const errors = checkSchema(raw);
    if (errors.length) {
      const issues: ConfigIssue[] = errors.map((e) => ({ file: label, ...locate(e.segments), path: e.path, message: e.message }));
      throw new ConfigError(issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));
    }
  }
  const base = file !== undefined ? dirname(file) : cwd;

  // ${env:…} in every string of the file
  const envUsed = new Set<string>();
  const envIssues: ConfigIssue[] = [];
  const fromEnv = new Set<string>(); // JSON paths whose value came (partly) from the environment
  raw = resolveEnv(raw, [], (segments, message) => envIssues.push({ file: label, ...locate(segments), path: jsonPath(segments), message }), env, secrets, envUsed, fromEnv) as Record<string, unknown>;
  if (envIssues.length) throw new ConfigError(envIssues);

  const b = new Builder(label, locate, secrets);
  const cfg = b.build(raw, opts.overrides ?? {}, base, cwd, file, fromEnv);
  cfg.envUsed = [...envUsed].sort();
  b.finish();
  return cfg;
}

// ---------------------------------------------------------------------------------------------
// Reading and schema

type Locator = (segments: (string | number)[]) => { line?: number; column?: number };

function readConfigFile(file: string, label: string): { value: Record<string, unknown>; locate: Locator } {
  const fail = (message: string, line?: number, column?: number): never => {
    throw new ConfigError([{ file: label, path: '$', message, ...(line !== undefined ? { line, column: column ?? 1 } : {}) }]);
  };
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) fail('not a file');
    if (st.size > MAX_CONFIG_BYTES) fail(`larger than ${MAX_CONFIG_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    return fail(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lc = new LineCounter();
  // JSON is YAML 1.2, so one parser gives positions for both; aliases are capped (billion laughs)
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, version: '1.2', merge: false });
  const first = doc.errors[0];
  if (first) {
    const pos = lc.linePos(first.pos[0]);
    fail(`not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${first.message.split('\n')[0]}`, pos.line, pos.col);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    fail((err as Error).message);
  }
  if (value === null || value === undefined) fail('the file is empty');
  if (typeof value !== 'object' || Array.isArray(value)) fail('expected a mapping (key: value) at the top');

  const at = (range: readonly number[] | null | undefined) => {
    if (!range) return undefined;
    const pos = lc.linePos(range[0]!);
    return { line: pos.line, column: pos.col };
  };
  const locate: Locator = (segments) => {
    // the deepest node that exists along the path; for a mapping entry, its key (the line a
    // reader looks for, also when the value is a nested block)
    for (let n = segments.length; n >= 0; n--) {
      if (n > 0) {
        const parent = doc.getIn(segments.slice(0, n - 1), true) as YamlNode | undefined;
        const last = segments[n - 1];
        if (parent && isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last));
          const pos = pair && isScalar(pair.key) ? at(pair.key.range) : undefined;
          if (pos) return pos;
        }
      }
      const node = doc.getIn(segments.slice(0, n), true) as YamlNode | undefined;
      if (node && (isMap(node) || isSeq(node) || isScalar(node))) {
        const pos = at(node.range);
        if (pos) return pos;
      }
    }
    return {};
  };
  return { value: value as Record<string, unknown>, locate };
}

let schemaCheck: ValidateFunction | undefined;

function checkSchema(value: unknown): { segments: (string | number)[]; path: string; message: string }[] {
  if (!schemaCheck) {
    const schema = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'schemas', 'site-config.schema.json'), 'utf8')) as object;
    // verbose: errors carry their schema, for "did you mean" on unknown keys
    schemaCheck = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(schema);
  }
  if (schemaCheck(value)) return [];
  const out: { segments: (string | number)[]; path: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const e of schemaCheck.errors ?? []) {
    const m = describe(e, value);
    if (!m) continue;
    const key = `${jsonPath(m.segments)}|${m.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ segments: m.segments, path: jsonPath(m.segments), message: m.message });
  }
  return out;
}

function describe(e: ErrorObject, root: unknown): { segments: (string | number)[]; message: string } | undefined {
  const segments = pointerSegments(e.instancePath, root);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(p.additionalProperty);
      const known = knownKeys(e.parentSchema);
      const near = closest(prop, known);
      return { segments: [...segments, prop], message: `unknown key "${prop}"${near ? ` (did you mean "${near}"?)` : known.length ? ` (known: ${known.join(', ')})` : ''}` };
    }
    case 'required':
      return { segments: [...segments, String(p.missingProperty)], message: 'is required' };
    case 'dependencies':
      return { segments, message: `"${String(p.property)}" needs "${String(p.missingProperty)}" too` };
    case 'enum':
      return { segments, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type': {
      const inKeys = segments[0] === 'keys' || (segments[0] === 'documents' && segments[1] === 'held');
      return { segments, message: `must be ${String(p.type)}${inKeys && p.type === 'string' ? ' (quote key values in YAML: "0001")' : ''}` };
    }
    case 'anyOf':
      return undefined; // its branches already said what is wrong
    case 'propertyNames':
      return { segments: [...segments, String(p.propertyName)], message: 'is not a valid service code' };
    case 'pattern':
      // inside propertyNames the propertyNames error above says it better
      return e.propertyName !== undefined ? undefined : { segments, message: e.message ?? 'invalid' };
    default:
      return { segments, message: e.message ?? e.keyword };
  }
}

function knownKeys(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props).filter((k) => k !== '$schema') : [];
}

function pointerSegments(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let cur: unknown = root;
  for (const part of pointer.slice(1).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg: string | number = Array.isArray(cur) && /^\d+$/.test(key) ? Number(key) : key;
    out.push(seg);
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return out;
}

/** $.target.soap.operation, $.keys.PatientInfoQuery.T01, $.datasetExports[0].file, $.target.headers["X-Token"] */
export function jsonPath(segments: readonly (string | number)[]): string {
  let s = '$';
  for (const seg of segments) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) s += `.${seg}`;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

// ---------------------------------------------------------------------------------------------
// ${env:NAME}

const PLACEHOLDER = /\$\$\{|\$\{([^}]*)\}/g;
const ENV_NAME = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

function resolveEnv(
  v: unknown, segments: (string | number)[], issue: (segments: (string | number)[], message: string) => void,
  env: Record<string, string | undefined>, secrets: SecretRegistry, used: Set<string>, fromEnv: Set<string>,
): unknown {
  if (typeof v === 'string') {
    if (!v.includes('${')) return v;
    let touched = false;
    const out = v.replace(PLACEHOLDER, (m, inner: string | undefined) => {
      if (m === '$${') return '${';
      const name = ENV_NAME.exec(inner ?? '')?.[1];
      if (!name) {
        issue(segments, `unsupported placeholder "${m}"; write \${env:NAME} (or $\${ for a literal \${)`);
        return m;
      }
      used.add(name);
      const value = env[name];
      if (value === undefined) {
        issue(segments, `environment variable ${name} is not set`);
        return m;
      }
      if (value === '') {
        issue(segments, `environment variable ${name} is empty`);
        return m;
      }
      secrets.register(`env:${name}`, value);
      touched = true;
      return value;
    });
    if (touched) fromEnv.add(jsonPath(segments));
    return out;
  }
  if (Array.isArray(v)) return v.map((x, i) => resolveEnv(x, [...segments, i], issue, env, secrets, used, fromEnv));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = resolveEnv(x, [...segments, k], issue, env, secrets, used, fromEnv);
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Defaults and the checks a schema cannot make

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const strOpt = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

class Builder {
  private readonly issues: ConfigIssue[] = [];

  constructor(private readonly label: string, private readonly locate: Locator, private readonly secrets: SecretRegistry) {}

  private issue(segments: (string | number)[], message: string, file = this.label): void {
    const cli = file.startsWith('--');
    // messages may quote values: never let a secret through
    this.issues.push({ file, path: cli ? '' : jsonPath(segments), ...(cli ? {} : this.locate(segments)), message: this.secrets.redact(message) });
  }

  finish(): void {
    if (this.issues.length) throw new ConfigError(this.issues);
  }

  build(raw: Obj, o: ConfigOverrides, base: string, cwd: string, file: string | undefined, fromEnv: Set<string>): SiteConfig {
    const defaulted: string[] = [];
    const warnings: string[] = [];

    // plan
    let planText = o.plan ?? strOpt(raw.plan);
    const planFrom = o.plan !== undefined ? '--plan' : this.label;
    if (planText === undefined) {
      planText = DEFAULT_PLAN;
      defaulted.push(`plan: ${DEFAULT_PLAN} (no --plan and no plan in the site config)`);
    }
    let plan: PlanRef;
    const builtin = BUILTIN_PLAN.exec(planText);
    if (builtin) {
      plan = { kind: 'builtin', id: planText };
    } else {
      const path = resolve(o.plan !== undefined ? cwd : base, planText);
      if (!existsSync(path)) this.issue(['plan'], `plan "${planText}" is neither a built-in plan (hospital-3, hospital-4b, hospital-4a, hospital-5b, hospital-5a) nor an existing file`, planFrom);
      plan = { kind: 'file', path };
    }

    // level
    let level: LevelCode | undefined;
    const levelRaw = o.level ?? (raw.level === undefined ? undefined : String(raw.level));
    const levelFrom = o.level !== undefined ? '--level' : this.label;
    if (levelRaw !== undefined) {
      const l = LEVEL_ALIASES[levelRaw.trim()] ?? (LEVELS as readonly string[]).find((x) => x === levelRaw.trim().toLowerCase());
      if (!l) this.issue(['level'], `unknown level "${levelRaw}"; expected one of ${LEVELS.join(', ')} (or ${Object.keys(LEVEL_ALIASES).join(', ')})`, levelFrom);
      else level = l as LevelCode;
    }
    if (builtin) {
      const planLevel = builtin[2] as LevelCode;
      if (level !== undefined && level !== planLevel) this.issue(['level'], `level ${level} contradicts plan ${planText} (level ${planLevel})`, levelFrom);
      level = planLevel;
    }

    // target
    const t = obj(raw.target);
    let url = o.target ?? strOpt(t.url);
    const urlFrom = o.target !== undefined ? '--target' : this.label;
    if (url === undefined) {
      this.issue(['target', 'url'], 'no target: give --target URL or target.url in the site config', file ? this.label : '--target');
      url = '';
    } else {
      url = this.checkUrl(url, urlFrom);
    }
    const bindingText = o.binding ?? strOpt(t.binding) ?? 'soap11';
    if (o.binding === undefined && t.binding === undefined) defaulted.push('binding: soap11');
    if (!['soap11', 'soap12', 'http'].includes(bindingText)) this.issue(['target', 'binding'], `unknown binding "${bindingText}"; expected soap11, soap12 or http`, o.binding !== undefined ? '--binding' : this.label);
    const soap = obj(t.soap);
    const http = obj(t.http);
    const target: TargetConfig = {
      url,
      binding: bindingText as BindingKind,
      soap: {
        operation: strOpt(soap.operation) ?? DEFAULT_OPERATION,
        namespace: strOpt(soap.namespace) ?? DEFAULT_NAMESPACE,
        actionParam: strOpt(soap.actionParam) ?? 'action',
        messageParam: strOpt(soap.messageParam) ?? 'message',
        cdata: soap.cdata !== false,
        paramsQualified: soap.paramsQualified !== false,
        extraParams: (Array.isArray(soap.extraParams) ? soap.extraParams : []).map((p) => ({ name: String(obj(p).name), value: String(obj(p).value) })),
      },
      http: { actionHeader: strOpt(http.actionHeader) ?? 'X-HIP-Action', actionInPath: http.actionInPath === true },
      headers: strMap(t.headers),
    };
    if (typeof soap.soapAction === 'string') target.soap.soapAction = soap.soapAction;
    if (typeof soap.prefix === 'string') target.soap.prefix = soap.prefix;
    if (typeof http.path === 'string') target.http.path = http.path;
    if (typeof http.contentType === 'string') target.http.contentType = http.contentType;
    if (typeof t.charset === 'string') target.charset = t.charset as TargetConfig['charset'] & string;
    if (target.binding !== 'http' && Object.keys(http).length) warnings.push(`target.http is ignored with binding ${target.binding}`);
    if (target.binding === 'http' && Object.keys(soap).length) warnings.push('target.soap is ignored with binding http');

    // auth: every value is a credential
    const auth = { headers: strMap(obj(raw.auth).headers) };
    for (const [k, v] of Object.entries(auth.headers)) this.secrets.register(`auth.headers.${k}`, v);
    const lowerTarget = new Set(Object.keys(target.headers).map((k) => k.toLowerCase()));
    for (const k of Object.keys(auth.headers)) {
      if (lowerTarget.has(k.toLowerCase())) this.issue(['auth', 'headers', k], `header ${k} is also set in target.headers; set it in one place`);
    }

    // tls
    const tlsRaw = obj(raw.tls);
    const tls: TlsConfig = { verify: tlsRaw.verify !== false };
    for (const k of ['ca', 'cert', 'key'] as const) {
      const v = strOpt(tlsRaw[k]);
      if (v === undefined) continue;
      const p = isAbsolute(v) ? v : resolve(base, v);
      if (!readable(p)) this.issue(['tls', k], `cannot read file ${v}`);
      tls[k] = p;
    }
    if (typeof tlsRaw.passphrase === 'string') {
      tls.passphrase = tlsRaw.passphrase;
      this.secrets.register('tls.passphrase', tlsRaw.passphrase);
    }
    if (typeof tlsRaw.servername === 'string') tls.servername = tlsRaw.servername;
    if (tls.key && readable(tls.key)) registerKey(this.secrets, readFileSync(tls.key, 'utf8'));
    if (!tls.verify) warnings.push('TLS certificate verification is OFF (tls.verify: false); the record says so');
    if (url.startsWith('http:') && (tls.ca || tls.cert || tlsRaw.verify === false)) warnings.push('tls settings have no effect on an http:// target');

    // timeouts, retries
    const to = obj(raw.timeouts);
    const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
    const timeouts: Timeouts = {
      connectMs: num(to.connectMs, 10_000),
      headersMs: num(to.headersMs, 30_000),
      bodyMs: num(to.bodyMs, 60_000),
      totalMs: num(to.totalMs, 120_000),
    };
    for (const k of ['connectMs', 'headersMs', 'bodyMs'] as const) {
      if (timeouts[k] > timeouts.totalMs) this.issue(['timeouts', k], `${k} (${timeouts[k]}) is longer than totalMs (${timeouts.totalMs})`);
    }
    const retries = num(raw.retries, 0);

    // selections
    const services = this.selection(raw.services, 'services');
    const documents = { ...this.selection(raw.documents, 'documents'), held: (Array.isArray(obj(raw.documents).held) ? (obj(raw.documents).held as unknown[]) : []).map(strMap) };
    const datasets = this.selection(raw.datasets, 'datasets');

    const keys: SiteConfig['keys'] = {};
    for (const [svc, v] of Object.entries(obj(raw.keys))) {
      const k = obj(v);
      keys[svc] = {
        ...(k.T01 !== undefined ? { T01: strMap(k.T01) } : {}),
        ...(k.F01 !== undefined ? { F01: strMap(k.F01) } : {}),
      };
      if (k.T01 !== undefined && k.F01 !== undefined && JSON.stringify(k.T01) === JSON.stringify(k.F01)) {
        this.issue(['keys', svc, 'F01'], 'F01 (an absent key) is the same as T01 (an existing key)');
      }
    }

    const datasetExports: DatasetExport[] = [];
    (Array.isArray(raw.datasetExports) ? raw.datasetExports : []).forEach((x, i) => {
      const d = obj(x);
      const f = String(d.file);
      const p = isAbsolute(f) ? f : resolve(base, f);
      const ext = /\.(csv|xlsx)$/i.exec(f)?.[1]?.toLowerCase() as 'csv' | 'xlsx' | undefined;
      if (!ext) this.issue(['datasetExports', i, 'file'], `${f}: expected a .csv or .xlsx file`);
      else if (!readable(p)) this.issue(['datasetExports', i, 'file'], `cannot read file ${f}`);
      if (ext === 'xlsx' && d.encoding !== undefined) this.issue(['datasetExports', i, 'encoding'], 'encoding applies to CSV only');
      datasetExports.push({
        file: p, format: ext ?? 'csv', columns: (strOpt(d.columns) ?? 'auto') as DatasetExport['columns'],
        ...(typeof d.dataset === 'string' ? { dataset: d.dataset } : {}),
        ...(typeof d.sheet === 'string' ? { sheet: d.sheet } : {}),
        ...(typeof d.encoding === 'string' ? { encoding: d.encoding as 'utf-8' } : {}),
      });
    });

    // names whose values must be scrubbed on the wire records: credentials and anything from env
    const secretNames = new Set(Object.keys(auth.headers));
    for (const k of Object.keys(target.headers)) if (fromEnv.has(jsonPath(['target', 'headers', k]))) secretNames.add(k);
    target.soap.extraParams.forEach((p, i) => { if (fromEnv.has(jsonPath(['target', 'soap', 'extraParams', i, 'value']))) secretNames.add(p.name); });

    const cfg: SiteConfig = {
      plan, target, tls, auth, timeouts, retries, services, documents, datasets, keys, datasetExports,
      defaulted, warnings, envUsed: [], secretNames: [...secretNames],
    };
    if (file !== undefined) cfg.source = file;
    if (level !== undefined) cfg.level = level;
    const institution = o.institution ?? strOpt(raw.institution);
    const expert = o.expert ?? strOpt(raw.expert);
    if (institution !== undefined) cfg.institution = institution;
    if (expert !== undefined) cfg.expert = expert;
    return cfg;
  }

  private checkUrl(url: string, from: string): string {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      this.issue(['target', 'url'], `not a valid URL: ${url}`, from);
      return url;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') this.issue(['target', 'url'], `expected an http:// or https:// URL, got ${u.protocol}`, from);
    if (u.password) this.secrets.register('target.url password', decodeURIComponent(u.password));
    if (u.password) this.secrets.register('target.url password (encoded)', u.password);
    return url;
  }

  private selection(v: unknown, name: string): Selection {
    const s = obj(v);
    const out: Selection = { add: Array.isArray(s.add) ? s.add.map(String) : [], skip: strMap(s.skip) };
    if (Array.isArray(s.only)) out.only = s.only.map(String);
    for (const code of Object.keys(out.skip)) {
      if (out.add.includes(code)) this.issue([name, 'skip', code], `${code} is both added and skipped`);
    }
    return out;
  }
}

function readable(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A client key must not leak even in part: register the whole PEM and each of its base64 lines. */
function registerKey(secrets: SecretRegistry, pem: string): void {
  secrets.register('tls.key', pem.trim());
  for (const line of pem.split(/\r?\n/)) {
    const l = line.trim();
    if (l.length >= 16 && !l.startsWith('-----')) secrets.register('tls.key', l);
  }
}

// ---------------------------------------------------------------------------------------------
// Handing over to the transport and the record

/** The site config's target as the transport's binding options (src/transport/binding.ts). */
export function toBindingInput(cfg: SiteConfig): BindingInput {
  const t = cfg.target;
  const input: Exclude<BindingInput, string> = {
    kind: t.binding,
    operation: t.soap.operation,
    namespace: t.soap.namespace,
    params: { action: t.soap.actionParam, message: t.soap.messageParam },
    paramsQualified: t.soap.paramsQualified,
    messageAs: t.soap.cdata ? 'cdata' : 'escaped',
    extraParams: t.soap.extraParams,
    http: {
      actionIn: t.http.actionInPath ? 'path' : 'header',
      actionHeader: t.http.actionHeader,
      ...(t.http.path !== undefined ? { path: t.http.path } : {}),
      ...(t.http.contentType !== undefined ? { contentType: t.http.contentType } : {}),
    },
    headers: { ...t.headers, ...cfg.auth.headers },
    secret: cfg.secretNames,
  };
  if (t.soap.soapAction !== undefined) input.soapAction = t.soap.soapAction;
  if (t.soap.prefix !== undefined) input.prefix = t.soap.prefix;
  if (t.charset !== undefined) input.charset = t.charset;
  return input;
}

// binding.ts option names -> where they are written in the site config
const OPTION_TO_CONFIG: [RegExp, (m: RegExpExecArray) => (string | number)[]][] = [
  [/^binding\.params\.action$/, () => ['target', 'soap', 'actionParam']],
  [/^binding\.params\.message$/, () => ['target', 'soap', 'messageParam']],
  [/^binding\.params$/, () => ['target', 'soap']],
  [/^binding\.messageAs$/, () => ['target', 'soap', 'cdata']],
  [/^binding\.kind$/, () => ['target', 'binding']],
  [/^binding\.http\.actionIn$/, () => ['target', 'http', 'actionInPath']],
  [/^binding\.http\.(\w+)/, (m) => ['target', 'http', m[1]!]],
  [/^binding\.headers\.(.+)$/, (m) => ['target', 'headers', m[1]!]],
  [/^binding\.extraParams\[(\d+)\]\.?(\w*)/, (m) => ['target', 'soap', 'extraParams', Number(m[1]), ...(m[2] ? [m[2]] : [])]],
  [/^binding\.(operation|namespace|soapAction|prefix|paramsQualified)$/, (m) => ['target', 'soap', m[1]!]],
  [/^binding\.charset$/, () => ['target', 'charset']],
];

/** Check the binding with the transport's rules; its complaints become config errors (exit 2). */
export function resolveTargetBinding(cfg: SiteConfig, secrets: SecretRegistry = defaultSecrets): Binding {
  try {
    return resolveBinding(toBindingInput(cfg));
  } catch (err) {
    if (!(err instanceof BindingConfigError)) throw err;
    let segments: (string | number)[] = ['target'];
    for (const [re, to] of OPTION_TO_CONFIG) {
      const m = re.exec(err.option);
      if (m) { segments = to(m); break; }
    }
    const detail = err.message.slice(err.option.length + 2) || err.message;
    throw new ConfigError([{ file: cfg.source ?? 'command line', path: jsonPath(segments), message: secrets.redact(detail) }]);
  }
}

/** What record.json says about TLS (never paths or passphrases). */
export function tlsForRecord(cfg: SiteConfig): { verify: boolean; customCa: boolean; clientCertificate: boolean; servername?: string } {
  return {
    verify: cfg.tls.verify,
    customCa: cfg.tls.ca !== undefined,
    clientCertificate: cfg.tls.cert !== undefined,
    ...(cfg.tls.servername !== undefined ? { servername: cfg.tls.servername } : {}),
  };
}
