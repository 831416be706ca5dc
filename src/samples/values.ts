import { parseFormat, type RepresentationFormat } from '../catalog/format.js';
import type { Catalog, EntryTemplate, Hl7DataType, ValueSetConcept } from '../catalog/types.js';
import { hms, type Rng, text, ymd, ymdhms } from './synth.js';

/** A generated value: what goes at the path, plus what the carrying element should also say. */
export interface SampleValue {
  /** the value written at the path (attribute value or element text) */
  value: string;
  /** for coded values: the concept and where it comes from */
  coded?: { code: string; codeSystem?: string; codeSystemName?: string; displayName?: string };
  /** human-readable form for the section narrative */
  display: string;
}

const CODED: ReadonlySet<Hl7DataType> = new Set(['CD', 'CE', 'CV', 'CS']);
const NUMERIC: ReadonlySet<Hl7DataType> = new Set(['PQ', 'INT', 'REAL', 'MO', 'IVL_PQ', 'RTO']);

export function isCoded(t: Hl7DataType): boolean {
  return CODED.has(t);
}

function formatOf(entry: EntryTemplate): RepresentationFormat | undefined {
  try {
    return parseFormat(entry.format);
  } catch {
    return undefined; // the catalogue check reports bad formats; generate from the data type alone
  }
}

/** Moments a value may take (ms, UTC): dates and times fall in [from, to]. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** A value for an entry honouring its data type, WS 363 format and value set. */
export function sampleValue(entry: EntryTemplate, catalog: Catalog, rng: Rng, window: TimeWindow): SampleValue {
  const fmt = formatOf(entry);
  if (isCoded(entry.dataType)) {
    const concept = entry.valueSet ? pickConcept(catalog, entry.valueSet, rng, fmt) : undefined;
    if (concept) {
      return {
        value: concept.code,
        coded: { code: concept.code, codeSystem: entry.valueSet!, codeSystemName: concept.setName, displayName: concept.display },
        display: concept.display,
      };
    }
    const code = valueForFormat(fmt, rng, window, { codeLike: true });
    // a value set the catalogue does not enumerate (ICD-10 …) still names the code system
    const vs = entry.valueSet ? catalog.valueSets.get(entry.valueSet) : undefined;
    return { value: code, coded: { code, ...(entry.valueSet ? { codeSystem: entry.valueSet } : {}), ...(vs ? { codeSystemName: vs.name } : {}) }, display: code };
  }
  if (entry.dataType === 'BL') {
    const v = rng.chance(0.5) ? 'true' : 'false';
    return { value: v, display: v === 'true' ? '是' : '否' };
  }
  if (entry.dataType === 'TS' || entry.dataType === 'IVL_TS') {
    const t = window.from + Math.floor(rng.next() * (window.to - window.from));
    const v = fmt?.kind === 'date' ? ymd(t) : fmt?.kind === 'time' ? hms(t) : ymdhms(t);
    return { value: v, display: v };
  }
  if (NUMERIC.has(entry.dataType)) {
    const v = valueForFormat(fmt?.kind === 'number' ? fmt : undefined, rng, window, { numeric: true, integer: entry.dataType === 'INT' });
    return { value: v, display: entry.unit ? `${v}${entry.unit}` : v };
  }
  const v = valueForFormat(fmt, rng, window, { codeLike: entry.dataType === 'II' || entry.dataType === 'TEL' });
  return { value: v, display: v };
}

export interface ValueOptions {
  /** digits and letters rather than Chinese text (codes, identifiers) */
  codeLike?: boolean;
  /** a number even when the format does not say so */
  numeric?: boolean;
  integer?: boolean;
}

/** A string that passes checkValue(format, …) from src/catalog/format.ts. */
export function valueForFormat(fmt: RepresentationFormat | undefined, rng: Rng, window: TimeWindow, opts: ValueOptions = {}): string {
  const t = () => window.from + Math.floor(rng.next() * (window.to - window.from));
  if (fmt === undefined) {
    if (opts.numeric) return number(rng, 1, 3, opts.integer ? 0 : 1);
    return opts.codeLike ? `T${rng.digits(4)}` : text(rng, 12);
  }
  switch (fmt.kind) {
    case 'date': return ymd(t());
    case 'dateTime': return ymdhms(t());
    case 'time': return hms(t());
    case 'logical': return rng.chance(0.5) ? 'true' : 'false';
    case 'binary': return Buffer.from(`测试${rng.digits(4)}`).toString('base64');
    case 'number': {
      const decimals = opts.integer ? 0 : fmt.decimals;
      // keep numbers short where the format allows: a plausible magnitude, not 10 digits
      const lo = Math.max(fmt.minLength, decimals > 0 ? decimals + 2 : 1);
      const hi = Math.max(lo, Math.min(fmt.maxLength, lo + 2));
      return number(rng, rng.int(lo, hi), hi, decimals);
    }
    case 'text': {
      const len = rng.int(fmt.minLength, Math.max(fmt.minLength, Math.min(fmt.maxLength, fmt.minLength + 9)));
      if (opts.numeric) return number(rng, Math.min(len, 3), len, 0);
      if (opts.codeLike || fmt.maxLength < 4) return codeOfLength(rng, len);
      return fitText(text(rng, fmt.maxLength), fmt.minLength, fmt.maxLength, rng);
    }
  }
}

/** A decimal number of exactly `length` characters (point included) with `decimals` places. */
function number(rng: Rng, length: number, _max: number, decimals: number): string {
  if (decimals === 0) return length <= 1 ? String(rng.int(0, 9)) : String(rng.int(1, 9)) + rng.digits(length - 1);
  const intDigits = Math.max(1, length - decimals - 1);
  const head = intDigits === 1 ? String(rng.int(0, 9)) : String(rng.int(1, 9)) + rng.digits(intDigits - 1);
  return `${head}.${rng.digits(decimals)}`;
}

function codeOfLength(rng: Rng, len: number): string {
  if (len <= 0) return '';
  return len === 1 ? String(rng.int(1, 9)) : `T${rng.digits(len - 1)}`;
}

/** Pad or cut synthetic text to [min, max] code points. */
function fitText(s: string, min: number, max: number, rng: Rng): string {
  let cps = [...s];
  while (cps.length < min) cps.push(String(rng.int(0, 9)));
  if (cps.length > max) cps = cps.slice(0, max);
  return cps.join('');
}

/** A concept of a catalogue value set, preferring codes that fit the element's format. */
export function pickConcept(catalog: Catalog, oid: string, rng: Rng, fmt?: RepresentationFormat): (ValueSetConcept & { setName: string }) | undefined {
  const vs = catalog.valueSets.get(oid);
  if (!vs || vs.concepts.length === 0) return undefined;
  const fitting = fmt ? vs.concepts.filter((c) => fits(fmt, c.code)) : vs.concepts;
  const pool = fitting.length > 0 ? fitting : vs.concepts;
  const c = rng.pick(pool);
  return { ...c, setName: vs.name };
}

function fits(fmt: RepresentationFormat, code: string): boolean {
  const n = [...code].length;
  if (fmt.kind === 'text') return n >= fmt.minLength && n <= fmt.maxLength;
  if (fmt.kind === 'number') return /^[0-9]+(\.[0-9]+)?$/.test(code) && n >= fmt.minLength && n <= fmt.maxLength;
  return true;
}
