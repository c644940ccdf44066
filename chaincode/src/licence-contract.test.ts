import { issueAgencySigningKey, issueIdentity } from '@licence-ledger/crypto-config';
import {
  EVENT,
  MAX_ARGUMENT_BYTES,
  MAX_PAGE_SIZE,
  TX,
  sha256b64url,
  rejectionCode,
  LicenceError,
} from '@licence-ledger/domain';
import type { HistoryEntry, LedgerEventPayload, LicenceRecord, Page } from '@licence-ledger/domain';
import {
  BJ,
  BJ_DRIVING,
  CONSORTIUM_START_MS,
  Consortium,
  GD,
  GD_DRIVING,
  GD_MARKET,
  PKI_NOT_BEFORE,
  ZJ,
  ZJ_DRIVING,
} from './test-support';

// Every hook and test here endorses and commits on an embedded ledger; the set-up and the pagination
// tests each start a consortium, and one of those signs and commits MAX_PAGE_SIZE + 5 licences.
jest.setTimeout(CONSORTIUM_START_MS);

let c: Consortium;
let serial = 0;
const nextSerial = (): string => `S${++serial}`;

beforeAll(async () => {
  c = await Consortium.start();
});
afterAll(async () => {
  await c.dispose();
});

/** Expects `promise` to fail with `code` and the licence `id` to be unchanged (or still absent). */
async function deniedWithoutChange(id: string, run: () => Promise<unknown>, code: string): Promise<void> {
  // The record, or the code saying why it is absent.
  const snapshot = () =>
    c.read(id).catch((error: unknown) => {
      if (error instanceof LicenceError) return error.code;
      throw error;
    });
  const before = await snapshot();
  expect(await rejectionCode(run())).toBe(code);
  expect(await snapshot()).toEqual(before);
}

function eventOf(tx: { event?: { name: string; payload: Buffer } }): LedgerEventPayload {
  expect(tx.event).toBeDefined();
  return JSON.parse(tx.event!.payload.toString('utf8')) as LedgerEventPayload;
}

