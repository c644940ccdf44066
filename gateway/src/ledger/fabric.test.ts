/**
 * Unit tests of the Fabric adapter: its error mapping with the real fabric-gateway error classes built by
 * hand, and its transport path against a closed port. Against real peers it is tested by the suites in
 * network/src/fabric/, which run on a live three-province network.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { LicenceError, TX } from '@licence-ledger/domain';
import { makeWorld } from '../verification/fixtures';
import { createFabricLedgerPort, isNoSuchTransaction } from './fabric';
import { toLicenceError, validationCodeName } from './fabric-errors';
import { withMvccRetry } from './retry';

function serviceError(code: number, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });
}

const wire = new LicenceError('AGENCY_NOT_AUTHORISED', 'the agency may not issue this type', {
  typeCode: 'JSZ',
}).toWire();

describe('toLicenceError', () => {
  it('rebuilds the chaincode error carried in an EndorseError detail', () => {
    const err = new EndorseError({
      code: status.ABORTED,
      details: [{ address: 'peer0:7051', mspId: 'GuangdongMSP', message: `chaincode response 500, ${wire}` }],
      cause: serviceError(status.ABORTED, 'failed to endorse transaction'),
      transactionId: 'tx1',
      message: 'failed to endorse transaction, see attached details for more info',
    });
    const mapped = toLicenceError(err);
    expect(mapped.code).toBe('AGENCY_NOT_AUTHORISED');
    expect(mapped.details).toEqual({ typeCode: 'JSZ' });
  });

  it('rebuilds a chaincode error carried in a GatewayError message (evaluate)', () => {
    const err = new GatewayError({
      code: status.UNKNOWN,
      details: [],
      cause: serviceError(status.UNKNOWN, wire),
      message: `evaluate call to endorser returned error: ${wire}`,
    });
    expect(toLicenceError(err).code).toBe('AGENCY_NOT_AUTHORISED');
  });

  it.each([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.CANCELLED])(
    'maps gRPC status %s without a chaincode error to LEDGER_UNAVAILABLE',
    (code) => {
      const err = new GatewayError({ code, details: [], cause: serviceError(code, 'no connection') });
      expect(toLicenceError(err)).toMatchObject({
        code: 'LEDGER_UNAVAILABLE',
        details: { retryAfterSeconds: 5 },
      });
    },
  );

  // Regression (seen on the real network): an endorser whose chaincode server is down made every write of
  // its province answer 500 INTERNAL instead of 503 LEDGER_UNAVAILABLE.
  it.each([
    [
      status.ABORTED,
      'failed to collect enough transaction endorsements',
      'could not launch chaincode licence-ledger_1:ab: connection refused',
      'chaincode unreachable',
    ],
    [
      status.ABORTED,
      'failed to collect enough transaction endorsements',
      'endorser timed out',
      'endorsers unavailable',
    ],
    [
      status.FAILED_PRECONDITION,
      'no combination of peers can be derived which satisfy the endorsement policy',
      '',
      'endorsers unavailable',
    ],
  ])(
    'maps gRPC %s "%s" (an endorser or its chaincode down) to LEDGER_UNAVAILABLE',
    (code, message, detail, reason) => {
      const err = new EndorseError({
        code,
        details: detail === '' ? [] : [{ address: 'p', mspId: 'GuangdongMSP', message: detail }],
        cause: serviceError(code, message),
        transactionId: 'tx',
        message,
      });
      const mapped = toLicenceError(err);
      expect(mapped.code).toBe('LEDGER_UNAVAILABLE');
      expect(mapped.details).toMatchObject({ reason, retryAfterSeconds: 5 });
    },
  );

  it('maps any other gateway failure to INTERNAL, never to a chaincode code guessed from prose', () => {
    const err = new EndorseError({
      code: status.ABORTED,
      details: [{ address: 'p', mspId: 'm', message: 'KEY_UNKNOWN no such signing key' }],
      cause: serviceError(status.ABORTED, 'x'),
      transactionId: 'tx',
    });
    expect(toLicenceError(err).code).toBe('INTERNAL');
  });

  it('keeps the validation code of a failed commit', () => {
    const mvcc = new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 'tx2' });
    expect(toLicenceError(mvcc)).toMatchObject({ code: 'MVCC_READ_CONFLICT', details: { txId: 'tx2' } });
    const policy = new CommitError({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 'tx3' });
    expect(toLicenceError(policy).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    const other = new CommitError({ code: StatusCode.PHANTOM_READ_CONFLICT, transactionId: 'tx4' });
    expect(toLicenceError(other)).toMatchObject({
      code: 'CONFLICT',
      details: { validationCode: 'PHANTOM_READ_CONFLICT' },
    });
  });

  it('passes LicenceErrors through and maps anything else to INTERNAL', () => {
    const own = new LicenceError('NOT_FOUND', 'x');
    expect(toLicenceError(own)).toBe(own);
    expect(toLicenceError(new TypeError('boom')).code).toBe('INTERNAL');
    expect(toLicenceError('string').code).toBe('INTERNAL');
  });

  it('names validation codes', () => {
    expect(validationCodeName(0)).toBe('VALID');
    expect(validationCodeName(11)).toBe('MVCC_READ_CONFLICT');
    expect(validationCodeName(1234)).toBe('UNKNOWN_1234');
  });

  it('recognises qscc unknown-transaction answers only', () => {
    expect(
      isNoSuchTransaction(new Error('Failed to get transaction with id x, error no such transaction ID [x]')),
    ).toBe(true);
    expect(isNoSuchTransaction(new Error('connection refused'))).toBe(false);
    expect(isNoSuchTransaction(null)).toBe(false);
  });
});

describe('withMvccRetry', () => {
  const conflict = () => new LicenceError('MVCC_READ_CONFLICT', 'conflict');

  it('retries MVCC read conflicts up to the bound, with jittered backoff', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withMvccRetry(
      () => (++calls < 3 ? Promise.reject(conflict()) : Promise.resolve('ok')),
      {
        attempts: 4,
        baseDelayMs: 100,
        random: () => 0.5,
        sleep: (ms) => (delays.push(ms), Promise.resolve()),
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up after the last attempt with the conflict', async () => {
    let calls = 0;
    const attempt = () => (calls++, Promise.reject(conflict()));
    await expect(
      withMvccRetry(attempt, { attempts: 3, baseDelayMs: 1, sleep: () => Promise.resolve() }),
    ).rejects.toMatchObject({
      code: 'MVCC_READ_CONFLICT',
    });
    expect(calls).toBe(3);
  });

  it('never retries any other error', async () => {
    for (const err of [
      new LicenceError('LEDGER_UNAVAILABLE', 'x'),
      new LicenceError('CONFLICT', 'x'),
      new Error('x'),
    ]) {
      let calls = 0;
      const attempt = () => (calls++, Promise.reject(err));
      await expect(
        withMvccRetry(attempt, { attempts: 5, baseDelayMs: 1, sleep: () => Promise.resolve() }),
      ).rejects.toBe(err);
      expect(calls).toBe(1);
    }
  });
});

describe('createFabricLedgerPort', () => {
  it('reports LEDGER_UNAVAILABLE within its deadline when no peer listens', async () => {
    const world = await makeWorld();
    const identity = {
      mspId: 'GuangdongMSP',
      certificatePem: world.key.record.certificatePem,
      privateKeyPem: world.key.privateKeyPem,
    };
    const port = createFabricLedgerPort({
      peerEndpoint: '127.0.0.1:1',
      tlsRootCertPem: world.caGd.certPem,
      hostOverride: 'peer0.gd.example',
      channel: 'licences',
      chaincode: 'licence-ledger',
      deadlines: { evaluateMs: 300, endorseMs: 300, submitMs: 300, commitStatusMs: 300 },
      serviceIdentity: identity,
    });
    const started = Date.now();
    await expect(port.evaluate(identity, TX.GetProvince, ['GuangdongMSP'])).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    });
    await expect(port.chainInfo()).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    await expect(port.submit(identity, TX.GetProvince, ['GuangdongMSP'])).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(5000);
    await port.close();
  });
});
