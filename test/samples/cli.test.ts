import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { selectValue, withXml } from '../../src/xml/index.js';


describe('hutong sample', () => {
  it('lists the templates', async () => {
    const r = await runCli(['sample', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { code: string }[];
    expect(list.map((d) => d.code)).toContain('C0004');
  });

  it('prints a document, the same for the same seed', async () => {
    const a = await runCli(['sample', 'document', 'C0004', '--seed', '3']);
    const b = await runCli(['sample', 'document', 'c0004', '--seed', '3']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    withXml(a.stdout, (doc) => {
      expect(selectValue(doc, 'hl7:code/@code')).toBe('C0004');
      expect(selectValue(doc, 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name')).toMatch(/^测试/);
    });
  });

  it('exits 2 on an unknown template or a bad seed', async () => {
    expect((await runCli(['sample', 'document', 'C9999'])).code).toBe(2);
    expect((await runCli(['sample', 'document', 'C0004', '--seed', '-1'])).code).toBe(2);
  });
});
