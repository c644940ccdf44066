import './test-fixtures/quiet-logs';
import type { LicenceError } from '@licence-ledger/domain';
import { EmbeddedLedger } from './ledger';
import type { ChaincodeEventRecord, ChaincodeEventStream, LedgerIdentity } from './types';
import {
  ledgerOptions,
  makeIdentities,
  openTempLedger,
  tempDir,
  type Org,
} from './test-fixtures/ledger-fixture';

let ids: Record<Org, LedgerIdentity>;

beforeAll(async () => {
  ids = await makeIdentities();
});

const proposal = (txName: string, ...args: string[]) => ({ txName, args, identity: ids.GuangdongMSP });

/** Reads `n` events from a stream, then closes it. */
async function take(stream: ChaincodeEventStream, n: number): Promise<ChaincodeEventRecord[]> {
  const out: ChaincodeEventRecord[] = [];
  if (n === 0) return out;
  for await (const e of stream) {
    out.push(e);
    if (out.length === n) break;
  }
  stream.close();
  return out;
}

describe('blocks', () => {
  test('a new ledger holds only its genesis block', async () => {
    const { ledger, dispose } = await openTempLedger();
    try {
      expect(ledger.height()).toBe(1);
      expect(Date.parse(ledger.lastBlockTime() ?? '')).not.toBeNaN();
    } finally {
      await dispose();
    }
  });

  test('concurrent commits share a block; maxTxPerBlock splits them', async () => {
    const { ledger, dispose } = await openTempLedger({ maxTxPerBlock: 2 });
    try {
      const txs = await Promise.all(
        ['a', 'b', 'c'].map((k) => ledger.endorse(proposal('counter:Put', k, k))),
      );
      const results = await Promise.all(txs.map((tx) => ledger.commit(tx)));
      expect(results.map((r) => r.blockNumber)).toEqual([1, 1, 2]);
      expect(results.every((r) => r.code === 'VALID')).toBe(true);
      expect(ledger.height()).toBe(3);
    } finally {
      await dispose();
    }
  });

  test('getTransactionStatus knows committed transactions only', async () => {
    const { ledger, dispose } = await openTempLedger();
    try {
      const done = await ledger.submit(proposal('counter:Put', 'k', 'v'));
      expect(await ledger.getTransactionStatus(done.txId)).toEqual({
        txId: done.txId,
        code: 'VALID',
        blockNumber: done.blockNumber,
      });
      const pending = await ledger.endorse(proposal('counter:Put', 'k', 'w'));
      expect(await ledger.getTransactionStatus(pending.txId)).toBeUndefined();
    } finally {
      await dispose();
    }
  });
});

describe('persistence', () => {
  test('state, height, history and transaction status survive close and reopen', async () => {
    const dir = await tempDir();
    try {
      const first = await EmbeddedLedger.open(ledgerOptions(dir.path));
      const t1 = await first.submit(proposal('counter:Put', 'k', 'one'));
      await first.submit(proposal('counter:Put', 'k', 'two'));
      const height = first.height();
      await first.close();

      const again = await EmbeddedLedger.open(ledgerOptions(dir.path));
      try {
        expect(again.height()).toBe(height);
        expect((await again.evaluate(ids.ZhejiangMSP, 'counter:Get', ['k'])).toString()).toBe('two');
        expect(
          JSON.parse((await again.evaluate(ids.ZhejiangMSP, 'counter:History', ['k'])).toString()),
        ).toHaveLength(2);
        expect((await again.getTransactionStatus(t1.txId))?.code).toBe('VALID');
        const next = await again.submit(proposal('counter:Put', 'k', 'three'));
        expect(next.blockNumber).toBe(height);
      } finally {
        await again.close();
      }
    } finally {
      await dir.remove();
    }
  });

  test('commits pending at close are written before the store closes', async () => {
    const dir = await tempDir();
    try {
      const ledger = await EmbeddedLedger.open(ledgerOptions(dir.path, { batchTimeoutMs: 60_000 }));
      const tx = await ledger.endorse(proposal('counter:Put', 'late', 'yes'));
      const committed = ledger.commit(tx);
      await ledger.close();
      expect((await committed).code).toBe('VALID');
      const again = await EmbeddedLedger.open(ledgerOptions(dir.path));
      expect((await again.evaluate(ids.GuangdongMSP, 'counter:Get', ['late'])).toString()).toBe('yes');
      await again.close();
    } finally {
      await dir.remove();
    }
  });

  test('close lets a simulation under way finish first', async () => {
    const { ledger, dispose } = await openTempLedger();
    const endorsing = ledger.endorse(proposal('counter:Put', 'k', 'v'));
    const closing = dispose();
    expect((await endorsing).writeSet.map((w) => w.key)).toEqual(['k']);
    await closing;
  });

  test('a store of another channel is refused', async () => {
    const dir = await tempDir();
    try {
      await (await EmbeddedLedger.open(ledgerOptions(dir.path))).close();
      const err = await EmbeddedLedger.open(ledgerOptions(dir.path, { channelId: 'other' })).catch(
        (e: unknown) => e,
      );
      expect((err as LicenceError).code).toBe('INVALID_ARGUMENT');
    } finally {
      await dir.remove();
    }
  });

  test('a closed ledger refuses work with LEDGER_UNAVAILABLE', async () => {
    const { ledger, dispose } = await openTempLedger();
    await dispose();
    const err = await ledger.evaluate(ids.GuangdongMSP, 'counter:Get', ['k']).catch((e: unknown) => e);
    expect((err as LicenceError).code).toBe('LEDGER_UNAVAILABLE');
  });
});

