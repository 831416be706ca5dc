/**
 * --mask: personal data replaced by stable pseudonyms, for reports that leave the hospital.
 *
 * What is masked
 *  - person names (姓名, DE02.01.039.00) found by *location*: the catalogue says where names sit
 *    (CDA recordTarget/patientRole/patient/name, V3 patientPerson/name/item/part/@value, contact
 *    persons, the clinicians of a message …); `nameContextsFromCatalog` turns every such path
 *    into a "parent/name" element pair, and `learnXml` collects the text and @value inside;
 *  - resident ID numbers: any @extension of an id whose @root is the 身份证 OID
 *    2.16.156.10011.1.3, and anywhere in any text an 18-character number whose GB 11643 check
 *    character is right;
 *  - phone numbers: @value inside telecom elements, and mobile (1[3-9]x 11 digits, optional +86)
 *    and dashed landline numbers anywhere.
 * Values learnt by location are then replaced wherever they occur (a finding message that
 * quotes a name, the same name in another file), so one person reads the same everywhere.
 *
 * Pseudonyms are HMAC-SHA256(salt, kind:value): same input → same pseudonym throughout the
 * report, and across re-renders of the same run, because the salt is kept in the run folder
 * (`.mask-salt`, owner-only). Without the salt they cannot be reversed by trying common names.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/types.js';
import { decodeXmlText, lexXml, localName, looksLikeXml } from './xml-lex.js';
import { mapStrings } from './map-strings.js';

export type MaskKind = 'name' | 'id' | 'phone';

const ID_ROOT = '2.16.156.10011.1.3';
const NAME_DE = 'DE02.01.039.00';

/** Used when the catalogue cannot be loaded: the places names sit in CDA and the V3 entities. */
export const DEFAULT_NAME_CONTEXTS: readonly string[] = [
  'patient/name', 'patientPerson/name', 'assignedPerson/name', 'associatedPerson/name', 'relationshipHolder1/name',
  'healthCarePrincipalPerson/name', 'guardianPerson/name', 'informant/name', 'relatedPerson/name',
];

/** Every "parent/name" element pair of a person-name (DE02.01.039.00) path in the catalogue. */
export function nameContextsFromCatalog(catalog: Catalog): string[] {
  const out = new Set<string>(DEFAULT_NAME_CONTEXTS);
  const add = (xpath: string | undefined): void => {
    if (!xpath) return;
    const steps = xpath.replace(/\[[^\]]*\]/g, '').split('/').map((s) => localName(s.trim())).filter((s) => s && !s.startsWith('@'));
    const i = steps.lastIndexOf('name');
    if (i > 0) out.add(`${steps[i - 1]}/name`);
  };
  for (const entity of catalog.entities.values()) for (const f of entity.fields) if (f.de === NAME_DE) add(f.xpath);
  for (const doc of catalog.documents) {
    for (const e of doc.header.elements) if (e.de === NAME_DE) add(e.xpath);
    for (const s of doc.sections) for (const e of walkEntries(s)) if (e.de === NAME_DE) add(e.xpath);
  }
  return [...out].sort();
}

/** Section entries, whatever nesting the template uses (read defensively: only de/xpath matter). */
function walkEntries(v: unknown): { de?: string; xpath?: string }[] {
  const out: { de?: string; xpath?: string }[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (depth > 8 || x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) { for (const y of x) walk(y, depth + 1); return; }
    const o = x as Record<string, unknown>;
    if (typeof o.de === 'string' && typeof o.xpath === 'string') out.push({ de: o.de, xpath: o.xpath });
    for (const y of Object.values(o)) if (typeof y === 'object') walk(y, depth + 1);
  };
  walk(v, 0);
  return out;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB 11643: does the 18th character check the first 17? */
export function isResidentId(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11] === s[17]!.toUpperCase();
}

const ID_RE = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE_RE = /(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])/g;
const LANDLINE_RE = /(?<![0-9A-Za-z-])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])/g;

/** The salt of a run folder, created (random, owner-only) on first use. */
export function runSalt(runDir: string): Buffer {
  const file = join(runDir, '.mask-salt');
  try {
    if (existsSync(file)) {
      const hex = readFileSync(file, 'utf8').trim();
      if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
    }
    const salt = randomBytes(32);
    writeFileSync(file, `${salt.toString('hex')}\n`, { mode: 0o600 });
    return salt;
  } catch {
    // a read-only run folder: still stable within this report
    return randomBytes(32);
  }
}

