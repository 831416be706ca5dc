/**
 * The per-response check's shortcuts (src/perf/check.ts) give the same verdicts as the long way:
 * the envelope end read from the end of the text, and the UTF-8 decode that skips re-parsing a
 * Content-Type seen before.
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { element, fastUnwrap, ResponseCheck } from '../../src/perf/check.js';
import { serviceLoad } from '../../src/perf/requests.js';
import { buildAck } from '../../src/samples/message.js';
import { resolveBinding } from '../../src/transport/binding.js';
import { writeResponse } from '../../src/transport/envelope.js';

const soap = resolveBinding('soap11');

describe('fastUnwrap', () => {
  const env = (tail: string): string =>
    `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><r><![CDATA[<m/>]]></r></s:Body>${tail}`;
  it('takes an envelope that ends in </Envelope> or </prefix:Envelope>, white space after it', () => {
    for (const tail of ['</s:Envelope>', '</s:Envelope>\r\n  ', '</Envelope>', '</soap-env.1:Envelope>\n']) expect([tail, fastUnwrap(soap, env(tail))]).toEqual([tail, '<m/>']);
  });
  it('leaves anything else to the full path', () => {
    for (const tail of ['</s:Envelope>x', '</s :Envelope>', '</:Envelope>', '<s:Envelope>', 'Envelope>', '</s:Envelope', '</a b:Envelope>']) {
      expect([tail, fastUnwrap(soap, env(tail))]).toEqual([tail, undefined]);
    }
  });
});

describe('element: an unanchored element regex found from the name\'s occurrences', () => {
  const patterns: [string, string][] = [
    ['<(?:[\\w.-]+:)?acknowledgement\\b[^>]*?\\stypeCode\\s*=\\s*["\']([A-Za-z]+)["\']', 'acknowledgement'],
    ['<(?:[\\w.-]+:)?targetMessage\\b[^>]*>\\s*<(?:[\\w.-]+:)?id\\b([^>]*)>', 'targetMessage'],
    ['<(?:[\\w.-]+:)?Fault[\\s>]', 'Fault'],
  ];
  const pieces = ['<', '>', ' ', ':', 'hl7:', 'a b:', '<!-- ', ' -->', '"', "'", 'typeCode="AA"', " typeCode='AE'", 'acknowledgement', 'acknowledgementDetail',
    'targetMessage', '<id extension="X"/>', 'Fault', 'Faults', '\n', 'x', '<<', '</',
    '<acknowledgement', '<hl7:acknowledgement', '<targetMessage>', '<v3:targetMessage x="1">', '<Fault>', '<s:Fault ', '<x:Faults>'];
  it('gives the leftmost match of the plain regex, for thousands of generated texts', () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    let matched = 0;
    for (let k = 0; k < 4000; k++) {
      let text = '';
      const len = 1 + rnd(14);
      for (let j = 0; j < len; j++) text += pieces[rnd(pieces.length)];
      for (const [src, name] of patterns) {
        const want = new RegExp(src).exec(text);
        const got = element(new RegExp(src, 'y'), text, name);
        expect([text, got?.index, got?.[0], got?.[1]]).toEqual([text, want?.index, want?.[0], want?.[1]]);
        if (want) matched++;
      }
    }
    expect(matched).toBeGreaterThan(200);
  });
});

describe('ResponseCheck', () => {
  it('judges every answer as a fresh checker would, whatever came before under the same Content-Type', () => {
    const catalog = loadCatalog();
    const reg = serviceLoad(catalog, 'PatientInfoRegister');
    const ack = (id: string, type = 'AA'): string =>
      Buffer.from(writeResponse(soap, buildAck({ messageId: id, interactionId: reg.service.request }, { typeCode: type as 'AA', messageId: 'A', creationTime: '20250101000000' })).body).toString('utf8');
    const utf8 = 'text/xml; charset=utf-8';
    const answers: [string | undefined, Buffer][] = [
      [utf8, Buffer.from(ack('M-1'))],
      [utf8, Buffer.from(ack('M-2', 'AE'))],
      // the same Content-Type, but bytes that are not UTF-8 (GBK): decoded the long way
      [utf8, iconv.encode(ack('M-3').replace('<acknowledgement', '<!-- 互通 --><acknowledgement'), 'gbk')],
      [utf8, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ack('M-4'))])],
      ['text/xml; charset=gbk', iconv.encode(ack('M-5'), 'gbk')],
      [utf8, Buffer.from(ack('M-6'))],
      [undefined, Buffer.from(ack('M-7'))],
      [utf8, Buffer.from(ack('M-8'))],
    ];
    const opts = { binding: soap, service: reg.service, catalog, validateEvery: 0, expectRecords: false };
    const longLived = new ResponseCheck(opts);
    for (let i = 1; i <= answers.length; i++) longLived.expect(`M-${i}`);
    const verdicts = answers.map(([ct, body]) => longLived.check(200, ct === undefined ? {} : { 'content-type': ct }, body));
    const fresh = answers.map(([ct, body], i) => {
      const c = new ResponseCheck(opts);
      c.expect(`M-${i + 1}`);
      return c.check(200, ct === undefined ? {} : { 'content-type': ct }, body);
    });
    expect(verdicts).toEqual(fresh);
    expect(verdicts).toEqual([null, 'ack-AE', null, null, null, null, null, null]);
  });
});
