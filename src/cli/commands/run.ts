import type { RegisterCommand } from './index.js';

// Placeholder until the run command lands; it fails loudly rather than pretending.
export const registerrun: RegisterCommand = (program, setExit) => {
  program
    .command('run')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong run: not implemented yet\n');
      setExit(2);
    });
};
