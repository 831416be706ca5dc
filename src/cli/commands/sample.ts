import type { RegisterCommand } from './index.js';

// Placeholder until the sample command lands; it fails loudly rather than pretending.
export const registersample: RegisterCommand = (program, setExit) => {
  program
    .command('sample')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong sample: not implemented yet\n');
      setExit(2);
    });
};
