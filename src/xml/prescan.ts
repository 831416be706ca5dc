import { XmlInputError, positionInText } from './errors.js';

/**
 * One cheap pass over the text before libxml2 sees it: element depth against the configured
 * limit (libxml2 only knows its fixed 256 / 2048), and refusal of any DOCTYPE that declares
 * entities. The scan jumps with indexOf between markup, so its cost is a fraction of a parse;
 * on malformed input it simply stops and leaves the diagnosis to libxml2.
 */
export function prescan(text: string, maxDepth: number, fileName?: string): { doctype: boolean } {
  const n = text.length;
  let i = 0;
  let depth = 0;
  let doctype = false;
  const fail = (code: 'too-deep' | 'entity-declaration', message: string, at: number): never => {
    throw new XmlInputError(code, message, { ...positionInText(text, at), ...(fileName !== undefined ? { fileName } : {}) });
  };
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt === -1 || lt + 1 >= n) break;
    const c = text.charCodeAt(lt + 1);
    if (c === 0x2f /* </ */) {
      depth--;
      const gt = text.indexOf('>', lt + 2);
      if (gt === -1) break;
      i = gt + 1;
      continue;
    }
    if (c === 0x3f /* <? */) {
      const e = text.indexOf('?>', lt + 2);
      if (e === -1) break;
      i = e + 2;
      continue;
    }
    if (c === 0x21 /* <! */) {
      if (text.startsWith('!--', lt + 1)) {
        const e = text.indexOf('-->', lt + 4);
        if (e === -1) break;
        i = e + 3;
      } else if (text.startsWith('![CDATA[', lt + 1)) {
        const e = text.indexOf(']]>', lt + 9);
        if (e === -1) break;
        i = e + 3;
      } else if (text.startsWith('!DOCTYPE', lt + 1)) {
        doctype = true;
        // Any entity declaration anywhere once a DOCTYPE is present is refused: cheaper and safer
        // than trusting a scan of a subset an attacker shaped (a stray quote could hide one).
        const ent = text.indexOf('<!ENTITY');
        if (ent !== -1) fail('entity-declaration', 'the DOCTYPE declares entities; entity declarations are refused (billion laughs, external entities)', ent);
        i = skipDoctype(text, lt + 9);
      } else {
        i = lt + 2;
      }
      continue;
    }
    // a start tag: find its end, jumping over quoted attribute values
    let j = lt + 1;
    let stop = false;
    while (j < n) {
      const ch = text.charCodeAt(j);
      if (ch === 0x3e /* > */) break;
      if (ch === 0x22 || ch === 0x27) {
        const q = text.indexOf(ch === 0x22 ? '"' : "'", j + 1);
        if (q === -1) { stop = true; break; }
        j = q + 1;
        continue;
      }
      if (ch === 0x3c /* < inside a tag: malformed */) break;
      j++;
    }
    if (stop || j >= n) break;
    if (text.charCodeAt(j) === 0x3c) { i = j; continue; }
    if (text.charCodeAt(j - 1) !== 0x2f /* not <x/> */) {
      depth++;
      if (depth > maxDepth) fail('too-deep', `element nesting deeper than ${maxDepth}`, lt);
    }
    i = j + 1;
  }
  return { doctype };
}

function skipDoctype(text: string, from: number): number {
  const n = text.length;
  let inSubset = false;
  for (let j = from; j < n; j++) {
    const ch = text.charCodeAt(j);
    if (ch === 0x22 || ch === 0x27) {
      const q = text.indexOf(ch === 0x22 ? '"' : "'", j + 1);
      if (q === -1) return n;
      j = q;
    } else if (ch === 0x5b /* [ */) inSubset = true;
    else if (ch === 0x5d /* ] */) inSubset = false;
    else if (ch === 0x3c && inSubset && text.startsWith('<!--', j)) {
      const e = text.indexOf('-->', j + 4);
      if (e === -1) return n;
      j = e + 2;
    } else if (ch === 0x3e && !inSubset) return j + 1;
  }
  return n;
}