describe('IssueLicence', () => {
  it('stores the record (status 01, revision 1) and emits LicenceIssued', async () => {
    const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
    const tx = await c.endorse(c.issuer(GD_DRIVING), TX.IssueLicence, [request]);
    expect((await c.commit(tx)).code).toBe('VALID');
    const record = await c.read(request.id);
    expect(record).toMatchObject({
      id: request.id,
      status: '01',
      revision: 1,
      issuerMsp: GD,
      provinceCode: '440000',
      kid: c.agency(GD_DRIVING).key.kid,
      commitment: request.commitment,
      statusBy: `${GD}/${GD_DRIVING}`,
    });
    expect(tx.event?.name).toBe(EVENT.LicenceIssued);
    expect(eventOf(tx).items).toEqual([
      {
        entity: 'licence',
        key: request.id,
        action: 'issue',
        status: '01',
        issuerMsp: GD,
        revision: 1,
        reasonCode: 'ISSUED',
      },
    ]);
  });

  it('sets a key-level endorsement policy on the licence key only', async () => {
    const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
    const tx = await c.endorse(c.issuer(GD_DRIVING), TX.IssueLicence, [request]);
    expect(tx.metadataWrites).toHaveLength(1);
    expect(tx.metadataWrites[0]?.key).toContain(request.id);
    expect(tx.metadataWrites[0]?.key.startsWith('\u0000ll.licence\u0000')).toBe(true);
  });

  it('refuses a duplicate identifier', async () => {
    const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
    await c.submit(c.issuer(GD_DRIVING), TX.IssueLicence, [request]);
    await deniedWithoutChange(
      request.id,
      () => c.submit(c.issuer(GD_DRIVING), TX.IssueLicence, [request]),
      'ALREADY_EXISTS',
    );
  });

  describe('denials leave nothing on the ledger', () => {
    const cases: [
      string,
      () =>
        Promise<{ id: string; run: () => Promise<unknown> }> | { id: string; run: () => Promise<unknown> },
      string,
    ][] = [
      [
        'a verifier',
        () => {
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
          return { id: request.id, run: () => c.submit(c.province(GD).verifier, TX.IssueLicence, [request]) };
        },
        'ACCESS_DENIED',
      ],
      [
        'an admin (wrong role)',
        () => {
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
          return { id: request.id, run: () => c.submit(c.admin(GD), TX.IssueLicence, [request]) };
        },
        'ACCESS_DENIED',
      ],
      [
        'an identity without a role',
        () => {
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
          return { id: request.id, run: () => c.submit(c.province(GD).noRole, TX.IssueLicence, [request]) };
        },
        'ACCESS_DENIED',
      ],
      [
        'an issuer of another agency',
        () => {
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
          return { id: request.id, run: () => c.submit(c.issuer(GD_MARKET), TX.IssueLicence, [request]) };
        },
        'ACCESS_DENIED',
      ],
      [
        'an issuer of another province naming the agency',
        async () => {
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
          const forged = await issueIdentity(c.province(ZJ).ca, {
            commonName: 'forged',
            organisation: '浙江省',
            ou: 'client',
            attrs: { 'll.role': 'issuer', 'll.agency': GD_DRIVING, 'll.province': '330000' },
            notBefore: PKI_NOT_BEFORE,
            validDays: 3650,
          });
          const identity = { mspId: ZJ, certificatePem: forged.certPem };
          return { id: request.id, run: () => c.submit(identity, TX.IssueLicence, [request]) };
        },
        'ACCESS_DENIED',
      ],
      [
        'a certificate naming another province code',
        async () => {
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
          const forged = await issueIdentity(c.province(GD).ca, {
            commonName: 'confused',
            organisation: '广东省',
            ou: 'client',
            attrs: { 'll.role': 'issuer', 'll.agency': GD_DRIVING, 'll.province': '330000' },
            notBefore: PKI_NOT_BEFORE,
            validDays: 3650,
          });
          const identity = { mspId: GD, certificatePem: forged.certPem };
          return { id: request.id, run: () => c.submit(identity, TX.IssueLicence, [request]) };
        },
        'ACCESS_DENIED',
      ],
      [
        'a type the agency may not issue',
        () => {
          const { request } = c.signedLicence(GD_MARKET, { serial: nextSerial(), typeCode: 'DL01' });
          return { id: request.id, run: () => c.submit(c.issuer(GD_MARKET), TX.IssueLicence, [request]) };
        },
        'AGENCY_NOT_AUTHORISED',
      ],
      [
        'a type not in the catalogue',
        () => {
          const { request } = c.signedLicence(GD_MARKET, { serial: nextSerial(), typeCode: 'XX99' });
          return { id: request.id, run: () => c.submit(c.issuer(GD_MARKET), TX.IssueLicence, [request]) };
        },
        'LICENCE_TYPE_UNKNOWN',
      ],
      [
        'an identifier of another issuer',
        () => {
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
          const id = c.licenceId(ZJ_DRIVING, nextSerial());
          return { id, run: () => c.submit(c.issuer(GD_DRIVING), TX.IssueLicence, [{ ...request, id }]) };
        },
        'INVALID_IDENTIFIER',
      ],
      [
        'a signature by an unregistered key',
        () => {
          const keyPem = c.agency(GD_DRIVING).spareKey.keyPem;
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial(), keyPem });
          return { id: request.id, run: () => c.submit(c.issuer(GD_DRIVING), TX.IssueLicence, [request]) };
        },
        'INVALID_SIGNATURE',
      ],
      [
        'a commitment changed after signing',
        () => {
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
          const other = c.signedLicence(GD_DRIVING, { serial: 'OTHER' }).request.commitment;
          return {
            id: request.id,
            run: () => c.submit(c.issuer(GD_DRIVING), TX.IssueLicence, [{ ...request, commitment: other }]),
          };
        },
        'INVALID_SIGNATURE',
      ],
      [
        'a commitment whose root does not match its digests',
        () => {
          const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
          const commitment = { ...request.commitment, root: sha256b64url('not the root') };
          return {
            id: request.id,
            run: () => c.submit(c.issuer(GD_DRIVING), TX.IssueLicence, [{ ...request, commitment }]),
          };
        },
        'INVALID_ARGUMENT',
      ],
      [
        'an unregistered kid',
        () => {
          const spare = c.agency(GD_DRIVING).spareKey;
          const { request } = c.signedLicence(GD_DRIVING, {
            serial: nextSerial(),
            kid: spare.kid,
            keyPem: spare.keyPem,
          });
          return { id: request.id, run: () => c.submit(c.issuer(GD_DRIVING), TX.IssueLicence, [request]) };
        },
        'KEY_UNKNOWN',
      ],
      [
        'the key of another agency',
        () => {
          const other = c.agency(GD_MARKET).key;
          const { request } = c.signedLicence(GD_DRIVING, {
            serial: nextSerial(),
            kid: other.kid,
            keyPem: other.keyPem,
          });
          return { id: request.id, run: () => c.submit(c.issuer(GD_DRIVING), TX.IssueLicence, [request]) };
        },
        'KEY_UNKNOWN',
      ],
    ];
    it.each(cases)('refuses %s', async (_what, make, code) => {
      const { id, run } = await make();
      await deniedWithoutChange(id, run, code);
      expect(await rejectionCode(c.read(id))).toBe('NOT_FOUND');
    });
  });

  it.each([
    ['malformed JSON', '{"id":', 'MALFORMED_JSON'],
    ['an unknown property', 'extra', 'SCHEMA_VIOLATION'],
    ['oversized input', 'big', 'PAYLOAD_TOO_LARGE'],
    ['a bad issuer USCC', 'uscc', 'INVALID_USCC'],
    ['a bad identifier', 'id', 'INVALID_IDENTIFIER'],
  ])('refuses %s before reading any state', async (_what, variant, code) => {
    const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
    const arg =
      variant === 'extra'
        ? JSON.stringify({ ...request, holderName: '张三' })
        : variant === 'big'
          ? JSON.stringify({ ...request, pad: 'x'.repeat(MAX_ARGUMENT_BYTES) })
          : variant === 'uscc'
            ? JSON.stringify({ ...request, issuerUscc: '11440000MB2C93756X' })
            : variant === 'id'
              ? JSON.stringify({ ...request, id: `${request.id}0` })
              : variant;
    const tx = rejectionCode(c.endorse(c.issuer(GD_DRIVING), TX.IssueLicence, [arg]));
    expect(await tx).toBe(code);
    expect(await rejectionCode(c.read(request.id))).toBe('NOT_FOUND');
  });
});

