/**
 * Deterministic synthetic values. Everything here is visibly fake so no sample can be taken for
 * a real person: names start with 测试, ID numbers use the non-existent area prefix 99 (with a
 * valid GB 11643 check digit so format checks still pass), phones are 1990000xxxx, addresses
 * are in 测试省测试市, dates fall in a fixed past window.
 */

/** A seeded PRNG (sfc32 seeded through splitmix32): same seed, same sequence, on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }

  /** An independent stream for a named purpose, so adding draws in one place does not shift another. */
  fork(label: string): Rng {
    let h = this.u32();
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }
}

/** Stable 32-bit hash of a string (FNV-1a), for deriving seeds from labels. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = `${String(p)}\u0000`;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const GIVEN = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 测试 + one or two neutral characters: 测试甲, 测试乙三. */
export function personName(rng: Rng): string {
  return `测试${rng.pick(GIVEN)}${rng.chance(0.5) ? rng.pick(GIVEN) : ''}`;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB 11643 check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/**
 * 18-character resident ID number: area 99xxxx (no such province), birth date, sequence whose
 * last digit is odd for men and even for women, check character.
 */
export function idCardNumber(rng: Rng, birthDate: string, genderCode: string): string {
  const area = `99${rng.digits(4)}`;
  let seq = rng.int(0, 99) * 10 + rng.int(0, 4) * 2;
  if (genderCode === '1') seq += 1;
  const first17 = `${area}${birthDate}${String(seq).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** 1990000xxxx: an unassigned mobile block. */
export function phoneNumber(rng: Rng): string {
  return `1990000${rng.digits(4)}`;
}

export interface SynthAddress {
  state: string;
  city: string;
  county: string;
  township: string;
  streetName: string;
  houseNumber: string;
  postalCode: string;
  /** the whole address as one line */
  text: string;
}

export function address(rng: Rng): SynthAddress {
  const a = {
    state: '测试省',
    city: '测试市',
    county: `测试${rng.pick(['东', '西', '南', '北', '中'])}区`,
    township: `测试${rng.pick(GIVEN)}街道`,
    streetName: `测试${rng.pick(GIVEN)}路`,
    houseNumber: `${rng.int(1, 999)}号`,
    postalCode: `99${rng.digits(4)}`,
  };
  return { ...a, text: `${a.state}${a.city}${a.county}${a.township}${a.streetName}${a.houseNumber}` };
}

/** Organisation code: 10 characters, starting TEST so it matches no registry (AN10 like 医疗机构组织机构代码). */
export function orgCode(rng: Rng): string {
  return `TEST${rng.digits(6)}`;
}

export function deptCode(rng: Rng): string {
  return `D${rng.digits(4)}`;
}

/** Fixed past window for every generated date: 2020-01-01 … 2023-12-31. */
export const DATE_WINDOW = { from: Date.UTC(2020, 0, 1), to: Date.UTC(2023, 11, 31, 23, 59, 59) } as const;

/** A timestamp inside [from, to] (ms since epoch, UTC). */
export function instant(rng: Rng, from: number = DATE_WINDOW.from, to: number = DATE_WINDOW.to): number {
  return from + Math.floor(rng.next() * (to - from));
}

/** YYYYMMDD */
export function ymd(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** YYYYMMDDhhmmss (HL7 TS; WS 363 DT15 writes a 'T' between, HL7 does not) */
export function ymdhms(t: number): string {
  const d = new Date(t);
  return `${ymd(t)}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** Beijing time (UTC+8): Chinese platforms write and log creationTime in it, whatever the host's zone. */
const BEIJING_OFFSET_MS = 8 * 3600_000;
let nowSecond = -1;
let nowText = '';

/**
 * HL7 TS (YYYYMMDDhhmmss) of now in Beijing time, for a message's creationTime. Cached per
 * second: the load generator and the reference platform build thousands of messages a second.
 */
export function nowTs(): string {
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  if (sec !== nowSecond) {
    nowText = ymdhms(now + BEIJING_OFFSET_MS);
    nowSecond = sec;
  }
  return nowText;
}

/** hhmmss */
export function hms(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** Parse YYYYMMDD[hhmmss] back to ms (UTC). */
export function parseTs(ts: string): number {
  const n = (a: number, b: number) => Number(ts.slice(a, b) || '0');
  return Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Whole years between a birth date and a moment. */
export function ageInYears(birthDate: string, at: number): number {
  const b = new Date(parseTs(birthDate));
  const a = new Date(at);
  let age = a.getUTCFullYear() - b.getUTCFullYear();
  if (a.getUTCMonth() < b.getUTCMonth() || (a.getUTCMonth() === b.getUTCMonth() && a.getUTCDate() < b.getUTCDate())) age--;
  return Math.max(age, 0);
}

/** Short synthetic Chinese text of at most `max` characters (at least one). */
export function text(rng: Rng, max: number, label = '测试'): string {
  const base = `${label}${rng.pick(['内容', '描述', '记录', '说明', '信息'])}${rng.digits(3)}`;
  return base.slice(0, Math.max(1, max));
}
