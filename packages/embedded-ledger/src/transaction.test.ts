import fc from 'fast-check';
import { LicenceError } from '@licence-ledger/domain';
import { compareKeys, newTransaction, transactionFromBytes, type TransactionData } from './transaction';

const bytes = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));
const version = fc.option(fc.record({ blockNum: fc.nat(), txNum: fc.nat() }), { nil: null });
const read = fc.record({ key: fc.string(), version });
const data: fc.Arbitrary<TransactionData> = fc
  .record({
    txId: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
    timestamp: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    txName: fc.string(),
    args: fc.array(fc.string()),
    mspId: fc.string(),
    pem: fc.string(),
    nonce: bytes.map((b) => b.toString('base64')),
    endorsers: fc.array(fc.string()),
    result: bytes,
    readSet: fc.uniqueArray(read, { selector: (r) => r.key }),
    rangeQueries: fc.array(
      fc.record({
        startKey: fc.string(),
        endKey: fc.string(),
        itrExhausted: fc.boolean(),
        reads: fc.array(read),
      }),
    ),
    writeSet: fc.uniqueArray(fc.record({ key: fc.string(), isDelete: fc.boolean(), value: bytes }), {
      selector: (w) => w.key,
    }),
    metadataWrites: fc.uniqueArray(
      fc.record({ key: fc.string(), entries: fc.array(fc.record({ name: fc.string(), value: bytes })) }),
      { selector: (m) => m.key },
    ),
    event: fc.option(fc.record({ name: fc.string(), payload: bytes }), { nil: undefined }),
  })
  .map(({ mspId, pem, event, ...rest }) => ({
    ...rest,
    creatorMsp: mspId,
    creator: { mspId, certificatePem: pem },
    ...(event ? { event } : {}),
  }));

test('toBytes is deterministic and transactionFromBytes restores every field', () => {
  fc.assert(
    fc.property(data, (d) => {
      const tx = newTransaction(d);
      const b = tx.toBytes();
      expect(newTransaction(d).toBytes().equals(b)).toBe(true);
      const back = transactionFromBytes(b);
      expect(back.toBytes().equals(b)).toBe(true);
      expect({ ...back }).toEqual({ ...tx });
    }),
  );
});

test('the byte form does not depend on the order writes were made in', () => {
  fc.assert(
    fc.property(data, (d) => {
      const reversed = { ...d, writeSet: [...d.writeSet].reverse(), readSet: [...d.readSet].reverse() };
      expect(newTransaction(reversed).toBytes().equals(newTransaction(d).toBytes())).toBe(true);
    }),
  );
});

test('anything that is not a serialised transaction is INVALID_ARGUMENT', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array().map((a) => Buffer.from(a)),
        fc.json().map((j) => Buffer.from(j)),
      ),
      (input) => {
        let err: unknown;
        try {
          transactionFromBytes(input);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(LicenceError);
        expect((err as LicenceError).code).toBe('INVALID_ARGUMENT');
      },
    ),
  );
});

test('keys order by UTF-8 bytes, as LevelDB stores them', () => {
  // U+FF5E sorts before U+1F600 in UTF-8 but after it in UTF-16.
  expect(compareKeys('\uff5e', '\u{1f600}')).toBeLessThan(0);
  expect('\uff5e' < '\u{1f600}').toBe(false);
  expect(compareKeys('a\u0000', 'a')).toBeGreaterThan(0);
});
