import type { RegisterCommand } from './index.js';

// Placeholder until the validate command lands; it fails loudly rather than pretending.
export const registervalidate: RegisterCommand = (program, setExit) => {
  program
    .command('validate')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong validate: not implemented yet\n');
      setExit(2);
    });
};
