import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Repository root: dist/ and src/ both sit one level below it. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const TOOL_VERSION: string = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
