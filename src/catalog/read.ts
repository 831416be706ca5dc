/** Parsing catalogue files: the data of their bytes, or a located syntax error. */
import { parseDocument } from 'yaml';
import type { CatalogIssue } from './errors.js';

export interface ReadFile {
  /** path relative to the catalogue root, '/'-separated */
  rel: string;
  bytes: Buffer;
  data?: unknown;
  issue?: CatalogIssue;
}

function lineColumn(text: string, index: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `${line}:${col}`;
}

/**
 * Index of the first JSON syntax error in text (only called once JSON.parse has failed, whose
 * message carries no position for some errors in Node 20). A strict RFC 8259 scan.
 */
export function jsonErrorIndex(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    if (typeof at === 'number') return at;
    throw at;
  }
}

/** The data of a catalogue file read as `bytes` (YAML or JSON by its name), or a located syntax error. */
export function parseCatalogFile(rel: string, bytes: Buffer): ReadFile {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (rel.endsWith('.yaml') || rel.endsWith('.yml')) {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    const err = doc.errors[0];
    if (err) {
      return { rel, bytes, issue: { file: rel, path: lineColumn(text, err.pos[0]), message: `invalid YAML: ${err.message.split('\n')[0]}` } };
    }
    // aliases are capped so that a hostile plan cannot expand without bound
    return { rel, bytes, data: doc.toJS({ maxAliasCount: 100 }) as unknown };
  }
  try {
    return { rel, bytes, data: JSON.parse(text) as unknown };
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.replace(/, "[\s\S]*$/, '');
    const at = jsonErrorIndex(text);
    return { rel, bytes, issue: { file: rel, path: at >= 0 ? lineColumn(text, at) : '', message: `invalid JSON: ${message}` } };
  }
}
