// The 20 WS/T 483-2016 documents as build specs. Facts and where they come from:
//
// - titles, test prefixes (EHR-SD-n), datasets (EHR-DE-nn) and their names:
//   shared/reference/facts/wst483_regional_documents_and_datasets.csv
// - templateId 2.16.156.10011.2.1.1.n: part 1 in facts/oid_conventions.csv; parts 1, 12, 14, 16
//   in the public samples warriorsfly/hl7-helper examples/xmls/EHR-SD-{1,12,14,16}-*.xml; the
//   rest follow the same pattern (WS/T 500 starts at .21 = 20 + part, leaving .1–.20 to WS/T 483)
// - document type codes (ClinicalDocument/code@code, codeSystem 2.16.156.10011.2.4):
//   OBSERVED: HSDA00.01 (part 1), HSDB04.01 (12), HSDB04.03 (14), HSDC00.01 (16) in the
//   hl7-helper samples; HSDA00.01 (1), HSDB01.01 (2), HSDB01.02 (3), HSDB01.03 (4), HSDB04.03 (14)
//   in a vendor's topic table (ylz TopicConfig.java, public). The others are INFERRED from the
//   pattern (HSDB01 儿童保健, HSDB02 妇女保健, HSDB03 疾病控制, HSDB04 疾病管理, HSDC00 医疗服务)
//   and marked so in each file's source note.
// - sections and entries: the documents whose dataset the catalogue holds element by element
//   (出生医学证明 WS 376.1, 死亡医学证明 WS 375.9, 会诊记录 WS 445.13, 转诊(院)信息 WS 445.16)
//   place every element of it; the samples give the entries of parts 1, 12, 14, 16; the other
//   documents carry the WS 363 elements of their topic that the catalogue's dictionary has.
//   Element lists of WS 365 itself are not public here: every such list is an assumption.
//
// Entry spec: 'DEnn.nn.nnn.nn' (dictionary name) | 'HDSxnn.nn.nnn' (a dataset row) | [id, name]
// with a trailing '!' on the id for 1..1.

export const SECTIONS = {
  '10154-3': '主诉章节', '10164-2': '现病史章节', '11348-0': '既往史章节', '48765-2': '过敏史章节',
  '10157-6': '家族史章节', '29762-2': '生活方式章节', '11369-6': '预防接种史章节', '8716-3': '生命体征章节',
  '29545-1': '体格检查章节', '30954-2': '实验室检查章节', '11450-4': '主要健康问题章节', '29548-5': '诊断记录章节',
  '46241-6': '入院诊断章节', '11535-2': '出院诊断章节', '51848-0': '评估章节', '18776-5': '治疗计划章节',
  '10160-0': '用药章节', '47519-4': '手术操作章节', '8648-8': '住院过程章节', '48768-6': '费用章节',
  '57075-4': '新生儿情况章节', '57073-9': '产前情况章节', '57076-2': '产后处置章节', '49033-4': '月经史章节',
};

const OBS_HL7 = 'warriorsfly/hl7-helper examples/xmls/EHR-SD-';
const YLZ = 'ylz TopicConfig.java (public repository, Kafka topic table of document codes)';

/**
 * part, type code with how it is known, datasets, header slots ('!' = 1..1), sections
 * [code, cardinality, entries].
 */