describe('signing key status', () => {
  it('refuses retired and compromised keys, and accepts the rotated key', async () => {
    const agency = c.agency(BJ_DRIVING);
    const admin = c.admin(BJ);
    const first = c.signedLicence(BJ_DRIVING, { serial: nextSerial() });
    await c.submit(c.issuer(BJ_DRIVING), TX.IssueLicence, [first.request]);

    await c.submit(admin, TX.RotateSigningKey, [
      { oldKid: agency.key.kid, certificatePem: agency.spareKey.certPem },
    ]);
    const retired = c.signedLicence(BJ_DRIVING, { serial: nextSerial() });
    await deniedWithoutChange(
      retired.request.id,
      () => c.submit(c.issuer(BJ_DRIVING), TX.IssueLicence, [retired.request]),
      'KEY_NOT_ACTIVE',
    );

    const spare = agency.spareKey;
    const rotated = c.signedLicence(BJ_DRIVING, {
      serial: nextSerial(),
      kid: spare.kid,
      keyPem: spare.keyPem,
    });
    expect(
      (await c.submit<LicenceRecord>(c.issuer(BJ_DRIVING), TX.IssueLicence, [rotated.request])).kid,
    ).toBe(spare.kid);

    await c.submit(admin, TX.MarkKeyCompromised, [{ kid: spare.kid, compromisedAt: c.nextTime() }]);
    const compromised = c.signedLicence(BJ_DRIVING, {
      serial: nextSerial(),
      kid: spare.kid,
      keyPem: spare.keyPem,
    });
    await deniedWithoutChange(
      compromised.request.id,
      () => c.submit(c.issuer(BJ_DRIVING), TX.IssueLicence, [compromised.request]),
      'KEY_NOT_ACTIVE',
    );
    // Licences issued before stay on the ledger unchanged.
    expect((await c.read(first.request.id)).status).toBe('01');
  });
});

