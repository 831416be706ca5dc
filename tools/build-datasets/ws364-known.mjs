// Value-set facts we hold independently of the practitioner XSD extraction: public national
// codes (GB 3304 民族, HL7 Confidentiality) and the OIDs the WS/T 500 documents use
// (facts/oid_conventions.csv, docs/domain.md §3). The extraction is then checked against these.

export const ETHNIC_GROUPS_GB3304 = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族',
  '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
  '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族',
  '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
  '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族',
  '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
].map((display, i) => ({ code: String(i + 1).padStart(2, '0'), display }));

export const GENDER_GB2261_1 = [
  { code: '0', display: '未知的性别' }, { code: '1', display: '男性' }, { code: '2', display: '女性' }, { code: '9', display: '未说明的性别' },
];

export const MARITAL_GB2261_2 = [
  { code: '10', display: '未婚' }, { code: '20', display: '已婚' }, { code: '21', display: '初婚' }, { code: '22', display: '再婚' },
  { code: '23', display: '复婚' }, { code: '30', display: '丧偶' }, { code: '40', display: '离婚' }, { code: '90', display: '未说明的婚姻状况' },
];

export const ID_DOCUMENT_TYPES = [
  { code: '01', display: '居民身份证' }, { code: '02', display: '居民户口簿' }, { code: '03', display: '护照' }, { code: '04', display: '军官证' },
  { code: '05', display: '驾驶证' }, { code: '06', display: '港澳居民来往内地通行证' }, { code: '07', display: '台湾居民来往内地通行证' },
  { code: '99', display: '其他法定有效证件' },
];

// HL7 v3 Confidentiality (CDA R2 era): codes are HL7's; the Chinese displays follow the WS/T 500
// samples for N ("正常访问保密级别") and are our rendering for R and V.
export const CONFIDENTIALITY = [
  { code: 'N', display: '正常访问保密级别' }, { code: 'R', display: '限制访问保密级别' }, { code: 'V', display: '极限制访问保密级别' },
];

export const ABO = [
  { code: '1', display: 'A型' }, { code: '2', display: 'B型' }, { code: '3', display: 'O型' }, { code: '4', display: 'AB型' }, { code: '5', display: '不详' },
];

export const RH = [
  { code: '1', display: 'Rh阴性' }, { code: '2', display: 'Rh阳性' }, { code: '3', display: '不详' },
];
