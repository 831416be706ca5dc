/**
 * The raw HTTP/1.1 client of the load generator (src/perf/raw): its parser fed byte by byte,
 * and the client against a raw net server on 127.0.0.1 that answers with bytes no HTTP library
 * would write (the platform under test is hostile: docs/security.md).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { classifyTransportError } from '../../src/perf/index.js';
import { RawClient } from '../../src/perf/raw/client.js';
import { HttpParseError, ResponseParser } from '../../src/perf/raw/parser.js';
import type { ResponseHeaders } from '../../src/perf/types.js';

// ------------------------------------------------------------------ parser, no sockets

interface Parsed {
  status: number;
  headers: ResponseHeaders;
  body: string;
  trailers: ResponseHeaders | undefined;
  used: number;
}

const LIMITS = { maxHeaderBytes: 1024, maxHeaderCount: 20, maxBodyBytes: 1000 };

/** Feeds `bytes` in pieces of `step` bytes; returns what the parser reported. */
function parse(bytes: string | Buffer, step = Infinity, isHead = false, limits = LIMITS): Parsed {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const p = new ResponseParser(limits);
  p.reset(isHead);
  const out: Parsed = { status: 0, headers: {}, body: '', trailers: undefined, used: 0 };
  const sink = {
    onHead: (s: number, h: ResponseHeaders) => {
      out.status = s;
      out.headers = h;
    },
    onBody: (c: Buffer) => {
      out.body += c.toString('latin1');
    },
    onEnd: (t: ResponseHeaders) => {
      out.trailers = t;
    },
  };
  for (let i = 0; i < buf.length && !p.done; i += step) {
    const piece = buf.subarray(i, Math.min(buf.length, i + step));
    const used = p.feed(piece, sink);
    out.used = i + used;
  }
  return out;
}

function parseError(bytes: string, step = Infinity, limits = LIMITS): string {
  try {
    const r = parse(bytes, step, false, limits);
    return r.trailers ? 'complete' : 'incomplete';
  } catch (err) {
    return classifyTransportError(err);
  }
}