describe('signing key validity period', () => {
  it('refuses a key once its certificate has expired', async () => {
    const shortLived = await issueAgencySigningKey(c.province(GD).ca, {
      agencyUscc: GD_MARKET,
      agencyName: '广州市市场监督管理局',
      provinceCode: '440000',
      notBefore: new Date(c.nextTime()),
      validDays: 1,
    });
    await c.submit(c.admin(GD), TX.RegisterSigningKey, [
      { agencyUscc: GD_MARKET, certificatePem: shortLived.certPem },
    ]);
    const sign = () =>
      c.signedLicence(GD_MARKET, { serial: nextSerial(), kid: shortLived.kid, keyPem: shortLived.keyPem });
    expect((await c.submit<LicenceRecord>(c.issuer(GD_MARKET), TX.IssueLicence, [sign().request])).kid).toBe(
      shortLived.kid,
    );
    c.advance(2 * 86_400);
    const late = sign().request;
    await deniedWithoutChange(
      late.id,
      () => c.submit(c.issuer(GD_MARKET), TX.IssueLicence, [late]),
      'KEY_NOT_ACTIVE',
    );
  });
});

describe('IssueLicenceBatch', () => {
  it('issues every licence in one transaction with one event listing all', async () => {
    const requests = [1, 2, 3].map(() => c.signedLicence(ZJ_DRIVING, { serial: nextSerial() }).request);
    const tx = await c.endorse(c.issuer(ZJ_DRIVING), TX.IssueLicenceBatch, [requests]);
    expect((await c.commit(tx)).code).toBe('VALID');
    expect(eventOf(tx).items.map((i) => i.key)).toEqual(requests.map((r) => r.id));
    for (const r of requests) expect((await c.read(r.id)).status).toBe('01');
  });

  it('is all or nothing', async () => {
    const good = [1, 2].map(() => c.signedLicence(ZJ_DRIVING, { serial: nextSerial() }).request);
    const bad = {
      ...c.signedLicence(ZJ_DRIVING, { serial: nextSerial() }).request,
      signature: good[0]!.signature,
    };
    expect(await rejectionCode(c.submit(c.issuer(ZJ_DRIVING), TX.IssueLicenceBatch, [[...good, bad]]))).toBe(
      'INVALID_SIGNATURE',
    );
    for (const r of [...good, bad]) expect(await rejectionCode(c.read(r.id))).toBe('NOT_FOUND');
  });

  it('refuses a repeated identifier within the batch', async () => {
    const r = c.signedLicence(ZJ_DRIVING, { serial: nextSerial() }).request;
    expect(await rejectionCode(c.submit(c.issuer(ZJ_DRIVING), TX.IssueLicenceBatch, [[r, r]]))).toBe(
      'SCHEMA_VIOLATION',
    );
    expect(await rejectionCode(c.read(r.id))).toBe('NOT_FOUND');
  });
});

describe('ChangeStatus', () => {
  it('follows the transition table and emits LicenceStatusChanged', async () => {
    const { id } = await c.issue(GD_DRIVING, { serial: nextSerial() });
    const tx = await c.endorse(c.issuer(GD_DRIVING), TX.ChangeStatus, [
      { id, action: 'suspend', reasonCode: 'TRAFFIC_OFFENCE', reasonText: '' },
    ]);
    expect((await c.commit(tx)).code).toBe('VALID');
    expect(eventOf(tx)).toMatchObject({
      name: EVENT.LicenceStatusChanged,
      actorMsp: GD,
      items: [{ key: id, action: 'suspend', status: '02', revision: 2, reasonCode: 'TRAFFIC_OFFENCE' }],
    });
    expect((await c.changeStatus(GD_DRIVING, id, 'reinstate')).status).toBe('01');
    const revoked = await c.changeStatus(GD_DRIVING, id, 'revoke');
    expect(revoked).toMatchObject({ status: '07', revision: 4, statusReasonCode: 'TEST_REASON' });
    await deniedWithoutChange(id, () => c.changeStatus(GD_DRIVING, id, 'reinstate'), 'TERMINAL_STATE');
    await deniedWithoutChange(id, () => c.changeStatus(GD_DRIVING, id, 'cancel'), 'TERMINAL_STATE');
  });

  it('lets the issuing province admin change status', async () => {
    const { id } = await c.issue(GD_DRIVING, { serial: nextSerial() });
    const record = await c.submit<LicenceRecord>(c.admin(GD), TX.ChangeStatus, [
      { id, action: 'annul', reasonCode: 'ISSUED_IN_ERROR', reasonText: '' },
    ]);
    expect(record).toMatchObject({ status: '03', statusBy: `${GD}/admin` });
  });

  it('needs reason text for status 99', async () => {
    const { id } = await c.issue(GD_DRIVING, { serial: nextSerial() });
    await deniedWithoutChange(id, () => c.changeStatus(GD_DRIVING, id, 'other', ''), 'SCHEMA_VIOLATION');
    expect(await c.changeStatus(GD_DRIVING, id, 'other', '系统迁移暂停使用')).toMatchObject({
      status: '99',
      statusReasonText: '系统迁移暂停使用',
    });
  });

  it.each([
    ['reinstate a valid licence', 'reinstate', 'ILLEGAL_TRANSITION'],
    ['transferOut (own transaction)', 'transferOut', 'ILLEGAL_TRANSITION'],
    ['cancelTransfer (own transaction)', 'cancelTransfer', 'ILLEGAL_TRANSITION'],
    ['supersede (own transaction)', 'supersede', 'ILLEGAL_TRANSITION'],
    ['an unknown action', 'destroy', 'SCHEMA_VIOLATION'],
  ])('refuses to %s', async (_what, action, code) => {
    const { id } = await c.issue(GD_DRIVING, { serial: nextSerial() });
    await deniedWithoutChange(id, () => c.changeStatus(GD_DRIVING, id, action), code);
  });

  it.each([
    ['the admin of another province', () => c.admin(ZJ)],
    ['an issuer of another province', () => c.issuer(ZJ_DRIVING)],
    ['an issuer of another agency of the same province', () => c.issuer(GD_MARKET)],
    ['a verifier of the issuing province', () => c.province(GD).verifier],
  ])('refuses %s', async (_what, who) => {
    const { id } = await c.issue(GD_DRIVING, { serial: nextSerial() });
    const run = () =>
      c.submit(who(), TX.ChangeStatus, [{ id, action: 'revoke', reasonCode: 'X', reasonText: '' }]);
    await deniedWithoutChange(id, run, 'ACCESS_DENIED');
  });

  it('reports an unknown licence as NOT_FOUND', async () => {
    const id = c.licenceId(GD_DRIVING, 'NOPE');
    expect(await rejectionCode(c.changeStatus(GD_DRIVING, id, 'suspend'))).toBe('NOT_FOUND');
  });
});

