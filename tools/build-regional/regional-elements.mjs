// WS 363 data elements the WS/T 483 documents use that the WS 445-derived dictionary
// (datasets/ws363.json) does not hold. Each id and name is as a public WS/T 483 sample writes it
// (observation/code@code and @displayName); the type and format are NOT given there and are
// assumed from the sample's xsi:type and value (CD with a one- or two-digit code → S3 N1/N..2,
// PQ → N with the sample's unit, ST → S1 AN..100 or longer).

const HL7 = 'warriorsfly/hl7-helper examples/xmls/';
const SD1 = `${HL7}EHR-SD-1-个人基本健康信息登记_曾祥明_20140814.xml`;
const SD12 = `${HL7}EHR-SD-12-高血压患者随访服务_曾祥明_20200519.xml`;
const SD14 = `${HL7}EHR-SD-14-重性精神疾病患者个人信息登记_曾祥明.xml`;
const SD16 = `${HL7}EHR-SD-16-成人健康体检_曾祥明_20191025.xml`;

/** [de, name, type, format, sample file, what the sample shows] */
export const REGIONAL_ELEMENTS = [
  ['DE02.10.021.00', '既往常见疾病种类代码', 'S3', 'N2', SD1, 'CD code "02" in 2.16.156.10011.2.3.1.12 既往常见疾病种类代码表'],
  ['DE03.00.021.00', '环境危险因素暴露类别代码', 'S3', 'N1', SD1, 'CD code "1" in 2.16.156.10011.2.3.1.33'],
  ['DE03.00.082.00', '家庭饮水类别代码', 'S3', 'N1', SD1, 'CD code "1" in 2.16.156.10011.2.3.2.43'],
  ['DE03.00.005.00', '家庭厕所类别代码', 'S3', 'N1', SD1, 'CD code "1" in 2.16.156.10011.2.3.2.44'],
  ['DE05.10.006.00', '残疾情况代码', 'S3', 'N2', SD1, 'CD code "01" in 2.16.156.10011.2.3.1.139 残疾情况代码表 (displayName 残疾史代码)'],
  ['DE05.10.075.00', '体质指数（kg/m2）', 'N', 'N..5,2', SD12, 'PQ 18.81 Kg/m2'],
  ['DE03.00.087.00', '运动频率代码', 'S3', 'N..2', SD12, 'CD codes "4" and "22" in 2.16.156.10011.2.3.1.23 身体活动频率代码表'],
  ['DE05.10.066.00', '随访评价结果代码', 'S3', 'N1', SD12, 'CD code "2" in 2.16.156.10011.2.3.1.150 随访评价结果代码'],
  ['DE04.10.218.00', '腰围（cm）', 'N', 'N4..5,1', SD16, 'PQ 80.0 cm'],
  ['DE04.10.190.00', '听力检测结果代码', 'S3', 'N1', SD16, 'CD code "1" in 2.16.156.10011.2.3.2.7 听力检测结果代码表'],
  ['DE02.10.089.00', '首次发病年龄（岁）', 'N', 'N..3', SD14, 'PQ with unit 岁 (no value)'],
  ['DE04.01.030.00', '精神症状代码', 'S3', 'N..2', SD14, 'CD code "99" in 2.16.156.10011.2.3.1.49 精神症状代码表'],
  ['DE02.10.036.00', '既往治疗情况代码', 'S3', 'N1', SD14, 'CD code "1" in 2.16.156.10011.2.3.2.63 既往门诊治疗情况代码表'],
  ['DE03.00.017.00', '关锁情况代码', 'S3', 'N1', SD14, 'CD code "1" in 2.16.156.10011.2.3.2.30 关锁情况代码表'],
  ['DE02.01.023.00', '经济状况代码', 'S3', 'N1', SD14, 'CD code "2" in 2.16.156.10011.2.3.2.31 经济状况代码表'],
  ['DE05.10.120.00', '专科医生意见', 'S1', 'AN..500', SD14, 'ST (empty)'],
];