const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('raw HTTP parser', () => {
  it('parses the same response whatever the read boundaries', () => {
    const cl = 'HTTP/1.1 201 Created\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\nhello';
    for (const step of [1, 2, 3, 7, 1000]) {
      const r = parse(cl, step);
      expect(r).toMatchObject({ status: 201, body: 'hello', trailers: {} });
      expect(r.headers).toEqual({ 'content-length': '5', 'set-cookie': ['a=1', 'b=2'] });
      const c = parse(CHUNKED, step);
      expect(c).toMatchObject({ status: 200, body: 'hello, world', trailers: { 'x-trailer': 't' } });
      expect(c.used).toBe(CHUNKED.length);
    }
  });

  it('stops at the end of a response and leaves the rest unread', () => {
    const r = parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n');
    expect(r.body).toBe('ok');
    expect(r.used).toBe(40);
  });

  it('skips 1xx responses, and HEAD, 204 and 304 have no body', () => {
    expect(parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx', 5)).toMatchObject({ status: 200, body: 'x' });
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n', Infinity, true)).toMatchObject({ status: 200, body: '', trailers: {} });
    expect(parse('HTTP/1.1 204 No Content\r\nContent-Length: 100\r\n\r\n')).toMatchObject({ status: 204, trailers: {} });
    expect(parse('HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n')).toMatchObject({ status: 304, trailers: {} });
  });

  it('refuses malformed and ambiguous heads as invalid-http', () => {
    const bad = [
      'HELLO THERE\r\n\r\n',
      'HTTP/2 200 OK\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n',
      'HTTP/1.1 200 OK\r\nno colon\r\n\r\n',
      'HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nX-A: a\x01b\r\n\r\n',
      'HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n',
      'HTTP/1.1 101 Switching Protocols\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n',
    ];
    for (const b of bad) {
      for (const step of [1, Infinity]) expect([b, parseError(b, step)]).toEqual([b, 'invalid-http']);
    }
  });

  it('a head seen before gives the same verdict, under each parser\'s own limits, in a fresh object', () => {
    const head = 'HTTP/1.1 200 OK\r\nSet-Cookie: a\r\nSet-Cookie: b\r\nX-1: 1\r\nX-2: 2\r\nContent-Length: 3\r\n\r\nabc';
    const first = parse(head);
    expect(first.headers).toEqual({ 'set-cookie': ['a', 'b'], 'x-1': '1', 'x-2': '2', 'content-length': '3' });
    (first.headers['set-cookie'] as string[]).push('mutated');
    first.headers['x-1'] = 'mutated';
    expect(parse(head).headers).toEqual({ 'set-cookie': ['a', 'b'], 'x-1': '1', 'x-2': '2', 'content-length': '3' });
    // the same bytes under tighter limits, and as the answer to a HEAD request
    expect(parseError(head, Infinity, { ...LIMITS, maxHeaderCount: 4 })).toBe('invalid-http');
    expect(parseError(head, Infinity, { ...LIMITS, maxBodyBytes: 2 })).toBe('body-too-large');
    expect(parse(head, Infinity, true)).toMatchObject({ status: 200, body: '', used: head.length - 3 });
  });

  it('on one connection, a repeated head is recognised by its bytes, and a head differing in one byte is read afresh', () => {
    const p = new ResponseParser(LIMITS);
    let body = '';
    let status = 0;
    let headers: ResponseHeaders = {};
    let ended = 0;
    const sink = {
      onHead: (s: number, h: ResponseHeaders) => {
        status = s;
        headers = h;
      },
      onBody: (c: Buffer) => {
        body += c.toString('latin1');
      },
      onEnd: () => {
        ended++;
      },
    };
    const one = (bytes: string, step = Infinity): number => {
      body = '';
      p.reset(false);
      const buf = Buffer.from(bytes, 'latin1');
      let used = 0;
      for (let i = 0; i < buf.length && !p.done; i += step) used = i + p.feed(buf.subarray(i, Math.min(buf.length, i + step)), sink);
      return used;
    };
    const a = 'HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 00:00:00 GMT\r\nContent-Length: 3\r\n\r\nabc';
    expect(one(a)).toBe(a.length);
    expect(one(`${a}HTTP/1.1 200 OK\r\n`)).toBe(a.length); // the rest is not this response's
    expect([status, body, headers]).toEqual([200, 'abc', { date: 'Tue, 01 Dec 2026 00:00:00 GMT', 'content-length': '3' }]);
    headers['content-length'] = 'mutated'; // each response gets its own object
    one(a);
    expect(headers['content-length']).toBe('3');
    // same length, other bytes: the Content-Length, the status, the date
    expect(one(a.replace('Length: 3', 'Length: 5').replace('abc', 'abcde'))).toBe(a.length + 2);
    expect(body).toBe('abcde');
    one(a.replace('200 OK', '503 No'));
    expect(status).toBe(503);
    one(a.replace('00:00:00', '00:00:01'));
    expect(headers['date']).toBe('Tue, 01 Dec 2026 00:00:01 GMT');
    // the known head cut across reads, and a read shorter than it
    for (const step of [1, 5, 40]) {
      expect(one(a, step)).toBe(a.length);
      expect(body).toBe('abc');
    }
    // a known head that is now refused (its bytes are followed by a bad one, so the head differs) and garbage
    expect(() => one(a.replace('Length: 3', 'Length:\x013'))).toThrow(HttpParseError);
    expect(() => one('HELLO')).toThrow(HttpParseError);
    expect(ended).toBeGreaterThan(8);
  });

  it('refuses garbage on its first bytes, not after the head limit', () => {
    expect(() => parse('<html>', 1)).toThrow(HttpParseError);
  });

  it('bounds the head: size and line count', () => {
    const long = `HTTP/1.1 200 OK\r\nX-A: ${'a'.repeat(2000)}\r\n\r\n`;
    const many = `HTTP/1.1 200 OK\r\n${'X-A: 1\r\n'.repeat(21)}\r\n`;
    for (const step of [1, 64, Infinity]) {
      expect(parseError(long, step)).toBe('invalid-http');
      expect(parseError(many, step)).toBe('invalid-http');
    }
    // an endless head stops at the limit, however it is cut
    expect(parseError(`HTTP/1.1 200 OK\r\n${'X-A: 1\r\n'.repeat(500)}`, 100)).toBe('invalid-http');
    // a trailer section is bounded the same way
    expect(parseError(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: ${'t'.repeat(2000)}\r\n\r\n`, 50)).toBe('invalid-http');
  });

  it('refuses a body over the limit on sight: Content-Length and chunk sizes', () => {
    expect(parseError('HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n')).toBe('body-too-large');
    expect(parseError('HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999\r\n\r\n')).toBe('invalid-http');
    expect(parseError('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\n')).toBe('body-too-large');
    expect(parseError(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'1F4\r\n' + 'x'.repeat(500) + '\r\n'}${'1F5\r\n'}`)).toBe('body-too-large');
    // a chunk-size line that never ends
    expect(parseError(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;${'e'.repeat(5000)}`, 100)).toBe('invalid-http');
  });
});

// ------------------------------------------------------------------ client against a raw server

type Script = (socket: net.Socket, req: string, index: number) => void;

interface RawServer {
  url: string;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

const servers: RawServer[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A raw server: every complete request head (+ Content-Length body) on a connection goes to `script`. */
async function rawServer(script: Script): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const state: RawServer = {
    url: '',
    connections: 0,
    requests: [],
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
  const srv = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    let index = 0;
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        const req = buf.slice(0, end + 4 + len);
        buf = buf.slice(end + 4 + len);
        state.requests.push(req);
        script(socket, req, index++);
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  servers.push(state);
  return state;
}

interface Outcome {
  status?: number;
  headers?: ResponseHeaders;
  body: string;
  bodyBytes: number;
  trailers?: ResponseHeaders;
  error?: string;
  errorClass?: string;
  started: number;
}

function client(url: string, opts: ConstructorParameters<typeof RawClient>[1] = {}): RawClient {
  const c = new RawClient(url, { maxBodyBytes: 1 << 20, ...opts });
  clients.push(c);
  return c;
}

/** One dispatch; resolves with what the handler saw (exactly one of end or error). */
function send(c: RawClient, opts: Partial<Dispatcher.DispatchOptions> = {}, onData?: (ctl: Dispatcher.DispatchController, bytes: number) => void): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const o: Outcome = { body: '', bodyBytes: 0, started: 0 };
    let settled = 0;
    const done = (): void => {
      if (++settled > 1) reject(new Error('handler settled twice'));
      else resolve(o);
    };
    c.dispatch(
      { method: 'GET', path: '/', headersTimeout: 2000, bodyTimeout: 2000, ...opts } as Dispatcher.DispatchOptions,
      {
        onRequestStart: () => {
          o.started++;
        },
        onResponseStart: (_c, status, headers) => {
          o.status = status;
          o.headers = headers;
        },
        onResponseData: (ctl, chunk) => {
          o.bodyBytes += chunk.length;
          if (o.body.length < 10_000) o.body += chunk.toString('latin1');
          onData?.(ctl, o.bodyBytes);
        },
        onResponseEnd: (_c, trailers) => {
          o.trailers = trailers;
          done();
        },
        onResponseError: (_c, err) => {
          o.error = err.message;
          o.errorClass = classifyTransportError(err);
          done();
        },
      },
    );
  });
}

const OK = (body = 'ok', extra = ''): string => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('raw client', () => {
  it('keeps one connection alive across requests and writes exactly the request asked for', async () => {
    const s = await rawServer((sock, _req, i) => sock.write(OK(`answer ${i}`)));
    const c = client(s.url);
    const a = await send(c, { method: 'POST', path: '/hip?x=1', headers: { 'content-type': 'text/xml', soapaction: '"a"' }, body: '<m>互通</m>' });
    const b = await send(c, { path: '/two', body: new Uint8Array(Buffer.from('bytes')), method: 'PUT' });
    expect([a.status, a.body, b.body]).toEqual([200, 'answer 0', 'answer 1']);
    expect(a.started).toBe(1);
    expect(s.connections).toBe(1);
    const host = new URL(s.url).host;
    expect(s.requests[0]).toBe(
      `POST /hip?x=1 HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\ncontent-type: text/xml\r\nsoapaction: "a"\r\nContent-Length: 13\r\n\r\n${Buffer.from('<m>互通</m>').toString('latin1')}`,
    );
    expect(s.requests[1]).toBe(`PUT /two HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nbytes`);
  });

  it('writes requests of equal and of very different sizes exactly, and bodies it handed over stay intact', async () => {
    // the server answers each request with its own body back: answers of equal length one after another
    const s = await rawServer((sock, req) => sock.write(OK(req.startsWith('POST /big') ? `got ${req.length - req.indexOf('\r\n\r\n') - 4}` : req.slice(req.indexOf('\r\n\r\n') + 4))));
    const c = client(s.url);
    const kept: Buffer[] = [];
    const sendKeep = (body: string): Promise<void> =>
      new Promise((resolve, reject) => {
        c.dispatch(
          { method: 'POST', path: '/same', body, headersTimeout: 5000, bodyTimeout: 5000 },
          {
            onResponseData: (_c, chunk) => {
              kept.push(chunk);
            },
            onResponseEnd: () => resolve(),
            onResponseError: (_c, err) => reject(err),
          },
        );
      });
    const bodies = Array.from({ length: 40 }, (_, i) => `<m id="${String(i).padStart(4, '0')}">${'x'.repeat(i % 2 ? 900 : 30)}</m>`);
    for (const b of bodies) await sendKeep(b);
    expect(s.requests.map((r) => r.slice(r.indexOf('\r\n\r\n') + 4))).toEqual(bodies);
    // every body the handler kept still says what it said (later reads and copies did not overwrite it)
    expect(Buffer.concat(kept).toString('latin1')).toBe(bodies.join(''));
    // larger than a socket takes at once: finished later, still exact
    const big = `<big>${'互通'.repeat(400_000)}</big>`;
    const r = await send(c, { method: 'POST', path: '/big', body: big, headersTimeout: 20_000, bodyTimeout: 20_000 });
    expect([r.status, r.body]).toEqual([200, `got ${Buffer.byteLength(big)}`]);
    const last = s.requests[s.requests.length - 1]!;
    expect(Buffer.from(last.slice(last.indexOf('\r\n\r\n') + 4), 'latin1').toString('utf8')).toBe(big);
    expect(s.connections).toBe(1);
  });

  it('retires a connection before the server\'s Keep-Alive timeout would close it under a request', async () => {
    // timeout=1: within the 1 s margin at once, so every request gets a fresh connection
    const s = await rawServer((sock, _r, i) => sock.write(OK(`answer ${i}`, 'Keep-Alive: timeout=1\r\n')));
    const c = client(s.url);
    expect((await send(c)).body).toBe('answer 0');
    expect((await send(c)).body).toBe('answer 0');
    expect(s.connections).toBe(2);
    const s2 = await rawServer((sock, _r, i) => sock.write(OK(`answer ${i}`, 'Keep-Alive: timeout=60\r\n')));
    const c2 = client(s2.url);
    await send(c2);
    expect((await send(c2)).body).toBe('answer 1');
    expect(s2.connections).toBe(1);
  });

  it('queues a second dispatch until the first response is complete', async () => {
    const s = await rawServer((sock, _r, i) => setTimeout(() => sock.write(OK(String(i))), 20));
    const c = client(s.url);
    const [a, b] = await Promise.all([send(c), send(c)]);
    expect([a.body, b.body]).toEqual(['0', '1']);
    expect(s.connections).toBe(1);
  });

  it('honours Connection: close and reads a body that runs to the close', async () => {
    const s = await rawServer((sock) => {
      if (s.requests.length === 1) sock.write(OK('first', 'Connection: close\r\n'));
      else {
        sock.write('HTTP/1.1 200 OK\r\n\r\nuntil ');
        setTimeout(() => sock.end('the end'), 20);
      }
    });
    const c = client(s.url);
    expect((await send(c)).body).toBe('first');
    expect((await send(c)).body).toBe('until the end');
    expect(s.connections).toBe(2);
  });

  it('reads chunked bodies with trailers, skips 100 Continue, sends no body for HEAD', async () => {
    const s = await rawServer((sock, req) => {
      if (req.startsWith('HEAD')) sock.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
      else {
        sock.write('HTTP/1.1 100 Continue\r\n\r\n');
        for (const piece of CHUNKED.match(/[\s\S]{1,9}/g)!) sock.write(piece);
      }
    });
    const c = client(s.url);
    const r = await send(c);
    expect(r).toMatchObject({ status: 200, body: 'hello, world', trailers: { 'x-trailer': 't' } });
    const h = await send(c, { method: 'HEAD' });
    expect(h).toMatchObject({ status: 200, body: '' });
    expect((await send(c)).body).toBe('hello, world');
    expect(s.connections).toBe(1);
  });

  it('drops a connection that sends bytes nobody asked for, without mixing them into the next answer', async () => {
    const s = await rawServer((sock, _r, i) => sock.write(OK(`answer ${i}`) + (i === 0 ? OK('unsolicited') : '')));
    const c = client(s.url);
    expect((await send(c)).body).toBe('answer 0');
    expect((await send(c)).body).toBe('answer 0'); // a new connection: its first answer
    expect(s.connections).toBe(2);
  });

  it('turns every hostile answer into an error class, never a crash or a hang', async () => {
    const behaviours: [string, Script, string][] = [
      ['garbage status line', (sock) => sock.write('SSH-2.0-OpenSSH\r\n\r\n'), 'invalid-http'],
      ['not http at all', (sock) => sock.write('<html>error</html>'), 'invalid-http'],
      ['endless headers', (sock) => {
        sock.write('HTTP/1.1 200 OK\r\n');
        const t = setInterval(() => (sock.destroyed ? clearInterval(t) : sock.write('X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(200))), 1);
      }, 'invalid-http'],
      ['huge chunk size', (sock) => sock.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFF\r\n'), 'body-too-large'],
      ['endless chunked body', (sock) => {
        sock.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        const chunk = `4000\r\n${'x'.repeat(0x4000)}\r\n`;
        const t = setInterval(() => (sock.destroyed ? clearInterval(t) : sock.write(chunk.repeat(16))), 1);
      }, 'body-too-large'],
      ['Content-Length 1 GB', (sock) => sock.write('HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\nshort'), 'body-too-large'],
      ['negative Content-Length', (sock) => sock.write('HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n'), 'invalid-http'],
      ['duplicate Content-Length', (sock) => sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 4\r\n\r\nokok'), 'invalid-http'],
      ['Content-Length longer than the body, then close', (sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort'), 'connect-reset'],
      ['close without a response', (sock) => sock.end(), 'connect-reset'],
      ['reset mid-body', (sock) => {
        sock.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf');
        setTimeout(() => sock.resetAndDestroy(), 20);
      }, 'connect-reset'],
      ['no response (silence)', () => {}, 'timeout'],
      ['half a status line then silence', (sock) => sock.write('HTTP/1.1 2'), 'timeout'],
      ['slowloris headers (a byte every 50 ms)', (sock) => {
        const head = 'HTTP/1.1 200 OK\r\nX-Slow: ' + 'a'.repeat(1000);
        let i = 0;
        const t = setInterval(() => (sock.destroyed || i >= head.length ? clearInterval(t) : sock.write(head[i++]!)), 50);
      }, 'timeout'],
      ['stalled body (a byte every 50 ms)', (sock) => {
        sock.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
        const t = setInterval(() => (sock.destroyed ? clearInterval(t) : sock.write('x')), 50);
      }, 'timeout'],
    ];
    for (const [name, script, cls] of behaviours) {
      const s = await rawServer(script);
      const c = client(s.url);
      const r = await send(c, { headersTimeout: 300, bodyTimeout: 300 });
      expect([name, r.errorClass]).toEqual([name, cls]);
      // the client is still usable afterwards: the next request gets a fresh connection
      const again = await send(c, { headersTimeout: 300, bodyTimeout: 300 });
      expect([name, again.errorClass]).toEqual([name, cls]);
      expect(s.connections).toBe(2);
    }
  });

  it('aborting from onResponseData (the body limit) drops the connection and reports once', async () => {
    const s = await rawServer((sock) => sock.write(OK('x'.repeat(50_000))));
    const c = client(s.url);
    const err = Object.assign(new Error('too big'), { code: 'HUTONG_PERF_BODY_TOO_LARGE' });
    const r = await send(c, {}, (ctl, bytes) => {
      if (bytes > 1000) ctl.abort(err);
    });
    expect(r.errorClass).toBe('body-too-large');
    expect(r.trailers).toBeUndefined();
  });

  it('refuses requests that could split or smuggle, without sending anything', async () => {
    const s = await rawServer((sock) => sock.write(OK()));
    const c = client(s.url);
    for (const opts of [
      { headers: { 'x-a': 'v\r\nX-Injected: 1' } },
      { headers: { 'bad name': 'v' } },
      { path: '/a b' },
      { path: 'http://elsewhere/' },
      { method: 'GE T' },
    ]) {
      const r = await send(c, opts as Partial<Dispatcher.DispatchOptions>);
      expect([opts, r.errorClass]).toEqual([opts, 'transport:UND_ERR_INVALID_ARG']);
    }
    expect(s.requests).toEqual([]);
    // the factory's Host and Content-Length never reach the wire
    await send(c, { method: 'POST', headers: { host: 'evil', 'content-length': '1', 'transfer-encoding': 'chunked' }, body: 'abc' });
    expect(s.requests[0]).toMatch(/^POST \/ HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc$/);
  });

  it('classifies a refused connection and fails everything queued on destroy', async () => {
    const s = await rawServer(() => {});
    const port = new URL(s.url).port;
    await s.close();
    servers.splice(0);
    const c = client(`http://127.0.0.1:${port}`);
    expect((await send(c)).errorClass).toBe('connect-refused');
    const s2 = await rawServer(() => {});
    const c2 = client(s2.url);
    const pending = [send(c2), send(c2)];
    await new Promise((r) => setTimeout(r, 50));
    await c2.destroy();
    expect((await Promise.all(pending)).map((o) => o.errorClass)).toEqual(['transport:UND_ERR_DESTROYED', 'transport:UND_ERR_DESTROYED']);
    expect((await send(c2)).errorClass).toBe('transport:UND_ERR_DESTROYED');
  });

  it('speaks https with verification on: a trusted certificate answers, an untrusted one is refused', async () => {
    const pem = (f: string): Buffer => readFileSync(new URL(`../hostile/certs/${f}`, import.meta.url));
    const start = async (cert: string, key: string): Promise<{ url: string; close: () => Promise<void> }> => {
      const srv = tls.createServer({ cert: pem(cert), key: pem(key) }, (sock) => {
        sock.on('error', () => {});
        sock.on('data', () => sock.write(OK('secure')));
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      return { url: `https://127.0.0.1:${(srv.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => srv.close(() => r())) };
    };
    const trusted = await start('valid.pem', 'leaf.key');
    const untrusted = await start('self.pem', 'self.key');
    try {
      const ok = await send(client(trusted.url, { tls: { ca: pem('ca.pem') } }));
      expect([ok.status, ok.body]).toEqual([200, 'secure']);
      // the default trust store knows neither certificate
      expect((await send(client(trusted.url))).errorClass).toMatch(/^transport:/);
      const bad = await send(client(untrusted.url, { tls: { ca: pem('ca.pem') } }));
      expect(bad.errorClass).toBe('transport:DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.destroy()));
      await Promise.all([trusted.close(), untrusted.close()]);
    }
  });
});
