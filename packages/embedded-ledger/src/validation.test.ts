import './test-fixtures/quiet-logs';
import { randomBytes } from 'node:crypto';
import { rejectionCode } from '@licence-ledger/domain';
import type { LicenceError } from '@licence-ledger/domain';
import type { EmbeddedLedger } from './ledger';
import type { LedgerIdentity } from './types';
import { makeIdentities, openTempLedger, type Org } from './test-fixtures/ledger-fixture';

let ids: Record<Org, LedgerIdentity>;
let ledger: EmbeddedLedger;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ids = await makeIdentities();
});
beforeEach(async () => {
  ({ ledger, dispose } = await openTempLedger());
});
afterEach(async () => {
  await dispose();
});

const proposal = (txName: string, ...args: string[]) => ({ txName, args, identity: ids.GuangdongMSP });
const get = async (key: string) => (await ledger.evaluate(ids.GuangdongMSP, 'counter:Get', [key])).toString();

describe('MVCC', () => {
  test('of two transactions endorsed on the same version, the second is a read conflict and writes nothing', async () => {
    await ledger.submit(proposal('counter:Put', 'n', '5'));
    const first = await ledger.endorse(proposal('counter:Increment', 'n'));
    const second = await ledger.endorse(proposal('counter:Increment', 'n'));
    const [r1, r2] = await Promise.all([ledger.commit(first), ledger.commit(second)]);
    expect(r1.code).toBe('VALID');
    expect(r2.code).toBe('MVCC_READ_CONFLICT');
    // Committed in the same block, validated in order.
    expect(r2.blockNumber).toBe(r1.blockNumber);
    expect(await get('n')).toBe('6');
  });

  test('a read of a key committed after endorsement conflicts across blocks too', async () => {
    const stale = await ledger.endorse(proposal('counter:Increment', 'm'));
    await ledger.submit(proposal('counter:Put', 'm', '10'));
    expect((await ledger.commit(stale)).code).toBe('MVCC_READ_CONFLICT');
    expect(await get('m')).toBe('10');
  });

  test('submit throws MVCC_READ_CONFLICT for the loser of two concurrent submits', async () => {
    // A long batch timeout puts both transactions, endorsed on the same version, into one block.
    const slow = await openTempLedger({ batchTimeoutMs: 300 });
    try {
      const inc = () => slow.ledger.submit(proposal('counter:Increment', 'c'));
      const outcomes = await Promise.allSettled([inc(), inc()]);
      const codes = outcomes.map((o) =>
        o.status === 'fulfilled' ? o.value.code : (o.reason as LicenceError).code,
      );
      expect(codes.sort()).toEqual(['MVCC_READ_CONFLICT', 'VALID']);
      expect((await slow.ledger.evaluate(ids.GuangdongMSP, 'counter:Get', ['c'])).toString()).toBe('1');
    } finally {
      await slow.dispose();
    }
  });
});

describe('phantom reads', () => {
  test('a key added inside a scanned range invalidates the scanning transaction', async () => {
    await ledger.submit(proposal('counter:Put', 'r1', 'x'));
    const counting = await ledger.endorse(proposal('counter:CountRange', 'r', 's', 'count'));
    expect(counting.result.toString()).toBe('1');
    await ledger.submit(proposal('counter:Put', 'r2', 'x'));
    expect((await ledger.commit(counting)).code).toBe('PHANTOM_READ_CONFLICT');
    expect(await get('count')).toBe('');
  });

  test('a key added outside the range does not', async () => {
    await ledger.submit(proposal('counter:Put', 'r1', 'x'));
    const counting = await ledger.endorse(proposal('counter:CountRange', 'r', 's', 'count'));
    await ledger.submit(proposal('counter:Put', 't1', 'x'));
    expect((await ledger.commit(counting)).code).toBe('VALID');
    expect(await get('count')).toBe('1');
  });

  test('an earlier transaction of the same block counts', async () => {
    const adding = await ledger.endorse(proposal('counter:Put', 'r9', 'x'));
    const counting = await ledger.endorse(proposal('counter:CountRange', 'r', 's', 'count'));
    const [a, c] = await Promise.all([ledger.commit(adding), ledger.commit(counting)]);
    expect(a.code).toBe('VALID');
    expect(c.code).toBe('PHANTOM_READ_CONFLICT');
    expect(c.blockNumber).toBe(a.blockNumber);
  });

  test('a key deleted inside a scanned range invalidates the scanning transaction', async () => {
    await ledger.submit(proposal('counter:Put', 'p1', 'x'));
    await ledger.submit(proposal('counter:Put', 'p2', 'x'));
    const counting = await ledger.endorse(proposal('counter:CountRange', 'p', 'q', 'count'));
    await ledger.submit(proposal('counter:Delete', 'p2'));
    expect((await ledger.commit(counting)).code).toBe('PHANTOM_READ_CONFLICT');
  });
});

