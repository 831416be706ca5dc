import type { Command } from 'commander';
import { registercatalog } from './catalog.js';
import { registervalidate } from './validate.js';
import { registersample } from './sample.js';
import { registerserve } from './serve.js';
import { registerrun } from './run.js';
import { registerperf } from './perf.js';
import { registerreport } from './report.js';
import { registerdiff } from './diff.js';
import { registerhistory } from './history.js';
import { registerdemo } from './demo.js';

/** A command module adds its sub-command; setExit raises the process exit code (max wins). */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;

export const commands: RegisterCommand[] = [
  registercatalog, registervalidate, registersample, registerserve, registerrun,
  registerperf, registerreport, registerdiff, registerhistory, registerdemo,
];
