import type { Finding, Severity } from '../findings/types.js';

/**
 * The rule registry: every finding the validator, runner and reports emit names one of these
 * ids. Ids are stable (never renumbered or reused); a rule that is retired stays here marked
 * `retired`. Messages are templates: `{name}` is replaced from the params given to `finding()`.
 *
 * Id grammar: HT-<LAYER>-<NAME>; LAYER ∈ PRE (pre-flight), XSD, TPL (template rules),
 * TERM (terminology), MSG (message rules), PKG (package / cross-file), TX (transport),
 * SVC (service behaviour), DOC (document exchange), DS (dataset), PERF (performance).
 */
export interface RuleDef {
  id: string;
  layer: 'PRE' | 'XSD' | 'TPL' | 'TERM' | 'MSG' | 'PKG' | 'TX' | 'SVC' | 'DOC' | 'DS' | 'PERF';
  severity: Severity;
  /** standard and clause the rule rests on; `{clause}` params may refine it per finding */
  clause: string;
  zh: string;
  en: string;
  hintZh: string;
  hintEn: string;
  retired?: boolean;
}

const R = (
  id: string, layer: RuleDef['layer'], severity: Severity, clause: string,
  zh: string, en: string, hintZh: string, hintEn: string,
): RuleDef => ({ id, layer, severity, clause, zh, en, hintZh, hintEn });

const WST500 = 'WS/T 500-2016';
const CDA = 'HL7 CDA R2 (ANSI/HL7 CDA R2-2005)';
const WST846 = 'WS/T 846-2024';
const WS363 = 'WS 363-2011';
const WS364 = 'WS 364-2011';

