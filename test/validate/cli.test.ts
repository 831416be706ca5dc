import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XmlElement } from 'libxml2-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { selectPath } from '../../src/xml/index.js';
import { hasShared, mutate, sample, SHARED, template } from './helpers.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'hutong', 'validate', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = w;
    process.stderr.write = e;
  }
}

let dir: string;
let good: string;
let bad: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hutong-cli-'));
  good = join(dir, 'EMR-SD-01-病历概要-测试-T01-001.xml');
  bad = join(dir, 'EMR-SD-32-住院病案首页-测试-T01-001.xml');
  writeFileSync(good, sample(template('C0001')));
  writeFileSync(bad, mutate(sample(template('C0032')), (root) => (selectPath(root, 'hl7:realmCode')[0] as XmlElement).remove()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hutong validate (CLI)', () => {
  it('exit 0 when every file conforms; human output with a summary line', async () => {
    const r = await run(good);
    expect(r.code).toBe(0);
    expect(r.out).toContain('✓');
    expect(r.out).toMatch(/汇总：1 个文件，1 通过/);
  });

  it('exit 1 on a non-conformance, with rule id, line, message and hint', async () => {
    const r = await run(good, bad);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/HT-TPL-REALM\s+第 \d+ 行\s+realmCode 应为 code="CN"/);
    expect(r.out).toContain('提示: 添加 <realmCode code="CN"/>');
  });

  it('--json prints {files, layers} exactly; --lang en switches the language', async () => {
    const r = await run('--json', '--lang', 'en', bad);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { files: { path: string; kind: string; documentType?: string; verdict: string; findings: { rule: string; severity: string; message: string; line?: number; xpath?: string; clause?: string }[] }[]; layers: { id: string; ran: boolean }[] };
    expect(Object.keys(j).sort()).toEqual(['files', 'layers']);
    expect(j.files[0]).toMatchObject({ path: bad, kind: 'wst500', documentType: 'C0032', verdict: 'fail' });
    const f = j.files[0]!.findings.find((x) => x.rule === 'HT-TPL-REALM')!;
    expect(f).toMatchObject({ severity: 'error', message: 'realmCode must be code="CN".' });
    expect(f.clause).toContain('WS/T 500');
    expect(j.layers.map((l) => l.id)).toEqual(['preflight', 'xsd-documents', 'xsd-messages', 'template', 'terminology', 'message', 'package']);
    expect(j.layers.every((l) => l.ran)).toBe(true);
  });

  it('exit 2 for an unreadable input, a usage error, or a missing --schemas folder', async () => {
    expect((await run(join(dir, 'missing.xml'))).code).toBe(2);
    expect((await run('--lang', 'fr', good)).code).toBe(2);
    expect((await run('--schemas', join(dir, 'nope'), good)).code).toBe(2);
    expect((await run('--plan', 'hospital-9', good)).code).toBe(2);
  });

  it('exit 2 when the document schema set cannot be used (a layer that cannot run is loud)', async () => {
    const r = await run('--json', '--schemas', dir, good);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out) as { files: { verdict: string; findings: { rule: string }[] }[]; layers: { id: string; ran: boolean; error?: string }[] };
    expect(j.files[0]!.verdict).toBe('error');
    expect(j.files[0]!.findings.map((f) => f.rule)).toContain('HT-XSD-UNAVAILABLE');
    const l = j.layers.find((x) => x.id === 'xsd-documents')!;
    expect(l.ran).toBe(false);
    expect(l.error).toBeTruthy();
  });

  it.skipIf(!hasShared)('SampleCDADocument.xml: XSD-valid, not a WS/T 500 document, exit 1', async () => {
    const r = await run('--json', new URL('hl7-cda-r2/infrastructure/cda/SampleCDADocument.xml', SHARED).pathname);
    expect(r.code).toBe(1);
    const rules = (JSON.parse(r.out) as { files: { findings: { rule: string }[] }[] }).files[0]!.findings.map((f) => f.rule);
    expect(rules).toContain('HT-TPL-DOCTYPE-UNKNOWN');
    expect(rules).not.toContain('HT-XSD-INVALID');
  });
});
