/** The catalogue stage: standards as data, loaded and checked once. Types in types.ts. */
export type * from './types.js';
export { loadCatalog, catalogVersion, clearCatalogCache, type LoadedCatalog } from './load.js';
export { CatalogError, formatIssue, type CatalogIssue, type CatalogWarning } from './errors.js';
export { parseFormat, checkValue, describeFormat, isFormat, FormatSyntaxError, type RepresentationFormat, type FormatCheck, type FormatViolation } from './format.js';
export { coverage, STANDARD_SIZES, type CoverageRow } from './coverage.js';
