import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import QRCode from 'qrcode';
import { commit, saltFields, rejectionCode } from '@licence-ledger/domain';
import { DRIVING_TYPE, makeLicence, makeWorld, type World } from '../verification/fixtures';
import { createPresentation, type PresentationRequest } from './create';
import { tokenLid } from './lid';
import { qrInfo, renderQr } from './qr';

const NOW = new Date('2026-06-01T08:00:00.000Z');
/** The fields a holder would show at a roadside check; licenceNumber (the holder's ID) is not among them. */
const DEFAULT_DISCLOSURE = ['name', 'licenceClass', 'validUntil'];
/** GATEWAY.md's budget for a token disclosing three fields. */
const TOKEN_BUDGET_BYTES = 480;
/** Byte capacities of QR versions at level M (ISO/IEC 18004, byte mode). */
const QR_M_BYTES = { 16: 450, 17: 504 } as const;

let world: World;
beforeAll(async () => {
  world = await makeWorld();
});

function request(over: Partial<PresentationRequest> = {}): PresentationRequest {
  return {
    licence: world.licence,
    licenceType: DRIVING_TYPE,
    fields: world.fields,
    salts: world.salts,
    disclose: DEFAULT_DISCLOSURE,
    key: { kid: world.key.record.kid, privateKey: createPrivateKey(world.key.privateKeyPem) },
    ttlSeconds: 300,
    now: NOW,
    ...over,
  };
}