describe('key-level endorsement', () => {
  const own = (orgs: Org[], endorsers: Org[]) =>
    ledger.submit(proposal('counter:Own', 'licence-1', 'issued', JSON.stringify(orgs)), endorsers);

  test('a key owned by one organisation rejects a write endorsed only by others and accepts its owner', async () => {
    await own(['GuangdongMSP'], ['GuangdongMSP', 'ZhejiangMSP']);
    expect(
      JSON.parse((await ledger.evaluate(ids.ZhejiangMSP, 'counter:Owners', ['licence-1'])).toString()),
    ).toEqual(['GuangdongMSP']);

    const byOthers = await ledger.endorse(proposal('counter:Put', 'licence-1', 'revoked'), [
      'ZhejiangMSP',
      'BeijingMSP',
    ]);
    expect((await ledger.commit(byOthers)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(await get('licence-1')).toBe('issued');

    const byOwner = await ledger.submit(proposal('counter:Put', 'licence-1', 'suspended'), ['GuangdongMSP']);
    expect(byOwner.code).toBe('VALID');
    expect(await get('licence-1')).toBe('suspended');
  });

  test('the policy survives value updates and submit reports its failure by code', async () => {
    await own(['GuangdongMSP'], ['GuangdongMSP', 'BeijingMSP']);
    await ledger.submit(proposal('counter:Put', 'licence-1', 'v2'), ['GuangdongMSP']);
    expect(
      await rejectionCode(
        ledger.submit(proposal('counter:Put', 'licence-1', 'v3'), ['ZhejiangMSP', 'BeijingMSP']),
      ),
    ).toBe('ENDORSEMENT_POLICY_FAILURE');
  });

  test('the policy in force is the committed one, not the one the same transaction sets', async () => {
    // No committed policy yet: the chaincode-level majority applies, even though the transaction names another owner.
    const created = await own(['GuangdongMSP'], ['ZhejiangMSP', 'BeijingMSP']);
    expect(created.code).toBe('VALID');
    // From now on the committed policy applies.
    expect(await rejectionCode(own(['ZhejiangMSP'], ['ZhejiangMSP', 'BeijingMSP']))).toBe(
      'ENDORSEMENT_POLICY_FAILURE',
    );
    expect((await own(['ZhejiangMSP'], ['GuangdongMSP'])).code).toBe('VALID');
    expect((await own(['BeijingMSP'], ['ZhejiangMSP'])).code).toBe('VALID');
  });

  test('a policy requiring two organisations needs both', async () => {
    await own(['GuangdongMSP', 'ZhejiangMSP'], ['GuangdongMSP', 'ZhejiangMSP']);
    const one = await ledger.endorse(proposal('counter:Put', 'licence-1', 'x'), ['GuangdongMSP']);
    expect((await ledger.commit(one)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    const both = await ledger.endorse(proposal('counter:Put', 'licence-1', 'y'), [
      'GuangdongMSP',
      'ZhejiangMSP',
    ]);
    expect((await ledger.commit(both)).code).toBe('VALID');
  });

  test('a write following a policy change in the same block is invalidated', async () => {
    await own(['GuangdongMSP'], ['GuangdongMSP', 'ZhejiangMSP']);
    const rehome = await ledger.endorse(
      proposal('counter:Own', 'licence-1', 'moved', JSON.stringify(['ZhejiangMSP'])),
      ['GuangdongMSP'],
    );
    const write = await ledger.endorse(proposal('counter:Delete', 'licence-1'), ['GuangdongMSP']);
    const [a, b] = await Promise.all([ledger.commit(rehome), ledger.commit(write)]);
    expect(a.code).toBe('VALID');
    expect(b.code).toBe('ENDORSEMENT_POLICY_FAILURE');
  });
});

describe('chaincode-level MAJORITY policy', () => {
  test('one endorser of three is not enough; two are', async () => {
    const one = await ledger.endorse(proposal('counter:Put', 'k', '1'), ['BeijingMSP']);
    expect((await ledger.commit(one)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(await get('k')).toBe('');
    const two = await ledger.endorse(proposal('counter:Put', 'k', '2'), ['BeijingMSP', 'ZhejiangMSP']);
    expect((await ledger.commit(two)).code).toBe('VALID');
    expect(await get('k')).toBe('2');
  });

  test('a read-only transaction still needs the chaincode-level policy when submitted', async () => {
    const read = await ledger.endorse(proposal('counter:Get', 'k'), ['BeijingMSP']);
    expect(read.writeSet).toHaveLength(0);
    expect((await ledger.commit(read)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
  });

  test('endorsing organisations must be channel members', async () => {
    expect(await rejectionCode(ledger.endorse(proposal('counter:Put', 'k', '1'), ['ShanghaiMSP']))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await rejectionCode(ledger.endorse(proposal('counter:Put', 'k', '1'), []))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('duplicate transaction IDs', () => {
  test('a second transaction with a committed ID is rejected and changes nothing', async () => {
    const nonce = randomBytes(24);
    const first = await ledger.submit({ ...proposal('counter:Put', 'd', '1'), nonce });
    const again = await ledger.endorse({ ...proposal('counter:Put', 'd', '2'), nonce });
    expect(again.txId).toBe(first.txId);
    const status = await ledger.commit(again);
    expect(status.code).toBe('DUPLICATE_TXID');
    expect(await get('d')).toBe('1');
    // The index keeps the first occurrence.
    expect(await ledger.getTransactionStatus(first.txId)).toEqual({
      txId: first.txId,
      code: 'VALID',
      blockNumber: first.blockNumber,
    });
  });

  test('the same transaction committed twice in one block is valid once', async () => {
    const tx = await ledger.endorse(proposal('counter:Put', 'd', '1'));
    const [a, b] = await Promise.all([ledger.commit(tx), ledger.commit(tx)]);
    expect([a.code, b.code]).toEqual(['VALID', 'DUPLICATE_TXID']);
  });

  test('submit reports a duplicate as CONFLICT', async () => {
    const nonce = randomBytes(24);
    await ledger.submit({ ...proposal('counter:Put', 'd', '1'), nonce });
    expect(await rejectionCode(ledger.submit({ ...proposal('counter:Put', 'd', '2'), nonce }))).toBe(
      'CONFLICT',
    );
  });
});
