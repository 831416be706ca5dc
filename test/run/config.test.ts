import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  ConfigError, loadConfig, resolveTargetBinding, tlsForRecord, toBindingInput, type LoadConfigOptions, type SiteConfig,
} from '../../src/run/config.js';
import { SecretRegistry } from '../../src/run/secrets.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hutong-config-'));
  mkdirSync(join(dir, 'site', 'tls'), { recursive: true });
  writeFileSync(join(dir, 'site', 'tls', 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n');
  writeFileSync(join(dir, 'site', 'tls', 'client.pem'), '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n');
  writeFileSync(join(dir, 'site', 'exports.csv'), 'DE02.01.039.00,DE02.01.040.00\n');
  writeFileSync(join(dir, 'site', 'my-plan.yaml'), 'id: custom\n');
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const write = (name: string, text: string): string => {
  const p = join(dir, 'site', name);
  writeFileSync(p, text);
  return p;
};

/** Load and return the ConfigError's message (fails the test if it loads). */
function configError(opts: LoadConfigOptions): ConfigError {
  try {
    loadConfig({ secrets: new SecretRegistry(), env: {}, ...opts });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const FULL_YAML = `
# 示例站点配置（合成）
plan: hospital-4a
level: 四级甲等
institution: 某市示例医院（合成）
expert: 测试专家甲
target:
  url: https://platform.example.invalid:8443/hip/service.asmx
  binding: soap12
  soap:
    operation: HIPService
    namespace: http://www.dhcc.com.cn
    actionParam: input1
    messageParam: input2
    cdata: false
    soapAction: "{namespace}/{operation}"
    extraParams:
      - { name: token, value: "\${env:HIS_PARAM_TOKEN}" }
  headers:
    X-Vendor: demo
tls:
  ca: tls/ca.pem
  cert: tls/client.pem
  key: tls/client.key
  servername: platform.example.invalid
auth:
  headers:
    Authorization: "Bearer \${env:HIS_TOKEN}"
timeouts: { connectMs: 2000, headersMs: 5000, bodyMs: 5000, totalMs: 10000 }
retries: 2
services:
  skip:
    PatientInfoMerge: 平台未开放合并服务
  add: [PatientInfoAudit]
documents:
  only: [C0001, C0002]
  held:
    - { patientId: "P0001", visitId: "V0001" }
datasets:
  skip: { WS445.17.01: 无此业务 }
keys:
  PatientInfoQuery:
    T01: { patientId: "0001" }
    F01: { patientId: "NO-SUCH-0001" }
datasetExports:
  - { file: exports.csv, dataset: WS445.01.01, encoding: gbk, columns: de }
`;

const ENV = { HIS_TOKEN: 'tok-Zq81xv', HIS_PARAM_TOKEN: 'prm-77aa' };

function fullJson(): string {
  // the same settings written as JSON
  return JSON.stringify({
    plan: 'hospital-4a', level: '4a', institution: '某市示例医院（合成）', expert: '测试专家甲',
    target: {
      url: 'https://platform.example.invalid:8443/hip/service.asmx', binding: 'soap12',
      soap: { operation: 'HIPService', namespace: 'http://www.dhcc.com.cn', actionParam: 'input1', messageParam: 'input2', cdata: false, soapAction: '{namespace}/{operation}', extraParams: [{ name: 'token', value: '${env:HIS_PARAM_TOKEN}' }] },
      headers: { 'X-Vendor': 'demo' },
    },
    tls: { ca: 'tls/ca.pem', cert: 'tls/client.pem', key: 'tls/client.key', servername: 'platform.example.invalid' },
    auth: { headers: { Authorization: 'Bearer ${env:HIS_TOKEN}' } },
    timeouts: { connectMs: 2000, headersMs: 5000, bodyMs: 5000, totalMs: 10000 },
    retries: 2,
    services: { skip: { PatientInfoMerge: '平台未开放合并服务' }, add: ['PatientInfoAudit'] },
    documents: { only: ['C0001', 'C0002'], held: [{ patientId: 'P0001', visitId: 'V0001' }] },
    datasets: { skip: { 'WS445.17.01': '无此业务' } },
    keys: { PatientInfoQuery: { T01: { patientId: '0001' }, F01: { patientId: 'NO-SUCH-0001' } } },
    datasetExports: [{ file: 'exports.csv', dataset: 'WS445.01.01', encoding: 'gbk', columns: 'de' }],
  }, null, 2);
}

// a synthetic "key": random base64 lines, never a real key
const keyBody = Array.from({ length: 4 }, () => randomBytes(48).toString('base64')).join('\n');

describe('site config: the documented example', () => {
  it('docs/site-config.example.yaml loads', () => {
    const file = new URL('../../docs/site-config.example.yaml', import.meta.url).pathname;
    const cfg = loadConfig({ file, env: { HUTONG_EXAMPLE_TOKEN: 'example-token' }, secrets: new SecretRegistry() });
    expect(cfg.level).toBe('4a');
    expect(cfg.keys.PatientInfoQuery?.F01).toEqual({ patientId: 'P-SYN-NONE' });
    expect(resolveTargetBinding(cfg).kind).toBe('soap11');
  });
});

describe('site config: defaults', () => {
  it('--target URL alone is enough: SOAP 1.1 HIPMessageServer in urn:hl7-org:v3, plan hospital-5a', () => {
    const cfg = loadConfig({ overrides: { target: 'http://127.0.0.1:8080/hip' }, secrets: new SecretRegistry(), env: {} });
    expect(cfg.plan).toEqual({ kind: 'builtin', id: 'hospital-5a' });
    expect(cfg.level).toBe('5a');
    expect(cfg.target).toMatchObject({
      url: 'http://127.0.0.1:8080/hip',
      binding: 'soap11',
      soap: { operation: 'HIPMessageServer', namespace: 'urn:hl7-org:v3', actionParam: 'action', messageParam: 'message', cdata: true, paramsQualified: true },
    });
    expect(cfg.tls.verify).toBe(true);
    expect(cfg.timeouts).toEqual({ connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000, totalMs: 120_000 });
    expect(cfg.retries).toBe(0);
    expect(cfg.defaulted.join('\n')).toMatch(/plan: hospital-5a/);
    const b = resolveTargetBinding(cfg);
    expect(b).toMatchObject({ kind: 'soap11', operation: 'HIPMessageServer', namespace: 'urn:hl7-org:v3', params: { action: 'action', message: 'message' }, messageAs: 'cdata' });
  });

  it('needs a target', () => {
    const e = configError({});
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/no target: give --target URL/);
  });
});

describe('site config: YAML and JSON', () => {
  beforeAll(() => { write('tls/client.key', `-----BEGIN PRIVATE KEY-----\n${keyBody}\n-----END PRIVATE KEY-----\n`); });

  const check = (cfg: SiteConfig): void => {
    expect(cfg.plan).toEqual({ kind: 'builtin', id: 'hospital-4a' });
    expect(cfg.level).toBe('4a');
    expect(cfg.institution).toBe('某市示例医院（合成）');
    expect(cfg.target.binding).toBe('soap12');
    expect(cfg.target.soap).toMatchObject({ operation: 'HIPService', namespace: 'http://www.dhcc.com.cn', actionParam: 'input1', messageParam: 'input2', cdata: false, extraParams: [{ name: 'token', value: 'prm-77aa' }] });
    expect(cfg.auth.headers.Authorization).toBe('Bearer tok-Zq81xv');
    expect(cfg.tls).toEqual({
      verify: true, ca: join(dir, 'site/tls/ca.pem'), cert: join(dir, 'site/tls/client.pem'), key: join(dir, 'site/tls/client.key'), servername: 'platform.example.invalid',
    });
    expect(cfg.timeouts.totalMs).toBe(10_000);
    expect(cfg.retries).toBe(2);
    expect(cfg.services).toEqual({ add: ['PatientInfoAudit'], skip: { PatientInfoMerge: '平台未开放合并服务' } });
    expect(cfg.documents).toEqual({ only: ['C0001', 'C0002'], add: [], skip: {}, held: [{ patientId: 'P0001', visitId: 'V0001' }] });
    expect(cfg.datasets.skip).toEqual({ 'WS445.17.01': '无此业务' });
    expect(cfg.keys).toEqual({ PatientInfoQuery: { T01: { patientId: '0001' }, F01: { patientId: 'NO-SUCH-0001' } } });
    expect(cfg.datasetExports).toEqual([{ file: join(dir, 'site/exports.csv'), format: 'csv', dataset: 'WS445.01.01', encoding: 'gbk', columns: 'de' }]);
    expect(cfg.envUsed).toEqual(['HIS_PARAM_TOKEN', 'HIS_TOKEN']);
    expect(cfg.secretNames.sort()).toEqual(['Authorization', 'token']);
    expect(tlsForRecord(cfg)).toEqual({ verify: true, customCa: true, clientCertificate: true, servername: 'platform.example.invalid' });
  };

  it('loads a full YAML file', () => {
    const cfg = loadConfig({ file: write('site.yaml', FULL_YAML), env: ENV, secrets: new SecretRegistry() });
    check(cfg);
    expect(cfg.source).toBe(join(dir, 'site/site.yaml'));
  });

  it('loads the same settings from JSON, with the same result', () => {
    const a = loadConfig({ file: write('site.yaml', FULL_YAML), env: ENV, secrets: new SecretRegistry() });
    const b = loadConfig({ file: write('site.json', fullJson()), env: ENV, secrets: new SecretRegistry() });
    check(b);
    expect({ ...b, source: undefined }).toEqual({ ...a, source: undefined });
  });

  it('hands the transport a binding it accepts', () => {
    const cfg = loadConfig({ file: write('site.yaml', FULL_YAML), env: ENV, secrets: new SecretRegistry() });
    const input = toBindingInput(cfg);
    expect(input).toMatchObject({ kind: 'soap12', params: { action: 'input1', message: 'input2' }, messageAs: 'escaped', headers: { 'X-Vendor': 'demo', Authorization: 'Bearer tok-Zq81xv' } });
    const b = resolveTargetBinding(cfg);
    expect(b.secret.sort()).toEqual(['Authorization', 'token']);
    expect(b.extraParams).toEqual([{ name: 'token', value: 'prm-77aa' }]);
  });

  it('command-line options win over the file', () => {
    const cfg = loadConfig({ file: write('site.yaml', FULL_YAML), env: ENV, secrets: new SecretRegistry(), overrides: { target: 'http://127.0.0.1:9/x', binding: 'http', plan: 'hospital-4a' } });
    expect(cfg.target.url).toBe('http://127.0.0.1:9/x');
    expect(cfg.target.binding).toBe('http');
    expect(cfg.warnings.join('\n')).toMatch(/target.soap is ignored with binding http/);
  });

  it('resolves a plan file relative to the site file, and takes level aliases', () => {
    const cfg = loadConfig({ file: write('plan-file.yaml', 'plan: my-plan.yaml\nlevel: 五级乙等\ntarget: { url: "http://127.0.0.1:1/" }\n'), secrets: new SecretRegistry(), env: {} });
    expect(cfg.plan).toEqual({ kind: 'file', path: join(dir, 'site/my-plan.yaml') });
    expect(cfg.level).toBe('5b');
    const numeric = loadConfig({ file: write('numeric-level.yaml', 'plan: hospital-3\nlevel: 3\ntarget: { url: "http://127.0.0.1:1/" }\n'), secrets: new SecretRegistry(), env: {} });
    expect(numeric.level).toBe('3');
  });
});

describe('site config: errors name the file, the JSON path and the line', () => {
  it('unknown keys, with a suggestion', () => {
    const f = write('typo.yaml', 'target:\n  url: http://127.0.0.1:1/\n  soapp:\n    operation: X\n');
    const e = configError({ file: f });
    expect(e.issues).toEqual([expect.objectContaining({ file: f, path: '$.target.soapp', line: 3 })]);
    expect(e.message).toContain(`${f}:3:`);
    expect(e.message).toMatch(/\$\.target\.soapp: unknown key "soapp" \(did you mean "soap"\?\)/);
  });

  it('every schema error at once, each with its path', () => {
    const f = write('many.yaml', [
      'target:',
      '  url: http://127.0.0.1:1/',
      '  binding: soap13',
      'retries: "3"',
      'timeouts: { connectMs: 0 }',
      'keys:',
      '  PatientInfoQuery:',
      '    T01: { patientId: 1 }',
      'tls: { cert: tls/client.pem }',
      'datasetExports:',
      '  - { dataset: x }',
    ].join('\n'));
    const e = configError({ file: f });
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i]));
    expect(byPath['$.target.binding']).toMatchObject({ line: 3, message: expect.stringMatching(/one of "soap11", "soap12", "http"/) });
    expect(byPath['$.retries']).toMatchObject({ line: 4, message: 'must be integer' });
    expect(byPath['$.timeouts.connectMs']?.message).toMatch(/>= 1/);
    expect(byPath['$.keys.PatientInfoQuery.T01.patientId']).toMatchObject({ line: 8, message: expect.stringContaining('quote') });
    expect(byPath['$.tls']?.message).toMatch(/"cert" needs "key"/);
    expect(byPath['$.datasetExports[0].file']?.message).toBe('is required');
  });

  it('checks beyond the schema: files, levels, timeouts, URLs', () => {
    const f = write('semantic.yaml', [
      'plan: hospital-4b',
      'level: 5a',
      'target: { url: "ftp://127.0.0.1/" }',
      'tls: { ca: tls/missing.pem }',
      'timeouts: { connectMs: 5000, totalMs: 1000 }',
      'datasetExports: [{ file: data.txt }]',
      'keys: { PatientInfoQuery: { T01: { patientId: "A" }, F01: { patientId: "A" } } }',
    ].join('\n'));
    const e = configError({ file: f });
    const msgs = e.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    expect(msgs).toMatch(/\$\.level: level 5a contradicts plan hospital-4b/);
    expect(msgs).toMatch(/\$\.target\.url: expected an http:\/\/ or https:\/\/ URL/);
    expect(msgs).toMatch(/\$\.tls\.ca: cannot read file tls\/missing\.pem/);
    expect(msgs).toMatch(/\$\.timeouts\.connectMs: connectMs \(5000\) is longer than totalMs/);
    expect(msgs).toMatch(/\$\.datasetExports\[0\]\.file: data\.txt: expected a \.csv or \.xlsx file/);
    expect(msgs).toMatch(/\$\.keys\.PatientInfoQuery\.F01: F01 .* same as T01/);
    expect(e.issues.find((i) => i.path === '$.tls.ca')?.line).toBe(4);
  });

  it('command-line mistakes name the option', () => {
    expect(configError({ overrides: { target: 'not a url' } }).message).toMatch(/^--target: not a valid URL/);
    expect(configError({ overrides: { target: 'http://127.0.0.1:1/', binding: 'soap13' } }).message).toMatch(/^--binding: unknown binding "soap13"/);
    expect(configError({ overrides: { target: 'http://127.0.0.1:1/', plan: 'hospital-9z' } }).message).toMatch(/^--plan: plan "hospital-9z" is neither a built-in plan/);
  });

  it('malformed YAML, malformed JSON, duplicate keys, empty files, alias bombs', () => {
    const y = configError({ file: write('bad.yaml', 'target:\n  url: [unclosed\n') });
    expect(y.issues[0]).toMatchObject({ path: '$', message: expect.stringMatching(/^not valid YAML/) });
    expect(y.issues[0]?.line).toBeGreaterThan(0);
    expect(configError({ file: write('bad.json', '{"target": {"url": "x",}') }).message).toMatch(/bad\.json:1:\d+: \$: not valid JSON/);
    expect(configError({ file: write('dup.yaml', 'retries: 1\nretries: 2\n') }).message).toMatch(/dup\.yaml:2:\d+: \$: not valid YAML: Map keys must be unique/);
    expect(configError({ file: write('empty.yaml', '# nothing\n') }).message).toMatch(/the file is empty/);
    expect(configError({ file: write('list.yaml', '- a\n- b\n') }).message).toMatch(/expected a mapping/);
    expect(configError({ file: join(dir, 'site', 'missing.yaml') }).message).toMatch(/missing\.yaml: \$: cannot read: ENOENT/);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    expect(configError({ file: write('bomb.yaml', bomb) }).message).toMatch(/bomb\.yaml.*(alias|Excessive)/i);
  });

  it('binding names the transport rejects become config errors at their site-config path', () => {
    const f = write('bad-binding.yaml', 'target:\n  url: http://127.0.0.1:1/\n  soap:\n    operation: "has space"\n');
    const cfg = loadConfig({ file: f, secrets: new SecretRegistry(), env: {} });
    let err: unknown;
    try { resolveTargetBinding(cfg); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]).toMatchObject({ file: f, path: '$.target.soap.operation' });
  });
});

