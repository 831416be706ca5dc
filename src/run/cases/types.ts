/**
 * What a case is to the runner: a stable id, what it needs to have passed before it, and a
 * `run` that talks to the platform only through the CaseContext (every exchange journaled
 * before the run moves on) and reports through a CaseBuilder.
 */
import type { Catalog, PlanDef, ServiceDef } from '../../catalog/types.js';
import type { Finding } from '../../findings/types.js';
import type { Binding } from '../../transport/binding.js';
import type { Exchange } from '../../transport/client.js';
import type { ReadMessageResult } from '../../samples/message.js';
import type { SiteConfig } from '../config.js';
import type { CaseArea, CaseRecord } from '../record.js';
import type { RunData } from './data.js';

export interface SendResult {
  exchange: Exchange;
  /** the message id of the request (the acknowledgement must echo it) */
  requestId: string;
  /** the V3 response, when the transport got one out of the envelope */
  v3?: string;
  read?: ReadMessageResult;
  /** transport-level findings (HT-TX-*) */
  findings: Finding[];
  /** evidence files of this exchange, relative to the run folder */
  evidence: string[];
}

export interface CaseContext {
  readonly catalog: Catalog;
  readonly plan: PlanDef;
  readonly cfg: SiteConfig;
  readonly binding: Binding;
  readonly data: RunData;
  readonly runDir: string;
  /** records of the cases that ended (this run and, on resume, before it) */
  readonly results: ReadonlyMap<string, CaseRecord>;
  /** services of the plan (and those the site config adds), by code */
  readonly services: ReadonlyMap<string, ServiceDef>;
  send(caseId: string, service: ServiceDef, v3xml: string, requestId: string): Promise<SendResult>;
  /** another evidence file of a case; returns its path relative to the run folder */
  evidence(caseId: string, name: string, data: string | Uint8Array): string;
}

/** Collects what a case established. */
export class CaseBuilder {
  readonly findings: Finding[] = [];
  readonly evidence: string[] = [];
  reason?: string;
  /** set to end the case as error/skip regardless of findings */
  forced?: 'error' | 'skip';
  /** optional extra properties of the case record (dataset coverage …) */
  extra: Record<string, unknown> = {};

  add(...f: Finding[]): void {
    this.findings.push(...f);
  }

  addEvidence(...files: string[]): void {
    for (const f of files) if (!this.evidence.includes(f)) this.evidence.push(f);
  }

  /** fail the case with a reason even without an error finding */
  failed = false;

  fail(reason: string): void {
    this.failed = true;
    this.reason ??= reason;
  }

  hasErrors(): boolean {
    return this.findings.some((f) => f.severity === 'error');
  }
}

export interface CaseSpec {
  id: string;
  title: string;
  area: CaseArea;
  required: boolean;
  /** cases that must have passed for this one to mean anything (skip otherwise) */
  needs: string[];
  /** cases that must run before this one (order only) */
  after: string[];
  run(ctx: CaseContext, out: CaseBuilder): Promise<void>;
}
