/**
 * What the loader says about a broken or doubtful catalogue. Every issue names the file
 * (relative to the catalogue root) and, when it is inside the data, the JSON path
 * (JSON Pointer, as ajv reports it), so that a data author can go straight to it.
 */
export interface CatalogIssue {
  /** file relative to the catalogue root, '/'-separated: shared-docs/wst500/C0004.json */
  file: string;
  /** JSON Pointer into the file's data, '' for the whole file; a YAML/JSON syntax error gives line:column instead */
  path: string;
  message: string;
}

export function formatIssue(i: CatalogIssue): string {
  return `${i.file}: ${i.path === '' ? '' : `${i.path} `}${i.message}`;
}

/** The catalogue cannot be used: one error listing every problem found (the first one first). */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(readonly issues: CatalogIssue[]) {
    const shown = issues.slice(0, 20).map(formatIssue);
    if (issues.length > 20) shown.push(`… and ${issues.length - 20} more`);
    super(shown.join('\n'));
  }
}

/** Doubts that do not stop the catalogue (a value set the catalogue does not define, an unvalidated file). */
export type CatalogWarning = CatalogIssue;
