import Database from 'better-sqlite3';

/**
 * The platform's persistence: one SQLite table of records keyed by (entity, key), the entity
 * fields as JSON. WAL mode so readers never block the writer; every write is one statement (or
 * one transaction for a batch) committed before the answer goes out, so an acknowledged
 * registration survives a crash or restart. Keys of composite-key entities join their field
 * values with U+001F.
 */

export type Row = Record<string, string>;

export interface StoredRecord {
  entity: string;
  key: string;
  version: number;
  data: Row;
}

const SEP = '\u001f';
const CACHE_MAX = 50_000;

export function recordKey(keyFields: string[], values: Row): string | undefined {
  const parts: string[] = [];
  for (const k of keyFields) {
    const v = values[k];
    if (v === undefined || v === '') return undefined;
    parts.push(v);
  }
  return parts.join(SEP);
}

export class Store {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string, string], { data: string; version: number }>;
  private readonly scanStmt: Database.Statement<[string, number], { key: string; data: string; version: number }>;
  private readonly putStmt: Database.Statement<[string, string, string, string]>;
  private readonly countStmt: Database.Statement<[], { n: number }>;
  private readonly metaGet: Database.Statement<[string], { v: string }>;
  private readonly metaPut: Database.Statement<[string, string]>;
  private closed = false;
  private readonly cache = new Map<string, StoredRecord>();
  /** bumped on every write of an entity: response caches key on it */
  private readonly generation = new Map<string, number>();

  constructor(file: string | undefined) {
    const path = file === undefined || file === '' ? ':memory:' : file;
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS records (
        entity  TEXT NOT NULL,
        key     TEXT NOT NULL,
        data    TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (entity, key)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
    `);
    this.getStmt = this.db.prepare('SELECT data, version FROM records WHERE entity = ? AND key = ?');
    this.scanStmt = this.db.prepare('SELECT key, data, version FROM records WHERE entity = ? ORDER BY key LIMIT ?');
    this.putStmt = this.db.prepare(`
      INSERT INTO records (entity, key, data, version, updated) VALUES (?, ?, ?, 1, ?)
      ON CONFLICT (entity, key) DO UPDATE SET data = excluded.data, version = records.version + 1, updated = excluded.updated`);
    this.countStmt = this.db.prepare('SELECT count(*) AS n FROM records');
    this.metaGet = this.db.prepare('SELECT v FROM meta WHERE k = ?');
    this.metaPut = this.db.prepare('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v');
  }

  get(entity: string, key: string): StoredRecord | undefined {
    // this process is the only writer, so a read-through cache of parsed rows stays exact
    const ck = `${entity}\u0000${key}`;
    const hit = this.cache.get(ck);
    if (hit) return hit;
    const r = this.getStmt.get(entity, key);
    if (!r) return undefined;
    const rec: StoredRecord = { entity, key, version: r.version, data: JSON.parse(r.data) as Row };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(ck, rec);
    return rec;
  }

  /** Records of an entity in key order, at most `limit`. */
  scan(entity: string, limit: number): StoredRecord[] {
    return this.scanStmt.all(entity, limit).map((r) => ({ entity, key: r.key, version: r.version, data: JSON.parse(r.data) as Row }));
  }

  put(entity: string, key: string, data: Row): void {
    this.cache.delete(`${entity}\u0000${key}`);
    this.putStmt.run(entity, key, JSON.stringify(data), new Date().toISOString());
    this.generation.set(entity, (this.generation.get(entity) ?? 0) + 1);
  }

  /** Many writes in one transaction (seeding). */
  putMany(rows: { entity: string; key: string; data: Row }[]): void {
    const tx = this.db.transaction((all: typeof rows) => {
      for (const r of all) this.put(r.entity, r.key, r.data);
    });
    tx(rows);
  }

  gen(entity: string): number {
    return this.generation.get(entity) ?? 0;
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  meta(k: string): string | undefined {
    return this.metaGet.get(k)?.v;
  }

  setMeta(k: string, v: string): void {
    this.metaPut.run(k, v);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.db.name !== ':memory:') this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
