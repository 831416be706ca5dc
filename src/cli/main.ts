import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { commandsFor } from './commands/index.js';

/** Exit codes shared by every command (README documents them). */
export const EXIT = { ok: 0, fail: 1, usage: 2, invalid: 3 } as const;

export async function main(argv: string[]): Promise<number> {
  const program = new Command('hutong')
    .description('互通 — 互联互通标准化成熟度测评 定量测试 harness')
    .version(TOOL_VERSION)
    .exitOverride()
    .showHelpAfterError();
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => { exitCode = Math.max(exitCode, code); };
  for (const register of await commandsFor(argv.slice(2))) register(program, setExit);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are not errors
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`hutong: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  return exitCode;
}

/** A user mistake (bad option, unreadable file, broken plan): exit 2 with the message only. */
export class UsageError extends Error {}
