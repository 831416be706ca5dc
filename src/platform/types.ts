import type { Catalog, PlanDef } from '../catalog/types.js';
import type { BindingInput } from '../transport/binding.js';

/** Options of the reference platform (CONTRACTS.md; `binding`/`seedVisits`/`maxBodyBytes` are extensions). */
export interface PlatformOptions {
  /** 0 = free port (default 18080 for the CLI, 0 for tests) */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** SQLite file; ':memory:' or undefined = in-memory */
  db?: string;
  /** fault profile names (FAULT_PROFILES) */
  faults?: string[];
  /** deterministic seed data (default 1) */
  seed?: number;
  /** which services it serves: WS/T 846 (catalog.services, default) or WS/T 790 (catalog.regionalServices); seeded documents follow (WS/T 500 / WS/T 483) */
  kind?: 'hospital' | 'regional';
  /** request log lines; default silent */
  log?: (line: string) => void;
  /** added latency of the 'slow' profile (default 1500 ms) */
  latencyMs?: number;
  /**
   * SOAP naming shared by /soap11 and /soap12 (operation, namespace, params, messageAs …);
   * `kind` is ignored: every binding is served at once.
   */
  binding?: Exclude<BindingInput, string>;
  /** sample visits to seed (default 3; 0 = no seed data) */
  seedVisits?: number;
  /** request bodies above this are refused with 413 (default 20 MiB) */
  maxBodyBytes?: number;
  /** the catalogue; loadCatalog() when absent */
  catalog?: Catalog;
}

export interface PlatformUrls {
  soap11: string;
  soap12: string;
  http: string;
  wsdl: string;
  health: string;
}

export interface RunningPlatform {
  urls: PlatformUrls;
  port: number;
  host: string;
  /** resolves when the seed data (documents included) is in the store */
  seeded: Promise<void>;
  /** graceful: stops accepting, lets in-flight requests finish, closes (checkpoints) the DB */
  close(): Promise<void>;
}

export interface FaultProfile {
  name: string;
  description: string;
  /** case ids this profile must make fail for a plan (CONTRACTS.md case-id conventions) */
  failsCases(plan: PlanDef, catalog: Catalog): string[];
}
