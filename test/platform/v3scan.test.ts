import { describe, expect, it } from 'vitest';
import { ScanError, scanXml } from '../../src/platform/v3scan.js';
import { readHead } from '../../src/platform/v3read.js';
import { parseXml } from '../../src/xml/index.js';
import { request, service } from './helpers.js';

describe('the hot-path scanner', () => {
  it('reads what libxml2 reads: names, namespaces, decoded attributes, text', () => {
    const root = scanXml(`<?xml version="1.0"?><!-- c --><a xmlns="urn:hl7-org:v3" xmlns:x="urn:x"><x:b v="1 &amp; 2 &#x4e2d;" w='q'/><c>t&lt;<![CDATA[<raw>]]></c></a>`);
    expect(root).toMatchObject({ local: 'a', ns: 'urn:hl7-org:v3' });
    expect(root.children[0]).toMatchObject({ local: 'b', ns: 'urn:x', attrs: { v: '1 & 2 中', w: 'q' } });
    expect(root.children[1]!.text).toBe('t<<raw>');
  });

  it('reads the wrapper of a catalogue-built request', () => {
    const r = request(service('PatientInfoQuery'), { patientId: 'P1' }, 'MID-1');
    const h = readHead(r.xml);
    expect(h).toMatchObject({ messageId: 'MID-1', messageIdRoot: '2.16.156.10011.2.5.1.1', interactionId: 'PRPA_IN201305UV02', sender: 'hutong-test', creationTime: '20250301093000' });
    // the same document is well-formed for libxml2 too
    const doc = parseXml(r.xml);
    try {
      expect(doc.root.name).toBe(h.root.local);
    } finally {
      doc.dispose();
    }
  });

  const bad: [string, string][] = [
    ['DOCTYPE with an external entity', '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'],
    ['an undeclared entity', '<a>&e;</a>'],
    ['a bad character reference', '<a>&#0;</a>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['an unclosed element', '<a><b/>'],
    ['two roots', '<a/><b/>'],
    ['text outside the root', 'x<a/>'],
    ['a duplicate attribute', '<a x="1" x="2"/>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['"<" in an attribute', '<a x="<"/>'],
    ['an undeclared prefix', '<p:a/>'],
    ['nothing', ''],
  ];
  for (const [what, xml] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => scanXml(xml)).toThrow(ScanError);
    });
  }

  it('enforces the element and depth limits', () => {
    expect(() => scanXml(`<a>${'<b/>'.repeat(50)}</a>`, { maxElements: 10 })).toThrow(/more than 10 elements/);
    expect(() => scanXml(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`, { maxDepth: 30 })).toThrow(/deeper than 30/);
  });

  it('bounds the namespace declarations in scope (each declaring element copies its parent scope)', () => {
    const decls = (n: number): string => Array.from({ length: n }, (_, i) => ` xmlns:n${i}="urn:n${i}"`).join('');
    expect(scanXml(`<a${decls(62)}><b xmlns:k="v"/></a>`).children[0]!.scope.size).toBe(64);
    expect(() => scanXml(`<a${decls(62)}><b xmlns:k="v" xmlns:j="w"/></a>`)).toThrow(/more than 64 namespace declarations/);
    expect(() => scanXml(`<a${decls(8000)}>${'<c xmlns:k="v"/>'.repeat(8000)}</a>`)).toThrow(ScanError);
  });
});
