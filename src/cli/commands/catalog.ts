import type { RegisterCommand } from './index.js';

// Placeholder until the catalog command lands; it fails loudly rather than pretending.
export const registercatalog: RegisterCommand = (program, setExit) => {
  program
    .command('catalog')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong catalog: not implemented yet\n');
      setExit(2);
    });
};
