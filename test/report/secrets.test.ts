import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { renderReports, SecretScrubber } from '../../src/report/index.js';
import { SECRETS, makeRun, secretRegistry } from './fixtures.js';
import { outputTexts } from './outputs.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

describe('secrets never reach a report', () => {
  it('the run folder really holds the planted secrets (the test can fail)', () => {
    const { dir } = makeRun({ variant: 'faulty' });
    dirs.push(dir);
    const all = walk(dir).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const s of Object.values(SECRETS)) expect(all, s).toContain(s);
  });

  for (const mask of [false, true]) {
    it(`no planted secret in any output file${mask ? ' (masked)' : ''}`, async () => {
      const { dir } = makeRun({ variant: 'faulty' });
      dirs.push(dir);
      const files = await renderReports(dir, { mask, secrets: secretRegistry() });
      expect(files).toHaveLength(4);
      const texts = await outputTexts(files);
      for (const [file, text] of texts) {
        for (const [what, s] of Object.entries(SECRETS)) expect(text.includes(s), `${what} in ${file}`).toBe(false);
        // spellings of a registered secret too (escaped, JSON, URL-encoded)
        expect(secretRegistry().leaks(text), file).toEqual([]);
      }
      // the raw zip as well, not just what exceljs reads back
      const raw = readFileSync(files.find((f) => f.endsWith('.xlsx'))!).toString('latin1');
      expect(raw.includes(SECRETS.registered)).toBe(false);
    });
  }

  it('hutong report --config scrubs the site config\'s secrets by value', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const { writeFileSync } = await import('node:fs');
    const { dir, record } = makeRun({ variant: 'faulty', hostile: false });
    dirs.push(dir);
    const { writeRecord } = await import('../../src/run/record-io.js');
    const { SecretRegistry } = await import('../../src/run/secrets.js');
    const odd = 'plain-looking-value-4471';
    writeRecord(dir, { ...record, cases: record.cases.map((c) => (c.id === 'EMR-PL-03-T01' ? { ...c, reason: `platform said ${odd}` } : c)) }, new SecretRegistry());
    const site = join(dir, 'site.yaml');
    writeFileSync(site, 'target:\n  url: http://127.0.0.1:18080/soap11\nauth:\n  headers:\n    X-Custom: "${env:HUTONG_TEST_REPORT_SECRET}"\n');
    process.env.HUTONG_TEST_REPORT_SECRET = odd;
    try {
      const r = await runCli(['report', dir, '--config', site, '--format', 'md,junit']);
      expect(r.code).toBe(0);
      const texts = await outputTexts([join(dir, 'summary.md'), join(dir, 'junit.xml')]);
      for (const [f, t] of texts) expect(t.includes(odd), f).toBe(false);
      expect(texts.get(join(dir, 'junit.xml'))).toContain('platform said [REDACTED:');
    } finally {
      delete process.env.HUTONG_TEST_REPORT_SECRET;
    }
  });

  it('scrubs credentials by shape when no registry knows them', () => {
    const s = new SecretScrubber();
    const cases: [string, string][] = [
      [`Authorization: Bearer ${SECRETS.bearer}`, SECRETS.bearer],
      [`cookie: JSESSIONID=abc123456789`, 'abc123456789'],
      [`http://u:${SECRETS.urlPassword}@h/x`, SECRETS.urlPassword],
      [`https://h/x?access_token=${SECRETS.jsonToken}&a=1`, SECRETS.jsonToken],
      [`{"apiKey": "${SECRETS.apiKey}"}`, SECRETS.apiKey],
      [`password: ${SECRETS.wssePassword}`, SECRETS.wssePassword],
      [`<wsse:Password Type="x">${SECRETS.wssePassword}</wsse:Password>`, SECRETS.wssePassword],
      [`&lt;wsse:Password&gt;${SECRETS.wssePassword}&lt;/wsse:Password&gt;`, SECRETS.wssePassword],
      [`-----BEGIN RSA PRIVATE KEY-----\n${SECRETS.pemBody}\n-----END RSA PRIVATE KEY-----`, SECRETS.pemBody],
    ];
    for (const [text, secret] of cases) expect(s.text(text), text).not.toContain(secret);
    // ordinary text is left alone
    expect(s.text('应答码为 AE，期望 AA; token 数 3')).toBe('应答码为 AE，期望 AA; token 数 3');
  });
});
