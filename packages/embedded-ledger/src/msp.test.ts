import './test-fixtures/quiet-logs';
import { createCa, issueIdentity } from '@licence-ledger/crypto-config';
import type { CaMaterial } from '@licence-ledger/crypto-config';
import { rejectionCode } from '@licence-ledger/domain';
import type { EmbeddedLedger } from './ledger';
import type { LedgerIdentity } from './types';
import { ORGS, openTempLedger } from './test-fixtures/ledger-fixture';

describe('creator certificates are checked against their MSP roots (mspRoots)', () => {
  const cas: Record<string, CaMaterial> = {};
  let ledger: EmbeddedLedger;
  let dispose: () => Promise<void>;
  let genuine: LedgerIdentity;

  const client = (ca: CaMaterial, mspId: string, validDays = 30) =>
    issueIdentity(ca, { commonName: `user@${mspId}`, organisation: mspId, ou: 'client', validDays });

  beforeAll(async () => {
    for (const mspId of ORGS)
      cas[mspId] = await createCa({ commonName: `ca.${mspId}`, organisation: mspId, mspId });
    const mspRoots = Object.fromEntries(ORGS.map((msp) => [msp, [cas[msp]!.certPem]]));
    ({ ledger, dispose } = await openTempLedger({ mspRoots }));
    genuine = {
      mspId: 'GuangdongMSP',
      certificatePem: (await client(cas.GuangdongMSP!, 'GuangdongMSP')).certPem,
    };
  });
  afterAll(async () => {
    await dispose();
  });

  it('accepts a certificate issued by the organisation’s own root', async () => {
    const tx = await ledger.endorse({ txName: 'counter:WhoAmI', args: [], identity: genuine });
    expect(JSON.parse(tx.result.toString())).toMatchObject({ mspId: 'GuangdongMSP' });
  });

  it('refuses a certificate that claims an organisation whose root did not issue it', async () => {
    const zjCert = (await client(cas.ZhejiangMSP!, 'ZhejiangMSP')).certPem;
    const impostor = { mspId: 'GuangdongMSP', certificatePem: zjCert };
    expect(
      await rejectionCode(ledger.endorse({ txName: 'counter:WhoAmI', args: [], identity: impostor })),
    ).toBe('UNAUTHENTICATED');
    expect(await rejectionCode(ledger.evaluate(impostor, 'counter:WhoAmI', []))).toBe('UNAUTHENTICATED');
  });

  it('refuses a self-made CA that copies the organisation’s name', async () => {
    const rogue = await createCa({
      commonName: 'ca.GuangdongMSP',
      organisation: 'GuangdongMSP',
      mspId: 'GuangdongMSP',
    });
    const identity = { mspId: 'GuangdongMSP', certificatePem: (await client(rogue, 'GuangdongMSP')).certPem };
    expect(await rejectionCode(ledger.evaluate(identity, 'counter:WhoAmI', []))).toBe('UNAUTHENTICATED');
  });

  it('refuses a proposal dated outside the certificate’s validity', async () => {
    const later = new Date(Date.now() + 40 * 86_400_000);
    const proposal = { txName: 'counter:WhoAmI', args: [], identity: genuine, timestamp: later };
    expect(await rejectionCode(ledger.endorse(proposal))).toBe('UNAUTHENTICATED');
  });
});
