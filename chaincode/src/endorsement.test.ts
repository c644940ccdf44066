import { TX, kidOfCertificate } from '@licence-ledger/domain';
import { BJ, CONSORTIUM_START_MS, Consortium, GD, GD_DRIVING, ZJ, ZJ_DRIVING } from './test-support';

let c: Consortium;
beforeAll(async () => {
  c = await Consortium.start({ seed: 'endorsement' });
}, CONSORTIUM_START_MS);
afterAll(async () => {
  await c.dispose();
});

const change = (id: string, action: string) => [{ id, action, reasonCode: 'TEST', reasonText: '' }];

describe('MVCC', () => {
  it('commits exactly one of two status changes endorsed against the same version', async () => {
    const { id } = await c.issue(GD_DRIVING, { serial: 'M1' });
    const suspend = await c.endorse(c.issuer(GD_DRIVING), TX.ChangeStatus, change(id, 'suspend'));
    const revoke = await c.endorse(c.issuer(GD_DRIVING), TX.ChangeStatus, change(id, 'revoke'));
    const results = await Promise.all([c.commit(suspend), c.commit(revoke)]);
    expect(results.map((r) => r.code).sort()).toEqual(['MVCC_READ_CONFLICT', 'VALID']);
    const winner = results[0].code === 'VALID' ? '02' : '07';
    expect(await c.read(id)).toMatchObject({ status: winner, revision: 2 });
  });
});

describe('key-level endorsement', () => {
  it('refuses a status change endorsed only by the other provinces, and accepts the issuing province alone', async () => {
    const { id } = await c.issue(GD_DRIVING, { serial: 'K1' });
    const foreign = await c.endorse(c.issuer(GD_DRIVING), TX.ChangeStatus, change(id, 'revoke'), [ZJ, BJ]);
    expect((await c.commit(foreign)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(await c.read(id)).toMatchObject({ status: '01', revision: 1 });

    const own = await c.endorse(c.issuer(GD_DRIVING), TX.ChangeStatus, change(id, 'suspend'), [GD]);
    expect((await c.commit(own)).code).toBe('VALID');
    expect(await c.read(id)).toMatchObject({ status: '02', revision: 2 });
  });

  it('needs the chaincode-level majority to create a licence', async () => {
    const { request } = c.signedLicence(GD_DRIVING, { serial: 'K2' });
    const alone = await c.endorse(c.issuer(GD_DRIVING), TX.IssueLicence, [request], [GD]);
    expect((await c.commit(alone)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(await c.read(request.id).catch((e: { code: string }) => e.code)).toBe('NOT_FOUND');
  });

  it('needs both provinces to accept a transfer', async () => {
    const { id } = await c.issue(GD_DRIVING, { serial: 'K3' });
    await c.submit(c.issuer(GD_DRIVING), TX.TransferOut, [
      { id, toMsp: ZJ, reasonCode: 'MOVED', reasonText: '' },
    ]);
    const incoming = c.signedLicence(ZJ_DRIVING, { serial: 'K3' }).request;
    const accept = [{ predecessorId: id, licence: incoming }];
    const withoutIssuer = await c.endorse(c.issuer(ZJ_DRIVING), TX.AcceptTransfer, accept, [ZJ, BJ]);
    expect((await c.commit(withoutIssuer)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect((await c.read(id)).transfer?.state).toBe('pending');

    const both = await c.endorse(c.issuer(ZJ_DRIVING), TX.AcceptTransfer, accept, [ZJ, GD]);
    expect((await c.commit(both)).code).toBe('VALID');
    expect((await c.read(id)).transfer?.state).toBe('accepted');
  });
});

describe('key-level endorsement of a province’s registry records', () => {
  // Two other provinces are a majority of three, so the chaincode-level policy alone would let them endorse a
  // change to Guangdong's agency, key or rule; each record's own policy names its province.
  const GD_MARKET = '11440100MB2D15098D';

  it('refuses a change to Guangdong’s agency endorsed by Zhejiang and Beijing, and takes Guangdong’s alone', async () => {
    const foreign = await c.endorse(c.admin(GD), TX.RetireAgency, [GD_MARKET], [ZJ, BJ]);
    expect((await c.commit(foreign)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    const own = await c.endorse(c.admin(GD), TX.RetireAgency, [GD_MARKET], [GD]);
    expect((await c.commit(own)).code).toBe('VALID');
  });

  it('refuses a change to Guangdong’s signing key endorsed by Zhejiang and Beijing', async () => {
    const kid = kidOfCertificate(c.agency(GD_DRIVING).key.certPem);
    const foreign = await c.endorse(c.admin(GD), TX.RetireSigningKey, [kid], [ZJ, BJ]);
    expect((await c.commit(foreign)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    const key = await c.evaluate<{ status: string }>(c.admin(GD), TX.GetSigningKey, [kid]);
    expect(key.status).toBe('active');
  });

  it('lets only Guangdong (with a majority for the new version) publish the next version of its rule', async () => {
    const rule = () => [{ typeCode: 'DL01', issuingMsps: ['*'], effectiveFrom: c.nextTime() }];
    expect(
      (await c.commit(await c.endorse(c.admin(GD), TX.PublishRecognitionRule, rule(), [GD, ZJ]))).code,
    ).toBe('VALID');
    const foreign = await c.endorse(c.admin(GD), TX.PublishRecognitionRule, rule(), [ZJ, BJ]);
    expect((await c.commit(foreign)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    const own = await c.endorse(c.admin(GD), TX.PublishRecognitionRule, rule(), [GD, BJ]);
    expect((await c.commit(own)).code).toBe('VALID');
  });
});
