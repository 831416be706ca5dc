import type { RegisterCommand } from './index.js';

// Placeholder until the report command lands; it fails loudly rather than pretending.
export const registerreport: RegisterCommand = (program, setExit) => {
  program
    .command('report')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong report: not implemented yet\n');
      setExit(2);
    });
};
