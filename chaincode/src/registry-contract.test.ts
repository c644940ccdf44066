import { EVENT, TX, usccCheckChar, rejectionCode } from '@licence-ledger/domain';
import type {
  Agency,
  ConsortiumConfig,
  LedgerEventPayload,
  LicenceType,
  Page,
  Proposal,
  Province,
  RecognitionRule,
  SigningKey,
} from '@licence-ledger/domain';
import {
  BJ,
  CONSORTIUM_START_MS,
  Consortium,
  GD,
  GD_DRIVING,
  GD_MARKET,
  LICENCE_TYPES,
  PROVINCES,
  ZJ,
  ZJ_DRIVING,
} from './test-support';

const makeUscc = (first17: string): string => first17 + usccCheckChar(first17);
/** Issued in Ningbo (330200), so Zhejiang may register it. */
const NEW_USCC = makeUscc('91330200M000100Y4');
const page = ['50', ''];

describe('Bootstrap', () => {
  let c: Consortium;
  beforeEach(async () => {
    c = await Consortium.start({ bootstrap: false, seed: 'bootstrap' });
  }, CONSORTIUM_START_MS);
  afterEach(async () => {
    await c.dispose();
  });

  it('creates the consortium, the founding provinces and the catalogue in one transaction', async () => {
    const tx = await c.endorse(c.admin(ZJ), TX.Bootstrap, [c.bootstrapInput(3600)]);
    expect((await c.commit(tx)).code).toBe('VALID');
    const consortium = await c.evaluate<ConsortiumConfig>(c.admin(BJ), TX.GetConsortium, []);
    expect(consortium).toMatchObject({ recognitionNoticeSeconds: 3600, bootstrappedBy: ZJ });
    const provinces = await c.evaluate<Page<Province>>(c.admin(BJ), TX.ListProvinces, page);
    expect(provinces.items.map((p) => p.mspId).sort()).toEqual(PROVINCES.map((p) => p.mspId).sort());
    const types = await c.evaluate<Page<LicenceType>>(c.admin(BJ), TX.ListLicenceTypes, page);
    expect(types.items.map((t) => t.code)).toEqual(LICENCE_TYPES.map((t) => t.code).sort());
    const event = JSON.parse(tx.event!.payload.toString()) as LedgerEventPayload;
    expect(event.name).toBe(EVENT.RegistryChanged);
    expect(event.items.filter((i) => i.entity === 'province' && i.action === 'join')).toHaveLength(3);
  });

  it('is allowed only once', async () => {
    await c.bootstrap(60);
    expect(await rejectionCode(c.submit(c.admin(BJ), TX.Bootstrap, [c.bootstrapInput()]))).toBe(
      'ALREADY_EXISTS',
    );
    expect(
      (await c.evaluate<ConsortiumConfig>(c.admin(BJ), TX.GetConsortium, [])).recognitionNoticeSeconds,
    ).toBe(60);
  });

  it('needs an admin of a founding province', async () => {
    const input = c.bootstrapInput() as { provinces: { mspId: string }[] };
    const withoutGuangdong = { ...input, provinces: input.provinces.filter((p) => p.mspId !== GD) };
    expect(await rejectionCode(c.submit(c.admin(GD), TX.Bootstrap, [withoutGuangdong]))).toBe(
      'ACCESS_DENIED',
    );
    expect(await rejectionCode(c.submit(c.issuer(GD_DRIVING), TX.Bootstrap, [input]))).toBe('ACCESS_DENIED');
    expect(await c.evaluate(c.admin(GD), TX.GetConsortium, [])).toBeNull();
  });

  it('refuses malformed input and reads before bootstrap', async () => {
    expect(await rejectionCode(c.submit(c.admin(GD), TX.Bootstrap, ['{']))).toBe('MALFORMED_JSON');
    expect(
      await rejectionCode(c.submit(c.admin(GD), TX.Bootstrap, [{ ...c.bootstrapInput(), extra: true }])),
    ).toBe('SCHEMA_VIOLATION');
    expect(await rejectionCode(c.evaluate(c.admin(GD), TX.GetProvince, [GD]))).toBe('ACCESS_DENIED');
  });
});

