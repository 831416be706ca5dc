import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xmlRegisterInputProvider, type XmlInputProvider } from 'libxml2-wasm';

/**
 * How libxml2 gets at the files an XSD includes or imports, and the fence that keeps it
 * offline.
 *
 * libxml2-wasm has no file system of its own (emscripten's is empty), so xs:include and
 * xs:import only resolve through an input provider. We register one provider for the
 * process that, while a schema compiles, serves exactly the files the caller read up front
 * (from memory: what was hashed is what compiles). Network URLs are matched at all times and
 * refused, so no schema, and no other libxml2 user in this process, can make libxml2 fetch
 * anything. Everything else is left to other providers (match returns false).
 *
 * Compilation is synchronous, so one "current" file set is enough.
 */

interface CompileScope {
  /** directory relative names are resolved against: the entry schema's folder */
  baseDir: string;
  files: ReadonlyMap<string, Uint8Array>;
  /** absolute paths libxml2 asked for, for diagnostics */
  requested: string[];
}

let scope: CompileScope | undefined;
let registered = false;
const open = new Map<number, { data: Uint8Array; pos: number }>();
let nextFd = 1;

const NETWORK = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The absolute path libxml2 means by a (possibly relative, escaped or file:) name. */
function localPath(name: string, baseDir: string): string | undefined {
  if (/^file:/i.test(name)) {
    try {
      return fileURLToPath(name);
    } catch {
      return undefined;
    }
  }
  if (NETWORK.test(name)) return undefined;
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // not escaped
  }
  return isAbsolute(decoded) ? resolve(decoded) : resolve(baseDir, decoded);
}

function lookup(name: string): Uint8Array | undefined {
  if (scope === undefined) return undefined;
  const path = localPath(name, scope.baseDir);
  if (path === undefined) return undefined;
  return scope.files.get(path) ?? scope.files.get(resolve(scope.baseDir, name));
}

const provider: XmlInputProvider = {
  match(name: string): boolean {
    // network names are always ours, and always refused in open()
    if (NETWORK.test(name) && !/^file:/i.test(name)) return true;
    return lookup(name) !== undefined;
  },
  open(name: string): number | undefined {
    if (scope !== undefined) {
      const p = localPath(name, scope.baseDir);
      scope.requested.push(p ?? name);
    }
    const data = lookup(name);
    if (data === undefined) return undefined;
    const fd = nextFd++;
    open.set(fd, { data, pos: 0 });
    return fd;
  },
  read(fd: number, buf: Uint8Array): number {
    const f = open.get(fd);
    if (f === undefined) return -1;
    const n = Math.min(buf.byteLength, f.data.byteLength - f.pos);
    buf.set(f.data.subarray(f.pos, f.pos + n));
    f.pos += n;
    return n;
  },
  close(fd: number): boolean {
    open.delete(fd);
    return true;
  },
};

function ensureRegistered(): void {
  if (registered) return;
  if (!xmlRegisterInputProvider(provider)) {
    throw new Error('libxml2 refused another input provider (its callback table is full)');
  }
  registered = true;
}

/**
 * Run fn (a synchronous schema compilation) with `files` (absolute path → bytes) visible to
 * libxml2, relative names resolving against baseDir. Returns what fn returns and the files
 * libxml2 asked for.
 */
export function withSchemaFiles<T>(baseDir: string, files: ReadonlyMap<string, Uint8Array>, fn: () => T): { result: T; requested: string[] } {
  ensureRegistered();
  if (scope !== undefined) throw new Error('schema compilation is not re-entrant');
  const current: CompileScope = { baseDir, files, requested: [] };
  scope = current;
  try {
    return { result: fn(), requested: current.requested };
  } finally {
    scope = undefined;
    open.clear();
  }
}

/** Registers the fence without compiling anything (network names refused from now on). */
export function installOfflineFence(): void {
  ensureRegistered();
}
