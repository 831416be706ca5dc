import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPath, cdaOrder, cdaOrderSource, el, insertChild, NS, orderTree, type XmlNode } from '../../src/xml/index.js';
import { CDA_ORDER_FALLBACK } from '../../src/xml/cda-order.fallback.js';
import { localiseCdaOrder } from '../../src/xml/cda-order-localise.js';
import { renderFallback } from '../../src/xml/cda-order-render.js';
import { deriveOrderTable } from '../../src/xml/xsd-order.js';

const names = (n: XmlNode) => n.children.map((c) => c.name);
const HEADER = ['realmCode', 'typeId', 'templateId', 'id', 'code', 'title', 'effectiveTime', 'confidentialityCode', 'languageCode', 'setId', 'versionNumber',
  'recordTarget', 'author', 'custodian', 'legalAuthenticator', 'authenticator', 'participant', 'relatedDocument', 'componentOf', 'component'];

describe('CDA child order', () => {
  it('puts header elements in schema order whatever the build order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(HEADER, { minLength: HEADER.length }), (shuffled) => {
        const doc = el('ClinicalDocument', { xmlns: NS.hl7 });
        for (const n of shuffled) buildPath(doc, `hl7:${n}`);
        expect(names(doc)).toEqual(HEADER);
      }),
      { numRuns: 50 },
    );
  });

  it('orders the patient with the WS/T 500 localisations', () => {
    const doc = el('ClinicalDocument', { xmlns: NS.hl7 });
    const base = 'hl7:recordTarget/hl7:patientRole';
    for (const p of ['hl7:patient/hl7:occupation/hl7:occupationCode', 'hl7:patient/hl7:age', 'hl7:patient/hl7:name', 'hl7:patient/hl7:birthTime',
      'hl7:patient/hl7:administrativeGenderCode', 'hl7:patient/hl7:maritalStatusCode', 'hl7:patient/hl7:ethnicGroupCode', 'hl7:patient/hl7:nationality',
      'hl7:telecom', 'hl7:addr/hl7:city', 'hl7:addr/hl7:township', 'hl7:addr/hl7:state', 'hl7:patientType/hl7:patienttypeCode', 'hl7:id']) buildPath(doc, `${base}/${p}`);
    const role = doc.children[0]!.children[0]!;
    expect(names(role)).toEqual(['id', 'patientType', 'addr', 'telecom', 'patient']);
    const patient = role.children[4]!;
    const got = names(patient);
    const want = ['name', 'administrativeGenderCode', 'birthTime', 'maritalStatusCode', 'ethnicGroupCode', 'nationality', 'age', 'occupation'];
    expect(got).toEqual(want.filter((n) => got.includes(n)));
    expect(got.sort()).toEqual([...want].sort());
  });

  it('orders by the type of the parent, not the name (component, value with xsi:type)', () => {
    const doc = el('ClinicalDocument', { xmlns: NS.hl7 });
    const section = buildPath(doc, 'hl7:component/hl7:structuredBody/hl7:component/hl7:section');
    for (const n of ['entry', 'text', 'title', 'code', 'templateId']) buildPath(section, `hl7:${n}`);
    expect(names(section)).toEqual(['templateId', 'code', 'title', 'text', 'entry']);
    const obs = buildPath(section, 'hl7:entry/hl7:observation');
    for (const n of ['entryRelationship', 'value', 'effectiveTime', 'statusCode', 'code', 'id', 'templateId']) buildPath(obs, `hl7:${n}`);
    expect(names(obs)).toEqual(['templateId', 'id', 'code', 'statusCode', 'effectiveTime', 'value', 'entryRelationship']);
    const value = buildPath(obs, 'hl7:value');
    value.attrs['xsi:type'] = 'IVL_PQ';
    buildPath(value, 'hl7:high/@value', '2');
    buildPath(value, 'hl7:low/@value', '1');
    expect(names(value)).toEqual(['low', 'high']);
    const enc = buildPath(doc, 'hl7:componentOf/hl7:encompassingEncounter');
    buildPath(enc, 'hl7:location/hl7:healthCareFacility/hl7:serviceProviderOrganization/hl7:asOrganizationPartOf/hl7:wholeOrganization/hl7:id/@root', 'x');
    buildPath(enc, 'hl7:effectiveTime/@value', '20240101');
    buildPath(enc, 'hl7:code/@code', '1');
    buildPath(enc, 'hl7:id/@root', 'y');
    expect(names(enc)).toEqual(['id', 'code', 'effectiveTime', 'location']);
    const entity = buildPath(doc, 'hl7:legalAuthenticator/hl7:assignedEntity');
    buildPath(entity, 'hl7:assignedPerson/hl7:professionalTechnicalPosition/hl7:professionaltechnicalpositionCode/@code', '1');
    buildPath(entity, 'hl7:assignedPerson/hl7:name', '测试丁');
    buildPath(entity, 'hl7:code/@code', '1');
    buildPath(entity, 'hl7:id/@root', '1');
    expect(names(entity)).toEqual(['id', 'code', 'assignedPerson']);
    expect(names(entity.children[2]!)).toEqual(['name', 'professionalTechnicalPosition']);
  });

  it('inserts and re-sorts hand-built subtrees', () => {
    const doc = el('ClinicalDocument', { xmlns: NS.hl7 }, el('title', {}, 't'), el('realmCode', { code: 'CN' }));
    insertChild(doc, el('recordTarget', {}, el('patientRole', {}, el('patient', {}), el('id', { root: 'r' }))));
    insertChild(doc, el('id', { root: 'x' }));
    orderTree(doc);
    expect(names(doc)).toEqual(['realmCode', 'id', 'title', 'recordTarget']);
    expect(names(doc.children[3]!.children[0]!)).toEqual(['id', 'patient']);
  });

  it('uses a usable table and says where it came from', () => {
    expect(cdaOrder().roots['ClinicalDocument']).toBe('POCD_MT000040.ClinicalDocument');
    expect(cdaOrderSource()).toMatch(/cda-cn|fallback/i);
  });
});

const HL7_CDA = fileURLToPath(new URL('../../../shared/reference/hl7-cda-r2/infrastructure/cda/CDA.xsd', import.meta.url));

describe.skipIf(!existsSync(HL7_CDA))('fallback table against HL7 CDA R2 (oracle)', () => {
  it('is what tools/gen-cda-order.mjs generates today', () => {
    const regenerated = renderFallback(localiseCdaOrder(deriveOrderTable(HL7_CDA)));
    const file = readFileSync(fileURLToPath(new URL('../../src/xml/cda-order.fallback.ts', import.meta.url)), 'utf8');
    expect(file).toBe(regenerated);
    expect(CDA_ORDER_FALLBACK.types['POCD_MT000040.ClinicalDocument']!.children[0]).toBe('realmCode');
  });
});
