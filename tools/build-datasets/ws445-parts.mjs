// Which standard part each sub-dataset of the facts table belongs to, and its order there.
//
// The facts table (facts/ws445_emr_dataset_elements.csv) names sub-datasets and internal ids
// (HDSD00.gg.nnn) but not the part of WS 445-2014. The parts below pair each HDSD group with
// the WS 445 part whose title covers its sub-datasets (病历概要 … 医疗机构信息); the order of
// sub-datasets inside a part follows the WS/T 500 documents built on them (C0001 … C0053).
// Both are our reading, so every dataset is marked verified: false.
// HDSB groups are not WS 445: 出生医学证明 (HDSB01.01) is WS 376.1 儿童保健 and 死亡医学证明
// (HDSB03.09) WS 375.9 疾病控制; the regional test names them EHR-DE-02 and EHR-DE-11
// (facts/wst483_regional_documents_and_datasets.csv).
export const PARTS = [
  { group: 'HDSD00.02', standard: 'WS 445.1-2014', part: 1, title: '病历概要', datasets: ['患者基本信息', '基本健康信息', '卫生事件摘要', '医疗费用记录'] },
  { group: 'HDSD00.03', standard: 'WS 445.2-2014', part: 2, title: '门（急）诊病历', datasets: ['门急诊病历', '急诊留观病历'] },
  { group: 'HDSD00.04', standard: 'WS 445.3-2014', part: 3, title: '门（急）诊处方', datasets: ['西药处方', '中药处方'] },
  { group: 'HDSD00.05', standard: 'WS 445.4-2014', part: 4, title: '检查检验记录', datasets: ['检查记录', '检验记录'] },
  { group: 'HDSD00.06', standard: 'WS 445.5-2014', part: 5, title: '一般治疗处置记录', datasets: ['治疗记录', '一般手术记录', '麻醉术前访视记录', '麻醉记录', '麻醉术后访视记录', '输血记录'] },
  { group: 'HDSD00.07', standard: 'WS 445.6-2014', part: 6, title: '助产记录', datasets: ['待产记录', '阴道分娩记录', '剖宫产记录'] },
  { group: 'HDSD00.08', standard: 'WS 445.7-2014', part: 7, title: '护理操作记录', datasets: ['一般护理记录', '病重（病危）患者护理记录', '手术护理记录', '生命体征测量记录', '出入量记录', '高值耗材使用记录'] },
  { group: 'HDSD00.09', standard: 'WS 445.8-2014', part: 8, title: '护理评估与计划', datasets: ['入院评估记录', '护理计划', '出院评估及指导'] },
  { group: 'HDSD00.10', standard: 'WS 445.9-2014', part: 9, title: '知情告知信息', datasets: ['手术同意书', '麻醉知情同意书', '输血治疗同意书', '特殊检查及特殊治疗同意书', '病危（重）通知书', '其他知情告知同意书'] },
  { group: 'HDSD00.11', standard: 'WS 445.10-2014', part: 10, title: '住院病案首页', datasets: ['住院病案首页'] },
  { group: 'HDSD00.12', standard: 'WS 445.11-2014', part: 11, title: '中医住院病案首页', datasets: ['中医住院病案首页'] },
  { group: 'HDSD00.13', standard: 'WS 445.12-2014', part: 12, title: '入院记录', datasets: ['入院记录', '24h内入出院记录', '24h内入院死亡记录'] },
  { group: 'HDSD00.14', standard: 'WS 445.13-2014', part: 13, title: '住院病程记录', datasets: ['首次病程记录', '日常病程记录', '上级医师查房记录', '疑难病例讨论记录', '交接班记录', '转科记录', '阶段小结', '抢救记录', '会诊记录', '术前小结', '术前讨论', '术后首次病程记录', '出院记录', '死亡记录', '死亡病例讨论记录'] },
  { group: 'HDSD00.15', standard: 'WS 445.14-2014', part: 14, title: '住院医嘱', datasets: ['住院医嘱'] },
  { group: 'HDSD00.16', standard: 'WS 445.15-2014', part: 15, title: '出院小结', datasets: ['出院小结'] },
  { group: 'HDSD00.01', standard: 'WS 445.16-2014', part: 16, title: '转诊（院）记录', datasets: ['转诊(院)信息'] },
  { group: 'HDSD00.18', standard: 'WS 445.17-2014', part: 17, title: '医疗机构信息', datasets: ['医疗机构基本信息'] },
  { group: 'HDSB01.01', standard: 'WS 376.1-2013', idPrefix: 'WS376', part: 1, title: '儿童保健基本数据集 出生医学证明', datasets: ['出生医学证明'], testPrefix: 'EHR-DE-02' },
  { group: 'HDSB03.09', standard: 'WS 375.9-2012', idPrefix: 'WS375', part: 9, title: '疾病控制基本数据集 死亡医学证明', datasets: ['死亡医学证明'], testPrefix: 'EHR-DE-11' },
];
