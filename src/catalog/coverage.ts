/**
 * What of each standard the catalogue encodes. Numerators are counted from the loaded data;
 * the denominators are the sizes of the standards as the reference facts give them:
 * WS/T 500-2016 has 53 parts (facts/wst500_shared_documents.csv), WS/T 483-2016 20
 * (facts/wst483_regional_documents_and_datasets.csv), the hospital services are 69
 * (facts/hospital_interaction_services.csv), and the WS 445 facts table has 2,385 rows in 60
 * sub-datasets (facts/ws445_emr_dataset_elements.csv, which also carries WS 376.1 出生医学证明
 * and WS 375.9 死亡医学证明); the level plans are the five grades 三级 … 五级甲等 of each kind. Regional:
 * the facts table names 18 EHR-DE datasets (EHR-DE-06 and -15 have none) and WS/T 790-2021 has 18
 * parts (services are encoded for the parts with a WS/T 846 counterpart, docs/regional.md).
 */
import type { Catalog } from './types.js';

export const STANDARD_SIZES = {
  wst500Documents: 53,
  wst483Documents: 20,
  hospitalServices: 69,
  ws445Rows: 2385,
  ws445SubDatasets: 60,
  hospitalPlans: 5,
  regionalDatasets: 18,
  wst790Parts: 18,
  regionalPlans: 5,
} as const;

export interface CoverageRow {
  standard: string;
  /** what is counted, in Chinese and English */
  what: string;
  encoded: number;
  /** the standard's size, when it is known */
  of?: number;
  detail: string;
}

export function coverage(c: Catalog): CoverageRow[] {
  const w500 = c.documents.filter((d) => d.family === 'wst500');
  const w483 = c.documents.filter((d) => d.family === 'wst483');
  const entriesOf = (d: Catalog['documents'][number]) => d.sections.reduce((n, s) => n + s.entries.length, 0);
  const full500 = w500.filter((d) => d.depth === 'full');
  const withEntries = full500.filter((d) => entriesOf(d) > 0);
  const full483 = w483.filter((d) => d.depth === 'full');
  const withEntries483 = full483.filter((d) => entriesOf(d) > 0);
  // WS 365 datasets (datasets/ws365.json) are the regional ones; the WS 445 row counts the facts table's rows
  const ws445 = c.datasets.filter((d) => !d.standard.startsWith('WS 365'));
  const ws365 = c.datasets.filter((d) => d.standard.startsWith('WS 365'));
  const ehrDe = new Set(c.datasets.map((d) => d.testPrefix).filter((p): p is string => p?.startsWith('EHR-DE-') === true));
  const rows = ws445.reduce((n, d) => n + d.elements.length, 0);
  const distinctDe = new Set(ws445.flatMap((d) => d.elements.map((e) => e.de))).size;
  const rs = c.regionalServices;
  const rsByLevel = (lvl: string) => rs.filter((s) => s.level === lvl).length;
  const rsParts = [...new Set(rs.map((s) => s.part))].sort((a, b) => a - b);
  const hospitalPlans = c.plans.filter((p) => p.kind === 'hospital');
  const regionalPlans = c.plans.filter((p) => p.kind === 'regional');
  const vs = [...c.valueSets.values()];
  const verifiedDe = [...c.dataElements.values()].filter((d) => d.source.verified).length;
  const withValueSet = [...c.dataElements.values()].filter((d) => d.valueSet !== undefined).length;
  const byLevel = (lvl: string) => c.services.filter((s) => s.level === lvl).length;
  const headerEntries = w500.reduce((n, d) => n + d.header.elements.length, 0);
  return [
    {
      standard: 'WS/T 500-2016', what: '共享文档 documents with entries', encoded: withEntries.length, of: STANDARD_SIZES.wst500Documents,
      detail: `${w500.length} files, ${full500.length} full; ${withEntries.reduce((n, d) => n + entriesOf(d), 0)} section entries, ${headerEntries} header elements`,
    },
    {
      standard: 'WS/T 483-2016', what: '共享文档 documents with entries', encoded: withEntries483.length, of: STANDARD_SIZES.wst483Documents,
      detail: `${w483.length} files, ${full483.length} full; ${withEntries483.reduce((n, d) => n + entriesOf(d), 0)} section entries, ${w483.reduce((n, d) => n + d.header.elements.length, 0)} header elements; all unverified (docs/regional.md)`,
    },
    {
      standard: 'WS/T 846-2024', what: '交互服务 services', encoded: c.services.length, of: STANDARD_SIZES.hospitalServices,
      detail: `by first level: 3=${byLevel('3')} 4b=${byLevel('4b')} 4a=${byLevel('4a')} 5b=${byLevel('5b')} 5a=${byLevel('5a')}; ${c.entities.size} entities`,
    },
    {
      standard: 'WS 445-2014', what: '数据元 data elements (facts rows)', encoded: rows, of: STANDARD_SIZES.ws445Rows,
      detail: `${ws445.length}/${STANDARD_SIZES.ws445SubDatasets} sub-datasets; ${distinctDe} distinct DE ids`,
    },
    {
      standard: 'WS/T 790-2021', what: '交互服务 regional services', encoded: rs.length,
      detail: `WS/T 790 parts ${rsParts.join(', ')} of ${STANDARD_SIZES.wst790Parts}; by first level: 3=${rsByLevel('3')} 4b=${rsByLevel('4b')} 4a=${rsByLevel('4a')} 5b=${rsByLevel('5b')} 5a=${rsByLevel('5a')}; message ids unverified`,
    },
    {
      standard: 'WS 365-2011', what: '数据集 regional datasets (EHR-DE)', encoded: ehrDe.size, of: STANDARD_SIZES.regionalDatasets,
      detail: `${ws365.length} in datasets/ws365.json (${ws365.reduce((n, d) => n + d.elements.length, 0)} elements); the rest in datasets/ws445.json (WS 376.1, WS 375.9)`,
    },
    {
      standard: 'WS 363-2011', what: '数据元目录 dictionary entries', encoded: c.dataElements.size,
      detail: `${verifiedDe} verified (one name and format across WS 445), ${withValueSet} with a value set`,
    },
    {
      standard: 'WS 364-2011 / GB', what: '值域 value sets', encoded: vs.length,
      detail: `verified ${vs.filter((v) => v.verified).length}; enumerated ${vs.filter((v) => v.concepts.length > 0).length} (${vs.reduce((n, v) => n + v.concepts.length, 0)} codes)`,
    },
    {
      standard: '测评方案 (hospital)', what: '级别 plans', encoded: hospitalPlans.length, of: STANDARD_SIZES.hospitalPlans,
      detail: hospitalPlans.map((p) => p.id).join(', '),
    },
    {
      standard: '测评方案 (regional)', what: '级别 plans', encoded: regionalPlans.length, of: STANDARD_SIZES.regionalPlans,
      detail: regionalPlans.map((p) => p.id).join(', ') || 'none',
    },
  ];
}
