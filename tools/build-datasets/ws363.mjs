// datasets/ws363.json: one dictionary entry per data element id used anywhere in the catalogue
// (WS 445 datasets, WS/T 500 / WS/T 483 documents, entity message fields). Reads only files of
// this repository, so it can be re-run without ../shared whenever documents or entities change.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DE_VALUE_SETS } from './de-valuesets.mjs';

const DE_ID = /^DE\d{2}\.\d{2}\.\d{3}\.\d{2}$/;

/** Every place a DE id is used: { de, name, type?, format?, valueSet?, definition?, where }. */
export function collectUses(root) {
  const uses = [];
  const ws445 = JSON.parse(readFileSync(join(root, 'datasets/ws445.json'), 'utf8'));
  for (const ds of ws445.datasets) {
    for (const e of ds.elements) uses.push({ ...e, where: 'datasets/ws445.json', ws445: true });
  }
  for (const family of ['wst500', 'wst483']) {
    const dir = join(root, 'shared-docs', family);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const entries = [...(doc.header?.elements ?? []), ...(doc.sections ?? []).flatMap((s) => s.entries ?? [])];
      for (const e of entries) uses.push({ de: e.de, name: e.name, format: e.format, valueSet: e.valueSet, dataType: e.dataType, where: `shared-docs/${family}/${f}` });
    }
  }
  const entities = join(root, 'scenarios/entities.json');
  if (existsSync(entities)) {
    for (const ent of JSON.parse(readFileSync(entities, 'utf8')).entities ?? []) {
      for (const f of ent.fields ?? []) {
        if (f.de) uses.push({ de: f.de, name: f.label, format: f.format, valueSet: f.valueSet, dataType: f.dataType, where: 'scenarios/entities.json' });
      }
    }
  }
  const bad = uses.filter((u) => typeof u.de !== 'string' || !DE_ID.test(u.de));
  if (bad.length) throw new Error(`malformed DE ids: ${bad.slice(0, 5).map((u) => `${u.where} ${u.de}`).join(', ')}`);
  return uses;
}

/**
 * The most general name: the one the most other uses contain (性别代码 in 新生儿性别代码,
 * 姓名 in 患者姓名 …), then the most frequent, then the shortest.
 */
export function canonicalName(names) {
  const count = new Map();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const distinct = [...count.keys()];
  const score = (c) => [distinct.reduce((s, n) => s + (n.includes(c) ? count.get(n) : 0), 0), count.get(c), -c.length];
  return distinct.sort((a, b) => {
    const [x, y] = [score(a), score(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return y[i] - x[i];
    return a < b ? -1 : a > b ? 1 : 0;
  })[0];
}

function maxLength(format) {
  const m = /(\d+)(?:,\d+)?$/.exec(format);
  return m ? Number(m[1]) : 0;
}

/** Most frequent value; ties go to the wider format so the dictionary never rejects a dataset's value. */
function commonest(values, wider = maxLength) {
  const count = new Map();
  for (const v of values) count.set(v, (count.get(v) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || wider(b[0]) - wider(a[0]) || (a[0] < b[0] ? -1 : 1))[0][0];
}

/** WS 363 type for a DE seen only in documents or messages. */
function inferType(u) {
  const f = u.format ?? '';
  if (f === 'D8') return 'D';
  if (f === 'DT15') return 'DT';
  if (f === 'T6') return 'T';
  if (f === 'T/F' || u.dataType === 'BL') return 'L';
  if (f.startsWith('BY') || u.dataType === 'ED') return 'BY';
  if (u.valueSet || ['CD', 'CE', 'CV', 'CS'].includes(u.dataType)) return 'S3';
  if (f.startsWith('N') && (f.includes(',') || ['PQ', 'INT', 'REAL'].includes(u.dataType))) return 'N';
  return 'S1';
}

function inferFormat(u) {
  if (u.format) return u.format;
  if (u.dataType === 'TS') return 'DT15';
  if (u.dataType === 'BL') return 'T/F';
  return undefined;
}

export function buildWs363(root) {
  // ids the regional dictionary (datasets/ws363-regional.json, tools/build-regional) defines with its own sources
  const regionalFile = join(root, 'datasets/ws363-regional.json');
  const regional = new Set(existsSync(regionalFile) ? JSON.parse(readFileSync(regionalFile, 'utf8')).dataElements.map((d) => d.de) : []);
  const uses = collectUses(root).filter((u) => !regional.has(u.de));
  const byDe = new Map();
  for (const u of uses) {
    if (!byDe.has(u.de)) byDe.set(u.de, []);
    byDe.get(u.de).push(u);
  }
  const out = [];
  for (const de of [...byDe.keys()].sort()) {
    const all = byDe.get(de);
    const rows = all.filter((u) => u.ws445);
    const base = rows.length ? rows : all;
    const name = canonicalName(base.map((u) => u.name));
    const aliases = [...new Set(all.map((u) => u.name))].filter((n) => n !== name).sort();
    const notes = [];
    let type;
    let format;
    let verified;
    let via;
    if (rows.length) {
      type = commonest(rows.map((u) => u.type), () => 0);
      format = commonest(rows.map((u) => u.format));
      const variants = [...new Set(rows.map((u) => `${u.type} ${u.format}`))];
      const names = new Set(rows.map((u) => u.name));
      verified = variants.length === 1 && names.size === 1;
      if (variants.length > 1) notes.push(`WS 445 rows disagree on type/format (${variants.join(', ')}); the commonest is kept`);
      if (names.size > 1) notes.push('canonical name chosen as the most general of the WS 445 names; WS 363 may word it differently');
      via = 'facts/ws445_emr_dataset_elements.csv (via datasets/ws445.json)';
    } else {
      type = inferType(all[0]);
      format = inferFormat(all.find((u) => u.format) ?? all[0]);
      verified = false;
      via = [...new Set(all.map((u) => u.where))].slice(0, 3).join(', ');
      notes.push('used by catalogue documents or messages but not in the WS 445 table: name, type and format from that use');
      if (!format) {
        format = 'AN..100';
        notes.push('no format given where it is used: AN..100 assumed');
      }
    }
    const known = DE_VALUE_SETS[de];
    const fromUse = all.map((u) => u.valueSet).find(Boolean);
    const valueSet = known?.oid ?? fromUse;
    if (known?.doubt) notes.push(known.doubt);
    if (!known && fromUse) notes.push('value set as the catalogue entry using it names it');
    const others = [...new Set(all.filter((u) => u.valueSet && u.valueSet !== valueSet).map((u) => `${u.valueSet} (${u.where})`))];
    if (others.length) notes.push(`other catalogue uses name value set ${others.join(', ')}`);
    const definition = base.find((u) => u.name === name && u.definition)?.definition ?? base.find((u) => u.definition)?.definition;
    out.push({
      de, name, aliases, type, format,
      ...(valueSet ? { valueSet } : {}),
      ...(definition ? { definition } : {}),
      source: { standard: 'WS 363-2011', via, verified, ...(notes.length ? { note: notes.join('; ') } : {}) },
    });
  }
  return { dataElements: out };
}
