// WS/T 790-2021 区域卫生信息平台交互标准 services, as ServiceDefs. The standard's text is not
// public here; its 18 part titles are (yunbiaozhun.com/detail/1000451.html, github5.com/view/3271
// list parts 1–18). Where a part has a WS/T 846 counterpart (居民 ↔ 个人, 机构, 人员, 术语,
// 健康档案存储/调阅 ↔ 文档注册/检索/调阅, 预约挂号 ↔ 门诊预约) the regional service takes the
// counterpart's HL7 V3 interactions, entity and message paths: both standards build on the
// same HL7 V3 interactions, but WS/T 790's own message ids are NOT verified. Parts without a
// counterpart are not encoded (docs/regional.md lists them).

export const PARTS = {
  1: '总则', 2: '时间一致性服务', 3: '节点验证服务', 4: '安全审计服务', 5: '基础通知服务', 6: '居民注册服务',
  7: '医疗卫生机构注册服务', 8: '医疗卫生人员注册服务', 9: '术语注册服务', 10: '健康档案存储服务', 11: '健康档案管理服务',
  12: '健康档案采集服务', 13: '健康档案调阅服务', 14: '文档订阅发布服务', 15: '预约挂号服务', 16: '双向转诊服务',
  17: '签约服务', 18: '提醒服务',
};

/** [code (the WS/T 846 counterpart's), regional name, WS/T 790 part, first level] in EHR-PL order */
export const REGIONAL_SERVICES = [
  ['PatientInfoRegister', '居民注册服务', 6, '4b'],
  ['PatientInfoUpdate', '居民信息更新服务', 6, '4b'],
  ['PatientInfoMerge', '居民信息合并服务', 6, '4b'],
  ['PatientInfoQuery', '居民信息查询服务', 6, '4b'],
  ['OrganizationInfoRegister', '医疗卫生机构注册服务', 7, '4b'],
  ['OrganizationInfoUpdate', '医疗卫生机构信息更新服务', 7, '4b'],
  ['OrganizationInfoQuery', '医疗卫生机构信息查询服务', 7, '4b'],
  ['ProviderInfoRegister', '医疗卫生人员注册服务', 8, '4b'],
  ['ProviderInfoUpdate', '医疗卫生人员信息更新服务', 8, '4b'],
  ['ProviderInfoQuery', '医疗卫生人员信息查询服务', 8, '4b'],
  ['TerminologyRegister', '术语注册服务', 9, '5b'],
  ['TerminologyUpdate', '术语更新服务', 9, '5b'],
  ['TerminologyQuery', '术语查询服务', 9, '5b'],
  ['DocumentRegister', '健康档案存储服务', 10, '3'],
  ['DocumentAccess', '健康档案检索服务', 13, '3'],
  ['DocumentRetrieve', '健康档案调阅服务', 13, '3'],
  ['OutPatientAppointStatusInfoAdd', '预约挂号信息新增服务', 15, '5b'],
  ['OutPatientAppointStatusInfoUpdate', '预约挂号信息更新服务', 15, '5b'],
  ['OutPatientAppointStatusInfoQuery', '预约挂号信息查询服务', 15, '5b'],
];

export function buildServices(hospital) {
  const byCode = new Map(hospital.map((s) => [s.code, s]));
  const seq = new Map();
  return REGIONAL_SERVICES.map(([code, name, part, level], i) => {
    const h = byCode.get(code);
    if (!h) throw new Error(`no hospital service ${code}`);
    const n = (seq.get(part) ?? 0) + 1;
    seq.set(part, n);
    const { source: hs, ...rest } = h;
    return {
      ...rest,
      name,
      group: PARTS[part],
      part,
      section: `${part}.${n}`,
      caseId: `EHR-PL-${String(i + 1).padStart(2, '0')}`,
      level,
      source: {
        standard: `WS/T 790.${part}-2021`,
        clause: `${PARTS[part]} (section number is our sequence)`,
        via: `WS/T 790 part list (yunbiaozhun.com/detail/1000451.html; github5.com/view/3271); interactions, entity and paths of the WS/T 846 counterpart ${code} (${hs.standard} ${hs.clause ?? ''})`.trim(),
        verified: false,
        note: `Message ids ${h.request} → ${h.response} ASSUMED from the hospital counterpart ${code}; WS/T 790's own tables are not public here. caseId EHR-PL-${String(i + 1).padStart(2, '0')} is our sequence; level ${level} mirrors the hospital practitioner mapping (unofficial).`,
      },
    };
  });
}
