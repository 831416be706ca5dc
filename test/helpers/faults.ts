import { expect } from 'vitest';
import type { Catalog, PlanDef } from '../../src/catalog/types.js';
import type { FaultProfile } from '../../src/platform/index.js';
import type { RunOutcome } from '../../src/run/index.js';

/**
 * A run against a platform with `profile` switched on fails exactly the cases the profile
 * declares for `plan`, and hides nothing: any other non-pass case is a skip naming the failed
 * case it needs. The exit code follows (1 when something failed). Returns the declared ids.
 */
export function expectFailsExactly(r: RunOutcome, profile: FaultProfile, plan: PlanDef, catalog: Catalog): string[] {
  const declared = [...profile.failsCases(plan, catalog)].sort();
  const failed = r.record.cases.filter((c) => c.result === 'fail' || c.result === 'error').map((c) => c.id).sort();
  expect(failed).toEqual(declared);
  for (const c of r.record.cases.filter((x) => x.result === 'skip')) expect(c.reason ?? '').toMatch(/needs|依赖/);
  expect(r.exitCode).toBe(declared.length ? 1 : 0);
  return declared;
}