export const DOCS = [
  {
    part: 1, typeCode: 'HSDA00.01', codeVia: `${OBS_HL7}1 sample; ${YLZ}`, observed: true,
    header: ['hrno!', 'idno', 'name!', 'gender!', 'birth!', 'marital', 'ethnic', 'nationality', 'education', 'occupation', 'employer', 'phone', 'state', 'city', 'county', 'township', 'street', 'house', 'contactName', 'contactPhone', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['30954-2', '1..1', ['DE04.50.001.00!', 'DE04.50.010.00']],
      ['48768-6', '0..1', [['DE07.00.007.00', '医疗费用支付方式代码']]],
      ['48765-2', '0..1', [['DE02.10.022.00', '药物过敏史']]],
      ['11348-0', '1..1', ['DE02.10.021.00!', 'DE02.10.062.00', 'DE02.10.061.00', 'DE06.00.107.00']],
      ['10157-6', '0..1', ['DE02.10.103.00']],
      ['29762-2', '0..1', ['DE03.00.021.00', 'DE03.00.082.00', 'DE03.00.005.00', 'DE05.10.006.00']],
    ],
    sampleDes: 'DE04.50.001.00 DE04.50.010.00 DE07.00.007.00 DE03.00.021.00 DE02.10.021.00 DE02.10.062.00 DE02.10.061.00 DE06.00.107.00 DE02.10.026.00 DE05.10.006.00 DE03.00.082.00 DE03.00.005.00',
  },
  {
    part: 2, typeCode: 'HSDB01.01', codeVia: YLZ, observed: true, dataset: 'WS376.01.01',
    header: ['name=HDSB01.01.002!', 'gender=HDSB01.01.003!', 'birthDT=HDSB01.01.004!', 'author=HDSB01.01.031!', 'orgName=HDSB01.01.034'],
    sections: [
      ['57075-4', '1..1', ['HDSB01.01.001!', 'HDSB01.01.026', 'HDSB01.01.027', 'HDSB01.01.028', 'HDSB01.01.029', 'HDSB01.01.030', 'HDSB01.01.005', 'HDSB01.01.006', 'HDSB01.01.007', 'HDSB01.01.033', 'HDSB01.01.032']],
      ['10157-6', '1..1', ['HDSB01.01.014!', 'HDSB01.01.015', 'HDSB01.01.016', 'HDSB01.01.017', 'HDSB01.01.018', 'HDSB01.01.019', 'HDSB01.01.020', 'HDSB01.01.021', 'HDSB01.01.022', 'HDSB01.01.023', 'HDSB01.01.024', 'HDSB01.01.025', 'HDSB01.01.008', 'HDSB01.01.009', 'HDSB01.01.010', 'HDSB01.01.011', 'HDSB01.01.012', 'HDSB01.01.013']],
    ],
  },
  {
    part: 3, typeCode: 'HSDB01.02', codeVia: YLZ, observed: true,
    header: ['hrno!', 'name!', 'gender!', 'birth!', 'phone', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['57075-4', '1..1', ['DE04.10.019.00!', 'DE04.10.018.00', 'DE02.10.006.00', 'DE05.10.001.00', 'DE05.10.160.00']],
      ['8716-3', '1..1', ['DE04.10.186.00!', 'DE04.10.188.00', 'DE04.10.206.00', 'DE04.10.081.00']],
      ['29545-1', '0..1', ['DE04.10.126.00', 'DE04.10.261.00', 'DE04.10.207.00', 'DE04.10.031.00', 'DE04.10.046.00', 'DE04.10.093.00', 'DE04.10.179.00', 'DE04.10.195.00']],
      ['18776-5', '0..1', [['DE06.00.109.00', '本次访视日期'], ['DE06.00.124.00', '指导内容'], 'DE06.00.177.00']],
    ],
  },
  {
    part: 4, typeCode: 'HSDB01.03', codeVia: YLZ, observed: true,
    header: ['hrno!', 'name!', 'gender!', 'birth!', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['8716-3', '1..1', ['DE04.10.188.00!', 'DE04.10.167.00!', 'DE04.10.186.00']],
      ['29545-1', '1..1', ['DE04.10.219.00!', 'DE04.10.126.00', 'DE04.10.261.00', 'DE04.10.264.00', 'DE04.10.207.00', 'DE04.10.031.00', 'DE04.10.046.00', 'DE04.10.179.00']],
      ['51848-0', '0..1', ['DE05.10.022.00', 'DE05.10.097.00', 'DE05.10.031.00']],
      ['18776-5', '0..1', [['DE04.50.140.00', '体检日期'], 'DE06.00.112.00', ['DE06.00.124.00', '健康指导内容']]],
    ],
  },
  {
    part: 5, typeCode: 'HSDB02.01', inferred: true,
    header: ['hrno!', 'idno', 'name!', 'birth!', 'age', 'phone', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['57073-9', '1..1', ['DE04.01.108.00!', 'DE02.10.002.00!', 'DE02.10.051.00', 'DE05.10.098.00']],
      ['11348-0', '0..1', ['DE02.10.099.00', 'DE02.10.061.00', 'DE02.10.097.00']],
      ['10157-6', '0..1', ['DE02.10.103.00']],
      ['8716-3', '1..1', ['DE04.10.174.00!', 'DE04.10.176.00!', 'DE04.10.167.00', 'DE04.10.188.00']],
      ['29545-1', '0..1', ['DE04.10.207.00', 'DE04.10.031.00', ['DE04.10.195.00', '外阴检查结果'], 'DE04.10.233.00']],
      ['30954-2', '0..1', ['DE04.50.001.00', 'DE04.50.010.00', 'DE04.50.048.00', 'DE04.50.026.00', 'DE04.30.002.00']],
      ['18776-5', '0..1', [['DE06.00.124.00', '保健指导'], 'DE06.00.177.00', ['DE06.00.109.00', '下次随访日期']]],
    ],
  },
  {
    part: 6, typeCode: 'HSDB02.02', inferred: true,
    header: ['hrno!', 'name!', 'birth', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['8716-3', '1..1', ['DE04.10.188.00!', 'DE04.10.174.00!', 'DE04.10.176.00!']],
      ['29545-1', '1..1', ['DE04.10.067.00!', 'DE04.10.052.00', 'DE04.10.183.00', 'DE04.10.262.00']],
      ['30954-2', '0..1', ['DE04.50.048.00', 'DE04.50.102.00']],
      ['51848-0', '0..1', ['DE05.10.161.00']],
      ['18776-5', '0..1', [['DE06.00.124.00', '保健指导'], 'DE06.00.177.00', ['DE06.00.109.00', '下次随访日期']]],
    ],
  },
  {
    part: 7, typeCode: 'HSDB02.03', inferred: true,
    header: ['hrno!', 'name!', 'birth', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['8716-3', '1..1', ['DE04.10.186.00!', 'DE04.10.174.00', 'DE04.10.176.00']],
      ['29545-1', '1..1', ['DE04.10.219.00!', 'DE05.10.084.00', 'DE04.10.025.00', 'DE04.10.233.00', 'DE05.10.137.00']],
      ['57076-2', '0..1', ['DE02.01.014.00', 'DE06.00.270.00']],
      ['18776-5', '0..1', [['DE06.00.124.00', '保健指导'], 'DE06.00.177.00', ['DE06.00.109.00', '访视日期']]],
    ],
  },
  {
    part: 8, typeCode: 'HSDB02.04', inferred: true,
    header: ['hrno!', 'name!', 'birth', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['8716-3', '1..1', ['DE04.10.174.00!', 'DE04.10.176.00!', 'DE04.10.188.00']],
      ['29545-1', '1..1', ['DE04.10.219.00!', 'DE05.10.084.00', 'DE04.10.025.00', 'DE04.10.233.00', 'DE05.10.137.00']],
      ['51848-0', '0..1', ['DE05.10.031.00', 'DE05.10.007.00']],
      ['18776-5', '0..1', [['DE06.00.124.00', '保健指导'], 'DE06.00.177.00', ['DE06.00.109.00', '检查日期']]],
    ],
  },
  {
    part: 9, typeCode: 'HSDB03.01', inferred: true,
    header: ['hrno!', 'idno', 'name!', 'gender!', 'birth!', 'phone', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['11369-6', '1..1', [['DE08.50.022.00!', '疫苗名称'], ['DE06.00.095.00!', '接种日期时间'], ['DE08.10.042.00', '疫苗生产厂家'], ['DE06.00.134.00', '接种途径代码'], ['DE08.50.023.00', '接种剂量'], ['DE08.50.024.00', '接种剂量单位'], 'DE02.10.101.00']],
      ['48765-2', '0..1', [['DE06.00.129.00', '疑似预防接种异常反应情况'], 'DE02.10.022.00']],
    ],
  },
  {
    part: 10, typeCode: 'HSDB03.02', inferred: true,
    header: ['hrno', 'idno!', 'name!', 'gender!', 'birth!', 'occupation', 'employer', 'phone', 'state', 'city', 'county', 'township', 'street', 'house', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['29548-5', '1..1', [['DE05.01.024.00!', '传染病诊断代码'], ['DE05.01.025.00', '传染病诊断名称'], ['DE05.01.058.00!', '诊断日期'], ['DE04.01.018.00', '发病日期'], 'DE05.01.070.00', 'DE05.10.119.00']],
      ['11348-0', '0..1', ['DE02.10.008.00']],
      ['18776-5', '0..1', [['DE02.01.036.00', '死亡日期']]],
    ],
  },
  {
    part: 11, typeCode: 'HSDB03.09', inferred: true, dataset: 'WS375.09.01',
    inferNote: 'HSDB03.09 mirrors the dataset internal id group HDSB03.09 of WS 375.9 死亡医学证明 (as HSDB01.01 出生医学证明 mirrors HDSB01.01, observed)',
    header: ['name=HDSB03.09.002!', 'gender=HDSB03.09.003!', 'ethnic=HDSB03.09.004', 'occupation=HDSB03.09.005', 'idno=HDSB03.09.007', 'marital=HDSB03.09.008', 'education=HDSB03.09.009', 'employer=HDSB03.09.010', 'birth=HDSB03.09.011', 'state=HDSB03.09.021', 'city=HDSB03.09.022', 'county=HDSB03.09.023', 'township=HDSB03.09.024', 'street=HDSB03.09.025', 'house=HDSB03.09.026', 'contactName=HDSB03.09.027', 'contactPhone=HDSB03.09.028', 'author=HDSB03.09.047!', 'orgName=HDSB03.09.048'],
    sections: [
      ['29548-5', '1..1', ['HDSB03.09.001!', 'HDSB03.09.012!', 'HDSB03.09.013', 'HDSB03.09.014', 'HDSB03.09.030', 'HDSB03.09.031', 'HDSB03.09.032', 'HDSB03.09.033', 'HDSB03.09.034', 'HDSB03.09.035', 'HDSB03.09.036', 'HDSB03.09.037', 'HDSB03.09.038', 'HDSB03.09.039', 'HDSB03.09.040', 'HDSB03.09.041', 'HDSB03.09.042', 'HDSB03.09.043', 'HDSB03.09.044', 'HDSB03.09.045', 'HDSB03.09.046', 'HDSB03.09.049']],
      ['10157-6', '0..1', ['HDSB03.09.006', 'HDSB03.09.015', 'HDSB03.09.016', 'HDSB03.09.017', 'HDSB03.09.018', 'HDSB03.09.019', 'HDSB03.09.020', 'HDSB03.09.029']],
    ],
  },
  {
    part: 12, typeCode: 'HSDB04.01', codeVia: `${OBS_HL7}12 sample`, observed: true,
    header: ['hrno!', 'idno', 'name!', 'gender!', 'birth!', 'marital', 'ethnic', 'phone', 'state', 'city', 'county', 'street', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['11450-4', '0..1', ['DE04.01.118.00']],
      ['8716-3', '1..1', ['DE04.10.174.00!', 'DE04.10.176.00!', 'DE04.10.188.00', 'DE04.10.167.00', 'DE05.10.075.00', 'DE04.10.206.00']],
      ['29762-2', '0..1', ['DE03.00.053.00', 'DE03.00.054.00', 'DE03.00.087.00']],
      ['10160-0', '0..1', ['DE06.00.164.00', 'DE08.50.022.00', 'DE06.00.133.00', 'DE08.50.023.00', 'DE08.50.024.00', 'DE06.00.129.00']],
      ['51848-0', '1..1', ['DE05.10.066.00!']],
      ['18776-5', '0..1', [['DE06.00.108.00', '随访方式代码'], ['DE06.00.109.00', '下次随访日期'], 'DE06.00.177.00']],
    ],
    sampleDes: 'DE06.00.108.00 DE04.01.116.00 DE04.01.118.00 DE04.10.174.00 DE04.10.176.00 DE04.10.188.00 DE04.10.167.00 DE05.10.075.00 DE04.10.206.00 DE04.10.143.00 DE03.00.053.00 DE03.00.054.00 DE03.00.087.00 DE03.00.088.00 DE03.00.094.00 DE05.10.083.00 DE05.10.068.00 DE03.00.055.00 DE06.00.164.00 DE05.10.066.00 DE06.00.174.00',
  },
  {
    part: 13, typeCode: 'HSDB04.02', inferred: true,
    header: ['hrno!', 'idno', 'name!', 'gender!', 'birth!', 'phone', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['11450-4', '0..1', ['DE04.01.118.00']],
      ['8716-3', '1..1', ['DE04.10.174.00!', 'DE04.10.176.00!', 'DE04.10.188.00', 'DE04.10.167.00', 'DE05.10.075.00']],
      ['29545-1', '0..1', ['DE04.10.237.00']],
      ['30954-2', '1..1', [['DE04.50.102.00!', '空腹血糖值（mmol/L）']]],
      ['29762-2', '0..1', ['DE03.00.053.00', 'DE03.00.054.00', 'DE03.00.087.00']],
      ['10160-0', '0..1', ['DE08.50.022.00', 'DE06.00.133.00', 'DE08.50.023.00', 'DE08.50.024.00', 'DE06.00.129.00']],
      ['51848-0', '0..1', ['DE05.10.066.00']],
      ['18776-5', '0..1', [['DE06.00.108.00', '随访方式代码'], ['DE06.00.109.00', '下次随访日期'], 'DE06.00.177.00']],
    ],
  },
  {
    part: 14, typeCode: 'HSDB04.03', codeVia: `${OBS_HL7}14 sample; ${YLZ}`, observed: true,
    header: ['hrno!', 'idno', 'name!', 'gender!', 'birth', 'contactName', 'contactPhone', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['11348-0', '1..1', ['DE02.10.089.00', 'DE04.01.030.00!', 'DE02.10.036.00', ['DE02.10.090.00', '既往精神专科住院次数']]],
      ['11450-4', '0..1', ['DE03.00.017.00', 'DE02.01.023.00']],
      ['29548-5', '1..1', [['DE05.01.024.00!', '诊断代码'], ['DE05.01.058.00', '确诊日期']]],
      ['51848-0', '0..1', ['DE05.10.120.00']],
    ],
    sampleDes: 'DE06.00.155.00 DE02.01.039.00 DE06.00.156.00 DE02.10.089.00 DE04.01.030.00 DE02.10.036.00 DE02.10.160.00 DE02.10.090.00 DE02.10.037.00 DE05.10.057.00 DE03.00.022.00 DE03.00.017.00 DE02.01.023.00 DE05.01.071.00 DE05.10.120.00',
  },
  {
    part: 15, typeCode: 'HSDB04.04', inferred: true,
    header: ['hrno!', 'name!', 'gender!', 'birth', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['11450-4', '1..1', ['DE04.01.030.00!', ['DE04.01.117.00', '目前症状描述'], 'DE03.00.017.00']],
      ['51848-0', '1..1', ['DE05.10.142.00!', 'DE05.10.065.00', 'DE05.10.122.00', 'DE05.10.084.00', 'DE05.10.066.00']],
      ['10160-0', '0..1', ['DE08.50.022.00', 'DE06.00.133.00', 'DE08.50.023.00', 'DE08.50.024.00', 'DE06.00.129.00']],
      ['18776-5', '0..1', [['DE06.00.108.00', '随访方式代码'], ['DE06.00.109.00', '下次随访日期'], 'DE06.00.177.00']],
    ],
  },
  {
    part: 16, typeCode: 'HSDC00.01', codeVia: `${OBS_HL7}16 sample`, observed: true,
    header: ['hrno!', 'name!', 'gender', 'birth', 'phone', 'state', 'city', 'county', 'street', 'house', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['11450-4', '0..1', ['DE04.01.118.00']],
      ['8716-3', '1..1', ['DE04.10.186.00!', 'DE04.10.118.00', 'DE04.10.081.00', 'DE04.10.174.00!', 'DE04.10.176.00!', 'DE04.10.167.00', 'DE04.10.188.00', 'DE04.10.218.00', 'DE05.10.075.00', 'DE04.10.206.00']],
      ['29545-1', '0..1', ['DE04.10.190.00', 'DE04.10.126.00', 'DE04.10.114.00', 'DE04.10.031.00', 'DE04.10.207.00', 'DE04.10.046.00', 'DE04.10.237.00']],
      ['29762-2', '0..1', ['DE03.00.073.00', 'DE03.00.053.00', 'DE03.00.076.00', 'DE03.00.087.00']],
      ['30954-2', '0..1', ['DE04.50.102.00', 'DE04.50.048.00', 'DE04.50.026.00', 'DE04.30.043.00', 'DE04.30.045.00', 'DE04.30.002.00']],
      ['51848-0', '0..1', ['DE05.10.031.00']],
      ['18776-5', '0..1', [['DE06.00.124.00', '健康指导'], 'DE06.00.238.00']],
    ],
    sampleDes: 'DE04.01.118.00 DE04.01.116.00 DE04.10.186.00 DE04.10.118.00 DE04.10.082.00 DE04.10.174.00 DE04.10.176.00 DE04.10.167.00 DE04.10.188.00 DE04.10.218.00 DE04.10.206.00 DE04.10.106.00 DE04.10.016.00 DE04.10.214.00 DE04.10.116.00 DE04.10.098.00 DE04.50.110.00 DE04.10.075.00 DE04.10.190.00 DE04.10.048.00 DE04.10.044.00 DE04.10.054.00 DE04.10.138.00 DE04.10.050.00 (first 16,000 of 58,545 characters read)',
  },
  {
    part: 17, typeCode: 'HSDC00.02', inferred: true,
    header: ['hrno', 'opno!', 'idno', 'name!', 'gender!', 'birth', 'age', 'visitTime!', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['10154-3', '1..1', ['DE04.01.119.00!']],
      ['10164-2', '0..1', ['DE02.10.071.00']],
      ['29548-5', '1..1', ['DE05.01.024.00!', 'DE05.01.025.00']],
      ['10160-0', '0..1', ['DE08.50.022.00', 'DE06.00.133.00', 'DE08.50.023.00', 'DE08.50.024.00', 'DE06.00.134.00']],
      ['18776-5', '0..1', ['DE05.10.014.00']],
    ],
  },
  {
    part: 18, typeCode: 'HSDC00.03', inferred: true,
    header: ['hrno', 'ipno!', 'idno', 'name!', 'gender!', 'birth', 'age', 'admitTime!', 'dischargeTime!', 'author!', 'orgCode', 'orgName'],
    sections: [
      ['46241-6', '0..1', [['DE05.01.024.00', '入院诊断编码'], ['DE05.01.025.00', '入院诊断名称']]],
      ['11535-2', '1..1', [['DE05.01.024.00!', '出院诊断编码'], ['DE05.01.025.00', '出院诊断名称']]],
      ['47519-4', '0..1', ['DE06.00.093.00', 'DE06.00.094.00']],
      ['8648-8', '1..1', ['DE06.00.310.00!', 'DE06.00.193.00', 'DE06.00.223.00']],
      ['48768-6', '0..1', ['DE07.00.001.00']],
    ],
  },
  {
    part: 19, typeCode: 'HSDC00.04', inferred: true, dataset: 'WS445.13.09',
    header: ['name=HDSD00.14.030!', 'gender=HDSD00.14.115!', 'age=HDSD00.14.074', 'ipno=HDSD00.14.140', 'author=HDSD00.14.039!', 'orgName=HDSD00.14.040'],
    sections: [
      ['29548-5', '1..1', ['HDSD00.14.112!', 'HDSD00.14.113', 'HDSD00.14.130', 'HDSD00.14.131', 'HDSD00.14.129']],
      ['30954-2', '0..1', ['HDSD00.14.027']],
      ['8648-8', '1..1', ['HDSD00.14.034!', 'HDSD00.14.032', 'HDSD00.14.033', 'HDSD00.14.042', 'HDSD00.14.004', 'HDSD00.14.037', 'HDSD00.14.036', 'HDSD00.14.035', 'HDSD00.14.038', 'HDSD00.14.031', 'HDSD00.14.041', 'HDSD00.14.062', 'HDSD00.14.026', 'HDSD00.14.075']],
      ['18776-5', '0..1', ['HDSD00.14.120', 'HDSD00.14.121', 'HDSD00.14.125']],
    ],
    leftOut: 'HDSD00.14.132/.133 (中医证候代码/名称 share DE05.10.130.00/DE05.10.172.00 with 中医病名) and 病床号/病房号/病区名称 (HDSD00.14.002/.003/.007, inpatient location the regional summary does not carry) are left out',
  },
  {
    part: 20, typeCode: 'HSDC00.05', inferred: true, dataset: 'WS445.16.01',
    header: ['hrno=HDSD00.01.001!', 'name=HDSD00.01.002!', 'gender=HDSD00.01.003!', 'birth=HDSD00.01.004', 'state=HDSD00.01.599', 'city=HDSD00.01.600', 'county=HDSD00.01.601', 'township=HDSD00.01.602', 'street=HDSD00.01.603', 'house=HDSD00.01.604', 'phone=HDSD00.01.605', 'orgName=HDSD00.01.282', 'orgCode=HDSD00.01.560', 'author=HDSD00.01.606!'],
    sections: [
      ['8648-8', '1..1', ['HDSD00.01.564!', 'HDSD00.01.284!', 'HDSD00.01.283', 'HDSD00.01.559', 'HDSD00.01.562', 'HDSD00.01.607', 'HDSD00.01.608', 'HDSD00.01.571', 'HDSD00.01.565']],
      ['29548-5', '0..1', ['HDSD00.01.611', 'HDSD00.01.610', 'HDSD00.01.609']],
      ['11348-0', '0..1', ['HDSD00.01.306']],
      ['30954-2', '0..1', ['HDSD00.01.543', 'HDSD00.01.544', 'HDSD00.01.545', 'HDSD00.01.546', 'HDSD00.01.547', 'HDSD00.01.548']],
      ['10160-0', '0..1', ['HDSD00.01.193', 'HDSD00.01.194', 'HDSD00.01.195', 'HDSD00.01.196', 'HDSD00.01.197', 'HDSD00.01.198', 'HDSD00.01.199', 'HDSD00.01.553', 'HDSD00.01.554', 'HDSD00.01.555', 'HDSD00.01.588']],
      ['47519-4', '0..1', ['HDSD00.01.026', 'HDSD00.01.556', 'HDSD00.01.557', 'HDSD00.01.589', 'HDSD00.01.590', 'HDSD00.01.558']],
    ],
  },
];
