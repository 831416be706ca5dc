import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/validate/index.js';

const doc = readFileSync(new URL('../../docs/validate.md', import.meta.url), 'utf8');

describe('docs/validate.md', () => {
  it('lists every rule id of the validator layers, as the registry has it', () => {
    const ids = RULES.filter((r) => /^HT-(PRE|XSD|TPL|TERM|MSG|PKG)-/.test(r.id) && !r.retired);
    expect(ids.length).toBeGreaterThan(40);
    for (const r of ids) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${r.id}\` |`));
      expect(row, r.id).toBeDefined();
      expect(row, r.id).toContain(`| ${r.severity} |`);
    }
  });

  it('documents the exit codes and every option of the command', () => {
    for (const o of ['--json', '--plan', '--schemas', '--lang', '--max-bytes', '--workers']) expect(doc).toContain(o);
    expect(doc).toMatch(/\| 0 \|[^\n]*\n\| 1 \|[^\n]*\n\| 2 \|/);
  });
});
