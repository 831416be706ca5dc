import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cdata, el, NS, serialize, textNode, withXml } from '../../src/xml/index.js';

const xmlText = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s));

describe('serialize', () => {
  it('escapes text and attributes so they parse back unchanged', () => {
    fc.assert(
      fc.property(xmlText, xmlText, (t, a) => {
        const xml = serialize(el('r', { a }, el('x', {}, t)));
        return withXml(xml, (doc) => doc.root.attr('a')?.value === a && (doc.root.firstChild as { content: string } | null)?.content === t);
      }),
      { numRuns: 500 },
    );
  });

  it('never lets "]]>" through raw and splits it inside CDATA', () => {
    const t = 'a]]>b & <c> "d" \'e\'\r\n\tf';
    const xml = serialize(el('r', { v: t }, el('x', {}, t)));
    expect(xml).not.toContain(']]>');
    withXml(xml, (doc) => {
      expect(doc.root.attr('v')?.value).toBe(t);
      expect(doc.root.content).toBe(t);
    });
    const node = el('m', {}, 'x]]>y]]>');
    node.cdata = true;
    const c = serialize(node);
    expect(c).toBe('<m><![CDATA[x]]]]><![CDATA[>y]]]]><![CDATA[>]]></m>');
    withXml(c, (doc) => expect(doc.root.content).toBe('x]]>y]]>'));
    expect(cdata('')).toBe('<![CDATA[]]>');
  });

  it('refuses characters XML 1.0 cannot carry', () => {
    expect(() => serialize(el('r', {}, 'a\u0001b'))).toThrow(/U\+0001/);
    expect(() => serialize(el('r', { a: '\uffff' }))).toThrow(/U\+FFFF/);
    expect(() => serialize(el('r', {}, 'x\ud800'))).toThrow(/U\+D800/);
    expect(serialize(el('r', {}, '😀'))).toBe('<r>😀</r>');
  });

  it('pretty-prints without changing content, keeps mixed content inline, adds the declaration', () => {
    const tree = el('ClinicalDocument', { xmlns: NS.hl7 },
      el('title', {}, '测试 文档'),
      el('component', {}, el('section', {}, el('text', {}, textNode('前'), el('content', {}, '中'), '后'))));
    const pretty = serialize(tree, { pretty: true, declaration: true });
    expect(pretty.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument')).toBe(true);
    expect(pretty).toContain('\n  <title>测试 文档</title>');
    expect(pretty).toContain('<text>前<content>中</content>后</text>');
    withXml(pretty, (a) => withXml(serialize(tree), (b) => expect(a.root.content.replace(/\n\s*/g, '')).toBe(b.root.content)));
  });

  it('declares xsi: and sdtc: on the root when used below', () => {
    const xml = serialize(el('ClinicalDocument', { xmlns: NS.hl7 }, el('value', { 'xsi:type': 'PQ', value: '1' }), el('sdtc:raceCode', { code: 'x' })));
    expect(xml).toContain(`xmlns:xsi="${NS.xsi}"`);
    expect(xml).toContain(`xmlns:sdtc="${NS.sdtc}"`);
    withXml(xml, (doc) => expect(doc.root.name).toBe('ClinicalDocument'));
  });
});