describe('RenewLicence and AmendLicence', () => {
  it('renews: issues the successor and cancels the predecessor with links both ways', async () => {
    const old = await c.issue(GD_DRIVING, { serial: nextSerial() });
    const { request } = c.signedLicence(GD_DRIVING, { serial: nextSerial() });
    const tx = await c.endorse(c.issuer(GD_DRIVING), TX.RenewLicence, [
      { predecessorId: old.id, licence: request },
    ]);
    expect((await c.commit(tx)).code).toBe('VALID');
    expect(eventOf(tx)).toMatchObject({ name: EVENT.LicenceSuperseded });
    expect(await c.read(old.id)).toMatchObject({
      status: '04',
      successor: request.id,
      revision: 2,
      statusReasonCode: 'RENEWED',
    });
    expect(await c.read(request.id)).toMatchObject({ status: '01', predecessor: old.id, revision: 1 });
  });

  it('amends: same serial, higher version', async () => {
    const s = nextSerial();
    const old = await c.issue(GD_DRIVING, { serial: s });
    const { request } = c.signedLicence(GD_DRIVING, { serial: s, version: 2 });
    await c.submit(c.issuer(GD_DRIVING), TX.AmendLicence, [{ predecessorId: old.id, licence: request }]);
    expect(await c.read(old.id)).toMatchObject({
      status: '04',
      successor: request.id,
      statusReasonCode: 'AMENDED',
    });
  });

  it('refuses an amendment with another serial, and a renewal of a terminal licence', async () => {
    const old = await c.issue(GD_DRIVING, { serial: nextSerial() });
    const other = c.signedLicence(GD_DRIVING, { serial: nextSerial(), version: 2 }).request;
    await deniedWithoutChange(
      old.id,
      () => c.submit(c.issuer(GD_DRIVING), TX.AmendLicence, [{ predecessorId: old.id, licence: other }]),
      'INVALID_IDENTIFIER',
    );
    await c.changeStatus(GD_DRIVING, old.id, 'revoke');
    await deniedWithoutChange(
      old.id,
      () => c.submit(c.issuer(GD_DRIVING), TX.RenewLicence, [{ predecessorId: old.id, licence: other }]),
      'TERMINAL_STATE',
    );
    expect(await rejectionCode(c.read(other.id))).toBe('NOT_FOUND');
  });

  it('refuses a renewal by another agency', async () => {
    const old = await c.issue(GD_DRIVING, { serial: nextSerial() });
    const successor = c.signedLicence(GD_MARKET, { serial: nextSerial() }).request;
    await deniedWithoutChange(
      old.id,
      () => c.submit(c.issuer(GD_MARKET), TX.RenewLicence, [{ predecessorId: old.id, licence: successor }]),
      'ACCESS_DENIED',
    );
  });
});