describe('governance by majority', () => {
  let c: Consortium;
  beforeAll(async () => {
    c = await Consortium.start({ agencies: false, seed: 'governance' });
  }, CONSORTIUM_START_MS);
  afterAll(async () => {
    await c.dispose();
  });

  const shanghai = () => ({
    code: '310000',
    mspId: 'ShanghaiMSP',
    name: '上海市',
    signingCaPem: c.pki.rogueCa.certPem,
  });
  const permit = {
    code: 'PC01',
    name: '执业证书',
    holderKind: 'person',
    fields: [{ name: 'holderName', type: 'string', required: true, personal: true }],
    nationallyRecognised: true,
  };

  it('adopts a province once a majority approves, one vote per province', async () => {
    const proposal = await c.submit<Proposal>(c.admin(GD), TX.ProposeProvince, [shanghai()]);
    expect(proposal).toMatchObject({ kind: 'province', state: 'open', approvals: [GD], threshold: 2 });
    expect(await rejectionCode(c.submit(c.admin(GD), TX.ApproveProposal, [proposal.id]))).toBe('CONFLICT');
    expect(await rejectionCode(c.submit(c.issuer(ZJ_DRIVING), TX.ApproveProposal, [proposal.id]))).toBe(
      'ACCESS_DENIED',
    );
    expect(await rejectionCode(c.evaluate(c.admin(GD), TX.GetProvince, ['ShanghaiMSP']))).toBe('NOT_FOUND');

    const adopted = await c.submit<Proposal>(c.admin(ZJ), TX.ApproveProposal, [proposal.id]);
    expect(adopted).toMatchObject({ state: 'adopted', approvals: [GD, ZJ].sort() });
    expect(await c.evaluate<Province>(c.admin(BJ), TX.GetProvince, ['ShanghaiMSP'])).toMatchObject({
      code: '310000',
      status: 'active',
    });
    expect(await rejectionCode(c.submit(c.admin(BJ), TX.ApproveProposal, [proposal.id]))).toBe(
      'PROPOSAL_CLOSED',
    );
    expect(await c.evaluate<Proposal>(c.admin(BJ), TX.GetProposal, [proposal.id])).toEqual(adopted);
  });

  it('needs a majority of the now four provinces for a licence type', async () => {
    const proposal = await c.submit<Proposal>(c.admin(BJ), TX.ProposeLicenceType, [permit]);
    expect(proposal.threshold).toBe(3);
    expect((await c.submit<Proposal>(c.admin(GD), TX.ApproveProposal, [proposal.id])).state).toBe('open');
    expect(await rejectionCode(c.evaluate(c.admin(GD), TX.GetLicenceType, ['PC01']))).toBe(
      'LICENCE_TYPE_UNKNOWN',
    );
    expect((await c.submit<Proposal>(c.admin(ZJ), TX.ApproveProposal, [proposal.id])).state).toBe('adopted');
    expect(await c.evaluate<LicenceType>(c.admin(GD), TX.GetLicenceType, ['PC01'])).toMatchObject({
      code: 'PC01',
    });
    const listed = await c.evaluate<Page<Proposal>>(c.admin(GD), TX.ListProposals, page);
    expect(listed.items.map((p) => p.id)).toContain(proposal.id);
  });

  it.each([
    ['an existing province', TX.ProposeProvince, () => ({ ...shanghai(), code: '440000', mspId: GD })],
    ['a taken province code', TX.ProposeProvince, () => ({ ...shanghai(), mspId: 'OtherMSP' })],
    ['an existing licence type', TX.ProposeLicenceType, () => ({ ...permit, code: 'DL01' })],
  ])('refuses to propose %s', async (_what, tx, input) => {
    expect(await rejectionCode(c.submit(c.admin(GD), tx, [input()]))).toBe('ALREADY_EXISTS');
  });

  it('refuses proposals by non-admins and approvals of unknown proposals', async () => {
    expect(
      await rejectionCode(
        c.submit(c.province(GD).verifier, TX.ProposeLicenceType, [{ ...permit, code: 'ZZ01' }]),
      ),
    ).toBe('ACCESS_DENIED');
    expect(await rejectionCode(c.submit(c.admin(GD), TX.ApproveProposal, ['no-such-proposal']))).toBe(
      'NOT_FOUND',
    );
    expect(await rejectionCode(c.submit(c.admin(GD), TX.ApproveProposal, ['bad id!']))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('agencies and signing keys', () => {
  let c: Consortium;
  beforeAll(async () => {
    c = await Consortium.start({ seed: 'registry' });
  }, CONSORTIUM_START_MS);
  afterAll(async () => {
    await c.dispose();
  });

  it('registers an agency in the caller province and lists it there only', async () => {
    const agency = await c.submit<Agency>(c.admin(ZJ), TX.RegisterAgency, [
      { uscc: NEW_USCC, name: '宁波市市场监督管理局', licenceTypes: ['FP01', 'BL01'] },
    ]);
    expect(agency).toMatchObject({ provinceMsp: ZJ, status: 'active', licenceTypes: ['BL01', 'FP01'] });
    expect(await c.evaluate<Agency>(c.admin(GD), TX.GetAgency, [NEW_USCC])).toEqual(agency);
    const zj = await c.evaluate<Page<Agency>>(c.admin(GD), TX.ListAgencies, [ZJ, ...page]);
    expect(zj.items.map((a) => a.uscc)).toContain(NEW_USCC);
    const gd = await c.evaluate<Page<Agency>>(c.admin(GD), TX.ListAgencies, [GD, ...page]);
    expect(gd.items.map((a) => a.uscc).sort()).toEqual([GD_DRIVING, GD_MARKET].sort());
  });

  it.each([
    [
      'a duplicate USCC',
      () => c.admin(GD),
      { uscc: GD_DRIVING, name: '重复', licenceTypes: ['DL01'] },
      'ALREADY_EXISTS',
    ],
    [
      'a type outside the catalogue',
      () => c.admin(BJ),
      { uscc: makeUscc('91110108MA0123456'), name: '测试', licenceTypes: ['ZZ99'] },
      'LICENCE_TYPE_UNKNOWN',
    ],
    [
      'an issuer',
      () => c.issuer(GD_DRIVING),
      { uscc: makeUscc('91440101MA0123456'), name: '测试', licenceTypes: ['DL01'] },
      'ACCESS_DENIED',
    ],
    [
      'a verifier',
      () => c.province(GD).verifier,
      { uscc: makeUscc('91440101MA0123457'), name: '测试', licenceTypes: ['DL01'] },
      'ACCESS_DENIED',
    ],
    [
      "a USCC issued in another province's region (Guangzhou's 440101, by Beijing)",
      () => c.admin(BJ),
      { uscc: makeUscc('91440101MA0123459'), name: '测试', licenceTypes: ['DL01'] },
      'ACCESS_DENIED',
    ],
    [
      'a USCC of a region code that only starts like the national one (100100)',
      () => c.admin(GD),
      { uscc: makeUscc('91100100MA0123459'), name: '测试', licenceTypes: ['DL01'] },
      'ACCESS_DENIED',
    ],
    [
      'a bad USCC',
      () => c.admin(BJ),
      { uscc: '91110108MA01234560', name: '测试', licenceTypes: ['DL01'] },
      'INVALID_USCC',
    ],
    [
      'an unknown property',
      () => c.admin(BJ),
      { uscc: makeUscc('91110108MA0123458'), name: '测试', licenceTypes: ['DL01'], x: 1 },
      'SCHEMA_VIOLATION',
    ],
  ])('refuses an agency registration with %s', async (_what, who, input, code) => {
    const before = await rejectionCode(c.evaluate(c.admin(GD), TX.GetAgency, [input.uscc]));
    expect(await rejectionCode(c.submit(who(), TX.RegisterAgency, [input]))).toBe(code);
    expect(await rejectionCode(c.evaluate(c.admin(GD), TX.GetAgency, [input.uscc]))).toBe(before);
  });

  it('lets any province register a body registered by a national authority (region 100000)', async () => {
    const national = makeUscc('91100000M00010001');
    const agency = await c.submit<Agency>(c.admin(GD), TX.RegisterAgency, [
      { uscc: national, name: '全国性社会团体', licenceTypes: ['BL01'] },
    ]);
    expect(agency).toMatchObject({ uscc: national, provinceMsp: GD, status: 'active' });
  });

  it('registers keys with the certificate validity and refuses bad certificates', async () => {
    const key = c.agency(GD_DRIVING).key;
    const stored = await c.evaluate<SigningKey>(c.admin(BJ), TX.GetSigningKey, [key.kid]);
    expect(stored).toMatchObject({
      kid: key.kid,
      agencyUscc: GD_DRIVING,
      provinceMsp: GD,
      status: 'active',
      alg: 'ES256',
    });
    expect(stored.notBefore < stored.notAfter).toBe(true);

    const register = (who: ReturnType<Consortium['admin']>, agencyUscc: string, certificatePem: string) =>
      rejectionCode(c.submit(who, TX.RegisterSigningKey, [{ agencyUscc, certificatePem }]));
    expect(await register(c.admin(GD), GD_DRIVING, key.certPem)).toBe('ALREADY_EXISTS');
    // Another agency's certificate, from the right CA: the subject names the wrong agency.
    expect(await register(c.admin(GD), GD_MARKET, c.agency(GD_DRIVING).spareKey.certPem)).toBe(
      'CERTIFICATE_INVALID',
    );
    // A Guangdong certificate filed by Zhejiang for its own agency: wrong CA.
    expect(await register(c.admin(ZJ), ZJ_DRIVING, c.agency(GD_DRIVING).spareKey.certPem)).toBe(
      'CERTIFICATE_INVALID',
    );
    // A client identity certificate is not an agency signing certificate.
    expect(await register(c.admin(GD), GD_DRIVING, c.admin(GD).certificatePem)).toBe('CERTIFICATE_INVALID');
    // Zhejiang cannot register keys for a Guangdong agency.
    expect(await register(c.admin(ZJ), GD_DRIVING, c.agency(GD_DRIVING).spareKey.certPem)).toBe(
      'ACCESS_DENIED',
    );
    expect(await register(c.issuer(GD_DRIVING), GD_DRIVING, c.agency(GD_DRIVING).spareKey.certPem)).toBe(
      'ACCESS_DENIED',
    );
    expect(
      await rejectionCode(c.evaluate(c.admin(GD), TX.GetSigningKey, [c.agency(GD_DRIVING).spareKey.kid])),
    ).toBe('KEY_UNKNOWN');
  });

  it('rotates, retires and marks keys compromised, for the owning province only', async () => {
    const { key, spareKey } = c.agency(GD_MARKET);
    const rotate = { oldKid: key.kid, certificatePem: spareKey.certPem };
    expect(await rejectionCode(c.submit(c.admin(ZJ), TX.RotateSigningKey, [rotate]))).toBe('ACCESS_DENIED');
    const added = await c.submit<SigningKey>(c.admin(GD), TX.RotateSigningKey, [rotate]);
    expect(added).toMatchObject({ kid: spareKey.kid, replaces: key.kid, status: 'active' });
    expect(await c.evaluate<SigningKey>(c.admin(GD), TX.GetSigningKey, [key.kid])).toMatchObject({
      status: 'retired',
    });
    expect(await rejectionCode(c.submit(c.admin(GD), TX.RotateSigningKey, [rotate]))).toBe('KEY_NOT_ACTIVE');
    expect(await rejectionCode(c.submit(c.admin(GD), TX.RetireSigningKey, [key.kid]))).toBe('KEY_NOT_ACTIVE');

    const keys = await c.evaluate<Page<SigningKey>>(c.admin(BJ), TX.ListSigningKeys, [GD_MARKET, ...page]);
    expect(keys.items.map((k) => k.kid).sort()).toEqual([key.kid, spareKey.kid].sort());

    const future = { kid: spareKey.kid, compromisedAt: '2099-01-01T00:00:00.000Z' };
    expect(await rejectionCode(c.submit(c.admin(GD), TX.MarkKeyCompromised, [future]))).toBe(
      'INVALID_ARGUMENT',
    );
    const at = { kid: spareKey.kid, compromisedAt: '2026-09-01T00:00:00.000Z' };
    expect(await rejectionCode(c.submit(c.admin(BJ), TX.MarkKeyCompromised, [at]))).toBe('ACCESS_DENIED');
    expect(await c.submit<SigningKey>(c.admin(GD), TX.MarkKeyCompromised, [at])).toMatchObject({
      status: 'compromised',
      compromisedAt: at.compromisedAt,
    });
    expect(await rejectionCode(c.submit(c.admin(GD), TX.MarkKeyCompromised, [at]))).toBe('CONFLICT');
    // A retired key can still be found compromised later.
    expect(
      (await c.submit<SigningKey>(c.admin(GD), TX.MarkKeyCompromised, [{ ...at, kid: key.kid }])).status,
    ).toBe('compromised');
    expect(await rejectionCode(c.submit(c.admin(GD), TX.RetireSigningKey, ['A'.repeat(22)]))).toBe(
      'KEY_UNKNOWN',
    );
    // A full 43-character thumbprint is not a kid (KID_BYTES keeps 16 bytes): refused before any read.
    expect(await rejectionCode(c.submit(c.admin(GD), TX.RetireSigningKey, ['A'.repeat(43)]))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('retires an agency for its own province only; a retired agency issues nothing', async () => {
    expect(await rejectionCode(c.submit(c.admin(BJ), TX.RetireAgency, [ZJ_DRIVING]))).toBe('ACCESS_DENIED');
    expect(await c.submit<Agency>(c.admin(ZJ), TX.RetireAgency, [ZJ_DRIVING])).toMatchObject({
      status: 'retired',
    });
    expect(await rejectionCode(c.submit(c.admin(ZJ), TX.RetireAgency, [ZJ_DRIVING]))).toBe(
      'AGENCY_NOT_ACTIVE',
    );
    expect(await rejectionCode(c.issue(ZJ_DRIVING, { serial: 'R1' }))).toBe('AGENCY_NOT_ACTIVE');
    const spare = c.agency(ZJ_DRIVING).spareKey.certPem;
    expect(
      await rejectionCode(
        c.submit(c.admin(ZJ), TX.RegisterSigningKey, [{ agencyUscc: ZJ_DRIVING, certificatePem: spare }]),
      ),
    ).toBe('AGENCY_NOT_ACTIVE');
    expect(await rejectionCode(c.submit(c.admin(ZJ), TX.RetireAgency, ['bad']))).toBe('INVALID_USCC');
  });
});

describe('recognition rules', () => {
  let c: Consortium;
  beforeAll(async () => {
    c = await Consortium.start({ agencies: false, seed: 'rules' });
  }, CONSORTIUM_START_MS);
  afterAll(async () => {
    await c.dispose();
  });

  const publish = (rule: object, who = c.admin(ZJ)) =>
    c.submit<RecognitionRule>(who, TX.PublishRecognitionRule, [rule]);
  const inSeconds = (s: number) => new Date(Date.parse(c.nextTime()) + s * 1000).toISOString();
  const effective = (issuer: string, at: string) =>
    c.evaluate<RecognitionRule | null>(c.admin(GD), TX.GetEffectiveRecognition, [ZJ, 'DL01', issuer, at]);

  it('versions rules and enforces the notice period for narrowing and ending', async () => {
    const t0 = c.nextTime();
    const v1 = await publish({ typeCode: 'DL01', issuingMsps: [GD], effectiveFrom: t0 });
    expect(v1).toMatchObject({ version: 1, recognisingMsp: ZJ, issuingMsps: [GD] });
    const v2 = await publish({ typeCode: 'DL01', issuingMsps: ['*'], effectiveFrom: c.nextTime() });
    expect(v2.version).toBe(2);

    expect(
      await rejectionCode(publish({ typeCode: 'DL01', issuingMsps: [BJ], effectiveFrom: c.nextTime() })),
    ).toBe('NOTICE_PERIOD');
    expect(
      await rejectionCode(
        publish({
          typeCode: 'DL01',
          issuingMsps: ['*'],
          effectiveFrom: c.nextTime(),
          effectiveTo: inSeconds(3600),
        }),
      ),
    ).toBe('NOTICE_PERIOD');
    const narrowFrom = inSeconds(86_400 + 60);
    const v3 = await publish({ typeCode: 'DL01', issuingMsps: [BJ], effectiveFrom: narrowFrom });
    expect(v3.version).toBe(3);

    const history = await c.evaluate<RecognitionRule[]>(c.admin(BJ), TX.GetRecognitionRuleHistory, [
      ZJ,
      'DL01',
    ]);
    expect(history.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(await c.evaluate(c.admin(BJ), TX.GetRecognitionRuleHistory, [GD, 'DL01'])).toEqual([]);

    const beforeAll = new Date(Date.parse(t0) - 1000).toISOString();
    expect(await effective(GD, beforeAll)).toBeNull();
    expect((await effective(GD, v2.effectiveFrom))?.version).toBe(2);
    expect((await effective(BJ, v2.effectiveFrom))?.version).toBe(2);
    expect(await effective(GD, narrowFrom)).toBeNull();
    expect((await effective(BJ, narrowFrom))?.version).toBe(3);
  });

  it('refuses backdating, unknown types and provinces, and non-admins', async () => {
    const past = new Date(Date.parse(c.nextTime()) - 10 * 60 * 1000).toISOString();
    expect(await rejectionCode(publish({ typeCode: 'BL01', issuingMsps: ['*'], effectiveFrom: past }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      await rejectionCode(publish({ typeCode: 'ZZ01', issuingMsps: ['*'], effectiveFrom: c.nextTime() })),
    ).toBe('LICENCE_TYPE_UNKNOWN');
    expect(
      await rejectionCode(
        publish({
          typeCode: 'BL01',
          issuingMsps: ['*'],
          localEquivalentType: 'ZZ01',
          effectiveFrom: c.nextTime(),
        }),
      ),
    ).toBe('LICENCE_TYPE_UNKNOWN');
    expect(
      await rejectionCode(
        publish({ typeCode: 'BL01', issuingMsps: ['MarsMSP'], effectiveFrom: c.nextTime() }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await rejectionCode(
        publish(
          { typeCode: 'BL01', issuingMsps: ['*'], effectiveFrom: c.nextTime() },
          c.province(ZJ).verifier,
        ),
      ),
    ).toBe('ACCESS_DENIED');
    expect(await c.evaluate(c.admin(BJ), TX.GetRecognitionRuleHistory, [ZJ, 'BL01'])).toEqual([]);
  });

  it("publishes under the caller's own province only", async () => {
    const rule = await publish(
      { typeCode: 'FP01', issuingMsps: [ZJ], effectiveFrom: c.nextTime() },
      c.admin(GD),
    );
    expect(rule.recognisingMsp).toBe(GD);
    expect(await c.evaluate(c.admin(BJ), TX.GetRecognitionRuleHistory, [ZJ, 'FP01'])).toEqual([]);
  });
});
