import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { type LicenceRecord, type StatusCode } from '@licence-ledger/domain';
import { createReceiptSigner, type ReceiptSigner } from '../keys/receipt-key';
import { createPresentation } from '../presentation/create';
import { tokenLid } from '../presentation/lid';
import {
  DRIVING_TYPE,
  GD,
  ZJ,
  fakeLedger,
  makeKey,
  makeLicence,
  makeWorld,
  memoryReplay,
  type World,
} from './fixtures';
import type { VerificationLedger } from './ports';
import { RegistryCache } from './registry-cache';
import { createVerifier } from './verifier';

const NOW = new Date('2026-06-01T08:00:00.000Z');
const iatOf = (d: Date) => Math.floor(d.getTime() / 1000);

let world: World;
let receiptSigner: ReceiptSigner;

beforeAll(async () => {
  receiptSigner = await createReceiptSigner();
});

beforeEach(async () => {
  world = await makeWorld();
});

function verifierFor(
  opts: {
    myMsp?: string;
    clock?: () => Date;
    ledger?: VerificationLedger;
    replay?: ReturnType<typeof memoryReplay>;
    registry?: RegistryCache;
  } = {},
) {
  return createVerifier({
    ...(opts.registry === undefined ? {} : { registry: opts.registry }),
    ledger: opts.ledger ?? fakeLedger(world),
    replay: opts.replay ?? memoryReplay(),
    myMsp: opts.myMsp ?? ZJ.msp,
    clock: opts.clock ?? (() => NOW),
    clockToleranceSeconds: 30,
    maxTokenTtlSeconds: 600,
    receiptSigner,
  });
}

async function present(disclose: string[] = ['name', 'licenceClass', 'validUntil'], now = NOW) {
  const { token } = await createPresentation({
    licence: world.licence,
    licenceType: DRIVING_TYPE,
    fields: world.fields,
    salts: world.salts,
    disclose,
    key: { kid: world.key.record.kid, privateKey: createPrivateKey(world.key.privateKeyPem) },
    ttlSeconds: 300,
    now,
  });
  return token;
}

/** Signs arbitrary claims with arbitrary header members (for tokens createPresentation refuses to make). */
async function signRaw(
  claims: Record<string, unknown>,
  key: KeyObject,
  header: Record<string, unknown> = {},
) {
  return new CompactSign(Buffer.from(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'ES256', typ: 'llp+jwt', kid: world.key.record.kid, ...header })
    .sign(key);
}

function baseClaims(over: Record<string, unknown> = {}) {
  const iat = iatOf(NOW);
  return {
    lid: tokenLid(world.licence.id),
    // Position 1 of DRIVING_TYPE is licenceClass.
    d: [[1, 'C1', world.salts.licenceClass]],
    iat,
    exp: iat + 300,
    jti: 'AAAAAAAAAAAAAAAA',
    ...over,
  };
}

const agencyKey = () => createPrivateKey(world.key.privateKeyPem);
const setLicence = (patch: Partial<LicenceRecord>) =>
  world.licences.set(world.licence.id, { ...world.licence, ...patch });

