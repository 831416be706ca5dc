/**
 * Evidence as readable HTML: re-indented, coloured XML. Every character of the input ends up
 * HTML-escaped inside a <span>; nothing from the evidence is ever emitted as markup. A V3
 * message carried escaped or in CDATA inside a SOAP body is shown indented in place, so the
 * payload is as readable as the envelope. Text that is not XML is shown as plain text.
 */
import { decodeXmlText, lexXml, looksLikeXml, type XmlToken } from '../xml-lex.js';
import { esc } from './escape.js';

const INDENT = '  ';
const MAX_NESTING = 2;
// Indentation stops growing here: evidence of unclosed or 100 000-deep tags would otherwise
// cost depth × lines characters (a 256 KiB response of '<a>'s took the run to 800 MB).
const MAX_INDENT_LEVEL = 32;

const span = (cls: string, s: string): string => `<span class="${cls}">${esc(s)}</span>`;

const closeTag = (name: string): string => span('x-t', `</${name}>`);

function tagHtml(t: Extract<XmlToken, { kind: 'open' }>): string {
  // brackets share the name's span: a third fewer elements on pages with megabytes of evidence
  let out = `<span class="x-t">${esc(`<${t.name}`)}`;
  for (const a of t.attrs) out += ` <span class="x-a">${esc(a.name)}=</span><span class="x-v">${esc(`${a.quote}${a.value}${a.quote}`)}</span>`;
  return `${out}${esc(t.selfClosing ? '/>' : '>')}</span>`;
}

/** Pretty-printed, highlighted HTML of an XML text (input never trusted, never throws). */
export function xmlToHtml(text: string, depth = 0, baseIndent = ''): string {
  if (!looksLikeXml(text)) return esc(text);
  const tokens = lexXml(text);
  const lines: string[] = [];
  let level = 0;
  let line = '';
  const pad = (): string => baseIndent + INDENT.repeat(Math.min(MAX_INDENT_LEVEL, Math.max(0, level)));
  const flush = (): void => { if (line !== '') { lines.push(line); line = ''; } };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    switch (tok.kind) {
      case 'open': {
        flush();
        const next = tokens[i + 1];
        const after = tokens[i + 2];
        // <a>short text</a> stays on one line
        if (!tok.selfClosing && next?.kind === 'text' && after?.kind === 'close' && !looksLikeXml(decodeXmlText(next.raw)) && !next.raw.includes('\n')) {
          lines.push(pad() + tagHtml(tok) + span('x-x', next.raw.trim()) + closeTag(after.name));
          i += 2;
          break;
        }
        if (!tok.selfClosing && next?.kind === 'close') {
          lines.push(pad() + tagHtml(tok) + closeTag(next.name));
          i += 1;
          break;
        }
        lines.push(pad() + tagHtml(tok));
        if (!tok.selfClosing) level++;
        break;
      }
      case 'close':
        flush();
        level--;
        lines.push(pad() + closeTag(tok.name));
        break;
      case 'text': {
        const trimmed = tok.raw.trim();
        if (!trimmed) break;
        const decoded = decodeXmlText(trimmed);
        if (depth < MAX_NESTING && looksLikeXml(decoded)) {
          flush();
          lines.push(`${pad()}<span class="x-n">${esc('⤷ escaped XML')}</span>`);
          lines.push(xmlToHtml(decoded, depth + 1, pad() + INDENT));
        } else {
          flush();
          lines.push(pad() + span('x-x', trimmed));
        }
        break;
      }
      case 'cdata': {
        flush();
        if (depth < MAX_NESTING && looksLikeXml(tok.content)) {
          lines.push(pad() + span('x-c', '<![CDATA['));
          lines.push(xmlToHtml(tok.content, depth + 1, pad() + INDENT));
          lines.push(pad() + span('x-c', ']]>'));
        } else {
          lines.push(pad() + span('x-c', tok.raw));
        }
        break;
      }
      case 'comment':
        flush();
        lines.push(pad() + span('x-m', tok.raw));
        break;
      case 'pi':
      case 'doctype':
        flush();
        lines.push(pad() + span('x-d', tok.raw));
        break;
    }
  }
  flush();
  return lines.join('\n');
}
