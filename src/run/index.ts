/**
 * src/run — the live quantitative test: `runPlan` drives a platform through the plan's cases
 * and writes record.json plus the evidence (runner.ts); the site config, the crash-safe journal
 * and the record contract it builds on live next to it.
 */
export { runPlan, ResumeError, type RunOptions, type RunOutcome } from './runner.js';
export { ConfigError, loadConfig, type SiteConfig } from './config.js';
export { readRecord, writeRecord, RECORD_FILE, RecordFileError } from './record-io.js';
export { validateRecord, decideVerdict, exitCodeFor, judge, type RunRecord, type CaseRecord, type PerformanceRecord, type Verdict } from './record.js';
export { readJournal, journalState, listEvidence, JOURNAL_FILE, EVIDENCE_DIR } from './journal.js';