describe('createPresentation', () => {
  it('signs a compact ES256 JWS with typ llp+jwt, the kid, and the chosen fields only', async () => {
    const p = await createPresentation(request());
    expect(decodeProtectedHeader(p.token)).toEqual({
      alg: 'ES256',
      typ: 'llp+jwt',
      kid: world.key.record.kid,
    });
    const { payload } = await compactVerify(p.token, createPrivateKey(world.key.privateKeyPem));
    const claims = JSON.parse(Buffer.from(payload).toString()) as Record<string, unknown>;
    // Neither the constant prefix nor the issuer USCC: the verifier rebuilds both.
    expect(claims.lid).toBe(tokenLid(world.licence.id));
    expect(claims.lid).toMatch(/^JSZ\.2026000001\.001\.[0-9A-Z]$/);
    // Fields by position in DRIVING_TYPE.fields (name 0, licenceClass 1, validUntil 3).
    expect(claims.d).toEqual([
      [0, '张三', world.salts.name],
      [1, 'C1', world.salts.licenceClass],
      [3, '2032-01-01', world.salts.validUntil],
    ]);
    expect(claims.exp).toBe((claims.iat as number) + 300);
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(p.expiresAt).toBe('2026-06-01T08:05:00.000Z');
    expect(p.bytes).toBe(p.token.length);
  });

  it('orders disclosures by position whatever order they were asked in', async () => {
    const p = await createPresentation(request({ disclose: ['validUntil', 'name', 'licenceClass'] }));
    const { payload } = await compactVerify(p.token, createPrivateKey(world.key.privateKeyPem));
    const claims = JSON.parse(Buffer.from(payload).toString()) as { d: unknown[][] };
    expect(claims.d.map((entry) => entry[0])).toEqual([0, 1, 3]);
  });

  it('gives every token a fresh jti', async () => {
    const [a, b] = await Promise.all([createPresentation(request()), createPresentation(request())]);
    expect(a.jti).not.toBe(b.jti);
  });

  it('refuses unknown, repeated or too many field names with INVALID_ARGUMENT', async () => {
    expect(await rejectionCode(createPresentation(request({ disclose: ['bloodType'] })))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await rejectionCode(createPresentation(request({ disclose: ['name', 'name'] })))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await rejectionCode(createPresentation(request({ disclose: ['__proto__'] })))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      await rejectionCode(
        createPresentation(request({ disclose: Array.from({ length: 65 }, (_, i) => `f${i}`) })),
      ),
    ).toBe('INVALID_ARGUMENT');
  });

  it('refuses a field the licence type does not list, even when the stored content has it', async () => {
    const licenceType = { ...DRIVING_TYPE, fields: DRIVING_TYPE.fields.filter((f) => f.name !== 'name') };
    expect(await rejectionCode(createPresentation(request({ licenceType })))).toBe('INVALID_ARGUMENT');
  });

  it("refuses a licence type other than the licence's", async () => {
    const licenceType = { ...DRIVING_TYPE, code: 'YYZZ' };
    expect(await rejectionCode(createPresentation(request({ licenceType })))).toBe('INVALID_ARGUMENT');
  });

  it('refuses a licence whose id is not a GB/T 36904 identifier of its issuer', async () => {
    const foreign = { ...world.licence, issuerUscc: '11440100MB2D15098D' };
    expect(await rejectionCode(createPresentation(request({ licence: foreign })))).toBe('INVALID_ARGUMENT');
    const unprefixed = { ...world.licence, id: world.licence.id.slice('1.2.156.3005.2.'.length) };
    expect(await rejectionCode(createPresentation(request({ licence: unprefixed })))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('may disclose every field, or none', async () => {
    const all = await createPresentation(request({ disclose: Object.keys(world.fields) }));
    expect(all.token.split('.')).toHaveLength(3);
    const none = await createPresentation(request({ disclose: [] }));
    expect(none.bytes).toBeLessThan(all.bytes);
  });

  it('refuses a lifetime that is not a positive integer of at most an hour', async () => {
    for (const ttlSeconds of [0, -1, 1.5, 3601, Number.NaN]) {
      expect(await rejectionCode(createPresentation(request({ ttlSeconds })))).toBe('INVALID_ARGUMENT');
    }
  });

  it('refuses to present stored content that does not match the on-chain commitment', async () => {
    const fields = { ...world.fields, licenceClass: 'A1' };
    expect(await rejectionCode(createPresentation(request({ fields })))).toBe('INTERNAL');
  });

  it('signs with whatever key it is given (the caller picks the agency active key)', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const p = await createPresentation(request({ key: { kid: 'k1', privateKey: other.privateKey } }));
    await expect(compactVerify(p.token, other.publicKey)).resolves.toBeDefined();
  });
});

describe('presentation size', () => {
  // Measured: 450 bytes = header 83 (kid of 22 characters) + payload 279 + signature 86 + 2 dots,
  // QR version 16 at level M (81 modules), where the format with 43-character kids, field names and
  // the issuer USCC in lid needed 542 bytes and version 18.
  it('meets the 480-byte budget for three disclosed fields', async () => {
    const p = await createPresentation(request());
    expect(p.bytes).toBeLessThanOrEqual(TOKEN_BUDGET_BYTES);
  });

  it('keeps a three-field driving-licence token within QR version 16 at level M (measured)', async () => {
    const p = await createPresentation(request());
    expect(p.bytes).toBeLessThanOrEqual(QR_M_BYTES[16]);
    expect(qrInfo(p.token)).toMatchObject({ errorCorrectionLevel: 'M' });
    expect(qrInfo(p.token).version).toBeLessThanOrEqual(16);
  });

  // Measured: 495 bytes, QR version 17 at level M: over the budget. A 10-character name with a
  // middle dot (29 bytes of UTF-8 against 6 for 张三), an 18-character serial and class A1A2D.
  it('keeps a long-name, long-serial driving licence within QR version 17 at level M (measured)', async () => {
    const fields = { ...world.fields, name: '阿卜杜热合曼·买买提', licenceClass: 'A1A2D' };
    const salts = saltFields(fields);
    const licence = makeLicence(world.key, fields, salts, '440300202600000001');
    const p = await createPresentation(request({ licence, fields, salts }));
    expect(p.bytes).toBeGreaterThan(TOKEN_BUDGET_BYTES);
    expect(p.bytes).toBeLessThanOrEqual(QR_M_BYTES[17]);
    expect(qrInfo(p.token)).toMatchObject({ errorCorrectionLevel: 'M' });
    expect(qrInfo(p.token).version).toBeLessThanOrEqual(17);
  });

  it('does not grow with undisclosed fields (the holder ID stays out)', async () => {
    const fields = { ...world.fields, address: '广东省深圳市福田区某某路1号' };
    const salts = { ...world.salts, ...saltFields({ address: fields.address }) };
    const licence = { ...world.licence, commitment: commit(fields, salts) };
    const small = await createPresentation(request());
    const bigger = await createPresentation(request({ licence, fields, salts }));
    expect(bigger.bytes).toBe(small.bytes);
    expect(bigger.token).not.toContain(Buffer.from('440301199001011234').toString('base64url'));
  });
});

describe('renderQr', () => {
  it('renders PNG and SVG at error correction level M', async () => {
    const { token } = await createPresentation(request());
    const png = await renderQr(token, 'png');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const svg = await renderQr(token, 'svg');
    expect(svg.startsWith('<svg')).toBe(true);
    const info = qrInfo(token);
    expect(info.modules).toBe(17 + 4 * info.version);
    expect(QRCode.create(token, { errorCorrectionLevel: 'M' }).version).toBe(info.version);
    // Two renderings of a version-16 code (PNG encoding included): about 1 s idle, 5 s on a third of a core.
  }, 60_000);

  it('falls back to level L only when the data does not fit at M', () => {
    expect(qrInfo('x'.repeat(2400)).errorCorrectionLevel).toBe('L');
    expect(qrInfo('x'.repeat(100)).errorCorrectionLevel).toBe('M');
  });
});