export class Masker {
  private readonly learnt = new Map<string, MaskKind>();
  private compiled: [string, string][] | null = null;
  private readonly contexts: Set<string>;

  constructor(private readonly salt: Buffer, nameContexts: readonly string[] = DEFAULT_NAME_CONTEXTS) {
    this.contexts = new Set(nameContexts);
  }

  /** The pseudonym of one value: NAME-…, ID-…, TEL-… (stable for this salt). */
  pseudonym(kind: MaskKind, value: string): string {
    const h = createHmac('sha256', this.salt).update(`${kind}:${value.trim()}`).digest('hex').toUpperCase();
    return kind === 'name' ? `NAME-${h.slice(0, 6)}` : kind === 'id' ? `ID-${h.slice(0, 10)}` : `TEL-${h.slice(0, 8)}`;
  }

  /** Values learnt by location so far (for tests and the summary line). */
  get size(): number {
    return this.learnt.size;
  }

  learn(kind: MaskKind, raw: string): void {
    let v = decodeXmlText(raw).trim();
    if (kind === 'phone') v = v.replace(/^(tel|fax|mailto):/i, '').replace(/^\+?86[- ]?(?=1[3-9]\d{9}$)/, '');
    if (v.length < 2 || v.startsWith('NAME-') || v.startsWith('ID-') || v.startsWith('TEL-')) return;
    if (!this.learnt.has(v)) {
      this.learnt.set(v, kind);
      this.compiled = null;
    }
  }

  /** Collect names, ID numbers and phones from an XML text by where they sit. */
  learnXml(text: string, depth = 0): void {
    if (depth > 3) return;
    const stack: string[] = [];
    let nameDepth = -1; // stack depth of the open name element we are inside
    let telecomDepth = -1;
    for (const t of lexXml(text)) {
      if (t.kind === 'open') {
        const ln = localName(t.name);
        const parent = stack[stack.length - 1];
        const attr = (n: string): string | undefined => t.attrs.find((a) => localName(a.name) === n)?.value;
        if (attr('root') === ID_ROOT) { const ext = attr('extension'); if (ext) this.learn('id', ext); }
        const enteringName = nameDepth < 0 && ln === 'name' && parent !== undefined && this.contexts.has(`${parent}/name`);
        const enteringTelecom = telecomDepth < 0 && ln === 'telecom';
        if (nameDepth >= 0 || enteringName) { const v = attr('value'); if (v) this.learn('name', v); }
        if (telecomDepth >= 0 || enteringTelecom) { const v = attr('value'); if (v) this.learn('phone', v); }
        if (!t.selfClosing) {
          stack.push(ln);
          if (enteringName) nameDepth = stack.length;
          if (enteringTelecom) telecomDepth = stack.length;
        }
      } else if (t.kind === 'close') {
        const ln = localName(t.name);
        // pop to the matching element (tolerates unclosed children)
        const at = stack.lastIndexOf(ln);
        if (at >= 0) stack.length = at;
        if (nameDepth > stack.length) nameDepth = -1;
        if (telecomDepth > stack.length) telecomDepth = -1;
      } else if (t.kind === 'text' || t.kind === 'cdata') {
        const content = t.kind === 'cdata' ? t.content : decodeXmlText(t.raw);
        if (looksLikeXml(content)) this.learnXml(content, depth + 1);
        else if (nameDepth >= 0 && content.trim()) this.learn('name', content);
      }
    }
  }

  /** Replace every learnt value and every ID/phone number pattern in a text. */
  text(s: string): string {
    if (!s) return s;
    let out = s;
    for (const [value, pseudo] of this.pairs()) if (out.includes(value)) out = out.split(value).join(pseudo);
    out = out.replace(ID_RE, (m) => (isResidentId(m) ? this.pseudonym('id', m) : m));
    out = out.replace(MOBILE_RE, (m) => this.pseudonym('phone', m.replace(/^\+?86[- ]?/, '')));
    out = out.replace(LANDLINE_RE, (m) => this.pseudonym('phone', m));
    return out;
  }

  /** Deep copy of JSON-like data with every string masked. */
  deep<T>(value: T): T {
    return mapStrings(value, (s) => this.text(s));
  }

  private pairs(): [string, string][] {
    if (!this.compiled) {
      // longest first, so a value containing another is replaced whole
      this.compiled = [...this.learnt]
        .sort((a, b) => b[0].length - a[0].length)
        .map(([v, kind]) => [v, this.pseudonym(kind, v)]);
    }
    return this.compiled;
  }
}
