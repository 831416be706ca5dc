// Header placement: where a WS 445 element goes in the CDA header of a WS/T 500 document.
// Paths are catalogue paths relative to ClinicalDocument (grammar in src/catalog/types.ts).
// Identifier roots: facts/oid_conventions.csv. Localised elements (age, township, household,
// nativePlace, educationLevel, patientType, professionalTechnicalPosition): docs/domain.md §3.

export const RT = 'hl7:recordTarget/hl7:patientRole';
export const PAT = `${RT}/hl7:patient`;
const CONTACT = "hl7:participant[@typeCode='NOT']/hl7:associatedEntity";
const INFORMANT = 'hl7:informant/hl7:assignedEntity';
const CUSTODIAN_ORG = 'hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization';
const AUTHOR = 'hl7:author/hl7:assignedAuthor';
const REQUESTER = "hl7:participant[@typeCode='REF']/hl7:associatedEntity/hl7:scopingOrganization";
const ENC = 'hl7:componentOf/hl7:encompassingEncounter';
const LOC = `${ENC}/hl7:location/hl7:healthCareFacility/hl7:serviceProviderOrganization`;
const PART_OF = '/hl7:asOrganizationPartOf/hl7:wholeOrganization';
/** bed → room → department → ward → hospital, the nesting of the WS/T 500 examples and the practitioner XSDs */
const level = (n) => LOC + PART_OF.repeat(n);

const id = (root) => `${RT}/hl7:id[@root='2.16.156.10011.1.${root}']/@extension`;

const ADDRESS_OWNERS = [
  [/^(地址|现住址)-/, `${RT}/hl7:addr[@use='H']`],
  [/^户口地址-/, `${PAT}/hl7:household/hl7:place/hl7:addr`],
  [/^工作单位地址-/, `${PAT}/hl7:employerOrganization/hl7:addr`],
  [/^出生地-/, `${PAT}/hl7:birthplace/hl7:place/hl7:addr`],
  [/^籍贯-/, `${PAT}/hl7:nativePlace/hl7:place/hl7:addr`],
  [/^联系人地址-/, `${CONTACT}/hl7:addr`],
];

function addressPart(suffix) {
  if (suffix.startsWith('省')) return 'hl7:state';
  if (suffix.startsWith('市')) return 'hl7:city';
  if (suffix.startsWith('县')) return 'hl7:county';
  if (suffix.startsWith('乡')) return 'hl7:township';
  if (suffix.startsWith('村')) return 'hl7:streetName';
  if (suffix.startsWith('门牌号码')) return 'hl7:houseNumber';
  if (suffix.startsWith('邮政编码')) return 'hl7:postalCode';
  return undefined;
}

/** Staff named in the body (procedure performers, order signers) rather than signing the document. */
export const BODY_PERSONS = /^(手术者姓名|Ⅰ助姓名|Ⅱ助姓名|器械护士姓名|巡台护士姓名|麻醉医师姓名|责任医师姓名)$|医嘱/;

/**
 * Header placement for one element, or a deferred marker the signature pass resolves
 * ('sig', 'sigtime', 'relation', 'position'), or undefined for the body.
 * ctx: { code, inpatient: boolean, hasDischarge: boolean, hasEmail: boolean }
 */
