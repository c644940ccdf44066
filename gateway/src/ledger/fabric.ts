/**
 * LedgerPort over a Fabric peer's gateway service (@hyperledger/fabric-gateway). One gRPC client is
 * shared; each Identity gets its own Gateway connection. Every stage has an explicit deadline, and
 * only MVCC read conflicts are retried.
 */
import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  CommitError,
  connect,
  hash,
  signers,
  type ChaincodeEvent,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import type { TxName } from '@licence-ledger/domain';
import { toLicenceError, validationCodeName } from './fabric-errors';
import type {
  Identity,
  LedgerEvent,
  LedgerEventStream,
  LedgerPort,
  SubmitOptions,
  TransactionStatus,
} from './port';
import { DEFAULT_MVCC_RETRY, withMvccRetry, type MvccRetryPolicy } from './retry';

/** Deadlines per stage, in milliseconds. */
export interface FabricDeadlines {
  readonly evaluateMs: number;
  readonly endorseMs: number;
  readonly submitMs: number;
  readonly commitStatusMs: number;
}

/** How to reach the province's peer. */
export interface FabricLedgerOptions {
  /** host:port of the peer's gateway service. */
  readonly peerEndpoint: string;
  readonly tlsRootCertPem: string;
  /** TLS server name to expect when it differs from the endpoint host. */
  readonly hostOverride?: string;
  readonly channel: string;
  readonly chaincode: string;
  readonly deadlines: FabricDeadlines;
  /** The gateway's own identity, for calls made on nobody's behalf (prepared submits, status, events, chain info). */
  readonly serviceIdentity: Identity;
  readonly mvccRetry?: MvccRetryPolicy;
}

const deadline = (ms: number) => (): grpc.CallOptions => ({ deadline: Date.now() + ms });

/** fabric-gateway's proposal option for the organisations that must endorse, when given. */
const endorsers = (options?: SubmitOptions): { endorsingOrganizations?: string[] } =>
  options?.endorsingOrgs === undefined ? {} : { endorsingOrganizations: options.endorsingOrgs };

