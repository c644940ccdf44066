import fc from 'fast-check';
import { thrownCode } from '@licence-ledger/domain';
import { DEFAULT_LIMIT, decodeCursor, encodeCursor, parsePageQuery, toPage } from './pagination';

describe('pagination', () => {
  it('defaults and bounds the limit', () => {
    expect(parsePageQuery({})).toEqual({ limit: DEFAULT_LIMIT, after: undefined });
    expect(parsePageQuery({ limit: '100' }).limit).toBe(100);
    for (const limit of ['0', '101', '-1', '1.5', 'ten', '', ['1', '2']]) {
      expect(thrownCode(() => parsePageQuery({ limit }))).toBe('INVALID_ARGUMENT');
    }
  });

  it('round-trips cursors', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 50 }), fc.integer()), { minLength: 1, maxLength: 8 }),
        (position) => {
          expect(decodeCursor(encodeCursor(position))).toEqual(position);
        },
      ),
    );
  });

  it('rejects any cursor it did not make with INVALID_ARGUMENT (never another error)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (s) => {
        const outcome = thrownCode(() => decodeCursor(s));
        expect(['ok', 'INVALID_ARGUMENT']).toContain(outcome);
      }),
      { numRuns: 500 },
    );
    for (const bad of [
      '',
      '!!',
      encodeCursor([]),
      Buffer.from('{"a":1}').toString('base64url'),
      'x'.repeat(513),
    ]) {
      expect(thrownCode(() => decodeCursor(bad))).toBe('INVALID_ARGUMENT');
    }
  });

  it('builds a page with a cursor only when another row exists', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = toPage(
      rows,
      2,
      (r) => [r.id],
      (r) => r.id,
    );
    expect(page.items).toEqual(['a', 'b']);
    expect(decodeCursor(page.nextCursor!)).toEqual(['b']);
    expect(
      toPage(
        rows,
        3,
        (r) => [r.id],
        (r) => r.id,
      ).nextCursor,
    ).toBeUndefined();
  });
});
