import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/platform/index.js';
import { extractRecords } from '../../src/samples/message.js';
import { call, catalog, service, transportFor, values } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hutong-platform-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The database file opened read-only for `fn`, closed afterwards even when an assertion fails. */
function withDb(db: string, fn: (check: Database.Database) => void): void {
  const check = new Database(db, { readonly: true });
  try {
    fn(check);
  } finally {
    check.close();
  }
}

function expectIntact(check: Database.Database): void {
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
}

describe('persistence', () => {
  it('what was registered stays registered across a restart (--db)', async () => {
    const db = join(dir, 'restart.sqlite');
    const v = values('patient', 51);
    const u: Record<string, string> = { ...values('patient', 52), patientId: v.patientId! };
    let p = await startPlatform({ catalog, db, seedVisits: 0 });
    let t = transportFor(p);
    expect((await call(t, service('PatientInfoRegister'), v)).read?.ack?.typeCode).toBe('AA');
    expect((await call(t, service('PatientInfoUpdate'), u)).read?.ack?.typeCode).toBe('AA');
    await t.close();
    await p.close();

    p = await startPlatform({ catalog, db, seedVisits: 0 });
    t = transportFor(p);
    try {
      const q = await call(t, service('PatientInfoQuery'), { patientId: v.patientId! });
      const recs = extractRecords(service('PatientInfoQuery'), catalog.entities.get('patient')!, q.ex.v3xml!);
      expect(recs).toHaveLength(1);
      expect(recs[0]!.name).toBe(u.name);
    } finally {
      await t.close();
      await p.close();
    }
    withDb(db, expectIntact);
  });

  it('seeds deterministic data once per database, documents built on first retrieval', async () => {
    const db = join(dir, 'seed.sqlite');
    const p = await startPlatform({ catalog, db, seed: 9, seedVisits: 1 });
    const t = transportFor(p);
    try {
      const h = (await (await fetch(p.urls.health)).json()) as { records: number; seeded: number };
      expect(h.seeded).toBeGreaterThan(53);
      const q = await call(t, service('PatientInfoQuery'), { patientId: 'SEED9P1' });
      expect(q.read?.recordCount).toBe(1);
      const d = await call(t, service('DocumentRetrieve'), { documentId: 'SEED9V1-C0002' });
      const rec = extractRecords(service('DocumentRetrieve'), catalog.entities.get('document')!, d.ex.v3xml!)[0]!;
      expect(Buffer.from(rec.content!, 'base64').toString('utf8')).toContain('<ClinicalDocument');
    } finally {
      await t.close();
      await p.close();
    }
    const again = await startPlatform({ catalog, db, seed: 9, seedVisits: 1 });
    try {
      expect(((await (await fetch(again.urls.health)).json()) as { seeded: number }).seeded).toBe(0);
    } finally {
      await again.close();
    }
  });
});

describe('concurrency', () => {
  it('many registers and queries in parallel: every write lands, every answer is whole', async () => {
    const db = join(dir, 'concurrent.sqlite');
    const p = await startPlatform({ catalog, db, seedVisits: 0 });
    const t = transportFor(p, 'soap11', 16);
    const N = 60;
    try {
      const recs: Record<string, string>[] = Array.from({ length: N }, (_, i) => ({ ...values('patient', 6000 + i), patientId: `CONC-${i}` }));
      const writes = recs.map((r) => call(t, service('PatientInfoRegister'), r));
      const reads = recs.map((r) => call(t, service('PatientInfoQuery'), { patientId: r.patientId }));
      const [w, r] = await Promise.all([Promise.all(writes), Promise.all(reads)]);
      expect(w.every((x) => x.read?.ack?.typeCode === 'AA')).toBe(true);
      // a read racing its write finds 0 or 1 records, never a broken answer
      expect(r.every((x) => x.read?.ack?.typeCode === 'AA' && (x.read.recordCount === 0 || x.read.recordCount === 1))).toBe(true);
      const after = await Promise.all(recs.map((x) => call(t, service('PatientInfoQuery'), { patientId: x.patientId })));
      after.forEach((x, i) => {
        expect(extractRecords(service('PatientInfoQuery'), catalog.entities.get('patient')!, x.ex.v3xml!)[0]?.name).toBe(recs[i]!.name);
      });
    } finally {
      await t.close();
      await p.close();
    }
    withDb(db, (check) => {
      expectIntact(check);
      expect((check.prepare("SELECT count(*) AS n FROM records WHERE entity = 'patient'").get() as { n: number }).n).toBe(N);
    });
  });

  it('close() waits for in-flight requests: no acknowledged write is lost', async () => {
    const db = join(dir, 'graceful.sqlite');
    const p = await startPlatform({ catalog, db, seedVisits: 0, faults: ['slow'], latencyMs: 200 });
    const t = transportFor(p, 'soap11', 8);
    const recs = Array.from({ length: 8 }, (_, i) => ({ ...values('patient', 7000 + i), patientId: `GRACE-${i}` }));
    const pending = recs.map((r) => call(t, service('PatientInfoRegister'), r));
    await new Promise((r) => setTimeout(r, 50));
    await p.close();
    const done = await Promise.all(pending);
    await t.close();
    const acked = recs.filter((_r, i) => done[i]!.read?.ack?.typeCode === 'AA').map((r) => r.patientId);
    withDb(db, (check) => {
      const ids = (check.prepare("SELECT key FROM records WHERE entity = 'patient'").all() as { key: string }[]).map((r) => r.key);
      for (const id of acked) expect(ids).toContain(id);
      expect(acked.length).toBeGreaterThan(0);
    });
  });
});
