import { describe, expect, it } from 'vitest';
import { scanTree } from '../../src/xml/jstree.js';
import { NameTrie } from '../../src/xml/intern.js';
import { internedNames, scanChecked } from '../../src/xml/wellformed.js';
import { sample, template } from '../validate/helpers.js';
import { flat, libxml, sound } from './tree-flat.js';

/*
 * The scanner's speed mechanisms, each against libxml2's tree (as wellformed.test.ts): the name
 * trie (bounded, refills, proves nothing it has not checked), lines counted where the LFs are
 * read (every place an LF can stand), the reused code-unit buffer (never reads what a longer
 * document left behind), the shared frozen empty arrays.
 */

describe('element lines: LFs counted wherever they are read', () => {
  const cases: [string, string][] = [
    ['LF in an end tag', '<r>\n<a>x</a\n>\n<b/></r>'],
    ['LF before /> and >', '<r\n>\n<a\n/><b x="1"\n\n/>\n<c/></r>'],
    ['LF in attribute values', '<r a="x\ny"\n b="\n\n"><c d="\n"/>\n<e/></r>'],
    ['CR LF and CR in values and tags', '<r a="x\r\ny"\r\n b="\r"><c\r\n/>\r\n<e/></r>'],
    ['LF in comments', '<r><!--\n\n-->\n<a/><!--\n--><b/>\n<!-- -->\n<c/></r>'],
    ['LF in CDATA', '<r><![CDATA[\n\n]]><a/>\n<![CDATA[x\ny]]>\n<b/></r>'],
    ['LF in the prolog', '<?xml version="1.0"\n encoding="UTF-8"?>\n<!--\n-->\n\n<r\n>\n<a/></r>'],
    ['text with LFs, not only indentation', '<r>a\nb\n<a/>\n  x\n  <b/>\n\t<c/>\n \n <d/></r>'],
    ['indentation longer than the table', `<r>\n${' '.repeat(300)}<a/>\n${' '.repeat(256)}<b/>\n${' '.repeat(255)}<c/></r>`],
    ['references next to LFs', '<r>&#10;\n&amp;\n<a/>&#xA;<b/>\n</r>'],
    ['LF between = and the value', '<r a\n=\n"1"><b\nc\n=\n\'2\'\n/>\n<d/></r>'],
    ['empty elements and end tags on many lines', `<r>${'<a>\n</a>\n<b/>\n'.repeat(50)}</r>`],
  ];
  for (const [name, text] of cases) {
    it(`${name}: ok, libxml2's lines`, () => {
      expect(sound(text, name)).toBe(true);
      expect(flat(scanTree(text))).toEqual(libxml(text));
    });
  }

  it('a processing instruction with LFs inside the root (trusted mode reads it as libxml2 did)', () => {
    const text = '<r>\n<?pi a\nb\n?>\n<a/><?x\n?><b/></r>';
    expect(scanChecked(text).ok).toBe(false);
    expect(flat(scanTree(text))).toEqual(libxml(text));
  });
});

describe('the name trie', () => {
  it('a document with 10,000 distinct names: libxml2\'s tree, the trie stays within its bound, and the next document still reads right', () => {
    const kids = Array.from({ length: 10_000 }, (_, k) => `<e${k} a${k}="${k}" p:b${k}="v"/>`).join('\n');
    const text = `<r xmlns="urn:x" xmlns:p="urn:p">\n${kids}\n</r>`;
    expect(sound(text, '10,000 names')).toBe(true);
    const t = internedNames();
    expect(t.nodes).toBeLessThanOrEqual(t.maxNodes);
    expect(t.names).toBeLessThan(30_000);
    // the full trie is emptied before the next document, which fills it again
    const doc = sample(template('C0001'));
    expect(sound(doc, 'C0001 after')).toBe(true);
    const after = internedNames();
    expect(after.names).toBeLessThan(t.names);
    expect(after.names).toBeGreaterThan(10);
    expect(sound(doc, 'C0001 again')).toBe(true);
  });

  it('names longer than the trie takes (64), at and around the bound, prefixed or not', () => {
    for (const len of [63, 64, 65, 200, 1000]) {
      const a = 'n'.repeat(len);
      const p = `p:${'q'.repeat(len - 2)}`;
      const text = `<r xmlns:p="urn:p"><${a} ${a}="1" ${p}="2"><${p}/></${a}><${a}/></r>`;
      expect(sound(text, `length ${len}`)).toBe(true);
      expect(sound(text, `length ${len} again`)).toBe(true);
    }
  });

  it('a known name followed further, cut short or with a second colon, is still checked', () => {
    const known = '<r xmlns:p="urn:p" xmlns:pq="urn:q"><p:x p:a="1"/><abc/><x-y.z_/><p:x/></r>';
    expect(sound(known, 'known')).toBe(true);
    const probes = [
      '<r xmlns:p="urn:p"><p:x:y/></r>', // one more colon after a known name
      '<r xmlns:p="urn:p"><p:/></r>', // a known name's prefix, ending on its colon
      '<r xmlns:p="urn:p"><p: x="1"/></r>',
      '<r xmlns:p="urn:p"><x p:="1"/></r>',
      '<r xmlns:p="urn:p"><x p:a:b="1"/></r>',
      '<r><ab/><abcd/><abc/></r>', // prefixes and extensions of a known name
      '<r xmlns:p="urn:p"><p:xy/><p:x/></r>',
      '<r><x-y.z_/><x-y./></r>',
      '<r><1a/></r>',
      '<r><p:x/></r>', // known name, undeclared prefix
    ];
    for (const text of probes) {
      sound(text, text);
      sound(text, `${text} again`);
    }
    expect(scanChecked('<r xmlns:p="urn:p"><p:x:y/></r>').ok).toBe(false);
    expect(scanChecked('<r xmlns:p="urn:p"><p:/></r>').ok).toBe(false);
    expect(scanChecked('<r><p:x/></r>').ok).toBe(false);
  });

  it('NameTrie: adds only well-formed ASCII QNames within the length bound, and stops at its node bound', () => {
    const t = new NameTrie(64, 16, 32);
    const text = 'abc p:q :a a: a:b:c 1a a-b é x'.split(' ');
    const nodes = text.map((w) => t.add(w, 0, w.length));
    expect(nodes.map((n) => n !== 0)).toEqual([true, true, false, false, false, false, true, false, true]);
    const pq = nodes[1]!;
    expect([t.names[pq], t.prefixes[pq], t.locals[pq], t.colons[pq]]).toEqual(['p:q', 'p', 'q', 1]);
    expect(t.add('abc', 0, 3)).toBe(nodes[0]);
    expect(t.add('a'.repeat(17), 0, 17)).toBe(0);
    // fill it: never more than 64 nodes
    for (let k = 0; k < 100; k++) t.add(`n${k}x`, 0, `n${k}x`.length);
    expect(t.nodesUsed).toBeLessThanOrEqual(64);
    const size = t.size;
    expect(t.add('zzzzzzzz', 0, 8)).toBe(0);
    t.clearIfFull();
    expect(t.size).toBe(0);
    expect(t.add('zzzzzzzz', 0, 8)).not.toBe(0);
    expect(size).toBeGreaterThan(3);
  });
});

