/**
 * LedgerPort over the embedded ledger: the same chaincode in-process, with Fabric's semantics.
 * The embedded ledger already raises chaincode failures as LicenceError; anything else it throws
 * (its store gone, say) is reported as LEDGER_UNAVAILABLE.
 */
import { LicenceError } from '@licence-ledger/domain';
import { EmbeddedLedger } from '@licence-ledger/embedded-ledger';
import type { Identity, LedgerEvent, LedgerEventStream, LedgerPort } from './port';
import { DEFAULT_MVCC_RETRY, withMvccRetry, type MvccRetryPolicy } from './retry';

const asCaller = (identity: Identity) => ({ mspId: identity.mspId, certificatePem: identity.certificatePem });

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LicenceError) throw err;
    throw new LicenceError('LEDGER_UNAVAILABLE', 'the embedded ledger failed');
  }
}

/** Creates a LedgerPort over an open EmbeddedLedger (closing the port closes the ledger). */
export function createEmbeddedLedgerPort(
  ledger: EmbeddedLedger,
  mvccRetry: MvccRetryPolicy = DEFAULT_MVCC_RETRY,
): LedgerPort {
  return {
    evaluate: (identity, tx, args) => mapped(() => ledger.evaluate(asCaller(identity), tx, args)),

    submit: (identity, tx, args, opts) =>
      withMvccRetry(
        () =>
          mapped(async () => {
            const { result, txId, blockNumber } = await ledger.submit(
              { txName: tx, args, identity: asCaller(identity) },
              opts?.endorsingOrgs,
            );
            return { result, txId, blockNumber };
          }),
        mvccRetry,
      ),

    prepare: (identity, tx, args, opts) =>
      mapped(async () => {
        const endorsed = await ledger.endorse(
          { txName: tx, args, identity: asCaller(identity) },
          opts?.endorsingOrgs,
        );
        return { txId: endorsed.txId, bytes: endorsed.toBytes() };
      }),

    submitPrepared: (bytes) =>
      mapped(async () => {
        const tx = EmbeddedLedger.transactionFromBytes(bytes);
        // Idempotent: a transaction already on the ledger reports its first outcome.
        const known = await ledger.getTransactionStatus(tx.txId);
        const status = known ?? (await ledger.commit(tx));
        return { txId: status.txId, code: status.code, blockNumber: status.blockNumber };
      }),

    transactionStatus: (txId) =>
      mapped(async () => {
        const status = await ledger.getTransactionStatus(txId);
        return status === undefined ? undefined : { code: status.code, blockNumber: status.blockNumber };
      }),

    chaincodeEvents(startBlock: number): LedgerEventStream {
      const source = ledger.chaincodeEvents({ startBlock });
      return {
        close: () => source.close(),
        async *[Symbol.asyncIterator](): AsyncIterator<LedgerEvent> {
          for await (const e of source) {
            yield {
              blockNumber: e.blockNumber,
              txId: e.txId,
              eventName: e.eventName,
              payload: e.payload,
              timestamp: e.timestamp,
            };
          }
        },
      };
    },

    chainInfo: () =>
      mapped(async () => Promise.resolve({ height: ledger.height(), time: ledger.lastBlockTime() ?? null })),

    close: () => ledger.close(),
  };
}
