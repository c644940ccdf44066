import './test-fixtures/quiet-logs';
import { createHash, randomBytes } from 'node:crypto';
import { LicenceError } from '@licence-ledger/domain';
import { serializeIdentity } from './identity';
import type { EmbeddedLedger } from './ledger';
import type { LedgerIdentity } from './types';
import { makeIdentities, openTempLedger, type Org } from './test-fixtures/ledger-fixture';

let ids: Record<Org, LedgerIdentity>;
let ledger: EmbeddedLedger;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ids = await makeIdentities();
  ({ ledger, dispose } = await openTempLedger());
});
afterAll(async () => {
  await dispose();
});

interface WhoAmI {
  mspId: string;
  id: string;
  role: string | null;
  province: string | null;
  creatorMsp: string;
  peerMsp: string;
  txId: string;
  channel: string;
  seconds: number;
  nanos: number;
  date: string;
  args: string[];
  fn: string;
  transient: number;
  binding: string;
}

const whoAmI = async (identity: LedgerIdentity, nonce?: Buffer, timestamp?: Date, endorsers?: string[]) => {
  const tx = await ledger.endorse(
    { txName: 'counter:WhoAmI', args: [], identity, nonce, timestamp },
    endorsers,
  );
  return { tx, who: JSON.parse(tx.result.toString()) as WhoAmI };
};

test("the contract sees the caller through fabric-shim's ClientIdentity, attributes included", async () => {
  const { who } = await whoAmI(ids.ZhejiangMSP);
  expect(who.mspId).toBe('ZhejiangMSP');
  expect(who.creatorMsp).toBe('ZhejiangMSP');
  expect(who.role).toBe('issuer');
  expect(who.province).toBe('330000');
  expect(who.id).toMatch(/^x509::.*CN=issuer@ZhejiangMSP::.*CN=ca\.ZhejiangMSP$/);
  expect(who.channel).toBe('licences');
  expect(who.fn).toBe('counter:WhoAmI');
  expect(who.transient).toBe(0);
});

test('the transaction ID is SHA-256(nonce || serialized creator), as in Fabric', async () => {
  const nonce = randomBytes(24);
  const { tx, who } = await whoAmI(ids.BeijingMSP, nonce);
  const expected = createHash('sha256').update(nonce).update(serializeIdentity(ids.BeijingMSP)).digest('hex');
  expect(tx.txId).toBe(expected);
  expect(who.txId).toBe(expected);
  expect(who.binding).toMatch(/^[0-9a-f]{64}$/);
});

test('the transaction timestamp is the proposal timestamp', async () => {
  const at = new Date('2025-03-01T08:30:15.250Z');
  const { tx, who } = await whoAmI(ids.GuangdongMSP, undefined, at);
  expect(who.seconds).toBe(Math.floor(at.getTime() / 1000));
  expect(who.nanos).toBe(250_000_000);
  expect(who.date).toBe(at.toISOString());
  expect(tx.timestamp).toBe(at.toISOString());
});

test("getMspID is the simulating peer's organisation", async () => {
  const { who } = await whoAmI(ids.GuangdongMSP, undefined, undefined, ['BeijingMSP', 'ZhejiangMSP']);
  expect(who.peerMsp).toBe('BeijingMSP');
  const evaluated = JSON.parse(
    (await ledger.evaluate(ids.ZhejiangMSP, 'counter:WhoAmI', [])).toString(),
  ) as WhoAmI;
  expect(evaluated.peerMsp).toBe('ZhejiangMSP');
});

test('callers from outside the channel are refused', async () => {
  const stranger = { mspId: 'ShanghaiMSP', certificatePem: ids.GuangdongMSP.certificatePem };
  const err = await ledger.evaluate(stranger, 'counter:Get', ['k']).catch((e: unknown) => e);
  expect((err as LicenceError).code).toBe('ACCESS_DENIED');
});

test('callers without a parsable certificate are refused', async () => {
  const broken = {
    mspId: 'GuangdongMSP',
    certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  };
  const err = await ledger
    .endorse({ txName: 'counter:Put', args: ['k', 'v'], identity: broken })
    .catch((e: unknown) => e);
  expect((err as LicenceError).code).toBe('UNAUTHENTICATED');
});

test('a caller-chosen txId must match the nonce and creator', async () => {
  const err = await ledger
    .endorse({
      txName: 'counter:Put',
      args: ['k', 'v'],
      identity: ids.GuangdongMSP,
      nonce: randomBytes(24),
      txId: 'ab'.repeat(32),
    })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LicenceError);
  expect((err as LicenceError).code).toBe('INVALID_ARGUMENT');
});
