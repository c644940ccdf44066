/**
 * The one place where Fabric client errors become LicenceErrors. A chaincode error travels inside
 * the peer's message as `LLERR {...}`; it is parsed once, here. Transport trouble becomes
 * LEDGER_UNAVAILABLE; a failed commit keeps its validation code.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { LicenceError } from '@licence-ledger/domain';

const TRANSIENT: ReadonlySet<number> = new Set([
  grpcStatus.UNAVAILABLE,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.RESOURCE_EXHAUSTED,
  grpcStatus.CANCELLED,
]);

/**
 * When a client should try again after a ledger outage (sent as Retry-After with the 503): a restarted peer or
 * chaincode server answers within seconds, and a Raft leader election takes about 7.5 s.
 */
const OUTAGE_RETRY_SECONDS = 5;

/**
 * A peer gateway answers ABORTED ("failed to collect enough transaction endorsements") when an endorser or
 * its chaincode server is down, and FAILED_PRECONDITION when discovery knows no set of live peers that
 * satisfies the policies (e.g. another province's peer is down, or gossip has not found it yet). Both pass
 * once the peers are back, so they are outages, not internal errors. Only the peer's own fixed phrases are
 * matched; a chaincode's refusal arrives as LLERR and is recognised before this.
 */
function endorserOutage(
  code: number,
  text: string,
): 'chaincode unreachable' | 'endorsers unavailable' | undefined {
  if (
    code === Number(grpcStatus.ABORTED) &&
    /could not launch chaincode|error creating grpc connection|chaincode stream terminated|timeout expired while executing transaction/.test(
      text,
    )
  ) {
    return 'chaincode unreachable';
  }
  if (code === Number(grpcStatus.ABORTED) && /failed to collect enough transaction endorsements/.test(text)) {
    return 'endorsers unavailable';
  }
  if (
    code === Number(grpcStatus.FAILED_PRECONDITION) &&
    /no combination of peers can be derived/.test(text)
  ) {
    return 'endorsers unavailable';
  }
  return undefined;
}

/** The name of a Fabric transaction validation code (e.g. 11 → MVCC_READ_CONFLICT). */
export function validationCodeName(code: number): string {
  for (const [name, value] of Object.entries(StatusCode)) if (value === code) return name;
  return `UNKNOWN_${code}`;
}

/** Turns anything a fabric-gateway call threw into a LicenceError. */
export function toLicenceError(err: unknown): LicenceError {
  if (err instanceof LicenceError) return err;
  if (err instanceof CommitError) {
    const name = validationCodeName(err.code);
    const code = name === 'MVCC_READ_CONFLICT' || name === 'ENDORSEMENT_POLICY_FAILURE' ? name : 'CONFLICT';
    return new LicenceError(code, `the transaction was not committed: ${name}`, {
      txId: err.transactionId,
      validationCode: name,
    });
  }
  if (err instanceof GatewayError) {
    // EndorseError, SubmitError and CommitStatusError are GatewayErrors; the chaincode's own
    // message is in the peer details, so the error message and every detail are searched together.
    const text = [err.message, ...(err.details ?? []).map((d) => d.message)].join('\n');
    const wired = LicenceError.fromWire(text);
    if (wired !== undefined) return wired;
    if (TRANSIENT.has(err.code)) {
      return new LicenceError('LEDGER_UNAVAILABLE', 'the ledger peer could not be reached in time', {
        grpcCode: err.code,
        retryAfterSeconds: OUTAGE_RETRY_SECONDS,
      });
    }
    const outage = endorserOutage(err.code, text);
    if (outage !== undefined) {
      return new LicenceError('LEDGER_UNAVAILABLE', 'not enough endorsing peers are available', {
        grpcCode: err.code,
        reason: outage,
        retryAfterSeconds: OUTAGE_RETRY_SECONDS,
      });
    }
    return new LicenceError('INTERNAL', 'the ledger refused the request', { grpcCode: err.code });
  }
  return new LicenceError('INTERNAL', 'unexpected ledger client failure');
}
