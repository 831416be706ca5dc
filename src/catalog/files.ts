/**
 * The catalogue's files (the team's file contracts, notes/shared-contracts.md) and the schema
 * each is validated against. Data is read from the catalogue root; schemas always from this
 * project's schemas/ folder, because they are the engine's contract, not data.
 */
export type CatalogKind = 'documents' | 'datasets' | 'dataElements' | 'valueSets' | 'services' | 'regionalServices' | 'entities' | 'plans';

export interface FileRule {
  kind: CatalogKind;
  /** a file path, or a folder with the extension its files must have */
  path: string;
  folder?: { ext: '.json' | '.yaml' };
  schema: string;
}

export const CATALOG_FILES: readonly FileRule[] = [
  { kind: 'datasets', path: 'datasets/ws445.json', schema: 'datasets.schema.json' },
  { kind: 'datasets', path: 'datasets/ws365.json', schema: 'datasets.schema.json' },
  { kind: 'dataElements', path: 'datasets/ws363.json', schema: 'data-elements.schema.json' },
  { kind: 'dataElements', path: 'datasets/ws363-regional.json', schema: 'data-elements.schema.json' },
  { kind: 'valueSets', path: 'datasets/ws364.json', schema: 'value-sets.schema.json' },
  { kind: 'documents', path: 'shared-docs/wst500', folder: { ext: '.json' }, schema: 'document-template.schema.json' },
  { kind: 'documents', path: 'shared-docs/wst483', folder: { ext: '.json' }, schema: 'document-template.schema.json' },
  { kind: 'services', path: 'scenarios/services.json', schema: 'services.schema.json' },
  { kind: 'regionalServices', path: 'scenarios/regional-services.json', schema: 'services.schema.json' },
  { kind: 'entities', path: 'scenarios/entities.json', schema: 'entities.schema.json' },
  { kind: 'plans', path: 'scenarios/plans', folder: { ext: '.yaml' }, schema: 'plan.schema.json' },
];