export const RULES: readonly RuleDef[] = [
  // 1. pre-flight
  R('HT-PRE-UNREADABLE', 'PRE', 'error', 'XML 1.0 §2', '文件无法读取：{reason}', 'File cannot be read: {reason}',
    '确认文件存在、可读且不是空文件。', 'Check that the file exists, is readable and is not empty.'),
  R('HT-PRE-TOO-LARGE', 'PRE', 'error', 'hutong limits', '文件大小 {size} 字节超过上限 {limit} 字节，未解析。', 'File of {size} bytes exceeds the {limit}-byte limit; not parsed.',
    '拆分文件，或用 --max-bytes 调高上限。', 'Split the file or raise the limit with --max-bytes.'),
  R('HT-PRE-ENCODING', 'PRE', 'error', 'XML 1.0 §4.3.3', '字符编码错误：{reason}', 'Character encoding error: {reason}',
    '共享文档与消息应使用 UTF-8 编码，并与 XML 声明一致。', 'Documents and messages should be UTF-8 and match their XML declaration.'),
  R('HT-PRE-ENCODING-DECLARED', 'PRE', 'warning', 'XML 1.0 §4.3.3', '文件声明编码为 {encoding}，已转码后检查。', 'Declared encoding {encoding}; transcoded before checking.',
    '建议统一使用 UTF-8 编码。', 'Prefer UTF-8.'),
  R('HT-PRE-BOM', 'PRE', 'info', 'XML 1.0 §4.3.3', '文件以字节顺序标记（BOM）开头。', 'File starts with a byte-order mark.',
    '多数平台可接受 BOM；如对方系统报错，请去掉 BOM。', 'Most platforms accept a BOM; remove it if a peer rejects it.'),
  R('HT-PRE-MALFORMED', 'PRE', 'error', 'XML 1.0 §2.1', 'XML 格式不正确（第 {line} 行第 {column} 列）：{reason}', 'XML is not well-formed (line {line}, column {column}): {reason}',
    '在指出的位置修正标签闭合、转义字符或非法字符。', 'Fix tag nesting, escaping or illegal characters at the position given.'),
  R('HT-PRE-ENTITY', 'PRE', 'error', 'hutong security policy', '文件含 DOCTYPE 实体声明，出于安全原因拒绝解析（XXE/实体膨胀）。', 'File declares DOCTYPE entities; refused for safety (XXE / entity expansion).',
    '共享文档与消息不应包含 DOCTYPE 或实体声明。', 'Documents and messages must not carry a DOCTYPE or entity declarations.'),
  R('HT-PRE-TOO-DEEP', 'PRE', 'error', 'hutong limits', '元素嵌套深度超过上限 {limit}。', 'Element nesting deeper than {limit}.',
    '检查是否生成了异常嵌套的结构。', 'Look for runaway nesting in the generator.'),
  R('HT-PRE-NAMESPACE', 'PRE', 'error', `${CDA} §1.1; ${WST500} §4`, '根元素 {root} 的命名空间应为 urn:hl7-org:v3，实际为 {ns}。', 'Root element {root} must be in urn:hl7-org:v3, found {ns}.',
    '为根元素声明 xmlns="urn:hl7-org:v3"。', 'Declare xmlns="urn:hl7-org:v3" on the root element.'),
  R('HT-PRE-KIND-UNKNOWN', 'PRE', 'error', 'hutong', '无法识别文件类型（根元素 {root}）。', 'Unknown file kind (root element {root}).',
    '共享文档根元素应为 ClinicalDocument，交互消息根元素应为交互 ID（如 PRPA_IN201311UV02）。', 'Documents have root ClinicalDocument; messages have their interaction id as root.'),
  R('HT-PRE-FILENAME', 'PRE', 'warning', '测评文件命名约定（实践）', '文件名 {file} 与内容不符：{reason}', 'File name {file} does not match its content: {reason}',
    '按 EMR-SD-nn-…（文档）或 EMR-PL-nn-…-T01/F01（服务）命名，编号与内容一致。', 'Name files EMR-SD-nn-… (documents) or EMR-PL-nn-…-T01/F01 (services) consistent with content.'),
  R('HT-PRE-INTERNAL', 'PRE', 'error', 'hutong', '校验本文件时发生内部错误：{reason}', 'Internal error while validating this file: {reason}',
    '请将该文件与错误信息反馈给 hutong 维护者；其余文件的结果不受影响。', 'Report the file and message to the hutong maintainers; other files are unaffected.'),
  R('HT-PRE-SOAP', 'PRE', 'error', 'SOAP 1.1 / SOAP 1.2', '无法从 SOAP 信封中取出 V3 消息：{reason}', 'Could not take the V3 message out of the SOAP envelope: {reason}',
    '信封的 Body 中应以字符串或 CDATA 携带 V3 消息。', 'Carry the V3 message as a string or CDATA in the SOAP Body.'),

  // 2. XSD
  R('HT-XSD-INVALID', 'XSD', 'error', '{schema}', 'XML Schema 校验失败：{reason}', 'XML Schema validation failed: {reason}',
    '按 {schema} 修正该元素的结构、顺序或取值。', 'Fix structure, order or value against {schema}.'),
  R('HT-XSD-PLAIN-CDA', 'XSD', 'info', CDA, '不符合纯 HL7 CDA R2 模式（仅供参考，判定以 CDA-CN 为准）：{reason}', 'Not valid against plain HL7 CDA R2 (information only; CDA-CN decides): {reason}',
    '这是 WS/T 500 本地化扩展造成的正常差异时无需处理。', 'Nothing to do when caused by the WS/T 500 localisations.'),
  R('HT-XSD-UNAVAILABLE', 'XSD', 'error', 'hutong', 'XSD 校验层无法运行：{reason}', 'The XSD layer could not run: {reason}',
    '检查 --schemas 目录是否包含入口模式文件。', 'Check that the --schemas folder holds the entry schema.'),

  // 3. template rules
  R('HT-TPL-REALM', 'TPL', 'error', `${WST500} §5.1`, 'realmCode 应为 code="CN"。', 'realmCode must be code="CN".',
    '添加 <realmCode code="CN"/>。', 'Add <realmCode code="CN"/>.'),
  R('HT-TPL-TYPEID', 'TPL', 'error', `${WST500} §5.1`, 'typeId 应为 root="2.16.840.1.113883.1.3" extension="POCD_MT000040"。', 'typeId must be root 2.16.840.1.113883.1.3, extension POCD_MT000040.',
    '修正 typeId 的 root 与 extension。', 'Fix typeId root and extension.'),
  R('HT-TPL-TEMPLATEID', 'TPL', 'error', `${WST500} {clause}`, '文档模板标识应为 {expected}，实际为 {actual}。', 'Document templateId must be {expected}, found {actual}.',
    '按文档类型 {code} 使用模板标识 {expected}。', 'Use templateId {expected} for document type {code}.'),
  R('HT-TPL-DOCCODE', 'TPL', 'error', `${WST500} {clause}`, '文档类型代码应为 {expected}（codeSystem 2.16.156.10011.2.4），实际为 {actual}。', 'Document code must be {expected} (codeSystem 2.16.156.10011.2.4), found {actual}.',
    '修正 ClinicalDocument/code 的 code 与 codeSystem。', 'Fix ClinicalDocument/code code and codeSystem.'),
  R('HT-TPL-DOCTYPE-UNKNOWN', 'TPL', 'error', WST500, '不是 WS/T 500 或 WS/T 483 共享文档：{reason}', 'Not a WS/T 500 or WS/T 483 shared document: {reason}',
    '使用 2.16.156.10011.2.1.1.x 模板标识和 C00nn 文档类型代码。', 'Use a 2.16.156.10011.2.1.1.x templateId and a C00nn document code.'),
  R('HT-TPL-TITLE', 'TPL', 'warning', `${WST500} {clause}`, '文档标题应为“{expected}”，实际为“{actual}”。', 'Title should be "{expected}", found "{actual}".',
    '使用标准规定的文档标题。', 'Use the title the standard gives.'),
  R('HT-TPL-DOCID', 'TPL', 'error', `${WST500} §5.1`, '文档流水号 id 的 root 应为 2.16.156.10011.1.1 且 extension 非空。', 'Document id must have root 2.16.156.10011.1.1 and an extension.',
    '为 ClinicalDocument/id 给出文档流水号。', 'Give ClinicalDocument/id a serial number.'),
  R('HT-TPL-HEADER-MISSING', 'TPL', 'error', `${WST500} {clause}`, '缺少必需的文档头部分 {part}。', 'Required header part {part} is missing.',
    '按模板补充 {part}。', 'Add {part} as the template requires.'),
  R('HT-TPL-SECTION-MISSING', 'TPL', 'error', `${WST500} {clause}`, '缺少必需章节 {title}（LOINC {code}）。', 'Required section {title} (LOINC {code}) is missing.',
    '在 structuredBody 中补充该章节。', 'Add the section to structuredBody.'),
  R('HT-TPL-SECTION-CARD', 'TPL', 'error', `${WST500} {clause}`, '章节 {title}（LOINC {code}）出现 {count} 次，允许 {cardinality}。', 'Section {title} (LOINC {code}) occurs {count} times; allowed {cardinality}.',
    '合并或删除重复的章节。', 'Merge or remove duplicate sections.'),
  R('HT-TPL-ENTRY-MISSING', 'TPL', 'error', `${WST500} {clause}`, '缺少必填数据元 {name}（{de}）。', 'Required data element {name} ({de}) is missing.',
    '在 {where} 按模板填写 {name}。', 'Fill in {name} at {where} as the template says.'),
  R('HT-TPL-ENTRY-CARD', 'TPL', 'error', `${WST500} {clause}`, '数据元 {name}（{de}）出现 {count} 次，允许 {cardinality}。', 'Data element {name} ({de}) occurs {count} times; allowed {cardinality}.',
    '删除重复的条目。', 'Remove the duplicate entries.'),
  R('HT-TPL-EMPTY-VALUE', 'TPL', 'error', `${WST500} {clause}`, '数据元 {name}（{de}）没有值。', 'Data element {name} ({de}) has no value.',
    '填写取值或使用 nullFlavor 说明原因。', 'Give a value or a nullFlavor.'),
  R('HT-TPL-DATATYPE', 'TPL', 'error', `${WST500} {clause}; HL7 V3 数据类型`, '数据元 {name}（{de}）应为 {expected} 类型，实际为 {actual}。', 'Data element {name} ({de}) must be of type {expected}, found {actual}.',
    '修正 value 的 xsi:type 与取值形式。', 'Fix the xsi:type and form of the value.'),
  R('HT-TPL-FORMAT', 'TPL', 'error', `${WS363} 表示格式`, '数据元 {name}（{de}）取值“{value}”不符合表示格式 {format}：{reason}', 'Data element {name} ({de}) value "{value}" does not match format {format}: {reason}',
    '按表示格式 {format} 修正取值。', 'Fix the value to match {format}.'),
  R('HT-TPL-DATE', 'TPL', 'error', `${WS363} 表示格式 D8/DT15`, '数据元 {name}（{de}）的日期时间“{value}”不是真实日期：{reason}', 'Data element {name} ({de}) date "{value}" is not a real date: {reason}',
    '使用真实存在的日期时间（YYYYMMDD[hhmmss]）。', 'Use a real date/time (YYYYMMDD[hhmmss]).'),
  R('HT-TPL-ID-ROOT', 'TPL', 'error', `${WST500} 附录 OID`, '{what} 的标识 root 应为 {expected}，实际为 {actual}。', '{what} id root must be {expected}, found {actual}.',
    '使用标准分配的 OID。', 'Use the OID the standard assigns.'),
  R('HT-TPL-PQ-UNIT', 'TPL', 'warning', `${WST500} {clause}`, '数据元 {name}（{de}）单位应为 {expected}，实际为 {actual}。', 'Data element {name} ({de}) unit should be {expected}, found {actual}.',
    '使用模板规定的计量单位。', 'Use the unit the template gives.'),
  R('HT-TPL-UNAVAILABLE', 'TPL', 'error', 'hutong', '模板规则层无法运行：{reason}', 'The template-rules layer could not run: {reason}',
    '检查目录数据（shared-docs/、datasets/）是否完整。', 'Check that the catalogue (shared-docs/, datasets/) is complete.'),

  // 4. terminology
  R('HT-TERM-CODE-UNKNOWN', 'TERM', 'error', `${WS364} {valueSet}`, '{name} 的代码 {code} 不在值域 {valueSetName}（{valueSet}）中。', '{name} code {code} is not in value set {valueSetName} ({valueSet}).',
    '从值域 {valueSet} 中选择代码。', 'Choose a code from {valueSet}.'),
  R('HT-TERM-SYSTEM', 'TERM', 'error', `${WS364}`, '{name} 的 codeSystem 应为 {expected}，实际为 {actual}。', '{name} codeSystem must be {expected}, found {actual}.',
    '使用数据元规定的值域 OID 作为 codeSystem。', 'Use the value-set OID as codeSystem.'),
  R('HT-TERM-DISPLAY', 'TERM', 'warning', `${WS364} {valueSet}`, '{name} 代码 {code} 的显示名应为“{expected}”，实际为“{actual}”。', '{name} code {code} displayName should be "{expected}", found "{actual}".',
    '使用值域中该代码的名称作为 displayName。', 'Use the value set\'s display name.'),
  R('HT-TERM-SYSTEM-UNKNOWN', 'TERM', 'info', WS364, '代码系统 {codeSystem} 不在本工具的值域目录中，未校验代码 {code}。', 'Code system {codeSystem} is not in the catalogue; code {code} not checked.',
    '如为本地代码系统，请在计划中登记。', 'Register local code systems in the plan.'),
  R('HT-TERM-DE-UNKNOWN', 'TERM', 'warning', WS363, '数据元标识 {de} 不在 WS 363 数据元目录中。', 'Data element id {de} is not in the WS 363 dictionary.',
    '核对数据元标识符。', 'Check the data element id.'),
  R('HT-TERM-UNAVAILABLE', 'TERM', 'error', 'hutong', '术语校验层无法运行：{reason}', 'The terminology layer could not run: {reason}',
    '检查值域目录 datasets/ws364.json 是否完整。', 'Check that datasets/ws364.json is complete.'),

  // 5. message rules
  R('HT-MSG-ROOT', 'MSG', 'error', `${WST846} {clause}`, '消息根元素 {actual} 与服务 {service} 的交互 {expected} 不符。', 'Message root {actual} does not match interaction {expected} of {service}.',
    '使用服务规定的消息。', 'Send the message the service defines.'),
  R('HT-MSG-INTERACTION', 'MSG', 'error', `${WST846} {clause}`, 'interactionId 应为 root="2.16.156.10011.2.5.1.2" extension="{expected}"，实际为 {actual}。', 'interactionId must be root 2.16.156.10011.2.5.1.2 extension {expected}, found {actual}.',
    '修正 interactionId。', 'Fix interactionId.'),
  R('HT-MSG-ID', 'MSG', 'error', `${WST846} 消息结构`, '消息 id 缺失或 root 不是 2.16.156.10011.2.5.1.1。', 'Message id missing or root is not 2.16.156.10011.2.5.1.1.',
    '每条消息给出唯一的 id。', 'Give every message a unique id.'),
  R('HT-MSG-CREATIONTIME', 'MSG', 'error', `${WST846} 消息结构`, 'creationTime“{value}”不是有效时间。', 'creationTime "{value}" is not a valid time.',
    '使用 YYYYMMDDhhmmss。', 'Use YYYYMMDDhhmmss.'),
  R('HT-MSG-DEVICE', 'MSG', 'warning', `${WST846} 消息结构`, '{who} 设备标识缺失或 root 不是 2.16.156.10011.2.5.1.3。', '{who} device id missing or root is not 2.16.156.10011.2.5.1.3.',
    '填写 sender/receiver 的 device/id。', 'Fill sender/receiver device/id.'),
  R('HT-MSG-ACK-TYPE', 'MSG', 'error', `${WST846} 应答消息`, '应答类型为 {actual}，期望 {expected}。{detail}', 'Acknowledgement type {actual}, expected {expected}. {detail}',
    '平台应对合规请求回复 AA，对错误请求回复 AE 并说明原因。', 'Answer valid requests with AA, invalid ones with AE and a reason.'),
  R('HT-MSG-ACK-TARGET', 'MSG', 'error', `${WST846} 应答消息`, '应答的 targetMessage/id（{actual}）未回显请求消息 id（{expected}）。', 'Acknowledgement targetMessage/id ({actual}) does not echo the request id ({expected}).',
    '在 acknowledgement/targetMessage/id 中回显请求的消息 id。', 'Echo the request id in acknowledgement/targetMessage/id.'),
  R('HT-MSG-ACK-DETAIL', 'MSG', 'warning', `${WST846} 应答消息`, 'AE 应答缺少 acknowledgementDetail 说明。', 'AE acknowledgement lacks an acknowledgementDetail.',
    '为错误应答给出可读的原因。', 'Explain errors in acknowledgementDetail/text.'),
  R('HT-MSG-RESPONSE-TYPE', 'MSG', 'error', `${WST846} {clause}`, '响应消息应为 {expected}，实际为 {actual}。', 'Response must be {expected}, found {actual}.',
    '按服务定义返回响应消息。', 'Return the response the service defines.'),
  R('HT-MSG-FIELD-MISSING', 'MSG', 'error', `${WST846} {clause}`, '消息缺少必填项 {label}（{path}）。', 'Message lacks required field {label} ({path}).',
    '补充该字段。', 'Add the field.'),
  R('HT-MSG-QUERY-EMPTY', 'MSG', 'error', `${WST846} {clause}`, '查询已存在的主键 {key}，平台未返回记录。', 'Query for existing key {key} returned no record.',
    '确认平台能按该主键查到已注册的数据。', 'Make the platform find registered data by that key.'),
  R('HT-MSG-QUERY-UNEXPECTED', 'MSG', 'error', `${WST846} {clause}`, '查询不存在的主键 {key}，平台却返回了 {count} 条记录。', 'Query for absent key {key} returned {count} records.',
    '对不存在的主键应返回“无结果”。', 'Answer absent keys with no result.'),
  R('HT-MSG-INTERACTION-UNKNOWN', 'MSG', 'error', WST846, '消息根元素 {root} 不是目录中任何服务的请求或响应交互。', 'Root element {root} is not the request or response interaction of any catalogued service.',
    '核对交互 ID（如 PRPA_IN201311UV02）。', 'Check the interaction id (e.g. PRPA_IN201311UV02).'),
  R('HT-MSG-SERVICE-AMBIGUOUS', 'MSG', 'info', WST846, '交互 {root} 用于多个服务（{candidates}）；消息内容与其中 {compatible} 均相符，无法判断是哪一个，服务相关的字段检查未做。', 'Interaction {root} serves several services ({candidates}); the content fits each of {compatible}, so it does not tell which and service-specific field checks were not run.',
    '按 EMR-PL-nn-服务名-T01.xml 命名文件，或在运行计划中指定服务。', 'Name the file EMR-PL-nn-<service>-T01.xml, or give the service explicitly.'),
  R('HT-MSG-SERVICE-INFERRED', 'MSG', 'info', WST846, '交互 {root} 用于多个服务（{candidates}）；按消息内容推断为 {service}。', 'Interaction {root} serves several services ({candidates}); taken as {service} from the content.',
    '如推断有误，请按 EMR-PL-nn-服务名-T01.xml 命名文件，或在运行计划中指定服务。', 'If that is wrong, name the file EMR-PL-nn-<service>-T01.xml or give the service explicitly.'),
  R('HT-MSG-UNAVAILABLE', 'MSG', 'error', 'hutong', '消息规则层无法运行：{reason}', 'The message-rules layer could not run: {reason}',
    '检查服务目录 scenarios/ 是否完整。', 'Check that the catalogue under scenarios/ is complete.'),

  // 6. package / cross-file
  R('HT-PKG-PATIENT-MISMATCH', 'PKG', 'error', `${WST500}; 数据质量 整合性`, '同一就诊的文档患者信息不一致：{what}（{a} ≠ {b}）。', 'Documents of one visit disagree on the patient: {what} ({a} ≠ {b}).',
    '确保同一就诊的所有文档引用同一患者标识与姓名。', 'Make all documents of a visit carry the same patient ids and name.'),
  R('HT-PKG-DOCID-DUP', 'PKG', 'error', `${WST500} §5.1`, '文档流水号 {id} 在 {count} 个文件中重复。', 'Document id {id} repeats in {count} files.',
    '每份文档使用唯一的流水号。', 'Give each document a unique id.'),
  R('HT-PKG-UNREADABLE', 'PKG', 'error', 'hutong', '测试包无法读取：{reason}', 'Package cannot be read: {reason}',
    '检查压缩包是否完整。', 'Check that the archive is complete.'),
  R('HT-PKG-PLAN-MISSING', 'PKG', 'warning', '{plan}', '计划 {plan} 要求的{what} {items} 在测试包中没有对应文件。', 'Plan {plan} requires {what} {items}, but the package has no file for them.',
    '按 EMR-SD-nn / EMR-PL-nn 命名规则补充这些文件。', 'Add files for them, named EMR-SD-nn / EMR-PL-nn.'),
  R('HT-PKG-LIMIT', 'PKG', 'error', 'hutong limits', '测试包超出安全上限：{reason}', 'The package exceeds a safety limit: {reason}',
    '拆分测试包，或检查压缩包是否为异常构造（压缩炸弹、路径穿越）。', 'Split the package, or check for a crafted archive (zip bomb, path traversal).'),

  // transport / service / document exchange / dataset / performance (live runner)
  R('HT-TX-ERROR', 'TX', 'error', `${WST846} 传输`, '传输失败（{kind}）：{reason}', 'Transport failed ({kind}): {reason}',
    '检查平台地址、绑定方式与网络。', 'Check the target URL, binding and network.'),
  R('HT-TX-STATUS', 'TX', 'error', 'SOAP 1.1 §6.2 / SOAP 1.2 Part 2 §7.5', 'HTTP 状态码 {status}：{reason}', 'HTTP status {status}: {reason}',
    '合规请求应返回 200。', 'Valid requests should get 200.'),
  R('HT-TX-FAULT', 'TX', 'error', 'SOAP 1.1 §4.4 / SOAP 1.2 Part 1 §5.4', '平台返回 SOAP Fault：{reason}', 'The platform returned a SOAP fault: {reason}',
    '查看平台日志中的异常。', 'Look up the exception in the platform log.'),
  R('HT-TX-BODY', 'TX', 'error', 'SOAP 1.1 / SOAP 1.2', '无法从响应中取出 V3 消息：{reason}', 'Could not extract the V3 message from the response: {reason}',
    '响应应在 SOAP Body 中以字符串或 CDATA 返回 V3 消息。', 'Return the V3 message as a string or CDATA in the SOAP body.'),
  R('HT-SVC-CONSISTENCY', 'SVC', 'error', `${WST846} {clause}`, '{step}后查询结果与提交内容不一致：{label} 期望“{expected}”，实际“{actual}”。', 'After {step} the query disagrees: {label} expected "{expected}", got "{actual}".',
    '确认平台保存并返回所提交的内容。', 'Make the platform store and return what was sent.'),
  R('HT-DOC-NOT-LISTED', 'DOC', 'error', `${WST846} 文档检索服务`, '注册的文档 {id} 未出现在检索结果中。', 'Registered document {id} is missing from DocumentAccess results.',
    '文档注册后应可检索。', 'Registered documents must be listed.'),
  R('HT-DOC-RETRIEVE', 'DOC', 'error', `${WST846} 文档调阅服务`, '调阅文档 {id} 失败：{reason}', 'Retrieving document {id} failed: {reason}',
    '文档调阅应返回 base64 编码的 CDA 文档。', 'DocumentRetrieve must return the base64 CDA document.'),
  R('HT-DOC-ALTERED', 'DOC', 'error', `${WST500}; ${WST846}`, '调阅到的文档 {id} 与注册时不同：{reason}', 'Retrieved document {id} differs from the one registered: {reason}',
    '平台不应改变注册文档的内容。', 'The platform must not alter registered documents.'),
  R('HT-DS-ELEMENT', 'DS', 'error', `${WS363}; WS 445-2014`, '数据集 {dataset} 的数据元 {name}（{de}）不符合定义：{reason}', 'Dataset {dataset} element {name} ({de}) does not conform: {reason}',
    '按 WS 363 数据元定义修正取值。', 'Fix the value per the WS 363 definition.'),
  R('HT-DS-NOT-SEEN', 'DS', 'warning', 'WS 445-2014', '数据集 {dataset} 有 {count} 个数据元未在交换数据中出现。', 'Dataset {dataset}: {count} elements never seen in exchanged data.',
    '确认这些数据元已在文档或消息中传输。', 'Check that these elements are exchanged.'),
  R('HT-DS-INTEGRATION', 'DS', 'error', 'WS 445-2014; 数据质量 整合性', '数据集 {dataset}：{source} 的患者标识与本次测试登记的患者不一致：{reason}', 'Dataset {dataset}: the patient identity in {source} differs from the patient registered by the run: {reason}',
    '同一患者的文档与消息应使用相同的患者标识、姓名与身份证号。', 'Documents and messages about one patient must carry the same ids and name.'),
  R('HT-DS-TIMELINESS', 'DS', 'error', 'WS 363-2011 表示格式 D8/DT15; 数据质量 及时性', '数据集 {dataset} 的数据元 {name}（{de}）时间“{value}”不合逻辑：{reason}', 'Dataset {dataset} element {name} ({de}) time "{value}" is not logical: {reason}',
    '时间应为真实日期，不晚于读取时间、不早于患者出生。', 'Times must be real, not in the future and not before the patient\'s birth.'),
  R('HT-DS-SOURCES', 'DS', 'info', 'WS 445-2014', '数据集 {dataset}：用例 {cases} 未通过，其交换的数据已在该用例中判定，不计入本数据集。', 'Dataset {dataset}: cases {cases} failed; what they exchanged is judged there and left out here.',
    '先解决这些用例的问题。', 'Fix those cases first.'),
  R('HT-DS-QUALITY', 'DS', 'info', 'WS 445-2014; 数据质量四维度', '数据集 {dataset}：见到 {seen}/{placed} 个可交换数据元（共 {elements} 个）；一致性 {consistency}，完整性 {completeness}，整合性 {integration}，及时性 {timeliness}。', 'Dataset {dataset}: {seen}/{placed} exchangeable elements seen ({elements} in all); consistency {consistency}, completeness {completeness}, integration {integration}, timeliness {timeliness}.',
    '定义见 docs/run.md。', 'Definitions in docs/run.md.'),
  R('HT-PERF-THRESHOLD', 'PERF', 'error', 'WS/T 447-2014 性能要求（阈值为假设值）', '性能阶段 {stage} 未达到阈值 {threshold}：实际 {actual}。', 'Stage {stage} misses threshold {threshold}: actual {actual}.',
    '优化平台性能，或核对计划中的阈值。', 'Improve the platform or check the plan thresholds.'),
  R('HT-PERF-INVALID', 'PERF', 'error', 'hutong 负载生成自检', '性能阶段 {stage} 结果无效：{reason}', 'Stage {stage} is invalid: {reason}',
    '负载生成端成为瓶颈时结果不可信；请在更强的机器上或降低负载后重测。', 'The generator was the bottleneck; rerun on a stronger machine or at lower load.'),
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): RuleDef {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`unknown rule id ${id}`);
  return rule;
}

