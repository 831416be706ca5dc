import { describe, expect, it, vi } from 'vitest';
import type { Dispatcher } from 'undici';
import { OpenPool } from '../../src/perf/open-pool.js';
import type { PooledClient } from '../../src/perf/open-pool.js';
import { RawClient, runStage } from '../../src/perf/index.js';
import type { RequestFactory } from '../../src/perf/index.js';
import { ACK_AA, ackChecker, closedPort, trackedServers } from './server.js';

/** A client that holds each request until the test answers it. */
class FakeClient implements PooledClient {
  readonly requests: { path: string; handler: Dispatcher.DispatchHandler }[] = [];
  destroyed = false;
  constructor(readonly id: number) {}
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.requests.push({ path: opts.path, handler });
    handler.onRequestStart?.(controller, {});
    return true;
  }
  /** answers its oldest unanswered request */
  answer(): void {
    const r = this.requests.find((x) => !(x as { done?: boolean }).done)!;
    (r as { done?: boolean }).done = true;
    r.handler.onResponseStart?.(controller, 200, {}, 'OK');
    r.handler.onResponseEnd?.(controller, {});
  }
  async destroy(): Promise<void> {
    this.destroyed = true;
  }
}

const controller: Dispatcher.DispatchController = { aborted: false, paused: false, reason: null, abort() {}, pause() {}, resume() {} };

function recorder(log: string[], name: string, onEnd?: () => void): Dispatcher.DispatchHandler {
  return {
    onRequestStart: () => log.push(`${name} start`),
    onResponseEnd: () => (log.push(`${name} end`), onEnd?.()),
    onResponseError: (_c, e) => log.push(`${name} error ${(e as Error & { code?: string }).code}`),
  };
}

function setup(max: number): { pool: OpenPool; clients: FakeClient[]; log: string[]; send: (name: string, onEnd?: () => void) => boolean } {
  const clients: FakeClient[] = [];
  const pool = new OpenPool(() => {
    const c = new FakeClient(clients.length);
    clients.push(c);
    return c;
  }, max);
  const log: string[] = [];
  return { pool, clients, log, send: (name, onEnd) => pool.dispatch({ method: 'GET', path: `/${name}` }, recorder(log, name, onEnd)) };
}

const paths = (c: FakeClient): string[] => c.requests.map((r) => r.path);

describe('open-model connection pool', () => {
  it('sends an arrival at once on an idle connection, opening new ones up to the cap', () => {
    const { pool, clients, send } = setup(3);
    expect([send('a'), send('b'), send('c')]).toEqual([true, true, true]);
    expect(clients.map(paths)).toEqual([['/a'], ['/b'], ['/c']]);
    expect(pool.size).toBe(3);
    expect(pool.queued).toBe(0);
  });

  it('beyond the cap, arrivals wait and go first come first served to the next free connection', () => {
    const { pool, clients, log, send } = setup(2);
    send('a');
    send('b');
    expect([send('c'), send('d'), send('e')]).toEqual([false, false, false]);
    expect(pool.size).toBe(2);
    expect(pool.queued).toBe(3);
    clients[1]!.answer(); // b done: c goes on b's connection
    clients[0]!.answer(); // a done: d goes on a's
    clients[1]!.answer(); // c done: e goes on b's
    expect(paths(clients[0]!)).toEqual(['/a', '/d']);
    expect(paths(clients[1]!)).toEqual(['/b', '/c', '/e']);
    expect(pool.queued).toBe(0);
    // the finished request's handler runs before the next request starts on its connection
    expect(log).toEqual(['a start', 'b start', 'b end', 'c start', 'a end', 'd start', 'c end', 'e start']);
  });

  it('an arrival sent from a finishing request\'s handler waits behind those already waiting', () => {
    const { pool, clients, log, send } = setup(2);
    // a's handler sends x as it finishes: c is older and gets a's connection, x waits
    const sentX: boolean[] = [];
    send('a', () => sentX.push(send('x')));
    send('b');
    send('c'); // waits
    clients[0]!.answer();
    expect(sentX).toEqual([false]);
    expect(paths(clients[0]!)).toEqual(['/a', '/c']);
    expect(pool.queued).toBe(1);
    expect(pool.size).toBe(2);
    clients[1]!.answer();
    expect(paths(clients[1]!)).toEqual(['/b', '/x']);
    expect(log).toEqual(['a start', 'b start', 'a end', 'c start', 'b end', 'x start']);
  });

  it('a handler that sends while a connection is being freed opens another for more than that one', () => {
    const { pool, clients, send } = setup(4);
    // a burst of three due as a finishes: one waits for a's connection, two open new ones
    const burst: boolean[] = [];
    send('a', () => burst.push(send('x'), send('y'), send('z')));
    clients[0]!.answer();
    expect(burst).toEqual([false, true, true]);
    expect(clients.map(paths)).toEqual([['/a', '/x'], ['/y'], ['/z']]);
    expect(pool.queued).toBe(0);
  });

  it('reuses the most recently freed connection, so a low rate keeps few connections hot', () => {
    const { pool, clients, send } = setup(4);
    send('a');
    send('b');
    send('c');
    clients[0]!.answer();
    clients[2]!.answer();
    clients[1]!.answer();
    send('d');
    send('e');
    expect(paths(clients[1]!)).toEqual(['/b', '/d']);
    expect(paths(clients[2]!)).toEqual(['/c', '/e']);
    expect(pool.size).toBe(3);
  });

  it('gives a connection back once even when a request both ends and errors', () => {
    const { pool, clients, send } = setup(1);
    send('a');
    send('b');
    send('c');
    const h = clients[0]!.requests[0]!.handler;
    h.onResponseEnd?.(controller, {});
    h.onResponseError?.(controller, new Error('late'));
    // one release: b was started, c still waits
    expect(paths(clients[0]!)).toEqual(['/a', '/b']);
    expect(pool.queued).toBe(1);
  });

  it('destroy fails the waiting arrivals and closes every connection; later arrivals fail at once', async () => {
    const { pool, clients, log, send } = setup(1);
    send('a');
    send('b');
    await pool.destroy();
    expect(log).toEqual(['a start', 'b error UND_ERR_DESTROYED']);
    expect(clients.every((c) => c.destroyed)).toBe(true);
    expect(send('c')).toBe(false);
    expect(log.at(-1)).toBe('c error UND_ERR_DESTROYED');
  });

  it('rejects a cap below one', () => {
    expect(() => new OpenPool(() => new FakeClient(0), 0)).toThrow(RangeError);
  });
});

