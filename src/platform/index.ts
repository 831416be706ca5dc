/**
 * src/platform — the reference platform `hutong serve`: all catalogue services over SOAP 1.1,
 * SOAP 1.2 and plain HTTP at once, SQLite persistence (WAL), deterministic seed data and
 * named fault profiles the harness must detect.
 *
 *   startPlatform(opts) → RunningPlatform { urls, port, host, close() }
 *   FAULT_PROFILES      → { name, description, failsCases(plan, catalog) }[]
 */
export type { FaultProfile, PlatformOptions, PlatformUrls, RunningPlatform } from './types.js';
export { startPlatform, DEFAULT_MAX_BODY } from './server.js';
export { FAULT_PROFILES, FAULT_NAMES, UnknownFaultError } from './faults.js';