describe('the reused code-unit buffer', () => {
  it('every prefix of a document, scanned after the whole (longer) one: never ok unless libxml2 agrees', () => {
    const whole = '<r a="1" b=\'2\'><x>t&amp;u</x><y z="&#x41;"/><!--c--><![CDATA[d]]></r>  \n';
    for (let k = 0; k <= whole.length; k++) {
      expect(sound(whole, 'whole')).toBe(true);
      const cut = whole.slice(0, k);
      const ok = sound(cut, `cut at ${k}`);
      if (k < whole.indexOf('</r>') + 4) {
        expect(ok, `cut at ${k}`).toBe(false);
        // trusted mode too: it never reads past the end of the text into the longer document
        expect(scanTree(whole).children.length).toBe(2);
        expect(() => scanTree(cut), `trusted, cut at ${k}`).toThrow();
      }
    }
  });

  it('an attribute value cut short, after a document that went on from there', () => {
    for (const [whole, cut] of [['<r a="12345"/>', '<r a="1'], ['<r><x a=\'1\'/></r>', '<r><x a=\'1'], ['<r a="1"/>', '<r a="']]) {
      expect(sound(whole!, whole)).toBe(true);
      expect(scanChecked(cut!).ok, cut).toBe(false);
      expect(scanTree(whole!).local).toBe('r');
      expect(() => scanTree(cut!), cut).toThrow();
    }
  });

  it('a document after a much longer one, and a long one after a short one', () => {
    const big = sample(template('C0001')).replace('<realmCode', `${'<!-- filler -->\n'.repeat(5000)}<realmCode`);
    const small = '<r><a b="c"/></r>';
    expect(sound(big, 'big')).toBe(true);
    expect(sound(small, 'small')).toBe(true);
    expect(sound(small.slice(0, -2), 'small cut')).toBe(false);
    expect(sound(big, 'big again')).toBe(true);
  });
});

describe('text chunks', () => {
  it('elements share their document\'s chunks; [textStart, textEnd) is an element\'s descendant text, as content', () => {
    const text = '<r>\n  <a>x<![CDATA[y]]></a>\n  <b>z&amp;</b>\n</r>';
    const r = scanChecked(text);
    if (!r.ok) throw new Error(r.reason);
    const [a, b] = r.root.children;
    expect(a!.chunks).toBe(r.root.chunks);
    expect(r.root.chunks).toEqual(['\n  ', 'x', 'y', '\n  ', 'z&', '\n']);
    for (const el of [r.root, a!, b!]) expect(el.chunks.slice(el.textStart, el.textEnd).join('')).toBe(el.content);
    expect([a!.content, b!.content]).toEqual(['xy', 'z&']);
  });
});

describe('shared empty arrays', () => {
  it('elements without attributes or children share a frozen empty array: a push throws rather than change other elements', () => {
    const r = scanChecked('<r><a/><b/></r>');
    if (!r.ok) throw new Error(r.reason);
    const [a, b] = r.root.children;
    expect(a!.children).toBe(b!.children);
    expect(() => a!.children.push(b!)).toThrow(TypeError);
    expect(() => a!.attrs.push({ local: 'x', ns: '', value: '', parent: a! })).toThrow(TypeError);
    expect(b!.children.length).toBe(0);
    expect(r.root.attrs.length).toBe(0);
  });
});
