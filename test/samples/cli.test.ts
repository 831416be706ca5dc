import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { selectValue, withXml } from '../../src/xml/index.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'hutong', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = w;
    process.stderr.write = e;
  }
}

describe('hutong sample', () => {
  it('lists the templates', async () => {
    const r = await run(['sample', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { code: string }[];
    expect(list.map((d) => d.code)).toContain('C0004');
  });

  it('prints a document, the same for the same seed', async () => {
    const a = await run(['sample', 'document', 'C0004', '--seed', '3']);
    const b = await run(['sample', 'document', 'c0004', '--seed', '3']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    withXml(a.out, (doc) => {
      expect(selectValue(doc, 'hl7:code/@code')).toBe('C0004');
      expect(selectValue(doc, 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name')).toMatch(/^测试/);
    });
  });

  it('exits 2 on an unknown template or a bad seed', async () => {
    expect((await run(['sample', 'document', 'C9999'])).code).toBe(2);
    expect((await run(['sample', 'document', 'C0004', '--seed', '-1'])).code).toBe(2);
  });
});