describe('transfers', () => {
  it('transfers out, cancels, transfers again and is accepted by the receiving province', async () => {
    const old = await c.issue(GD_DRIVING, { serial: nextSerial() });
    const out = { id: old.id, toMsp: ZJ, reasonCode: 'HOLDER_MOVED', reasonText: '' };
    const pending = await c.submit<LicenceRecord>(c.issuer(GD_DRIVING), TX.TransferOut, [out]);
    expect(pending).toMatchObject({ status: '06', transfer: { toMsp: ZJ, state: 'pending' } });

    const cancelled = await c.submit<LicenceRecord>(c.issuer(GD_DRIVING), TX.CancelTransfer, [old.id]);
    expect(cancelled.status).toBe('01');
    expect(cancelled.transfer).toBeUndefined();

    await c.submit(c.issuer(GD_DRIVING), TX.TransferOut, [out]);
    const incoming = c.signedLicence(ZJ_DRIVING, { serial: nextSerial() }).request;
    const accept = { predecessorId: old.id, licence: incoming };
    await deniedWithoutChange(
      old.id,
      () => c.submit(c.issuer(BJ_DRIVING), TX.AcceptTransfer, [accept]),
      'ACCESS_DENIED',
    );

    const tx = await c.endorse(c.issuer(ZJ_DRIVING), TX.AcceptTransfer, [accept]);
    expect((await c.commit(tx)).code).toBe('VALID');
    expect(eventOf(tx).name).toBe(EVENT.LicenceTransferred);
    expect(await c.read(old.id)).toMatchObject({
      status: '06',
      successor: incoming.id,
      transfer: { toMsp: ZJ, state: 'accepted', successor: incoming.id },
    });
    expect(await c.read(incoming.id)).toMatchObject({ status: '01', issuerMsp: ZJ, predecessor: old.id });

    await deniedWithoutChange(
      old.id,
      () => c.submit(c.issuer(GD_DRIVING), TX.CancelTransfer, [old.id]),
      'TERMINAL_STATE',
    );
    await deniedWithoutChange(
      old.id,
      () => c.changeStatus(GD_DRIVING, old.id, 'revoke'),
      'ILLEGAL_TRANSITION',
    );
    await deniedWithoutChange(
      old.id,
      () => c.submit(c.issuer(ZJ_DRIVING), TX.AcceptTransfer, [accept]),
      'ILLEGAL_TRANSITION',
    );
  });

  it.each([
    ['to its own province', GD, 'INVALID_ARGUMENT'],
    ['to a non-member', 'ShanghaiMSP', 'NOT_FOUND'],
  ])('refuses a transfer %s', async (_what, toMsp, code) => {
    const { id } = await c.issue(GD_DRIVING, { serial: nextSerial() });
    const run = () =>
      c.submit(c.issuer(GD_DRIVING), TX.TransferOut, [{ id, toMsp, reasonCode: 'X', reasonText: '' }]);
    await deniedWithoutChange(id, run, code);
  });

  it('refuses a transfer by another province and cancelling a transfer that is not pending', async () => {
    const { id } = await c.issue(GD_DRIVING, { serial: nextSerial() });
    const out = { id, toMsp: ZJ, reasonCode: 'X', reasonText: '' };
    await deniedWithoutChange(id, () => c.submit(c.admin(ZJ), TX.TransferOut, [out]), 'ACCESS_DENIED');
    await deniedWithoutChange(
      id,
      () => c.submit(c.issuer(GD_DRIVING), TX.CancelTransfer, [id]),
      'ILLEGAL_TRANSITION',
    );
  });
});

