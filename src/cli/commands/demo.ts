import type { RegisterCommand } from './index.js';

// Placeholder until the demo command lands; it fails loudly rather than pretending.
export const registerdemo: RegisterCommand = (program, setExit) => {
  program
    .command('demo')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong demo: not implemented yet\n');
      setExit(2);
    });
};