export type FindingParams = Record<string, string | number | undefined>;

// A platform's value quoted in a message is clipped: a 10 MB attribute must not become a 10 MB
// finding (copied into record.json, the journal and every report).
const MAX_PARAM_CHARS = 200;

function clip(v: string): string {
  return v.length <= MAX_PARAM_CHARS ? v : `${v.slice(0, MAX_PARAM_CHARS)}…(${v.length})`;
}

function fill(template: string, params: FindingParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = params[key];
    return v === undefined ? whole : clip(String(v));
  });
}

/** Build a finding for a registered rule; location fields are merged in by the caller. */
export function finding(
  id: string,
  params: FindingParams = {},
  where: Pick<Finding, 'file' | 'line' | 'column' | 'xpath'> & { severity?: Severity } = {},
): Finding {
  const rule = ruleById(id);
  const clause = fill(rule.clause, { clause: '', ...params }).replace(/\s+$/, '');
  const f: Finding = {
    rule: rule.id,
    severity: where.severity ?? rule.severity,
    message: fill(rule.zh, params),
    messageEn: fill(rule.en, params),
    hint: fill(rule.hintZh, params),
    hintEn: fill(rule.hintEn, params),
    clause,
  };
  if (where.file !== undefined) f.file = where.file;
  if (where.line !== undefined) f.line = where.line;
  if (where.column !== undefined) f.column = where.column;
  if (where.xpath !== undefined) f.xpath = where.xpath;
  return f;
}