export function placeHeader(el, ctx) {
  const { de, name } = el;
  switch (de) {
    case 'DE01.00.010.00': return at('recordTarget', id(11));
    case 'DE01.00.014.00': return at('recordTarget', id(12));
    case 'DE01.00.004.00': return at('recordTarget', id(13));
    case 'DE01.00.005.00': return at('recordTarget', id(8));
    case 'DE01.00.009.00': return at('recordTarget', id(2));
    case 'DE01.00.021.00': return at('recordTarget', id(19));
    case 'DE01.00.008.00': return at('recordTarget', id(24));
    case 'DE01.00.020.00': return at('recordTarget', id(20));
    case 'DE01.00.003.00': return at('recordTarget', id(14));
    case 'DE01.00.018.00': return at('recordTarget', id(name.startsWith('检验') ? 33 : 32));
    case 'DE09.00.118.00': return at('recordTarget', id(34));
    case 'DE02.01.030.00': return at('recordTarget', `${PAT}/hl7:id[@root='2.16.156.10011.1.3']/@extension`);
    case 'DE02.01.040.00':
      return name === '性别代码' ? at('recordTarget', `${PAT}/hl7:administrativeGenderCode/@code`) : undefined;
    case 'DE02.01.005.01': return at('recordTarget', `${PAT}/hl7:birthTime/@value`);
    case 'DE02.01.026.00': return at('recordTarget', `${PAT}/hl7:age[@unit='岁']/@value`);
    case 'DE02.01.032.00': return at('recordTarget', `${PAT}/hl7:age[@unit='月']/@value`);
    case 'DE02.01.018.00': return at('recordTarget', `${PAT}/hl7:maritalStatusCode/@code`);
    case 'DE02.01.025.00': return name === '民族' ? at('recordTarget', `${PAT}/hl7:ethnicGroupCode/@code`) : undefined;
    case 'DE02.01.015.00': return at('recordTarget', `${PAT}/hl7:nationality/@code`);
    case 'DE02.01.041.00': return at('recordTarget', `${PAT}/hl7:educationLevel/hl7:educationLevelCode/@code`);
    case 'DE02.01.052.00': return at('recordTarget', `${PAT}/hl7:occupation/hl7:occupationCode/@code`);
    case 'DE02.01.060.00': return at('recordTarget', `${RT}/hl7:patientType/hl7:patienttypeCode/@code`);
    case 'DE02.01.004.00': return at('recordTarget', `${PAT}/hl7:employerOrganization/hl7:name`);
    case 'DE02.01.012.00': return at('recordTarget', `${RT}/hl7:telecom[@use='H']/@value`);
    case 'DE02.01.010.00':
      if (name === '患者电话号码' || name === '电话号码') {
        return at('recordTarget', ctx.hasEmail ? `${RT}/hl7:telecom[@use='MC']/@value` : `${RT}/hl7:telecom/@value`);
      }
      if (name === '工作单位电话号码') return at('recordTarget', `${PAT}/hl7:employerOrganization/hl7:telecom/@value`);
      if (name === '联系人电话号码') return at('participant', `${CONTACT}/hl7:telecom/@value`);
      return undefined;
    case 'DE02.01.009.01': case 'DE02.01.009.02': case 'DE02.01.009.03':
    case 'DE02.01.009.04': case 'DE02.01.009.05': case 'DE02.01.009.06': case 'DE02.01.047.00': {
      if (name === '邮政编码') return at('recordTarget', `${RT}/hl7:addr[@use='H']/hl7:postalCode`);
      const owner = ADDRESS_OWNERS.find(([re]) => re.test(name));
      const part = addressPart(name.slice(name.indexOf('-') + 1));
      if (!owner || !part) return undefined;
      return at(owner[1].startsWith('hl7:participant') ? 'participant' : 'recordTarget', `${owner[1]}/${part}`);
    }
    case 'DE02.10.024.00':
      if (name.startsWith('联系人')) return at('participant', `${CONTACT}/hl7:code/@code`);
      if (name.startsWith('陈述者')) return at('informant', `${INFORMANT}/hl7:code/@code`);
      if (name.startsWith('法定代理人')) return { deferred: 'relation' };
      return undefined;
    case 'DE08.30.031.00': return { deferred: 'position' };
    case 'DE08.30.032.00': {
      const role = name.replace(/名单$/, '');
      return at('participant', `hl7:participant[@typeCode='CON'][hl7:associatedEntity/hl7:code/@displayName='${role}']/hl7:associatedEntity/hl7:associatedPerson/hl7:name`);
    }
    case 'DE06.00.339.00': return at('componentOf', `${ENC}/hl7:code/@code`);
    case 'DE08.10.052.00':
      if (name === '建档医疗机构组织机构代码') return at('author', `${AUTHOR}/hl7:representedOrganization/hl7:id[@root='2.16.156.10011.1.5']/@extension`);
      return at('custodian', `${CUSTODIAN_ORG}/hl7:id[@root='2.16.156.10011.1.5']/@extension`);
    case 'DE08.10.013.00':
      if (name === '医疗机构名称') return at('custodian', `${CUSTODIAN_ORG}/hl7:name`);
      if (/^(检查|检验)报告机构名称$/.test(name)) return at('author', `${AUTHOR}/hl7:representedOrganization/hl7:asOrganizationPartOf/hl7:wholeOrganization/hl7:name`);
      if (/^(检查|检验)申请机构名称$/.test(name)) return at('participant', `${REQUESTER}/hl7:asOrganizationPartOf/hl7:wholeOrganization/hl7:name`);
      return undefined;
    case 'DE08.10.026.00':
      if (/^(检查|检验)报告科室$/.test(name)) return at('author', `${AUTHOR}/hl7:representedOrganization/hl7:name`);
      if (/^(检查|检验)申请科室$/.test(name)) return at('participant', `${REQUESTER}/hl7:name`);
      if (name === '科室名称' || name === '医疗机构科室名称' || name === '处方开立科室名称') {
        return ctx.inpatient ? at('componentOf', `${level(3)}/hl7:name`) : at('recordTarget', `${RT}/hl7:providerOrganization/hl7:name`);
      }
      return undefined;
    case 'DE08.10.054.00': return at('componentOf', `${level(4)}/hl7:name`);
    case 'DE01.00.026.00': return at('componentOf', `${level(1)}/hl7:id[@root='2.16.156.10011.1.22']/@extension`);
    case 'DE01.00.019.00':
      return name === '病房号' ? at('componentOf', `${level(2)}/hl7:id[@root='2.16.156.10011.1.21']/@extension`) : undefined;
    case 'DE06.00.092.00':
      return at('componentOf', ctx.hasDischarge ? `${ENC}/hl7:effectiveTime/hl7:low/@value` : `${ENC}/hl7:effectiveTime/@value`);
    case 'DE06.00.017.00': return at('componentOf', `${ENC}/hl7:effectiveTime/hl7:high/@value`);
    case 'DE09.00.053.00':
      if (name === '记录日期时间') return at('author', 'hl7:author/hl7:time/@value');
      if (/签名日期时间$/.test(name)) return { deferred: 'sigtime' };
      return undefined;
    case 'DE02.01.039.00':
      if (name === '患者姓名' || name === '姓名' || name === '产妇姓名') return at('recordTarget', `${PAT}/hl7:name`);
      if (name === '联系人姓名') return at('participant', `${CONTACT}/hl7:associatedPerson/hl7:name`);
      if (name === '病史陈述者姓名') return at('informant', `${INFORMANT}/hl7:assignedPerson/hl7:name`);
      if (name === '建档者姓名') return at('author', `${AUTHOR}/hl7:assignedPerson/hl7:name`);
      if (name === '主持人姓名') {
        return at('participant', "hl7:participant[@typeCode='CON'][hl7:associatedEntity/hl7:code/@displayName='主持人']/hl7:associatedEntity/hl7:associatedPerson/hl7:name");
      }
      if (BODY_PERSONS.test(name)) return undefined;
      if (/签名$/.test(name)) return { deferred: 'sig' };
      return undefined;
    default:
      return undefined;
  }
}

function at(part, path) {
  return { part, path };
}

/** The participation a signature lands on, and the paths hanging off it. */
export function participation(kind, role) {
  if (kind === 'legalAuthenticator') {
    return { part: 'legalAuthenticator', prefix: 'hl7:legalAuthenticator', entity: 'hl7:legalAuthenticator/hl7:assignedEntity', time: 'hl7:legalAuthenticator/hl7:time/@value' };
  }
  if (kind === 'author') {
    return { part: 'author', prefix: 'hl7:author', entity: AUTHOR, time: 'hl7:author/hl7:time/@value' };
  }
  const prefix = `hl7:authenticator[hl7:assignedEntity/hl7:code/@displayName='${role}']`;
  return { part: 'authenticator', prefix, entity: `${prefix}/hl7:assignedEntity`, time: `${prefix}/hl7:time/@value` };
}

export const personName = (p) => `${p.entity}/hl7:assignedPerson/hl7:name`;
export const positionCode = (p) => `${p.entity}/hl7:assignedPerson/hl7:professionalTechnicalPosition/hl7:professionaltechnicalpositionCode/@code`;
export const relationCode = (p) => `${p.entity}/hl7:code/@code`;