describe('chaincode events', () => {
  test('only valid transactions emit, and only their last setEvent counts', async () => {
    const { ledger, dispose } = await openTempLedger();
    try {
      const stream = ledger.chaincodeEvents();
      const events = take(stream, 2);
      await ledger.submit(proposal('counter:Emit', 'first,second,last'));
      // An invalid transaction (one endorser of three) must not emit.
      const invalid = await ledger.endorse(proposal('counter:Emit', 'invalid'), ['BeijingMSP']);
      expect((await ledger.commit(invalid)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
      const inc = await ledger.submit(proposal('counter:Increment', 'n'));
      const got = await events;
      expect(got.map((e) => e.eventName)).toEqual(['last', 'Incremented']);
      expect(got[0]?.payload.toString()).toBe('payload of last');
      expect(got[1]).toMatchObject({ txId: inc.txId, blockNumber: inc.blockNumber });
      expect(JSON.parse(got[1]?.payload.toString() ?? '')).toEqual({ key: 'n', value: '1' });
    } finally {
      await dispose();
    }
  });

  test('events replay from a start block after reopen, then continue live', async () => {
    const dir = await tempDir();
    try {
      const first = await EmbeddedLedger.open(ledgerOptions(dir.path));
      const a = await first.submit(proposal('counter:Increment', 'a'));
      const b = await first.submit(proposal('counter:Increment', 'b'));
      await first.close();

      const again = await EmbeddedLedger.open(ledgerOptions(dir.path));
      try {
        const fromB = take(again.chaincodeEvents({ startBlock: b.blockNumber }), 2);
        const c = await again.submit(proposal('counter:Increment', 'c'));
        expect((await fromB).map((e) => e.txId)).toEqual([b.txId, c.txId]);
        const all = await take(again.chaincodeEvents({ startBlock: 0 }), 3);
        expect(all.map((e) => e.txId)).toEqual([a.txId, b.txId, c.txId]);
        expect(all.map((e) => e.blockNumber)).toEqual([a.blockNumber, b.blockNumber, c.blockNumber]);
      } finally {
        await again.close();
      }
    } finally {
      await dir.remove();
    }
  });

  test('closing the ledger ends open event streams', async () => {
    const { ledger, dispose } = await openTempLedger();
    const stream = ledger.chaincodeEvents();
    const drained = (async () => {
      const seen: ChaincodeEventRecord[] = [];
      for await (const e of stream) seen.push(e);
      return seen;
    })();
    await dispose();
    expect(await drained).toEqual([]);
  });
});

describe('serialised transactions', () => {
  test('transactionFromBytes(toBytes()) restores a transaction that then commits', async () => {
    const { ledger, dispose } = await openTempLedger();
    try {
      const tx = await ledger.endorse(proposal('counter:Increment', 'o'));
      const bytes = tx.toBytes();
      const restored = EmbeddedLedger.transactionFromBytes(bytes);
      expect(restored.toBytes().equals(bytes)).toBe(true);
      expect(restored.txId).toBe(tx.txId);
      expect(restored.event?.name).toBe('Incremented');
      expect((await ledger.commit(restored)).code).toBe('VALID');
      expect((await ledger.evaluate(ids.GuangdongMSP, 'counter:Get', ['o'])).toString()).toBe('1');
    } finally {
      await dispose();
    }
  });

  test('a transaction whose ID is not bound to its nonce and creator is BAD_PAYLOAD', async () => {
    const { ledger, dispose } = await openTempLedger();
    try {
      const tx = await ledger.endorse(proposal('counter:Put', 'forged', 'x'));
      const fields = JSON.parse(tx.toBytes().toString()) as Record<string, unknown>;
      fields.creator = [ids.ZhejiangMSP.mspId, ids.ZhejiangMSP.certificatePem];
      const forged = EmbeddedLedger.transactionFromBytes(Buffer.from(JSON.stringify(fields)));
      expect((await ledger.commit(forged)).code).toBe('BAD_PAYLOAD');
      expect((await ledger.evaluate(ids.GuangdongMSP, 'counter:Get', ['forged'])).toString()).toBe('');
      expect(await ledger.getTransactionStatus(tx.txId)).toBeUndefined();
    } finally {
      await dispose();
    }
  });
});
