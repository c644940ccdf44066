/**
 * The Chinese title of every error code, carried in problem+json bodies as `titleZh` next to the
 * English `title`, so the web pages (and any other client) show an error in Chinese without a table
 * of their own. The mapped type makes a code without a title a compile error.
 */
import type { ErrorCode } from '@licence-ledger/domain';

/** Each ErrorCode's Chinese title: what went wrong, in a few words (the English `detail` says more). */
export const TITLES_ZH: { readonly [C in ErrorCode]: string } = {
  INVALID_ARGUMENT: '请求参数无效',
  MALFORMED_JSON: '请求内容不是有效的 JSON',
  PAYLOAD_TOO_LARGE: '请求内容过大',
  UNSUPPORTED_MEDIA_TYPE: '不支持的请求格式',
  SCHEMA_VIOLATION: '请求内容不符合格式要求',
  INVALID_IDENTIFIER: '证照编号无效',
  INVALID_USCC: '统一社会信用代码无效',
  INVALID_CITIZEN_ID: '公民身份号码无效',
  INVALID_PROVINCE_CODE: '行政区划代码无效',
  UNAUTHENTICATED: '身份认证失败：令牌缺失、无效或已过期',
  ACCESS_DENIED: '无权执行此操作',
  NOT_FOUND: '未找到',
  ALREADY_EXISTS: '已存在',
  ILLEGAL_TRANSITION: '证照当前状态不允许此操作',
  TERMINAL_STATE: '证照已处于终局状态，不可再变更',
  PROVINCE_NOT_ACTIVE: '该省份未启用',
  AGENCY_NOT_ACTIVE: '颁证单位已停用',
  AGENCY_NOT_AUTHORISED: '颁证单位无权签发此类证照',
  LICENCE_TYPE_UNKNOWN: '证照类型不在目录中',
  KEY_UNKNOWN: '签名密钥未登记',
  KEY_NOT_ACTIVE: '签名密钥未启用',
  CERTIFICATE_INVALID: '证书无效',
  INVALID_SIGNATURE: '签名无效',
  NOTICE_PERIOD: '互认规则的变更须待公示期满',
  PROPOSAL_CLOSED: '提案已结束',
  CONFLICT: '请求与当前状态冲突',
  MVCC_READ_CONFLICT: '账本写入冲突，请重试',
  ENDORSEMENT_POLICY_FAILURE: '背书策略未满足：涉及其他省份的数据',
  RATE_LIMITED: '请求过于频繁，请稍后再试',
  LEDGER_UNAVAILABLE: '账本暂时无法访问，请稍后再试',
  STORAGE_UNAVAILABLE: '本省数据库暂时无法访问，请稍后再试',
  INTERNAL: '网关内部错误，已记录',
};