describe('createVerifier', () => {
  it('answers VALID under the verifying province rule, with the disclosed fields and the ledger point', async () => {
    const r = await verifierFor().verify({ token: await present(), purpose: '租车' });
    expect(r.result).toBe('VALID');
    expect(r.recognition).toEqual({ basis: 'rule', ruleVersion: 3 });
    expect(r.disclosed).toEqual({ name: '张三', licenceClass: 'C1', validUntil: '2032-01-01' });
    expect(r.licence).toMatchObject({ id: world.licence.id, issuerMsp: GD.msp, status: '01' });
    expect(r.ledger).toEqual({ height: 42, time: '2026-06-01T00:00:00.000Z' });
    expect(r.verifiedAt).toBe(NOW.toISOString());
  });

  it('never discloses a field the holder did not choose', async () => {
    const r = await verifierFor().verify({ token: await present(['licenceClass']) });
    expect(r.result).toBe('VALID');
    expect(Object.keys(r.disclosed ?? {})).toEqual(['licenceClass']);
  });

  it('recognises its own licences as own and nationally recognised types as national', async () => {
    const own = await verifierFor({ myMsp: GD.msp }).verify({ token: await present() });
    expect(own.recognition).toEqual({ basis: 'own' });
    world.types.set('JSZ', { ...world.types.get('JSZ')!, nationallyRecognised: true });
    world.rules.clear();
    const national = await verifierFor().verify({ token: await present() });
    expect(national.result).toBe('VALID');
    expect(national.recognition).toEqual({ basis: 'national' });
  });

  it('reports the local equivalent type of a rule', async () => {
    const key = `${ZJ.msp}/JSZ`;
    world.rules.set(key, [{ ...world.rules.get(key)![0]!, localEquivalentType: 'ZJJSZ' }]);
    const r = await verifierFor().verify({ token: await present() });
    expect(r.recognition).toEqual({ basis: 'rule', ruleVersion: 3, localEquivalentType: 'ZJJSZ' });
  });

  it('signs a receipt (llr+jwt) over the outcome with the gateway receipt key', async () => {
    const r = await verifierFor().verify({ token: await present(), purpose: '租车' });
    const header = decodeProtectedHeader(r.receipt);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'llr+jwt', kid: receiptSigner.kid });
    const { payload } = await compactVerify(r.receipt, await importJWK(receiptSigner.publicJwk(), 'ES256'));
    const body = JSON.parse(Buffer.from(payload).toString()) as Record<string, unknown>;
    expect(body).toMatchObject({
      result: 'VALID',
      lid: world.licence.id,
      verifier: ZJ.msp,
      verifiedAt: r.verifiedAt,
    });
    expect(typeof body.purposeHash).toBe('string');
    expect(body.purposeHash).not.toContain('租车');
  });

  it('is MALFORMED, without touching the ledger, for garbage', async () => {
    const ledger = fakeLedger(world);
    for (const token of ['', 'abc', 'a.b.c', 42, null, { token: 'x' }, 'x'.repeat(3000)]) {
      const r = await verifierFor({ ledger }).verify({ token });
      expect(r.result).toBe('MALFORMED');
      expect(r.ledger).toBeNull();
    }
    expect(ledger.calls).toEqual([]);
  });

  it('is UNKNOWN_KEY for a kid the ledger does not have', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const token = await signRaw(baseClaims(), other, { kid: `${'x'.repeat(21)}A` });
    expect((await verifierFor().verify({ token })).result).toBe('UNKNOWN_KEY');
  });

  it('is INVALID_SIGNATURE when another key signed under a registered kid', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const token = await signRaw(baseClaims(), other);
    expect((await verifierFor().verify({ token })).result).toBe('INVALID_SIGNATURE');
  });

  it('is INVALID_SIGNATURE when the key certificate does not chain to its province CA', async () => {
    world.provinces.set(GD.msp, { ...world.provinces.get(GD.msp)!, signingCaPem: world.caZj.certPem });
    const r = await verifierFor().verify({ token: await present() });
    expect(r.result).toBe('INVALID_SIGNATURE');
    expect(r.reason?.code).toBe('CERTIFICATE');
  });

  it("lets another agency's key name only that agency's licences (the lid carries no USCC)", async () => {
    const stranger = await makeKey(world.caGd, '11440100MB2D15098D', GD.code, GD.msp);
    world.keys.set(stranger.record.kid, stranger.record);
    const token = await signRaw(baseClaims(), createPrivateKey(stranger.privateKeyPem), {
      kid: stranger.record.kid,
    });
    const r = await verifierFor().verify({ token });
    // Rebuilt with the stranger's USCC, the lid's check character no longer holds.
    expect(r.result).toBe('MALFORMED');
    expect(r.reason?.code).toBe('CLAIMS');
    expect(r.licence).toBeUndefined();
  });

  it('is INVALID_SIGNATURE (NOT_ISSUER_KEY) when the key record is not the licence issuer', async () => {
    // Same agency USCC, but a key another province registered: the defence behind the rebuilt id.
    const foreign = await makeKey(world.caZj, GD.agency, ZJ.code, ZJ.msp);
    world.keys.set(foreign.record.kid, foreign.record);
    const token = await signRaw(baseClaims(), createPrivateKey(foreign.privateKeyPem), {
      kid: foreign.record.kid,
    });
    const r = await verifierFor().verify({ token });
    expect(r.result).toBe('INVALID_SIGNATURE');
    expect(r.reason?.code).toBe('NOT_ISSUER_KEY');
  });

  it('is INVALID_SIGNATURE when the on-chain issuer signature does not verify', async () => {
    const sig = world.licence.signature;
    setLicence({ signature: (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) });
    const r = await verifierFor().verify({ token: await present() });
    expect(r.result).toBe('INVALID_SIGNATURE');
    expect(r.reason?.code).toBe('ISSUER_SIGNATURE');
  });

  it('is KEY_REVOKED for a compromised key, whatever iat the token claims', async () => {
    world.keys.set(world.key.record.kid, {
      ...world.key.record,
      status: 'compromised',
      compromisedAt: '2026-06-01T09:00:00.000Z',
    });
    expect((await verifierFor().verify({ token: await present() })).result).toBe('KEY_REVOKED');
  });

  it('is KEY_REVOKED for a key retired before iat, but accepts tokens issued before retirement', async () => {
    const retire = (at: string) =>
      world.keys.set(world.key.record.kid, { ...world.key.record, status: 'retired', retiredAt: at });
    retire('2026-06-01T07:00:00.000Z');
    expect((await verifierFor().verify({ token: await present() })).result).toBe('KEY_REVOKED');
    retire('2026-06-01T08:01:00.000Z');
    expect((await verifierFor().verify({ token: await present() })).result).toBe('VALID');
  });

  it('is KEY_REVOKED when the issuance key was compromised before the licence was issued', async () => {
    const issuance = await makeKey(world.caGd, GD.agency, GD.code, GD.msp);
    const licence = makeLicence(issuance, world.fields, world.salts, '2026000002');
    world.keys.set(issuance.record.kid, {
      ...issuance.record,
      status: 'compromised',
      compromisedAt: '2026-01-01T00:00:00.000Z',
    });
    world.licences.set(licence.id, licence);
    const token = await signRaw(baseClaims({ lid: tokenLid(licence.id) }), agencyKey());
    const r = await verifierFor().verify({ token });
    expect(r.result).toBe('KEY_REVOKED');
    expect(r.reason?.code).toBe('ISSUANCE_KEY_COMPROMISED');
  });

  it('accepts a licence whose issuance key was compromised only after issuance', async () => {
    const issuance = await makeKey(world.caGd, GD.agency, GD.code, GD.msp);
    const licence = makeLicence(issuance, world.fields, world.salts, '2026000003');
    world.keys.set(issuance.record.kid, {
      ...issuance.record,
      status: 'compromised',
      compromisedAt: '2026-03-01T00:00:00.000Z',
    });
    world.licences.set(licence.id, licence);
    const token = await signRaw(baseClaims({ lid: tokenLid(licence.id) }), agencyKey());
    expect((await verifierFor().verify({ token })).result).toBe('VALID');
  });

  it('is TOKEN_EXPIRED from exp on: the clock tolerance never lengthens a token (regression: +30 s)', async () => {
    const token = await present(); // iat NOW, exp NOW + 300 s: the instant the wallet's countdown ends
    const at = (ms: number) => verifierFor({ clock: () => new Date(NOW.getTime() + ms) }).verify({ token });
    expect((await at(299_999)).result).toBe('VALID');
    expect((await at(300_000)).result).toBe('TOKEN_EXPIRED');
    expect((await at(310_000)).result).toBe('TOKEN_EXPIRED');
    expect((await at(329_999)).result).toBe('TOKEN_EXPIRED');
  });

  it('forgives a verifier clock up to the tolerance behind the issuer (iat ahead of it)', async () => {
    const ahead = await signRaw(baseClaims({ iat: iatOf(NOW) + 30, exp: iatOf(NOW) + 330 }), agencyKey());
    expect((await verifierFor().verify({ token: ahead })).result).toBe('VALID');
    const further = await signRaw(baseClaims({ iat: iatOf(NOW) + 31, exp: iatOf(NOW) + 331 }), agencyKey());
    expect((await verifierFor().verify({ token: further })).reason?.code).toBe('IAT_FUTURE');
  });

  it('refuses tokens issued in the future or living longer than the maximum', async () => {
    const future = await signRaw(baseClaims({ iat: iatOf(NOW) + 120, exp: iatOf(NOW) + 300 }), agencyKey());
    expect((await verifierFor().verify({ token: future })).reason?.code).toBe('IAT_FUTURE');
    const long = await signRaw(baseClaims({ exp: iatOf(NOW) + 3600 }), agencyKey());
    expect((await verifierFor().verify({ token: long })).reason?.code).toBe('TTL_TOO_LONG');
    const backwards = await signRaw(baseClaims({ exp: iatOf(NOW) - 1 }), agencyKey());
    expect((await verifierFor().verify({ token: backwards })).result).toBe('MALFORMED');
  });

  it.each([
    ['missing exp', { exp: undefined }],
    ['missing iat', { iat: undefined }],
    ['missing jti', { jti: undefined }],
    ['missing lid', { lid: undefined }],
    ['missing d', { d: undefined }],
    ['string exp', { exp: '9999999999' }],
    ['fractional iat', { iat: 1.5 }],
    ['unknown claim', { nbf: 1 }],
    ['lid with a bad check character', { lid: 'JSZ.2026000001.001.0' }],
    ['lid in the older form with the USCC', { lid: 'JSZ.11440000MB2C93756J.2026000001.001.V' }],
    ['a full identifier as lid', { lid: '1.2.156.3005.2.JSZ.11440000MB2C93756J.2026000001.001.V' }],
    ['d keyed by field name', { d: { name: ['张三', 'salt'] } }],
    ['d keyed by position', { d: { '0': ['张三', 'salt'] } }],
    ['a disclosure that is not a triple', { d: [[0, '张三']] }],
    ['a disclosure with an object value', { d: [[0, {}, 'salt']] }],
    ['a disclosure without a salt', { d: [[0, '张三', 7]] }],
    ['a position that is a string', { d: [['0', '张三', 'salt']] }],
    ['a negative position', { d: [[-1, '张三', 'salt']] }],
    ['a fractional position', { d: [[0.5, '张三', 'salt']] }],
    ['a position no licence type can have', { d: [[64, '张三', 'salt']] }],
    [
      'a repeated position',
      {
        d: [
          [1, 'C1', 'salt'],
          [1, 'C1', 'salt'],
        ],
      },
    ],
    [
      'positions out of order',
      {
        d: [
          [3, '2032-01-01', 'salt'],
          [1, 'C1', 'salt'],
        ],
      },
    ],
  ])('is MALFORMED for signed claims with %s', async (_label, patch) => {
    const token = await signRaw(baseClaims(patch), agencyKey());
    expect((await verifierFor().verify({ token })).result).toBe('MALFORMED');
  });

  it('is NOT_ON_LEDGER for a licence the ledger does not have', async () => {
    const token = await present();
    world.licences.clear();
    expect((await verifierFor().verify({ token })).result).toBe('NOT_ON_LEDGER');
  });

  it('is FIELD_MISMATCH when a disclosed value or salt differs from the commitment', async () => {
    const wrongValue = await signRaw(baseClaims({ d: [[1, 'A1', world.salts.licenceClass]] }), agencyKey());
    expect((await verifierFor().verify({ token: wrongValue })).result).toBe('FIELD_MISMATCH');
    const wrongSalt = await signRaw(baseClaims({ d: [[1, 'C1', world.salts.name]] }), agencyKey());
    expect((await verifierFor().verify({ token: wrongSalt })).result).toBe('FIELD_MISMATCH');
  });

  it('reads positions against the catalogue: another position is another field', async () => {
    // licenceClass's value and salt presented at position 0 (name) do not match name's digest.
    const moved = await signRaw(baseClaims({ d: [[0, 'C1', world.salts.licenceClass]] }), agencyKey());
    const r = await verifierFor().verify({ token: moved });
    expect(r.result).toBe('FIELD_MISMATCH');
    expect(r.reason?.code).toBe('FIELD');
  });

  it('is FIELD_MISMATCH (FIELD_POSITION) for a position the licence type does not have', async () => {
    const beyond = DRIVING_TYPE.fields.length;
    const token = await signRaw(baseClaims({ d: [[beyond, 'O', world.salts.name]] }), agencyKey());
    const r = await verifierFor().verify({ token });
    expect(r.result).toBe('FIELD_MISMATCH');
    expect(r.reason?.code).toBe('FIELD_POSITION');
  });

  it('maps positions to field names in the answer, whatever order the holder chose them in', async () => {
    const r = await verifierFor().verify({ token: await present(['validUntil', 'name']) });
    expect(r.result).toBe('VALID');
    expect(r.disclosed).toEqual({ name: '张三', validUntil: '2032-01-01' });
  });

  it('reads a licence type from the ledger once per verifier (types are immutable)', async () => {
    const ledger = fakeLedger(world);
    const verifier = verifierFor({ ledger });
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
    expect((await verifier.verify({ token: await present(['licenceClass']) })).result).toBe('VALID');
    expect(ledger.calls.filter((call) => call === 'getLicenceType')).toHaveLength(1);
  });

  it('is STATUS_UNAVAILABLE (TYPE_UNKNOWN), never VALID, when the catalogue lacks the type', async () => {
    const token = await present();
    world.types.clear();
    const r = await verifierFor().verify({ token });
    expect(r.result).toBe('STATUS_UNAVAILABLE');
    expect(r.reason?.code).toBe('TYPE_UNKNOWN');
    expect(r.disclosed).toBeUndefined();
  });

  it('is REPLAYED the second time a token is presented', async () => {
    const verifier = verifierFor();
    const token = await present();
    expect((await verifier.verify({ token })).result).toBe('VALID');
    const again = await verifier.verify({ token });
    expect(again.result).toBe('REPLAYED');
    expect(again.disclosed).toBeUndefined();
  });

  it('does not let a forged token burn the jti of a genuine one', async () => {
    const replay = memoryReplay();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = await signRaw(baseClaims(), other);
    expect((await verifierFor({ replay }).verify({ token: forged })).result).toBe('INVALID_SIGNATURE');
    expect(replay.seen.size).toBe(0);
    const genuine = await signRaw(baseClaims(), agencyKey());
    expect((await verifierFor({ replay }).verify({ token: genuine })).result).toBe('VALID');
  });

  it.each<[StatusCode, string]>([
    ['02', 'SUSPENDED'],
    ['03', 'ANNULLED'],
    ['04', 'CANCELLED'],
    ['05', 'EXPIRED'],
    ['06', 'TRANSFERRED'],
    ['07', 'REVOKED'],
    ['99', 'OTHER_STATUS'],
  ])('maps ledger status %s to %s with the recorded reason', async (status, result) => {
    setLicence({ status, statusReasonCode: 'R42', statusReasonText: 'reason text' });
    const r = await verifierFor().verify({ token: await present() });
    expect(r.result).toBe(result);
    expect(r.reason).toEqual({ code: 'R42', text: 'reason text' });
    expect(r.licence?.status).toBe(status);
  });

  it('is EXPIRED when the validity period has ended though the ledger still says 01', async () => {
    world.licences.set(
      world.licence.id,
      makeLicence(world.key, world.fields, world.salts, '2026000001', {
        validFrom: '2026-01-01',
        validUntil: '2026-05-31',
      }),
    );
    const r = await verifierFor().verify({ token: await present() });
    expect(r.result).toBe('EXPIRED');
    expect(r.reason?.code).toBe('VALIDITY_ENDED');
  });

  it('is OTHER_STATUS (NOT_YET_VALID) before the validity period starts', async () => {
    world.licences.set(
      world.licence.id,
      makeLicence(world.key, world.fields, world.salts, '2026000001', {
        validFrom: '2026-06-02',
        validUntil: null,
      }),
    );
    const r = await verifierFor().verify({ token: await present() });
    expect(r.result).toBe('OTHER_STATUS');
    expect(r.reason?.code).toBe('NOT_YET_VALID');
  });

  it('is NOT_RECOGNISED when the verifying province has no rule for the type', async () => {
    world.rules.clear();
    const r = await verifierFor().verify({ token: await present() });
    expect(r.result).toBe('NOT_RECOGNISED');
    expect(r.recognition).toBeUndefined();
  });

  it('is STATUS_UNAVAILABLE, never VALID, when any ledger read fails', async () => {
    const token = await present();
    // Fail the n-th ledger call for every n the happy path makes.
    const probe = fakeLedger(world);
    await verifierFor({ ledger: probe }).verify({ token });
    expect(probe.calls.length).toBeGreaterThan(4);
    for (let n = 1; n <= probe.calls.length; n++) {
      let calls = 0;
      const ledger = fakeLedger(world, { fail: () => ++calls === n });
      const r = await verifierFor({ ledger }).verify({ token });
      expect(r.result).toBe('STATUS_UNAVAILABLE');
    }
  });

  it('leaves the token usable when a ledger read fails after the other checks passed', async () => {
    // Regression guard: the claim comes after every read, so a retry of the same token can be VALID.
    const replay = memoryReplay();
    const token = await present();
    const failing = fakeLedger(world, { fail: (name) => name === 'getRecognitionRuleHistory' });
    expect((await verifierFor({ ledger: failing, replay }).verify({ token })).result).toBe(
      'STATUS_UNAVAILABLE',
    );
    expect(replay.seen.size).toBe(0);
    expect((await verifierFor({ replay }).verify({ token })).result).toBe('VALID');
  });

  it('is STATUS_UNAVAILABLE when the replay store fails', async () => {
    const replay = { ...memoryReplay(), claimJti: () => Promise.reject(new Error('db down')) };
    const r = await verifierFor({ replay }).verify({ token: await present() });
    expect(r.result).toBe('STATUS_UNAVAILABLE');
    expect(r.receipt.split('.')).toHaveLength(3);
  });
});
describe('assess and conclude (the claim settled by the caller)', () => {
  const receiptResult = (r: { receipt: string }) =>
    (JSON.parse(Buffer.from(r.receipt.split('.')[1]!, 'base64url').toString()) as { result: string }).result;

  it('assesses without writing, and names the token id to claim', async () => {
    const replay = memoryReplay();
    const verifier = verifierFor({ replay });
    const token = await present();
    const a = await verifier.assess({ token, purpose: '核验 check' });
    expect(replay.seen.size).toBe(0);
    expect(a.draft.result).toBe('VALID');
    expect(a.draft.licence?.id).toBe(world.licence.id);
    expect(a.claim?.jti).toMatch(/./);
    expect(Date.parse(a.claim!.expIso)).toBeGreaterThan(NOW.getTime());
    const fresh = await verifier.conclude(a, 'fresh');
    expect(fresh.result).toBe('VALID');
    expect(receiptResult(fresh)).toBe('VALID');
  });

  it('concludes REPLAYED or STATUS_UNAVAILABLE, without the licence, when the claim did not stand', async () => {
    const verifier = verifierFor();
    const a = await verifier.assess({ token: await present() });
    const replayed = await verifier.conclude(a, 'replayed');
    expect(replayed).toMatchObject({ result: 'REPLAYED', reason: { code: 'REPLAYED' } });
    expect(replayed.licence).toBeUndefined();
    expect(replayed.disclosed).toBeUndefined();
    expect(receiptResult(replayed)).toBe('REPLAYED');
    const unavailable = await verifier.conclude(a, 'unavailable');
    expect(unavailable).toMatchObject({
      result: 'STATUS_UNAVAILABLE',
      reason: { code: 'CLAIM_UNAVAILABLE' },
    });
    expect(receiptResult(unavailable)).toBe('STATUS_UNAVAILABLE');
    expect(unavailable.ledger).toEqual(a.draft.ledger);
  });

  it('needs no claim for an answer reached before the token was trusted, and keeps that answer', async () => {
    const verifier = verifierFor();
    const forged = await signRaw(baseClaims(), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const a = await verifier.assess({ token: forged });
    expect(a.claim).toBeUndefined();
    expect((await verifier.conclude(a, 'unavailable')).result).toBe('INVALID_SIGNATURE');
  });
});

describe('createVerifier with a RegistryCache', () => {
  let ms: number;
  const cacheOver = (ledger: VerificationLedger, ttlMs = 30_000) =>
    new RegistryCache(ledger, { ttlMs, clock: () => new Date(ms) });
  const compromise = () =>
    world.keys.set(world.key.record.kid, {
      ...world.key.record,
      status: 'compromised',
      compromisedAt: '2026-06-01T07:00:00.000Z',
    });

  beforeEach(() => {
    ms = 0;
  });

  it('reads only the ledger point and the licence (its live status) once the registry is cached', async () => {
    const ledger = fakeLedger(world);
    const verifier = verifierFor({ ledger, registry: cacheOver(ledger) });
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
    ledger.calls.length = 0;
    expect((await verifier.verify({ token: await present(['name']) })).result).toBe('VALID');
    expect([...ledger.calls].sort()).toEqual(['chainInfo', 'readLicence']);
  });

  it('reads the province once per verification, even with nothing cached', async () => {
    const ledger = fakeLedger(world);
    const registry = new RegistryCache(ledger, { ttlMs: 0, writeOnceTtlMs: 0 });
    expect((await verifierFor({ ledger, registry }).verify({ token: await present() })).result).toBe('VALID');
    expect(ledger.calls.filter((c) => c === 'getProvince')).toEqual(['getProvince']);
  });

  it('shows a status change on the next verification when no licence TTL is set (the default)', async () => {
    const ledger = fakeLedger(world);
    const verifier = verifierFor({ ledger, registry: cacheOver(ledger) });
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
    setLicence({ status: '07', statusReasonCode: 'R1', statusReasonText: 'revoked' });
    expect((await verifier.verify({ token: await present() })).result).toBe('REVOKED');
  });

  it('is KEY_REVOKED on the next verification after the compromise event is applied', async () => {
    const ledger = fakeLedger(world);
    const registry = cacheOver(ledger);
    const verifier = verifierFor({ ledger, registry });
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
    compromise();
    registry.invalidate({ entity: 'signingKey', key: world.key.record.kid, action: 'compromise' });
    const r = await verifier.verify({ token: await present() });
    expect(r.result).toBe('KEY_REVOKED');
    expect(r.reason?.code).toBe('KEY_COMPROMISED');
  });

  it('is KEY_REVOKED once the TTL has passed, even when the event was missed', async () => {
    const ledger = fakeLedger(world);
    const verifier = verifierFor({ ledger, registry: cacheOver(ledger, 30_000) });
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
    compromise();
    ms += 30_000;
    expect((await verifier.verify({ token: await present() })).result).toBe('KEY_REVOKED');
  });

  it('without a registry, sees a compromised or retired key on the very next verification', async () => {
    const verifier = verifierFor();
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
    compromise();
    expect((await verifier.verify({ token: await present() })).result).toBe('KEY_REVOKED');
    world.keys.set(world.key.record.kid, {
      ...world.key.record,
      status: 'retired',
      retiredAt: '2026-06-01T07:00:00.000Z',
    });
    expect((await verifier.verify({ token: await present() })).reason?.code).toBe('KEY_RETIRED');
  });

  it('is KEY_REVOKED when the event says the issuance key (not the token key) was compromised', async () => {
    const issuance = await makeKey(world.caGd, GD.agency, GD.code, GD.msp);
    const licence = makeLicence(issuance, world.fields, world.salts, '2026000004');
    world.keys.set(issuance.record.kid, issuance.record);
    world.licences.set(licence.id, licence);
    const ledger = fakeLedger(world);
    const registry = cacheOver(ledger);
    const verifier = verifierFor({ ledger, registry });
    const token = (jti: string) => signRaw(baseClaims({ lid: tokenLid(licence.id), jti }), agencyKey());
    expect((await verifier.verify({ token: await token('CCCCCCCCCCCCCCCC') })).result).toBe('VALID');
    world.keys.set(issuance.record.kid, {
      ...issuance.record,
      status: 'compromised',
      compromisedAt: '2026-01-01T00:00:00.000Z',
    });
    registry.invalidate({ entity: 'signingKey', key: issuance.record.kid, action: 'compromise' });
    const r = await verifier.verify({ token: await token('DDDDDDDDDDDDDDDD') });
    expect(r.reason?.code).toBe('ISSUANCE_KEY_COMPROMISED');
  });

  it('still refuses a changed on-chain issuer signature after the licence verified once', async () => {
    const ledger = fakeLedger(world);
    const verifier = verifierFor({ ledger, registry: cacheOver(ledger) });
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
    const sig = world.licence.signature;
    setLicence({ signature: (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) });
    expect((await verifier.verify({ token: await present() })).reason?.code).toBe('ISSUER_SIGNATURE');
    setLicence({ validUntil: '2099-01-01' });
    expect((await verifier.verify({ token: await present() })).reason?.code).toBe('ISSUER_SIGNATURE');
  });

  it("ends recognition exactly at a cached rule version's effectiveTo, without re-reading it", async () => {
    const key = `${ZJ.msp}/JSZ`;
    world.rules.set(key, [{ ...world.rules.get(key)![0]!, effectiveTo: '2026-06-01T08:00:01.000Z' }]);
    const ledger = fakeLedger(world);
    let now = NOW;
    const verifier = verifierFor({ ledger, registry: cacheOver(ledger), clock: () => now });
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
    now = new Date('2026-06-01T08:00:01.000Z');
    expect((await verifier.verify({ token: await present() })).result).toBe('NOT_RECOGNISED');
    expect(ledger.calls.filter((c) => c === 'getRecognitionRuleHistory')).toHaveLength(1);
  });

  it('recognises a rule published after a NOT_RECOGNISED answer on the next verification', async () => {
    const rules = world.rules.get(`${ZJ.msp}/JSZ`)!;
    world.rules.clear();
    const ledger = fakeLedger(world);
    const verifier = verifierFor({ ledger, registry: cacheOver(ledger) });
    expect((await verifier.verify({ token: await present() })).result).toBe('NOT_RECOGNISED');
    world.rules.set(`${ZJ.msp}/JSZ`, rules);
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
  });

  it('is STATUS_UNAVAILABLE, never VALID, when any read fails with a warm cache', async () => {
    let failAt = 0;
    let calls = 0;
    const ledger = fakeLedger(world, { fail: () => ++calls === failAt });
    const registry = cacheOver(ledger);
    const verifier = verifierFor({ ledger, registry });
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
    for (const n of [1, 2]) {
      calls = 0;
      failAt = n;
      expect((await verifier.verify({ token: await present() })).result).toBe('STATUS_UNAVAILABLE');
    }
    failAt = 0;
    expect((await verifier.verify({ token: await present() })).result).toBe('VALID');
  });
});
