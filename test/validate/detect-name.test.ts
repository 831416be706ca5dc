import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTestName, type TestName } from '../../src/validate/detect.js';

/**
 * parseTestName reads the name character by character; the regular expressions it was written
 * with (until session 13) are the oracle: same result, field for field, on any file name.
 */
const TEST_NAME = /^(EMR|EHR)-(SD|PL|DE)-(\d{1,3})(?:-(.*))?$/i;
const VARIANT = /(?:^|-)([TF]\d{2})(?=-|$)/;

function byRegex(fileName: string): TestName | undefined {
  const base = fileName.split(/[\\/!]/).pop() ?? fileName;
  const stem = base.replace(/\.[A-Za-z0-9]+$/, '');
  const m = TEST_NAME.exec(stem);
  if (!m) return undefined;
  const family = m[1]!.toUpperCase() as 'EMR' | 'EHR';
  const kind = m[2]!.toUpperCase();
  const rest = m[4] ?? '';
  const role = kind === 'SD' ? 'document' : kind === 'PL' ? 'service' : 'dataset';
  const out: TestName = { role, family, number: Number(m[3]), prefix: `${family}-${kind}-${m[3]}` };
  const v = VARIANT.exec(rest);
  if (v) out.variant = v[1]!.toUpperCase();
  const label = rest.split('-')[0];
  if (label) out.label = label;
  return out;
}

describe('parseTestName', () => {
  const cases = [
    'EMR-SD-04-出院小结-T01.xml', 'emr-sd-4.xml', 'EHR-PL-12-个人信息注册-F01', 'dir/EMR-DE-003-x-T01-y.XML', 'a\\b!EMR-SD-01', 'EMR-SD-1234.xml',
    'EMR-SD-01-', 'EMR-SD-01-T1', 'EMR-SD-01-T012', 'EMR-SD-01-t01', 'EMR-SD-01-x-F99', 'EMR-ſD-01.xml', 'EMR-SD-01-a\nb.xml', 'EMR-SD-01.tar.gz',
    'EMR-SD-.xml', '.xml', 'EMR-SD-01.', 'EMR-SD-01.x-y', 'EMR-SD-01-a\u2028', 'EHR-de-7-T01-F02', '', 'EMRSD-01', 'EMR-SD-０1.xml', 'EMR-SD-01-—T01',
  ];
  it('reads written names as the regular expressions did', () => {
    for (const c of cases) expect(parseTestName(c), c).toEqual(byRegex(c));
    expect(parseTestName('x/EMR-SD-04-出院小结-T01-00001.xml')).toEqual({ role: 'document', family: 'EMR', number: 4, prefix: 'EMR-SD-04', variant: 'T01', label: '出院小结' });
    expect(parseTestName('EMR-ſD-01.xml')).toBeUndefined();
  });

  it('agrees with them on any name built from the pieces that matter', () => {
    const piece = fc.constantFrom('EMR', 'EHR', 'emr', 'eHr', 'EXR', 'SD', 'PL', 'de', 'DX', 'ſd', '-', '--', '0', '04', '123', '1234', 'T01', 'F9', 'f01', 'T012',
      '.xml', '.', '.XmL9', '.x-y', '/', '\\', '!', '出院小结', '\n', '\r', '\u2028', ' ', 'ı', 'K');
    fc.assert(fc.property(fc.array(piece, { maxLength: 10 }), fc.boolean(), (parts, prefixed) => {
      const name = (prefixed ? 'EMR-SD-' : '') + parts.join('');
      expect(parseTestName(name)).toEqual(byRegex(name));
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => {
      expect(parseTestName(s)).toEqual(byRegex(s));
      expect(parseTestName(`EHR-PL-7-${s}`)).toEqual(byRegex(`EHR-PL-7-${s}`));
    }), { numRuns: 2000 });
  });
});
