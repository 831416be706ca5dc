// datasets/ws445.json: every sub-dataset of the facts table with all its rows, in standard order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './csv.mjs';
import { PARTS } from './ws445-parts.mjs';
import { DE_VALUE_SETS } from './de-valuesets.mjs';

export const WS445_CSV = 'facts/ws445_emr_dataset_elements.csv';

export function readWs445Rows(ref) {
  return parseCsv(readFileSync(join(ref, WS445_CSV), 'utf8')).map((r) => ({
    dataset: r['数据集名称'],
    hdsd: r['内部标识符'],
    de: r['数据元标识符'],
    name: r['数据元名称'],
    type: r['数据类型'],
    format: r['表示格式'],
    definition: r['数据元允许值/定义(列G)'],
  }));
}

export function buildWs445(ref) {
  const rows = readWs445Rows(ref);
  const byName = new Map();
  for (const r of rows) {
    if (!byName.has(r.dataset)) byName.set(r.dataset, []);
    byName.get(r.dataset).push(r);
  }
  const placed = new Set();
  const datasets = [];
  for (const p of PARTS) {
    p.datasets.forEach((name, i) => {
      const list = byName.get(name);
      if (!list) throw new Error(`${WS445_CSV}: no sub-dataset named ${name}`);
      const groups = new Set(list.map((r) => r.hdsd.slice(0, 9)));
      if (groups.size !== 1 || !groups.has(p.group)) throw new Error(`${name}: HDSD groups ${[...groups]} do not match ${p.group}`);
      placed.add(name);
      const id = `${p.idPrefix ?? 'WS445'}.${String(p.part).padStart(2, '0')}.${String(i + 1).padStart(2, '0')}`;
      datasets.push({
        id,
        name,
        standard: p.standard,
        ...(p.testPrefix ? { testPrefix: p.testPrefix } : {}),
        elements: list.map((r) => ({
          hdsd: r.hdsd, de: r.de, name: r.name, type: r.type, format: r.format,
          ...(r.definition ? { definition: r.definition } : {}),
          ...(DE_VALUE_SETS[r.de] ? { valueSet: DE_VALUE_SETS[r.de].oid } : {}),
        })),
        source: {
          standard: p.standard,
          clause: `${p.title}: ${name}`,
          via: WS445_CSV,
          verified: false,
          note: p.idPrefix
            ? `not a WS 445 part: internal ids ${p.group} belong to ${p.title}; kept here because the facts table lists it with the EMR datasets`
            : `part inferred from the internal-id group ${p.group} and the sub-dataset names; the facts table does not state the part`,
        },
      });
    });
  }
  const unplaced = [...byName.keys()].filter((n) => !placed.has(n));
  if (unplaced.length) throw new Error(`sub-datasets with no part: ${unplaced.join(', ')}`);
  return { datasets };
}
