import type { RegisterCommand } from './index.js';

// Placeholder until the perf command lands; it fails loudly rather than pretending.
export const registerperf: RegisterCommand = (program, setExit) => {
  program
    .command('perf')
    .description('(not yet implemented)')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write('hutong perf: not implemented yet\n');
      setExit(2);
    });
};