describe('reads', () => {
  it('returns the history newest first with ISO timestamps', async () => {
    const { id } = await c.issue(ZJ_DRIVING, { serial: nextSerial() });
    await c.changeStatus(ZJ_DRIVING, id, 'suspend');
    await c.changeStatus(ZJ_DRIVING, id, 'reinstate');
    const history = await c.evaluate<HistoryEntry<LicenceRecord>[]>(
      c.province(BJ).verifier,
      TX.GetLicenceHistory,
      [id],
    );
    expect(history.map((h) => h.value?.status)).toEqual(['01', '02', '01']);
    expect(history.map((h) => h.value?.revision)).toEqual([3, 2, 1]);
    for (const h of history) {
      expect(h.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(h.txId).toBe(h.value?.lastTxId);
    }
  });

  it('refuses reads of unknown licences and malformed ids', async () => {
    expect(await rejectionCode(c.read(c.licenceId(GD_DRIVING, 'MISSING')))).toBe('NOT_FOUND');
    expect(await rejectionCode(c.read('1.2.156.3005.2.X'))).toBe('INVALID_IDENTIFIER');
    expect(await rejectionCode(c.evaluate(c.admin(GD), TX.GetLicenceHistory, ['nope']))).toBe(
      'INVALID_IDENTIFIER',
    );
  });

  it('answers an unknown transaction with INVALID_ARGUMENT', async () => {
    expect(await rejectionCode(c.ledger.evaluate(c.admin(GD), 'licence:DeleteEverything', []))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('pagination', () => {
  const pageArgs = (size: number | string, bookmark: string) => [String(size), bookmark];

  it('lists by agency page by page without duplicates and ends with an empty bookmark', async () => {
    const fresh = await Consortium.start({ seed: 'pagination' });
    try {
      const requests = Array.from(
        { length: 7 },
        (_, i) => fresh.signedLicence(GD_MARKET, { serial: `P${i}` }).request,
      );
      await fresh.submit(fresh.issuer(GD_MARKET), TX.IssueLicenceBatch, [requests]);
      const seen: string[] = [];
      let bookmark = '';
      let pages = 0;
      do {
        const page = await fresh.evaluate<Page<LicenceRecord>>(fresh.admin(BJ), TX.ListLicencesByAgency, [
          GD_MARKET,
          ...pageArgs(3, bookmark),
        ]);
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((r) => r.id));
        bookmark = page.bookmark;
        pages++;
      } while (bookmark !== '' && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(7);
      expect([...seen].sort()).toEqual(requests.map((r) => r.id).sort());
      const byType = await fresh.evaluate<Page<LicenceRecord>>(fresh.admin(ZJ), TX.ListLicencesByType, [
        'BL01',
        ...pageArgs(50, ''),
      ]);
      expect(byType.items).toHaveLength(7);
      expect(byType.bookmark).toBe('');
      const otherType = await fresh.evaluate<Page<LicenceRecord>>(fresh.admin(ZJ), TX.ListLicencesByType, [
        'FP01',
        ...pageArgs(50, ''),
      ]);
      expect(otherType.items).toHaveLength(0);
    } finally {
      await fresh.dispose();
    }
  });

  it('clamps the page size to MAX_PAGE_SIZE', async () => {
    const fresh = await Consortium.start({ seed: 'clamp' });
    try {
      const requests = Array.from(
        { length: MAX_PAGE_SIZE + 5 },
        (_, i) => fresh.signedLicence(GD_DRIVING, { serial: `C${i}` }).request,
      );
      await fresh.submit(fresh.issuer(GD_DRIVING), TX.IssueLicenceBatch, [requests]);
      const first = await fresh.evaluate<Page<LicenceRecord>>(fresh.admin(GD), TX.ListLicencesByAgency, [
        GD_DRIVING,
        '100000',
        '',
      ]);
      expect(first.items).toHaveLength(MAX_PAGE_SIZE);
      expect(first.bookmark).not.toBe('');
      const rest = await fresh.evaluate<Page<LicenceRecord>>(fresh.admin(GD), TX.ListLicencesByAgency, [
        GD_DRIVING,
        '100000',
        first.bookmark,
      ]);
      expect(rest.items).toHaveLength(5);
      expect(rest.bookmark).toBe('');
      const ids = new Set([...first.items, ...rest.items].map((r) => r.id));
      expect(ids.size).toBe(MAX_PAGE_SIZE + 5);
    } finally {
      await fresh.dispose();
    }
  });

  it.each(['0', '-1', 'x', '2.5'])('refuses page size %p', async (size) => {
    expect(
      await rejectionCode(c.evaluate(c.admin(GD), TX.ListLicencesByAgency, [GD_DRIVING, size, ''])),
    ).toBe('INVALID_ARGUMENT');
  });
});
