import type { Command } from 'commander';

/** A command module adds its sub-command; setExit raises the process exit code (max wins). */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;

/**
 * Every command by name, each module loaded only when asked for: a command pulls in only its own
 * stages (`hutong validate` never loads the load generator, the platform or the report writers,
 * ≈ 0.5 s of start-up). Help and an unknown name load them all. Listed in help order.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  catalog: async () => (await import('./catalog.js')).registercatalog,
  validate: async () => (await import('./validate.js')).registervalidate,
  sample: async () => (await import('./sample.js')).registersample,
  serve: async () => (await import('./serve.js')).registerserve,
  run: async () => (await import('./run.js')).registerrun,
  perf: async () => (await import('./perf.js')).registerperf,
  report: async () => (await import('./report.js')).registerreport,
  diff: async () => (await import('./diff.js')).registerdiff,
  history: async () => (await import('./history.js')).registerhistory,
  demo: async () => (await import('./demo.js')).registerdemo,
};

/** The commands a command line needs: the one it names, or all of them (help, version, a mistake). */
export async function commandsFor(args: readonly string[]): Promise<RegisterCommand[]> {
  // the first word that is not an option names the command (hutong has no global option with a value)
  const name = args.find((a) => !a.startsWith('-'));
  const one = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (one) return [await one()];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}
