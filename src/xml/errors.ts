/**
 * Why an input was refused before or during parsing. Codes are stable: the validator's
 * pre-flight layer maps them to rule ids.
 */
export type XmlInputErrorCode =
  | 'too-large'          // over maxBytes, checked before any parsing
  | 'too-deep'           // element nesting over maxDepth
  | 'entity-declaration' // a DOCTYPE declaring entities (billion laughs, XXE): refused outright
  | 'encoding'           // invalid bytes for the encoding, or an encoding we cannot decode
  | 'malformed';         // not well-formed XML (libxml2's diagnosis)

export class XmlInputError extends Error {
  override readonly name = 'XmlInputError';
  readonly code: XmlInputErrorCode;
  /** 1-based; absent when the problem has no position (e.g. too-large) */
  readonly line?: number;
  readonly column?: number;
  readonly fileName?: string;

  constructor(code: XmlInputErrorCode, message: string, where: { line?: number; column?: number; fileName?: string } = {}) {
    const at = where.line !== undefined ? ` (${where.fileName ?? 'input'}:${where.line}${where.column !== undefined ? `:${where.column}` : ''})` : '';
    super(`${message}${at}`);
    this.code = code;
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
    if (where.fileName !== undefined) this.fileName = where.fileName;
  }
}

/** 1-based line and column (in characters) of a UTF-16 index in a string. */
export function positionInText(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  // count code points, not UTF-16 units, so CJK outside the BMP counts once
  let column = 1;
  for (let i = lineStart; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < index) i++;
    column++;
  }
  return { line, column };
}
