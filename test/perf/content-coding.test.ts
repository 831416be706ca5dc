/**
 * Content-Encoding under load: compressed answers are checked on what they say, a decompression
 * bomb is an error class (never memory), corrupt or unknown codings are invalid-encoding, and a
 * checker that does not read the body never pays for decoding. Against a loopback node:http
 * server this test starts, on the raw (default) and the undici engine.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLargeError } from '../../src/perf/errors.js';
import { ContentCodingError, decodeContentCoding, runStage, statusChecker } from '../../src/perf/index.js';
import type { ResponseChecker, RunStageOptions } from '../../src/perf/index.js';

const ACK = '<MCCI_IN000002UV01><acknowledgement typeCode="AA"/><text value="互通"/></MCCI_IN000002UV01>';
/** 64 MB of zeros, ~64 KB of gzip */
const BOMB = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));

const BODIES: Record<string, { encoding: string; body: Buffer }> = {
  gzip: { encoding: 'gzip', body: zlib.gzipSync(ACK) },
  deflate: { encoding: 'deflate', body: zlib.deflateSync(ACK) },
  rawdeflate: { encoding: 'deflate', body: zlib.deflateRawSync(ACK) },
  br: { encoding: 'br', body: zlib.brotliCompressSync(ACK) },
  stacked: { encoding: 'deflate, gzip', body: zlib.gzipSync(zlib.deflateSync(ACK)) },
  identity: { encoding: 'identity', body: Buffer.from(ACK) },
  bomb: { encoding: 'gzip', body: BOMB },
  corrupt: { encoding: 'gzip', body: Buffer.from('this is not gzip at all') },
  unknown: { encoding: 'compress', body: Buffer.from(ACK) },
  many: { encoding: 'gzip, gzip, gzip', body: zlib.gzipSync(zlib.gzipSync(zlib.gzipSync(ACK))) },
};

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** /<name> answers BODIES[name] with its Content-Encoding */
async function server(): Promise<string> {
  const srv = http.createServer((req, res) => {
    const b = BODIES[(req.url ?? '/').slice(1)];
    if (!b) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-encoding': b.encoding, 'content-length': b.body.length });
    res.end(b.body);
  });
  srv.keepAliveTimeout = 10_000;
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  servers.push(srv);
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

/** the answer must be the acknowledgement, decoded */
const ackChecker: ResponseChecker = (status, _h, body) => (status === 200 && body.toString('utf8') === ACK ? null : 'invalid-body');

describe('decodeContentCoding', () => {
  it('undoes gzip, deflate (wrapped or raw), br and stacked codings; identity and empty bodies pass through', () => {
    for (const name of ['gzip', 'deflate', 'rawdeflate', 'br', 'stacked']) {
      const b = BODIES[name]!;
      expect([name, decodeContentCoding(b.body, b.encoding, 1 << 20).toString('utf8')]).toEqual([name, ACK]);
    }
    const plain = Buffer.from(ACK);
    expect(decodeContentCoding(plain, 'identity', 10)).toBe(plain);
    expect(decodeContentCoding(Buffer.alloc(0), 'gzip', 10).length).toBe(0);
    expect(decodeContentCoding(BODIES.gzip!.body, ['GZIP'], 1 << 20).toString('utf8')).toBe(ACK);
  });

  it('stops a bomb at the limit, and refuses corrupt, unknown and too many codings', () => {
    const before = process.memoryUsage().rss;
    expect(() => decodeContentCoding(BOMB, 'gzip', 1 << 20)).toThrow(BodyTooLargeError);
    // the 64 MB were never materialised (generous bound: the test process's RSS moves a little anyway)
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
    expect(() => decodeContentCoding(zlib.brotliCompressSync(Buffer.alloc(4 << 20)), 'br', 1 << 20)).toThrow(BodyTooLargeError);
    expect(() => decodeContentCoding(BODIES.corrupt!.body, 'gzip', 1 << 20)).toThrow(ContentCodingError);
    expect(() => decodeContentCoding(BODIES.unknown!.body, 'compress', 1 << 20)).toThrow(ContentCodingError);
    expect(() => decodeContentCoding(BODIES.many!.body, BODIES.many!.encoding, 1 << 20)).toThrow(ContentCodingError);
    // exactly at the limit is fine
    expect(decodeContentCoding(BODIES.gzip!.body, 'gzip', Buffer.byteLength(ACK)).toString('utf8')).toBe(ACK);
    expect(() => decodeContentCoding(BODIES.gzip!.body, 'gzip', Buffer.byteLength(ACK) - 1)).toThrow(BodyTooLargeError);
  });
});

describe.each(['raw', 'undici'] as const)('compressed answers under load on the %s engine', (engine) => {
  const opts: RunStageOptions = { engine };
  const stage = (name: string) => ({ name: `${engine}-${name}`, model: 'closed' as const, users: 2, durationS: 0.3 });
  const factory = (path: string) => () => ({ method: 'GET', path: `/${path}` });

  it('checks each coding on the decoded body', async () => {
    const url = await server();
    for (const name of ['gzip', 'deflate', 'rawdeflate', 'br', 'stacked', 'identity']) {
      const r = await runStage(stage(name), { url }, factory(name), ackChecker, opts);
      expect([name, r.requests > 0, r.errorCount, r.errors]).toEqual([name, true, 0, {}]);
    }
  });

  it('a bomb is body-too-large, corrupt and unknown codings invalid-encoding, each with a latency', async () => {
    const url = await server();
    const bomb = await runStage(stage('bomb'), { url, maxBodyBytes: 1 << 20 }, factory('bomb'), ackChecker, opts);
    expect(bomb.requests).toBeGreaterThan(0);
    expect(bomb.errors).toEqual({ 'body-too-large': bomb.requests });
    expect(bomb.errorExamples['body-too-large']).toMatch(/decoded \(gzip\) body larger than 1048576 bytes/);
    expect(bomb.latency.count).toBe(bomb.requests);
    for (const name of ['corrupt', 'unknown', 'many']) {
      const r = await runStage(stage(name), { url }, factory(name), ackChecker, opts);
      expect([name, r.errors]).toEqual([name, { 'invalid-encoding': r.requests }]);
    }
  });

  it('a checker that does not read the body never decodes it', async () => {
    const url = await server();
    const r = await runStage(stage('corrupt-status'), { url, maxBodyBytes: 1 << 20 }, factory('corrupt'), statusChecker, opts);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.errorCount).toBe(0);
    const b = await runStage(stage('bomb-status'), { url, maxBodyBytes: 1 << 20 }, factory('bomb'), statusChecker, opts);
    expect(b.errorCount).toBe(0);
  });
});
