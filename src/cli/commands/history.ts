import type { RegisterCommand } from './index.js';

// Placeholder until the history command lands; it fails loudly rather than pretending.
export const registerhistory: RegisterCommand = (program, setExit) => {
  program
    .command('history')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong history: not implemented yet\n');
      setExit(2);
    });
};
