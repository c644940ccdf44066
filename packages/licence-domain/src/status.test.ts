import fc from 'fast-check';
import { LicenceError } from './errors';
import {
  STATUS,
  STATUS_ACTIONS,
  STATUS_CODES,
  STATUS_LABELS,
  TERMINAL_STATUSES,
  canTransition,
  effectiveStatus,
  isStatusAction,
  isTerminal,
  nextStatus,
  type StatusAction,
  type StatusCode,
} from './status';

/**
 * The expected outcome of every (status, action) pair, written out by hand from the design brief:
 * a status code, 'T' (TERMINAL_STATE) or '-' (ILLEGAL_TRANSITION).
 * Columns: suspend reinstate annul cancel revoke expire transferOut cancelTransfer supersede other
 */
const EXPECTED: Record<StatusCode, string> = {
  '01': '02 -  03 04 07 05 06 -  04 99',
  '02': '-  01 03 04 07 05 -  -  04 99',
  '03': 'T  T  T  T  T  T  T  T  T  T',
  '04': 'T  T  T  T  T  T  T  T  T  T',
  '05': 'T  T  T  T  T  T  T  T  T  T',
  '06': '-  -  -  -  -  -  -  01 -  -',
  '07': 'T  T  T  T  T  T  T  T  T  T',
  '99': '-  -  03 04 07 -  -  -  -  -',
};
const COLUMNS: StatusAction[] = [
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
];

function outcome(from: StatusCode, action: StatusAction): string {
  try {
    return nextStatus(from, action);
  } catch (err) {
    if (!(err instanceof LicenceError)) throw err;
    if (err.code === 'TERMINAL_STATE') return 'T';
    if (err.code === 'ILLEGAL_TRANSITION') return '-';
    return err.code;
  }
}

const pairs = (Object.keys(EXPECTED) as StatusCode[]).flatMap((from) =>
  EXPECTED[from]
    .trim()
    .split(/\s+/)
    .map((expected, i) => [from, COLUMNS[i]!, expected] as const),
);

describe('status transition table', () => {
  it('covers every status and every action', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...STATUS_CODES].sort());
    expect([...COLUMNS].sort()).toEqual([...STATUS_ACTIONS].sort());
    expect(pairs).toHaveLength(STATUS_CODES.length * STATUS_ACTIONS.length);
  });

  it.each(pairs)('%s --%s--> %s', (from, action, expected) => {
    expect(outcome(from, action)).toBe(expected);
    expect(canTransition(from, action)).toBe(expected !== 'T' && expected !== '-');
  });

  it('reports from and action in the error details', () => {
    try {
      nextStatus('06', 'suspend');
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as LicenceError).details).toEqual({ from: '06', action: 'suspend' });
    }
  });

  it('treats exactly 03, 04, 05 and 07 as terminal', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(['03', '04', '05', '07']);
    for (const s of STATUS_CODES) expect(isTerminal(s)).toBe(['03', '04', '05', '07'].includes(s));
  });

  it('never leaves a terminal status along any sequence of actions', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATUS_ACTIONS), { maxLength: 12 }), (actions) => {
        let status: StatusCode = STATUS.VALID;
        let terminal = false;
        for (const action of actions) {
          if (!canTransition(status, action)) continue;
          expect(terminal).toBe(false);
          status = nextStatus(status, action);
          terminal = isTerminal(status);
        }
      }),
    );
  });
});

describe('status names', () => {
  it('labels every status in Chinese and English', () => {
    expect(STATUS_LABELS['01']).toEqual({ zh: '有效', en: 'valid' });
    expect(STATUS_LABELS['07']).toEqual({ zh: '吊销', en: 'revoked' });
    for (const s of STATUS_CODES) expect(STATUS_LABELS[s].zh.length).toBeGreaterThan(0);
  });

  it('recognises action names only', () => {
    for (const a of STATUS_ACTIONS) expect(isStatusAction(a)).toBe(true);
    for (const v of ['Suspend', 'delete', '', 1, null, undefined, 'toString'])
      expect(isStatusAction(v)).toBe(false);
  });
});

describe('effectiveStatus', () => {
  const record = (status: StatusCode, validUntil: string | null) => ({
    status,
    validFrom: '2020-01-01',
    validUntil,
  });
  // 2026-12-31 ends at 24:00 China Standard Time, i.e. 2026-12-31T16:00:00Z.
  const lastMoment = new Date('2026-12-31T15:59:59.999Z');
  const firstMomentAfter = new Date('2026-12-31T16:00:00.000Z');

  it.each(['01', '02'] as const)(
    'keeps %s through the last millisecond of validUntil in +08:00',
    (status) => {
      expect(effectiveStatus(record(status, '2026-12-31'), lastMoment)).toBe(status);
      expect(effectiveStatus(record(status, '2026-12-31'), new Date('2026-12-31T23:59:59+08:00'))).toBe(
        status,
      );
    },
  );

  it.each(['01', '02'] as const)('turns %s into 05 from midnight +08:00 after validUntil', (status) => {
    expect(effectiveStatus(record(status, '2026-12-31'), firstMomentAfter)).toBe('05');
    expect(effectiveStatus(record(status, '2026-12-31'), new Date('2027-01-01T00:00:00+08:00'))).toBe('05');
  });

  it('is not fooled by a UTC date that is still the last day', () => {
    // 2026-12-31T20:00Z is 1 January 2027, 04:00 in Beijing: expired there.
    expect(effectiveStatus(record('01', '2026-12-31'), new Date('2026-12-31T20:00:00Z'))).toBe('05');
  });

  it.each(['03', '04', '05', '06', '07', '99'] as const)(
    'leaves %s unchanged after the validity end',
    (status) => {
      expect(effectiveStatus(record(status, '2026-12-31'), firstMomentAfter)).toBe(status);
    },
  );

  it('never expires a licence without an end date', () => {
    expect(effectiveStatus(record('01', null), new Date('2999-01-01T00:00:00Z'))).toBe('01');
  });

  it('fails closed on an unreadable end date (regression: it used to count as never expiring)', () => {
    expect(effectiveStatus(record('01', 'not a date'), firstMomentAfter)).toBe('05');
    expect(effectiveStatus(record('02', 'not a date'), new Date('2000-01-01T00:00:00Z'))).toBe('05');
  });
});
