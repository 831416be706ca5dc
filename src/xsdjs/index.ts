import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JElement } from '../xml/jstree.js';
import { compileEntry } from './compile.js';
import type { CompiledSchema } from './model.js';
import { simplePlan } from './simple.js';
import { accepts, type Acceptance } from './validate.js';

/**
 * A JavaScript XSD 1.0 validator for the fast accept path (docs: /work/coord/FAST-VALIDATE.md).
 * compileSchema reads a schema set once (plain, structured-clone-able data); acceptsTree
 * checks a JElement tree against it and says valid only when libxml2 would too. Sets using
 * constructs outside what it implements throw XsdJsUnsupported at compile time, so they keep
 * libxml2 as their only engine.
 *
 * Precondition for soundness: libxml2 compiled the same set without error (this compiler does
 * not re-check every schema constraint libxml2 checks, e.g. that a restriction restricts).
 */

export { XsdJsUnsupported, type CompiledSchema } from './model.js';
export type { Acceptance } from './validate.js';

/** Compile the schema set whose entry file is `entry` (reads the includes and imports from disk). */
export function compileSchema(entry: string): CompiledSchema {
  return compileEntry(entry);
}

/**
 * Every entry of a schema folder, by the root element (local name) it validates: cda-cn.xsd or
 * CDA.xsd → ClinicalDocument; an index.json (schemas/xsd/v3) → each interaction's root.
 */
export function compileSchemaDir(dir: string): Record<string, CompiledSchema> {
  const abs = resolve(dir);
  for (const f of ['cda-cn.xsd', 'CDA.xsd']) {
    if (existsSync(join(abs, f))) return { ClinicalDocument: compileEntry(join(abs, f)) };
  }
  const idx = join(abs, 'index.json');
  if (!existsSync(idx)) throw new Error(`no cda-cn.xsd, CDA.xsd or index.json in ${abs}`);
  const index = JSON.parse(readFileSync(idx, 'utf8')) as { interactions?: Record<string, { file?: unknown; root?: unknown }> };
  const out: Record<string, CompiledSchema> = {};
  const byFile = new Map<string, CompiledSchema>();
  for (const [id, e] of Object.entries(index.interactions ?? {})) {
    if (typeof e.file !== 'string') continue;
    const root = typeof e.root === 'string' ? e.root : id;
    const file = resolve(abs, e.file);
    let c = byFile.get(file);
    if (c === undefined) {
      c = compileEntry(file);
      byFile.set(file, c);
    }
    out[root] ??= c;
  }
  return out;
}

/**
 * valid:true ⇒ libxml2's XSD validation of the same document passes; valid:false = not sure
 * (violation or unsupported case).
 *
 * `root` must be the tree of a well-formed text without a DOCTYPE (scanChecked ok:true).
 * `source` is that text: libxml2 refuses CDATA sections in element-only content even when
 * they are white space, and the tree does not mark CDATA, so without `source` (or when it
 * holds a CDATA section) any text in element-only content makes the answer "not sure" — which
 * for indented documents is nearly always. Pass it.
 */
export function acceptsTree(schema: CompiledSchema, root: JElement, source?: string): Acceptance {
  return accepts(schema, root, simplePlan, source);
}
