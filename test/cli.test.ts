import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandsFor } from '../src/cli/commands/index.js';
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

  it('loads the module of the command it runs only; help, version and mistakes load every command', async () => {
    const names = async (args: string[]) => {
      const program = new Command('hutong');
      for (const register of await commandsFor(args)) register(program, () => {});
      return program.commands.map((c) => c.name());
    };
    expect(await names(['validate', 'a.xml', '--json'])).toEqual(['validate']);
    expect(await names(['perf', '--plan', 'hospital-5a'])).toEqual(['perf']);
    const all = Object.keys(COMMANDS);
    expect(all).toHaveLength(10);
    for (const args of [[], ['--help'], ['-V'], ['no-such-command'], ['help', 'run']]) expect(await names(args)).toEqual(all);
  });
});