/** Creates a LedgerPort for a Fabric peer. */
export function createFabricLedgerPort(opts: FabricLedgerOptions): LedgerPort {
  const client = new grpc.Client(
    opts.peerEndpoint,
    grpc.credentials.createSsl(Buffer.from(opts.tlsRootCertPem)),
    opts.hostOverride === undefined ? {} : { 'grpc.ssl_target_name_override': opts.hostOverride },
  );
  const gateways = new Map<string, Gateway>();
  const retry = opts.mvccRetry ?? DEFAULT_MVCC_RETRY;

  function gatewayOf(identity: Identity): Gateway {
    const key = `${identity.mspId}\n${identity.certificatePem}`;
    let gateway = gateways.get(key);
    if (gateway === undefined) {
      gateway = connect({
        client,
        identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
        signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem)),
        hash: hash.sha256,
        evaluateOptions: deadline(opts.deadlines.evaluateMs),
        endorseOptions: deadline(opts.deadlines.endorseMs),
        submitOptions: deadline(opts.deadlines.submitMs),
        commitStatusOptions: deadline(opts.deadlines.commitStatusMs),
      });
      gateways.set(key, gateway);
    }
    return gateway;
  }

  const network = (identity: Identity): Network => gatewayOf(identity).getNetwork(opts.channel);
  const contract = (identity: Identity): Contract => network(identity).getContract(opts.chaincode);
  const qscc = (): Contract => network(opts.serviceIdentity).getContract('qscc');

  /** Runs `fn`, rethrowing whatever it throws as a LicenceError. */
  async function mapped<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toLicenceError(err);
    }
  }

  async function statusOf(txId: string): Promise<TransactionStatus | undefined> {
    let processed: Uint8Array;
    try {
      processed = await qscc().evaluateTransaction('GetTransactionByID', opts.channel, txId);
    } catch (err) {
      // qscc reports an unknown transaction only in prose; this is the single place that reads it.
      if (isNoSuchTransaction(err)) return undefined;
      throw toLicenceError(err);
    }
    const code = peer.ProcessedTransaction.deserializeBinary(processed).getValidationcode();
    const block = await mapped(() => qscc().evaluateTransaction('GetBlockByTxID', opts.channel, txId));
    const number = common.Block.deserializeBinary(block).getHeader()?.getNumber() ?? 0;
    return { code: validationCodeName(code), blockNumber: Number(number) };
  }

  return {
    evaluate: (identity, tx, args) =>
      mapped(async () => Buffer.from(await contract(identity).evaluateTransaction(tx, ...args))),

    submit: (identity: Identity, tx: TxName, args: string[], options?: SubmitOptions) =>
      withMvccRetry(
        () =>
          mapped(async () => {
            const submitted = await contract(identity).submitAsync(tx, {
              arguments: args,
              ...endorsers(options),
            });
            const status = await submitted.getStatus();
            if (!status.successful) {
              throw new CommitError({ code: status.code, transactionId: status.transactionId });
            }
            return {
              result: Buffer.from(submitted.getResult()),
              txId: status.transactionId,
              blockNumber: Number(status.blockNumber),
            };
          }),
        retry,
      ),

    prepare: (identity, tx, args, options) =>
      mapped(async () => {
        const gateway = gatewayOf(identity);
        const endorsed = await contract(identity)
          .newProposal(tx, { arguments: args, ...endorsers(options) })
          .endorse();
        // Signed now, so the outbox can submit it later through any connection.
        const sign = signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem));
        const signed = gateway.newSignedTransaction(endorsed.getBytes(), await sign(endorsed.getDigest()));
        return { txId: signed.getTransactionId(), bytes: Buffer.from(signed.getBytes()) };
      }),

    async submitPrepared(bytes) {
      const transaction = await mapped(async () =>
        Promise.resolve(gatewayOf(opts.serviceIdentity).newTransaction(bytes)),
      );
      const txId = transaction.getTransactionId();
      // Idempotent: a transaction the ledger already has is reported, not sent again.
      const known = await statusOf(txId);
      if (known !== undefined) return { txId, ...known };
      return mapped(async () => {
        const status = await (await transaction.submit()).getStatus();
        return { txId, code: validationCodeName(status.code), blockNumber: Number(status.blockNumber) };
      });
    },

    transactionStatus: statusOf,

    chaincodeEvents(startBlock: number): LedgerEventStream {
      let source: (AsyncIterable<ChaincodeEvent> & { close(): void }) | undefined;
      let closed = false;
      // Chaincode events carry no time: it is read from the event's block (one read per block with events).
      let timesOf: { block: bigint; times: ReadonlyMap<string, string> } | undefined;
      const timeOf = async (block: bigint, txId: string): Promise<string> => {
        if (timesOf?.block !== block) {
          const bytes = await mapped(() =>
            qscc().evaluateTransaction('GetBlockByNumber', opts.channel, block.toString()),
          );
          timesOf = { block, times: transactionTimes(common.Block.deserializeBinary(bytes)) };
        }
        return timesOf.times.get(txId) ?? '';
      };
      return {
        close() {
          closed = true;
          source?.close();
        },
        async *[Symbol.asyncIterator](): AsyncIterator<LedgerEvent> {
          source = await mapped(() =>
            network(opts.serviceIdentity).getChaincodeEvents(opts.chaincode, {
              startBlock: BigInt(startBlock),
            }),
          );
          if (closed) source.close();
          try {
            for await (const event of source) {
              yield {
                blockNumber: Number(event.blockNumber),
                txId: event.transactionId,
                eventName: event.eventName,
                payload: Buffer.from(event.payload),
                timestamp: await timeOf(event.blockNumber, event.transactionId),
              };
            }
          } catch (err) {
            if (!closed) throw toLicenceError(err);
          }
        },
      };
    },

    async chainInfo() {
      const bytes = await mapped(() => qscc().evaluateTransaction('GetChainInfo', opts.channel));
      const height = Number(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
      if (height === 0) return { height, time: null };
      // A Fabric block has no time of its own: its transactions' timestamps (set by their clients,
      // checked by the peers against their clocks) are the time it holds; the latest one is the block's.
      const last = await mapped(() =>
        qscc().evaluateTransaction('GetBlockByNumber', opts.channel, String(height - 1)),
      );
      const times = [...transactionTimes(common.Block.deserializeBinary(last)).values()].sort();
      return { height, time: times.at(-1) ?? null };
    },

    async close() {
      for (const gateway of gateways.values()) gateway.close();
      gateways.clear();
      client.close();
      return Promise.resolve();
    },
  };
}

/** True when a qscc lookup failed because the transaction is not on the ledger. */
export function isNoSuchTransaction(err: unknown): boolean {
  const e = err as { message?: unknown; details?: { message?: unknown }[] } | null;
  const texts = [e?.message, ...(Array.isArray(e?.details) ? e.details.map((d) => d.message) : [])];
  return texts.some((t) => typeof t === 'string' && t.includes('no such transaction ID'));
}

/** The timestamp of every transaction in a block (from each envelope's channel header), by transaction id. */
export function transactionTimes(block: common.Block): Map<string, string> {
  const times = new Map<string, string>();
  for (const data of block.getData()?.getDataList_asU8() ?? []) {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(data).getPayload_asU8(),
    );
    const header = payload.getHeader()?.getChannelHeader_asU8();
    if (header === undefined) continue;
    const channelHeader = common.ChannelHeader.deserializeBinary(header);
    const ts = channelHeader.getTimestamp();
    if (ts === undefined) continue;
    const ms = ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6);
    times.set(channelHeader.getTxId(), new Date(ms).toISOString());
  }
  return times;
}
