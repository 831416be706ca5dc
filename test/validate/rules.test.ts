import { describe, expect, it } from 'vitest';
import { RULES, finding, ruleById } from '../../src/validate/rules.js';

const placeholders = (s: string) => new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));

describe('rule registry', () => {
  it('has unique ids following HT-<LAYER>-<NAME>', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) expect(r.id).toMatch(new RegExp(`^HT-${r.layer}-[A-Z0-9-]+$`));
  });

  it('uses the same placeholders in Chinese and English', () => {
    for (const r of RULES) {
      expect([...placeholders(r.en)].sort(), r.id).toEqual([...placeholders(r.zh)].sort());
      expect([...placeholders(r.hintEn)].sort(), r.id).toEqual([...placeholders(r.hintZh)].sort());
    }
  });

  it('fills messages, clause and location', () => {
    const f = finding('HT-TPL-ENTRY-MISSING', { name: '收缩压', de: 'DE04.10.174.00', where: '生命体征章节', clause: '§5.3' }, { file: 'a.xml', line: 12, xpath: '/ClinicalDocument' });
    expect(f).toMatchObject({ rule: 'HT-TPL-ENTRY-MISSING', severity: 'error', file: 'a.xml', line: 12, xpath: '/ClinicalDocument' });
    expect(f.message).toBe('缺少必填数据元 收缩压（DE04.10.174.00）。');
    expect(f.clause).toBe('WS/T 500-2016 §5.3');
    expect(f.hint).toContain('生命体征章节');
  });

  it('refuses unknown rule ids', () => {
    expect(() => ruleById('HT-NOPE')).toThrow(/unknown rule/);
  });
});
