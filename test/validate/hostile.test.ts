import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateFiles, validateText, type ValidationReport } from '../../src/validate/index.js';
import { workerScript } from '../../src/validate/pool.js';
import { rules, sample, template } from './helpers.js';

/**
 * Hostile and broken inputs: each gives a clean finding with the right rule id, no crash, no
 * hang, no file read through an entity; a folder holding them next to good files still reports
 * the good files as passing.
 */

let dir: string;
const CANARY = `hutong-canary-${process.pid}-${Date.now()}`;
const good = () => sample(template('C0001'));
const goodName = 'EMR-SD-01-病历概要-测试-T01-001.xml';

const HOSTILE: Record<string, { bytes: () => Buffer | string; rule: string }> = {
  'billion-laughs.xml': {
    rule: 'HT-PRE-ENTITY',
    bytes: () => `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&lol9;</title></ClinicalDocument>`,
  },
  'xxe.xml': {
    rule: 'HT-PRE-ENTITY',
    bytes: () => `<?xml version="1.0"?>
<!DOCTYPE ClinicalDocument [<!ENTITY leak SYSTEM "file://${join(dir, 'canary.txt')}">]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&leak;</title></ClinicalDocument>`,
  },
  'deep.xml': {
    rule: 'HT-PRE-TOO-DEEP',
    bytes: () => `<ClinicalDocument xmlns="urn:hl7-org:v3">${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</ClinicalDocument>`,
  },
  'truncated.xml': {
    rule: 'HT-PRE-MALFORMED',
    bytes: () => good().slice(0, Math.floor(good().length / 2)),
  },
  'bad-utf8.xml': {
    rule: 'HT-PRE-ENCODING',
    bytes: () => {
      const b = Buffer.from(good(), 'utf8');
      const at = b.indexOf('<title>') + 7;
      return Buffer.concat([b.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3]), b.subarray(at)]);
    },
  },
  'empty.xml': { rule: 'HT-PRE-UNREADABLE', bytes: () => '' },
  'not-xml.xml': { rule: 'HT-PRE-MALFORMED', bytes: () => '%PDF-1.4 binary junk \u0000\u0001' },
  'unknown-root.xml': { rule: 'HT-PRE-KIND-UNKNOWN', bytes: () => '<invoice><total>1</total></invoice>' },
  'no-namespace.xml': { rule: 'HT-PRE-NAMESPACE', bytes: () => '<ClinicalDocument><title>x</title></ClinicalDocument>' },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hutong-hostile-'));
  writeFileSync(join(dir, 'canary.txt'), CANARY);
  for (const [n, h] of Object.entries(HOSTILE)) writeFileSync(join(dir, n), h.bytes());
  // 100 MB: a good head, then a comment that never ends politely; written in chunks, not held
  const fd = openSync(join(dir, 'huge.xml'), 'w');
  writeSync(fd, '<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"><!--');
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  for (let i = 0; i < 100; i++) writeSync(fd, chunk);
  writeSync(fd, '--></ClinicalDocument>');
  closeSync(fd);
  writeFileSync(join(dir, goodName), good());
  // another seed: the same document twice would (rightly) be a duplicated document id
  const gbk = sample(template('C0001'), 2).replace('encoding="UTF-8"', 'encoding="GBK"');
  writeFileSync(join(dir, 'EMR-SD-01-病历概要-测试-T01-002-gbk.xml'), iconv.encode(gbk, 'gbk'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile inputs, one at a time', () => {
  for (const [n, h] of Object.entries(HOSTILE)) {
    it(`${n} → ${h.rule}`, () => {
      const r = validateText(Buffer.from(h.bytes()), { fileName: n });
      expect(rules(r, r.findings[0]?.severity)).toContain(h.rule);
      expect(r.verdict).not.toBe('pass');
      expect(JSON.stringify(r)).not.toContain(CANARY);
    });
  }

  it('malformed input names line and column', () => {
    const r = validateText(HOSTILE['truncated.xml']!.bytes(), { fileName: 't.xml' });
    const f = r.findings.find((x) => x.rule === 'HT-PRE-MALFORMED')!;
    expect(f.line).toBeGreaterThan(1);
    expect(f.column).toBeGreaterThan(0);
  });

  it('invalid UTF-8 names the line of the bad byte', () => {
    const r = validateText(HOSTILE['bad-utf8.xml']!.bytes(), { fileName: 'u.xml' });
    expect(r.findings[0]!.line).toBeGreaterThan(1);
  });

  it('a 100 MB document is refused by size before parsing', () => {
    const r = validateText(Buffer.alloc(100 * 1024 * 1024 + 1, 0x20), { fileName: 'huge.xml' });
    expect(rules(r)).toEqual(['HT-PRE-TOO-LARGE']);
  });

  it('a document declared GBK is decoded, reported, and otherwise judged as usual', () => {
    const gbk = iconv.encode(good().replace('encoding="UTF-8"', 'encoding="GBK"'), 'gbk');
    const r = validateText(gbk, { fileName: goodName });
    expect(rules(r)).toEqual(['HT-PRE-ENCODING-DECLARED']);
    expect(r.verdict).toBe('pass');
  });

  it('a UTF-8 byte-order mark is noted, not held against the file', () => {
    const r = validateText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good())]), { fileName: goodName });
    expect(rules(r)).toEqual(['HT-PRE-BOM']);
    expect(r.verdict).toBe('pass');
  });
});

function check(report: ValidationReport): void {
  const by = (n: string) => report.files.find((f) => f.path.endsWith(n));
  expect(by(goodName)?.verdict).toBe('pass');
  expect(by('EMR-SD-01-病历概要-测试-T01-002-gbk.xml')?.verdict).toBe('pass');
  for (const [n, h] of Object.entries(HOSTILE)) expect(rules(by(n)!), n).toContain(h.rule);
  expect(rules(by('huge.xml')!)).toEqual(['HT-PRE-TOO-LARGE']);
  expect(report.files).toHaveLength(Object.keys(HOSTILE).length + 3);
  expect(JSON.stringify(report)).not.toContain(CANARY);
}

describe('a folder of hostile files next to good ones', () => {
  it('in-process: the good files still pass', async () => {
    check(await validateFiles([dir], { workers: 0 }));
  });

  it.skipIf(workerScript() === undefined)('with worker threads: the same report', async () => {
    check(await validateFiles([dir], { workers: 2 }));
  });

  it('with the fast accept path forced off: exactly the same files, findings and verdicts', async () => {
    const on = await validateFiles([dir], { workers: 0 });
    const off = await validateFiles([dir], { workers: 0, fastPath: false });
    check(off);
    expect(JSON.stringify(on.files)).toBe(JSON.stringify(off.files));
  });
});
