/**
 * Canaries: a local file no one may read and loopback servers no one may contact. An XXE
 * entity or a followed redirect would read the file or connect to a server; the test then
 * checks the file's unique content appears nowhere, its access time did not move (where the
 * file system keeps access times) and the servers counted zero connections.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CanaryServer {
  url: string;
  /** connections accepted so far */
  hits(): number;
  close(): Promise<void>;
}

export async function canaryServer(): Promise<CanaryServer> {
  let hits = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    hits++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/canary`,
    hits: () => hits,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface CanaryFile {
  dir: string;
  path: string;
  /** the unique text inside; must never show up in any output */
  text: string;
  /** true when the file's access time moved since creation (only meaningful when atimeWorks) */
  wasRead(): boolean;
  /** whether this file system updates access times at all (probed with a second file) */
  atimeWorks: boolean;
  remove(): void;
}

const OLD = new Date(Date.now() - 3 * 24 * 3600 * 1000);

function armed(path: string): number {
  // relatime updates atime when it is older than mtime: set atime well in the past
  utimesSync(path, OLD, new Date(Date.now() - 24 * 3600 * 1000));
  return statSync(path).atimeMs;
}

export function canaryFile(): CanaryFile {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-canary-'));
  const path = join(dir, 'secret-canary.txt');
  const text = `HUTONG-CANARY-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(path, `${text}\n`);
  const probe = join(dir, 'probe.txt');
  writeFileSync(probe, 'probe');
  const before = armed(probe);
  readFileSync(probe);
  const atimeWorks = statSync(probe).atimeMs !== before;
  const at = armed(path);
  return {
    dir,
    path,
    text,
    atimeWorks,
    wasRead: () => statSync(path).atimeMs !== at,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