describe('site config: secrets from the environment', () => {
  it('resolves ${env:NAME}, registers the values and redacts them anywhere', () => {
    const secrets = new SecretRegistry();
    const f = write('env.yaml', 'target:\n  url: http://127.0.0.1:1/\n  headers: { X-Literal: "$${env:NOT_RESOLVED}" }\nauth:\n  headers:\n    Authorization: "Bearer ${env:HIS_TOKEN}"\n    X-Static: plain-secret-value\n');
    const cfg = loadConfig({ file: f, secrets, env: ENV });
    expect(cfg.auth.headers).toEqual({ Authorization: 'Bearer tok-Zq81xv', 'X-Static': 'plain-secret-value' });
    expect(cfg.target.headers['X-Literal']).toBe('${env:NOT_RESOLVED}');
    expect(cfg.envUsed).toEqual(['HIS_TOKEN']);
    const text = `request Authorization: Bearer tok-Zq81xv; static plain-secret-value; xml <t>tok-Zq81xv</t>; json {"a":"tok-Zq81xv"}`;
    const red = secrets.redact(text);
    expect(red).not.toContain('tok-Zq81xv');
    expect(red).not.toContain('plain-secret-value');
    expect(red).toContain('[REDACTED:env:HIS_TOKEN]');
    expect(secrets.names()).toContain('env:HIS_TOKEN');
  });

  it('an unknown environment variable is a clear config error (exit 2) at its path', () => {
    const f = write('env-missing.yaml', 'target:\n  url: http://127.0.0.1:1/\nauth:\n  headers:\n    Authorization: "Bearer ${env:NO_SUCH_VAR}"\n');
    const e = configError({ file: f, env: {} });
    expect(e.exitCode).toBe(2);
    expect(e.issues).toEqual([expect.objectContaining({ file: f, path: '$.auth.headers.Authorization', line: 5, message: 'environment variable NO_SUCH_VAR is not set' })]);
    expect(configError({ file: f, env: { NO_SUCH_VAR: '' } }).message).toMatch(/NO_SUCH_VAR is empty/);
  });

  it('rejects placeholders that are not ${env:NAME}', () => {
    const f = write('env-bad.yaml', 'target:\n  url: http://127.0.0.1:1/\nauth:\n  headers:\n    Authorization: "Bearer ${HIS_TOKEN}"\n');
    expect(configError({ file: f, env: ENV }).message).toMatch(/\$\.auth\.headers\.Authorization: unsupported placeholder "\$\{HIS_TOKEN\}"/);
  });

  it('error messages never carry a secret', () => {
    const secrets = new SecretRegistry();
    const f = write('env-url.yaml', 'target:\n  url: "${env:TARGET_URL}"\n');
    let msg = '';
    try { loadConfig({ file: f, secrets, env: { TARGET_URL: 'not-a-url-with-secret-x9' } }); } catch (e) { msg = (e as Error).message; }
    expect(msg).toMatch(/\$\.target\.url: not a valid URL/);
    expect(msg).not.toContain('secret-x9');
  });

  it('registers the client key (whole and line by line) and a URL password', () => {
    const secrets = new SecretRegistry();
    write('tls/client.key', `-----BEGIN PRIVATE KEY-----\n${keyBody}\n-----END PRIVATE KEY-----\n`);
    const f = write('tls.yaml', 'target: { url: "https://user:p%40ss-w0rd@127.0.0.1:1/" }\ntls: { cert: tls/client.pem, key: tls/client.key, verify: false }\n');
    const cfg = loadConfig({ file: f, secrets, env: {} });
    expect(cfg.tls.verify).toBe(false);
    expect(cfg.warnings.join('\n')).toMatch(/verification is OFF/);
    const oneLine = keyBody.split('\n')[2]!;
    expect(secrets.redact(`leak ${oneLine} leak`)).not.toContain(oneLine);
    expect(secrets.redact('https://user:p%40ss-w0rd@127.0.0.1:1/')).not.toContain('w0rd');
    expect(secrets.redact('password p@ss-w0rd')).not.toContain('w0rd');
  });
});