describe('open model on the pool of raw clients', () => {
  const server = trackedServers();
  const factory: RequestFactory = ({ seq }) => ({ path: '/hip', headers: { 'content-type': 'text/xml' }, body: `<msg><id extension="${seq}"/></msg>` });

  it('carries every open-model request unless the undici engine is asked for', async () => {
    const s = await server();
    const raw = vi.spyOn(RawClient.prototype, 'dispatch');
    const r = await runStage({ name: 'open-raw', model: 'open', rate: 50, durationS: 0.4, maxConnections: 4 }, { url: s.url }, factory, ackChecker);
    expect(r.requests + (r.missed ?? 0)).toBe(20);
    expect(r.requests).toBeGreaterThan(0);
    expect(raw).toHaveBeenCalledTimes(s.count);
    expect(r.generator.connections).toBe(4);
    raw.mockClear();
    const u = await runStage({ name: 'open-undici', model: 'open', rate: 50, durationS: 0.4 }, { url: s.url }, factory, ackChecker, { engine: 'undici' });
    expect(u.requests).toBe(s.count - r.requests);
    expect(raw).not.toHaveBeenCalled();
  });

  it('classifies a hung request as timeout and a dropped connection as connect-reset, and carries on', async () => {
    const s = await server({
      behave: (n) => (n === 3 ? { kind: 'hang' } : n === 5 ? { kind: 'reset' } : { kind: 'reply', status: 200, body: ACK_AA }),
    });
    const r = await runStage({ name: 'open-faults', model: 'open', rate: 40, durationS: 0.5, maxConnections: 2 }, { url: s.url, timeoutMs: 300 }, factory, ackChecker);
    expect(r.requests + (r.missed ?? 0)).toBe(20);
    // the hung one times out; on a slow machine an arrival queued behind it may too (its
    // deadline runs from its intended send time)
    expect(r.errors['connect-reset']).toBe(1);
    expect(r.errors['timeout']).toBeGreaterThanOrEqual(1);
    expect(Object.keys(r.errors).sort()).toEqual(['connect-reset', 'timeout']);
    expect(r.latency.maxMs).toBeGreaterThanOrEqual(300);
    // the others were answered on the two connections (reopened after the faults)
    expect(s.tally['200']).toBeGreaterThanOrEqual(r.requests - r.errorCount);
    expect(r.requests - r.errorCount).toBeGreaterThan(0);
  });

  it('counts refused connections without a latency', async () => {
    const port = await closedPort();
    const r = await runStage({ name: 'open-refused', model: 'open', rate: 40, durationS: 0.25, maxConnections: 2 }, { url: `http://127.0.0.1:${port}` }, factory, ackChecker);
    expect(r.requests + (r.missed ?? 0)).toBe(10);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.errors).toEqual({ 'connect-refused': r.requests });
    expect(r.latency.count).toBe(0);
  });
});
