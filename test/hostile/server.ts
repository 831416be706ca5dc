/**
 * The hostile test server: every behaviour of behaviours.ts at `/<name>` on one loopback port
 * (plain HTTP), plus one TLS port per certificate kind (untrusted self-signed, expired, trusted),
 * plus two canary servers that count connections (XXE URL entities, off-host redirects).
 *
 *   const h = await startHostile();  h.url('no-response')  …  await h.close();
 *
 * Also runnable by hand: `npx tsx test/hostile/server.ts` is not needed — the tests start it.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { goodAnswer } from './answers.js';
import { type Behaviour, BEHAVIOURS, bomb, type HostileEnv, type TlsKind } from './behaviours.js';
import { canaryFile, type CanaryFile, canaryServer, type CanaryServer } from './canary.js';
import { serveSocket, type WireRequest } from './wire.js';

export { BEHAVIOURS, behaviour, type Behaviour } from './behaviours.js';

const CERTS = new URL('./certs/', import.meta.url);
const pem = (f: string): Buffer => readFileSync(new URL(f, CERTS));

/** PEM of the CA that issued the 'trusted' and 'expired' certificates (give it to the client). */
export const TEST_CA = (): Buffer => pem('ca.pem');
export const CA_PATH = new URL('ca.pem', CERTS).pathname;

export interface HostileServer {
  /** the endpoint URL of a behaviour (https for TLS behaviours) */
  url(name: string): string;
  canary: { file: CanaryFile; xxe: CanaryServer; redirect: CanaryServer };
  /** requests each behaviour received */
  requests: Map<string, number>;
  /** headers of the last request each behaviour received (lower-cased names) */
  lastHeaders: Map<string, Record<string, string>>;
  /** sockets currently open (a behaviour may hold one until the client gives up) */
  openSockets(): number;
  close(): Promise<void>;
}

interface Listener {
  server: net.Server;
  port: number;
}

async function listen(server: net.Server): Promise<Listener> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

export async function startHostile(): Promise<HostileServer> {
  await bomb(); // built once up front: a behaviour must answer at once, not after a second of gzip
  const file = canaryFile();
  const xxe = await canaryServer();
  const redirect = await canaryServer();
  const sockets = new Set<net.Socket>();
  const requests = new Map<string, number>();
  const lastHeaders = new Map<string, Record<string, string>>();
  const byName = new Map(BEHAVIOURS.map((b) => [b.name, b] as const));
  const ports: Partial<Record<'plain' | TlsKind, number>> = {};

  const url = (name: string): string => {
    const b = byName.get(name);
    if (!b) throw new Error(`no hostile behaviour ${name}`);
    return b.tls ? `https://127.0.0.1:${ports[b.tls]}/${name}` : `http://127.0.0.1:${ports.plain}/${name}`;
  };
  const env: HostileEnv = { canaryFile: file.path, xxeCanaryUrl: xxe.url, redirectCanaryUrl: redirect.url, selfUrl: url };

  const onSocket = (kind: 'plain' | TlsKind) => (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveSocket(socket, async (req: WireRequest, state) => {
      const name = req.path.split('?')[0]!.replace(/^\/+/, '').split('/')[0] ?? '';
      const b: Behaviour | undefined = byName.get(name);
      if (!b || (b.tls ?? 'plain') !== kind) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      requests.set(name, (requests.get(name) ?? 0) + 1);
      lastHeaders.set(name, req.headers);
      const cached = new Map<string, ReturnType<typeof goodAnswer>>();
      await b.serve({
        socket,
        req,
        state,
        env,
        answer: (targetId) => {
          const k = targetId ?? '';
          let a = cached.get(k);
          if (!a) cached.set(k, (a = goodAnswer(req, targetId)));
          return a;
        },
      });
    });
  };

  const plain = await listen(net.createServer(onSocket('plain')));
  ports.plain = plain.port;
  const listeners: Listener[] = [plain];
  const certFor: Record<TlsKind, { cert: string; key: string }> = {
    untrusted: { cert: 'self.pem', key: 'self.key' },
    expired: { cert: 'expired.pem', key: 'leaf.key' },
    trusted: { cert: 'valid.pem', key: 'leaf.key' },
  };
  for (const kind of Object.keys(certFor) as TlsKind[]) {
    const s = tls.createServer({ cert: pem(certFor[kind].cert), key: pem(certFor[kind].key) }, onSocket(kind));
    s.on('tlsClientError', () => {}); // the client refusing our certificate is the point
    const l = await listen(s);
    ports[kind] = l.port;
    listeners.push(l);
  }

  return {
    url,
    canary: { file, xxe, redirect },
    requests,
    lastHeaders,
    openSockets: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(listeners.map((l) => new Promise<void>((r) => l.server.close(() => r()))));
      await xxe.close();
      await redirect.close();
      file.remove();
    },
  };
}
