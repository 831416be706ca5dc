import type { RegisterCommand } from './index.js';

// Placeholder until the diff command lands; it fails loudly rather than pretending.
export const registerdiff: RegisterCommand = (program, setExit) => {
  program
    .command('diff')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong diff: not implemented yet\n');
      setExit(2);
    });
};
