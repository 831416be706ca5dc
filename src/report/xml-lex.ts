/**
 * A tolerant XML *lexer* for display and masking, not a parser: it splits text into tags,
 * text, comments, CDATA and processing instructions without resolving anything (no entities,
 * no DTD, no namespaces), and it never throws — evidence is whatever the platform sent, often
 * broken, and a report must still show it byte for byte. Anything it cannot make sense of
 * comes back as a text token. Validation goes through src/xml; this only colours and indents.
 */

export type XmlToken =
  | { kind: 'text'; raw: string }
  | { kind: 'open'; raw: string; name: string; attrs: XmlAttr[]; selfClosing: boolean }
  | { kind: 'close'; raw: string; name: string }
  | { kind: 'comment'; raw: string }
  | { kind: 'cdata'; raw: string; content: string }
  | { kind: 'pi'; raw: string }
  | { kind: 'doctype'; raw: string };

export interface XmlAttr {
  name: string;
  /** the value as written (still entity-encoded), without quotes */
  value: string;
  quote: '"' | "'";
}

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const ATTR = /([^\s=/>"']+)\s*=\s*("([^"]*)"|'([^']*)')/g;

/** Split text into tokens; the concatenation of every token's raw is the input. */
export function lexXml(text: string): XmlToken[] {
  const out: XmlToken[] = [];
  const n = text.length;
  let i = 0;
  let textFrom = 0;
  const flushText = (to: number): void => {
    if (to > textFrom) out.push({ kind: 'text', raw: text.slice(textFrom, to) });
  };
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    const next = text[lt + 1] ?? '';
    let end = -1;
    let tok: XmlToken | undefined;
    if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt + 4);
      if (e !== -1) { end = e + 3; tok = { kind: 'comment', raw: text.slice(lt, end) }; }
    } else if (text.startsWith('<![CDATA[', lt)) {
      const e = text.indexOf(']]>', lt + 9);
      if (e !== -1) { end = e + 3; tok = { kind: 'cdata', raw: text.slice(lt, end), content: text.slice(lt + 9, e) }; }
    } else if (next === '?') {
      const e = text.indexOf('?>', lt + 2);
      if (e !== -1) { end = e + 2; tok = { kind: 'pi', raw: text.slice(lt, end) }; }
    } else if (next === '!') {
      const e = text.indexOf('>', lt + 2);
      if (e !== -1) { end = e + 1; tok = { kind: 'doctype', raw: text.slice(lt, end) }; }
    } else if (next === '/') {
      const e = text.indexOf('>', lt + 2);
      if (e !== -1) {
        const name = text.slice(lt + 2, e).trim();
        if (name && NAME_START.test(name[0]!) && !/[\s<]/.test(name)) { end = e + 1; tok = { kind: 'close', raw: text.slice(lt, end), name }; }
      }
    } else if (NAME_START.test(next)) {
      const e = tagEnd(text, lt + 1);
      if (e !== -1) {
        end = e + 1;
        const raw = text.slice(lt, end);
        const selfClosing = raw.endsWith('/>');
        const inner = raw.slice(1, selfClosing ? -2 : -1);
        const m = /^[^\s/>]+/.exec(inner);
        const name = m ? m[0] : '';
        const attrs: XmlAttr[] = [];
        ATTR.lastIndex = name.length;
        for (let a = ATTR.exec(inner); a; a = ATTR.exec(inner)) {
          attrs.push({ name: a[1]!, value: a[3] ?? a[4] ?? '', quote: a[3] !== undefined ? '"' : "'" });
        }
        tok = { kind: 'open', raw, name, attrs, selfClosing };
      }
    }
    if (tok && end > lt) {
      flushText(lt);
      out.push(tok);
      i = end;
      textFrom = end;
    } else {
      i = lt + 1;
    }
  }
  flushText(n);
  return out;
}

/** Index of the '>' closing a start tag, skipping quoted values; -1 when there is none. */
function tagEnd(text: string, from: number): number {
  let quote = '';
  for (let j = from; j < text.length; j++) {
    const c = text[j]!;
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
    else if (c === '<') return -1;
  }
  return -1;
}

export const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

/** The five predefined entities and character references; anything else is left as written. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/g, (m, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default: {
        const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : m;
      }
    }
  });
}

/** Text that is itself an XML message (a V3 payload escaped or in CDATA inside a SOAP body). */
export function looksLikeXml(s: string): boolean {
  const t = s.trimStart();
  return t.startsWith('<') && /^<[?A-Za-z_!]/.test(t) && t.includes('>');
}
