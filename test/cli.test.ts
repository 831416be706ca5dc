import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

describe('cli', () => {
  it('prints its version and exits 0', async () => {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => { chunks.push(String(s)); return true; }) as typeof process.stdout.write;
    try {
      expect(await main(['node', 'hutong', '--version'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(chunks.join('')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on an unknown command', async () => {
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'hutong', 'no-such-command'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
  });
});
