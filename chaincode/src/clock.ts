/**
 * Transaction time, the only clock chaincode may read. Every endorsing peer sees the same
 * timestamp (the client's proposal header), so everything derived from it is deterministic.
 */
import type { Context } from 'fabric-contract-api';
import type { IsoTime } from '@licence-ledger/domain';

/** Milliseconds since the epoch of the transaction timestamp. */
export function txMillis(ctx: Context): number {
  const ts = ctx.stub.getTxTimestamp();
  // seconds is a protobuf Long on real Fabric; toString() works for Long and number alike.
  return Number(ts.seconds.toString()) * 1000 + Math.floor(ts.nanos / 1_000_000);
}

/** The transaction timestamp as an ISO-8601 UTC string with milliseconds. */
export function txTime(ctx: Context): IsoTime {
  return isoOf(txMillis(ctx));
}

/** The transaction timestamp as a Date (for certificate validity checks). */
export function txDate(ctx: Context): Date {
  // eslint-disable-next-line no-restricted-globals -- built from the tx timestamp, so deterministic
  return new Date(txMillis(ctx));
}

/** ISO-8601 form of an epoch-milliseconds value. */
export function isoOf(millis: number): IsoTime {
  // eslint-disable-next-line no-restricted-globals -- pure conversion, no clock read
  return new Date(millis).toISOString();
}

/** Epoch milliseconds of an ISO-8601 time already validated by the input parsers. */
export function millisOf(iso: IsoTime): number {
  // eslint-disable-next-line no-restricted-globals -- pure conversion, no clock read
  return Date.parse(iso);
}
