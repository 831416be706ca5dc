/**
 * Findings: the one shape every validation layer, case and report speaks.
 * A finding names a stable rule id (never renumbered; see docs/rules.md), the clause of the
 * standard it rests on, where it is, and what to do about it — in Chinese first.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** stable rule id, e.g. HT-XSD-001, HT-TPL-ENTRY-MISSING */
  rule: string;
  severity: Severity;
  /** Chinese message (default language) */
  message: string;
  /** English message for --lang en */
  messageEn?: string;
  /** Chinese fix hint */
  hint?: string;
  hintEn?: string;
  /** standard and clause, e.g. "WS/T 500.4-2016 §5.2" */
  clause?: string;
  file?: string;
  line?: number;
  column?: number;
  xpath?: string;
}

/** What a validation layer was, for the manifest of every result and record. */
export interface LayerManifest {
  id: string;
  name: string;
  engine: string;
  engineVersion: string;
  /** version/hash of the data it used (schema set, catalogue) */
  dataVersion: string;
  ran: boolean;
  /** why a layer that should have run did not: reported loudly, never skipped silently */
  error?: string;
}
