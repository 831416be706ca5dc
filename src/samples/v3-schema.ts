import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XmlValidateError, XsdValidator, type XmlDocument } from 'libxml2-wasm';
import { parseXml } from '../xml/parse.js';

/**
 * Our HL7 V3 message XSDs (schemas/xsd/v3): the index, self-contained schema text per
 * interaction, and a validator for built messages. Each interaction file xs:includes the shared
 * wrapper; libxml2-wasm cannot read files without a process-wide input provider, so the include
 * is inlined here instead (both files are ours, written to make that a plain text step).
 */

export type V3Kind = 'request' | 'acknowledgement' | 'queryResponse';

export interface V3Interaction {
  /** file name inside the schema folder */
  file: string;
  /** root element name (urn:hl7-org:v3) */
  root: string;
  kind: V3Kind;
  /** catalogue services that send or answer with this interaction */
  services: string[];
}

export interface V3Index {
  namespace: string;
  wrapper: string;
  interactions: Record<string, V3Interaction>;
}

/** schemas/xsd/v3 of this checkout (from src/samples and dist/samples alike). */
export function v3SchemaDir(): string {
  return fileURLToPath(new URL('../../schemas/xsd/v3/', import.meta.url));
}

const indexes = new Map<string, V3Index>();

export function v3Index(dir: string = v3SchemaDir()): V3Index {
  let idx = indexes.get(dir);
  if (!idx) {
    idx = JSON.parse(readFileSync(`${dir}/index.json`, 'utf8')) as V3Index;
    indexes.set(dir, idx);
  }
  return idx;
}

const INCLUDE = /<xs:include\s+schemaLocation="([^"]+)"\s*\/>/;

/** The XSD of one interaction with the wrapper inlined: one text, no includes, ready to compile. */
export function v3SchemaText(interactionId: string, dir: string = v3SchemaDir()): string {
  const entry = v3Index(dir).interactions[interactionId];
  if (!entry) throw new Error(`no V3 schema for interaction ${interactionId} in ${dir}/index.json`);
  const text = readFileSync(`${dir}/${entry.file}`, 'utf8');
  const m = INCLUDE.exec(text);
  if (!m) return text;
  const body = schemaBody(readFileSync(`${dir}/${m[1]}`, 'utf8'), m[1]!);
  return text.replace(INCLUDE, () => body);
}

function schemaBody(xsd: string, file: string): string {
  const open = /<xs:schema\b[^>]*>/.exec(xsd);
  const close = xsd.lastIndexOf('</xs:schema>');
  if (!open || close < 0) throw new Error(`${file}: not an xs:schema document`);
  return xsd.slice(open.index + open[0].length, close);
}

export interface V3Problem {
  message: string;
  line?: number;
  column?: number;
}

export interface V3Validation {
  ok: boolean;
  /** root element name of the message */
  root: string;
  /** the interaction whose schema was used, when one applies */
  interactionId?: string;
  problems: V3Problem[];
}

interface Compiled {
  validator: XsdValidator;
  // libxml2 schema components point into the document they were parsed from
  schemaDoc: XmlDocument;
}

const compiled = new Map<string, Compiled>();

function validatorFor(interactionId: string, dir: string): XsdValidator {
  const key = `${dir}\u0000${interactionId}`;
  let c = compiled.get(key);
  if (!c) {
    const schemaDoc = parseXml(v3SchemaText(interactionId, dir), { fileName: `${interactionId}.xsd` });
    try {
      c = { validator: XsdValidator.fromDoc(schemaDoc), schemaDoc };
    } catch (err) {
      schemaDoc.dispose();
      throw err;
    }
    compiled.set(key, c);
  }
  return c.validator;
}

/**
 * Validate a V3 message against our XSD for its root element (or the interaction named). A root
 * we have no schema for is a problem, not an exception; malformed XML throws XmlInputError.
 */
export function validateV3(xml: string | Uint8Array, opts: { interactionId?: string; dir?: string } = {}): V3Validation {
  const dir = opts.dir ?? v3SchemaDir();
  const doc = parseXml(xml);
  try {
    const root = doc.root.name;
    const interactionId = opts.interactionId ?? root;
    const entry = v3Index(dir).interactions[interactionId];
    if (!entry) {
      return { ok: false, root, problems: [{ message: `no V3 schema for root element ${root}` }] };
    }
    if (doc.root.namespaceUri !== v3Index(dir).namespace) {
      return { ok: false, root, interactionId, problems: [{ message: `root element ${root} is not in namespace ${v3Index(dir).namespace}` }] };
    }
    if (entry.root !== root) {
      return { ok: false, root, interactionId, problems: [{ message: `root element ${root} is not ${entry.root}` }] };
    }
    try {
      validatorFor(interactionId, dir).validate(doc);
      return { ok: true, root, interactionId, problems: [] };
    } catch (err) {
      if (err instanceof XmlValidateError) {
        const problems = err.details
          .filter((d) => d.level >= 2)
          .map((d) => ({ message: d.message.trim(), ...(d.line > 0 ? { line: d.line } : {}), ...(d.col > 0 ? { column: d.col } : {}) }));
        return { ok: false, root, interactionId, problems: problems.length > 0 ? problems : [{ message: err.message.trim() }] };
      }
      throw err;
    }
  } finally {
    doc.dispose();
  }
}

/** Free the compiled validators (tests; long-lived processes keep them). */
export function disposeV3Validators(): void {
  for (const c of compiled.values()) {
    c.validator.dispose();
    c.schemaDoc.dispose();
  }
  compiled.clear();
}
