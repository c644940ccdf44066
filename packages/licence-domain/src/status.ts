/**
 * Licence status codes (as used by the national cross-province interfaces) and the closed
 * transition table that the chaincode enforces.
 */
import { fail } from './errors';

/** Status codes: 01 有效 … 99 其他. */
export const STATUS = {
  VALID: '01',
  SUSPENDED: '02',
  ANNULLED: '03',
  CANCELLED: '04',
  EXPIRED: '05',
  TRANSFERRED_OUT: '06',
  REVOKED: '07',
  OTHER: '99',
} as const;

/** A licence status code. */
export type StatusCode = (typeof STATUS)[keyof typeof STATUS];

/** Every status code. */
export const STATUS_CODES: readonly StatusCode[] = Object.values(STATUS);

/** Display names of the status codes (Chinese, English). */
export const STATUS_LABELS: Readonly<Record<StatusCode, { readonly zh: string; readonly en: string }>> = {
  '01': { zh: '有效', en: 'valid' },
  '02': { zh: '暂扣', en: 'suspended' },
  '03': { zh: '撤销', en: 'annulled' },
  '04': { zh: '注销', en: 'cancelled' },
  '05': { zh: '失效', en: 'expired' },
  '06': { zh: '转出', en: 'transferred out' },
  '07': { zh: '吊销', en: 'revoked' },
  '99': { zh: '其他', en: 'other' },
};

/** Actions that change a licence's status. */
export const STATUS_ACTIONS = [
  'suspend',
  'reinstate',
  'annul',
  'cancel',
  'revoke',
  'expire',
  'transferOut',
  'cancelTransfer',
  'supersede',
  'other',
] as const;

/** An action that changes a licence's status. */
export type StatusAction = (typeof STATUS_ACTIONS)[number];

/** True when `value` names a status action. */
export function isStatusAction(value: unknown): value is StatusAction {
  return typeof value === 'string' && (STATUS_ACTIONS as readonly string[]).includes(value);
}

/**
 * The closed transition table: for each action, the statuses it may start from and where it goes.
 * 'supersede' (renewal or amendment replaced the licence) ends in 04 注销 with a successor link.
 * 'cancelTransfer' is refused by the chaincode once the receiving province has accepted.
 */
export const TRANSITIONS: Readonly<
  Record<StatusAction, { readonly from: readonly StatusCode[]; readonly to: StatusCode }>
> = {
  suspend: { from: ['01'], to: '02' },
  reinstate: { from: ['02'], to: '01' },
  annul: { from: ['01', '02', '99'], to: '03' },
  cancel: { from: ['01', '02', '99'], to: '04' },
  revoke: { from: ['01', '02', '99'], to: '07' },
  expire: { from: ['01', '02'], to: '05' },
  transferOut: { from: ['01'], to: '06' },
  cancelTransfer: { from: ['06'], to: '01' },
  supersede: { from: ['01', '02'], to: '04' },
  other: { from: ['01', '02'], to: '99' },
};

/** Statuses no action leaves (06 becomes final once the transfer is accepted; see the chaincode). */
export const TERMINAL_STATUSES: readonly StatusCode[] = ['03', '04', '05', '07'];

/** True when no action can leave `status`. */
export function isTerminal(status: StatusCode): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** The status `action` leads to from `from`, or throws TERMINAL_STATE / ILLEGAL_TRANSITION. */
export function nextStatus(from: StatusCode, action: StatusAction): StatusCode {
  if (isTerminal(from)) {
    fail('TERMINAL_STATE', `a licence in status ${from} (${STATUS_LABELS[from].en}) cannot change any more`, {
      from,
      action,
    });
  }
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) {
    fail('ILLEGAL_TRANSITION', `'${action}' is not allowed from status ${from} (${STATUS_LABELS[from].en})`, {
      from,
      action,
    });
  }
  return rule.to;
}

/** True when `action` is allowed from `from`. */
export function canTransition(from: StatusCode, action: StatusAction): boolean {
  return !isTerminal(from) && TRANSITIONS[action].from.includes(from);
}

/**
 * The status a relying party should act on at `at`: a valid or suspended licence whose validity
 * period has ended is expired, whether or not anybody has recorded that on the ledger yet.
 */
export function effectiveStatus(
  record: { readonly status: StatusCode; readonly validFrom: string; readonly validUntil: string | null },
  at: Date,
): StatusCode {
  if ((record.status === '01' || record.status === '02') && record.validUntil !== null) {
    // validUntil is a calendar date: the licence is valid through the end of that day (China Standard Time).
    const end = Date.parse(`${record.validUntil}T23:59:59.999+08:00`);
    // An unreadable end date fails closed: nobody can rely on a licence whose validity cannot be read.
    if (!Number.isFinite(end) || at.getTime() > end) return STATUS.EXPIRED;
  }
  return record.status;
}
