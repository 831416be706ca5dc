// Header slots of the WS/T 483 templates: where each identity element of the health-record
// documents goes. The paths are the ones the WS/T 500 templates already use (shared-docs/wst500),
// and the public WS/T 483 samples (warriorsfly/hl7-helper examples/xmls/EHR-SD-1, -12, -14, -16)
// place the same elements at the same paths: 健康档案标识号 patientRole/id@2.16.156.10011.1.2,
// 身份证号 patient/id@1.3, addr use="H", author/assignedAuthor/representedOrganization.

const PAT = 'hl7:recordTarget/hl7:patientRole';
const ADDR = `${PAT}/hl7:addr[@use='H']`;
const ORG = 'hl7:author/hl7:assignedAuthor/hl7:representedOrganization';
const ENC = 'hl7:componentOf/hl7:encompassingEncounter';

/** slot → [DE id, name, path]; the name is the default when the dataset gives none. */
export const HEADER_SLOTS = {
  hrno: ['DE01.00.009.00', '城乡居民健康档案编号', `${PAT}/hl7:id[@root='2.16.156.10011.1.2']/@extension`],
  healthCard: ['DE01.00.021.00', '居民健康卡号', `${PAT}/hl7:id[@root='2.16.156.10011.1.19']/@extension`],
  opno: ['DE01.00.010.00', '门（急）诊号', `${PAT}/hl7:id[@root='2.16.156.10011.1.11']/@extension`],
  ipno: ['DE01.00.014.00', '住院号', `${PAT}/hl7:id[@root='2.16.156.10011.1.12']/@extension`],
  state: ['DE02.01.009.01', '现住地址-省（自治区、直辖市）', `${ADDR}/hl7:state`],
  city: ['DE02.01.009.02', '现住地址-市（地区、州）', `${ADDR}/hl7:city`],
  county: ['DE02.01.009.03', '现住地址-县（区）', `${ADDR}/hl7:county`],
  township: ['DE02.01.009.04', '现住地址-乡（镇、街道办事处）', `${ADDR}/hl7:township`],
  street: ['DE02.01.009.05', '现住地址-村（街、路、弄等）', `${ADDR}/hl7:streetName`],
  house: ['DE02.01.009.06', '现住地址-门牌号码', `${ADDR}/hl7:houseNumber`],
  phone: ['DE02.01.010.00', '本人电话号码', `${PAT}/hl7:telecom/@value`],
  idno: ['DE02.01.030.00', '身份证件号码', `${PAT}/hl7:patient/hl7:id[@root='2.16.156.10011.1.3']/@extension`],
  name: ['DE02.01.039.00', '姓名', `${PAT}/hl7:patient/hl7:name`],
  gender: ['DE02.01.040.00', '性别代码', `${PAT}/hl7:patient/hl7:administrativeGenderCode/@code`],
  birth: ['DE02.01.005.01', '出生日期', `${PAT}/hl7:patient/hl7:birthTime/@value`],
  birthDT: ['DE02.01.005.02', '新生儿出生日期时间', `${PAT}/hl7:patient/hl7:birthTime/@value`],
  age: ['DE02.01.026.00', '年龄（岁）', `${PAT}/hl7:patient/hl7:age[@unit='岁']/@value`],
  marital: ['DE02.01.018.00', '婚姻状况代码', `${PAT}/hl7:patient/hl7:maritalStatusCode/@code`],
  ethnic: ['DE02.01.025.00', '民族', `${PAT}/hl7:patient/hl7:ethnicGroupCode/@code`],
  nationality: ['DE02.01.015.00', '国籍代码', `${PAT}/hl7:patient/hl7:nationality/@code`],
  education: ['DE02.01.041.00', '学历代码', `${PAT}/hl7:patient/hl7:educationLevel/hl7:educationLevelCode/@code`],
  occupation: ['DE02.01.052.00', '职业类别代码', `${PAT}/hl7:patient/hl7:occupation/hl7:occupationCode/@code`],
  employer: ['DE08.10.007.00', '工作单位名称', `${PAT}/hl7:patient/hl7:employerOrganization/hl7:name`],
  author: ['DE02.01.039.00', '责任医生姓名', 'hl7:author/hl7:assignedAuthor/hl7:assignedPerson/hl7:name'],
  orgCode: ['DE08.10.052.00', '医疗卫生机构组织机构代码', `${ORG}/hl7:id[@root='2.16.156.10011.1.5']/@extension`],
  orgName: ['DE08.10.013.00', '医疗卫生机构名称', `${ORG}/hl7:name`],
  contactName: ['DE02.01.039.00', '联系人姓名', "hl7:participant[@typeCode='NOT']/hl7:associatedEntity/hl7:associatedPerson/hl7:name"],
  contactPhone: ['DE02.01.010.00', '联系人电话号码', "hl7:participant[@typeCode='NOT']/hl7:associatedEntity/hl7:telecom/@value"],
  visitTime: ['DE06.00.062.00', '就诊日期时间', `${ENC}/hl7:effectiveTime/@value`],
  admitTime: ['DE06.00.092.00', '入院日期时间', `${ENC}/hl7:effectiveTime/hl7:low/@value`],
  dischargeTime: ['DE06.00.017.00', '出院日期时间', `${ENC}/hl7:effectiveTime/hl7:high/@value`],
};

/** Header parts a slot lives in (the template's header.required lists them). */
export function partOf(path) {
  const m = /^hl7:([A-Za-z]+)/.exec(path);
  return m ? m[1] : undefined;
}
