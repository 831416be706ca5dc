import type { RegisterCommand } from './index.js';

// Placeholder until the serve command lands; it fails loudly rather than pretending.
export const registerserve: RegisterCommand = (program, setExit) => {
  program
    .command('serve')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong serve: not implemented yet\n');
      setExit(2);
    });
};
