import { createHmac, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { LicenceError } from '@licence-ledger/domain';
import { createTokenIssuer, generateIssuerKey } from './issuer';
import { createTokenVerifier } from './tokens';
import type { TokenRejection } from './tokens';

const ISS = 'https://idp.test.invalid/gd';
const AUD = 'urn:licence-ledger:gateway:GuangdongMSP';
const NOW = new Date('2026-11-21T09:00:00Z');
const now = () => NOW;
const T = Math.floor(NOW.getTime() / 1000);

const key = generateIssuerKey();
const issuer = createTokenIssuer({ iss: ISS, audience: AUD, privateKey: key, now });
const verifier = createTokenVerifier({
  issuers: [issuer.trustEntry()],
  audience: AUD,
  clockToleranceSeconds: 30,
  now,
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

const CLAIMS = { role: 'issuer', province: 'GuangdongMSP', agency: '11440000MB2C93756J' };

/** Signs arbitrary header and claims with `signer` (the trusted key unless given). */
function sign(
  payload: JWTPayload,
  header: Record<string, unknown> = {},
  signer: KeyObject = key,
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: issuer.kid, ...header })
    .sign(signer);
}

/** Signs any header with ES256 directly, bypassing jose's own header checks. */
function signRaw(header: Record<string, unknown>, payload: JWTPayload): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

function base(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISS,
    aud: AUD,
    sub: 'clerk-1',
    iat: T - 60,
    exp: T + 600,
    jti: 'j-1',
    ...CLAIMS,
    ...overrides,
  };
}

async function reason(token: string): Promise<TokenRejection | 'accepted'> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(LicenceError);
    expect((err as LicenceError).code).toBe('UNAUTHENTICATED');
    return (err as LicenceError).details?.reason as TokenRejection;
  }
}

describe('access-token verification', () => {
  it('accepts a token minted by the configured issuer and returns the principal', async () => {
    const token = await issuer.mint({ sub: 'clerk-1', ...CLAIMS, role: 'issuer', ttlSeconds: 600 });
    await expect(verifier.verify(token)).resolves.toEqual({
      sub: 'clerk-1',
      role: 'issuer',
      province: 'GuangdongMSP',
      agency: '11440000MB2C93756J',
    });
  });

  it('accepts a hand-signed token with every required claim (baseline for the cases below)', async () => {
    expect(await reason(await sign(base()))).toBe('accepted');
  });

  it('accepts issuers configured as PEM', async () => {
    const pem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    const v = createTokenVerifier({
      issuers: [{ iss: ISS, pem }],
      audience: AUD,
      clockToleranceSeconds: 0,
      now,
    });
    await expect(v.verify(await sign(base()))).resolves.toMatchObject({ sub: 'clerk-1' });
  });

  it.each<[string, () => Promise<string>, TokenRejection]>([
    ['expired', () => sign(base({ iat: T - 7200, exp: T - 3600 })), 'expired'],
    ['expired beyond the clock tolerance', () => sign(base({ exp: T - 31 })), 'expired'],
    ['not yet valid', () => sign(base({ nbf: T + 3600 })), 'not_yet_valid'],
    ['issued in the future', () => sign(base({ iat: T + 3600, exp: T + 7200 })), 'too_old'],
    ['older than 12 hours', () => sign(base({ iat: T - 13 * 3600, exp: T + 600 })), 'too_old'],
    ['living longer than 12 hours', () => sign(base({ iat: T - 60, exp: T + 13 * 3600 })), 'lifetime'],
    ['typ JWT', () => sign(base(), { typ: 'JWT' }), 'type'],
    ['no typ', () => sign(base(), { typ: undefined }), 'type'],
    ['wrong audience', () => sign(base({ aud: 'urn:licence-ledger:gateway:ZhejiangMSP' })), 'audience'],
    ['unknown issuer', () => sign(base({ iss: 'https://evil.invalid' })), 'issuer'],
    ['no issuer', () => sign(base({ iss: undefined })), 'issuer'],
    ['missing jti', () => sign(base({ jti: undefined })), 'claims'],
    ['missing exp', () => sign(base({ exp: undefined })), 'claims'],
    ['missing iat', () => sign(base({ iat: undefined })), 'claims'],
    ['missing sub', () => sign(base({ sub: undefined })), 'claims'],
    ['unknown kid', () => sign(base(), { kid: 'no-such-key' }), 'unknown_key'],
    ['oversized kid', () => sign(base(), { kid: 'k'.repeat(5000) }), 'unknown_key'],
    ['embedded jwk', () => sign(base(), { jwk: issuer.jwks().keys[0] }), 'header'],
    ['jku', () => sign(base(), { jku: 'https://evil.invalid/jwks' }), 'header'],
    ['x5u', () => sign(base(), { x5u: 'https://evil.invalid/cert' }), 'header'],
    [
      'unknown crit',
      () =>
        Promise.resolve(
          signRaw({ alg: 'ES256', typ: 'at+jwt', kid: issuer.kid, crit: ['exp2'], exp2: 1 }, base()),
        ),
      'malformed',
    ],
    ['role outside the enum', () => sign(base({ role: 'superuser' })), 'claims'],
    ['bad province', () => sign(base({ province: 'guangdong' })), 'claims'],
    ['issuer with a bad USCC', () => sign(base({ agency: '11440000MB2C93756X' })), 'claims'],
    ['issuer without agency', () => sign(base({ agency: undefined })), 'claims'],
    ['holder without hid', () => sign(base({ role: 'holder', agency: undefined })), 'claims'],
  ])('rejects a token %s', async (_name, make, expected) => {
    expect(await reason(await make())).toBe(expected);
  });

  it('rejects a token signed by another key under the right kid', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(await reason(await sign(base(), {}, other))).toBe('signature');
  });

  it('rejects HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const pem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: issuer.kid })}.${b64(base())}`;
    const mac = createHmac('sha256', pem).update(input).digest('base64url');
    expect(await reason(`${input}.${mac}`)).toBe('algorithm');
  });

  it.each([['none'], ['None'], ['ES384'], ['RS256'], ['EdDSA']])('rejects alg %s', async (alg) => {
    const input = `${b64({ alg, typ: 'at+jwt', kid: issuer.kid })}.${b64(base())}`;
    expect(await reason(`${input}.`)).toBe('malformed');
    expect(await reason(`${input}.AAAA`)).toBe('algorithm');
  });

  it.each([[''], ['not-a-jwt'], ['a.b'], ['a.b.c.d.e'], ['!!!.???.***'], [`${'a'.repeat(9000)}.b.c`]])(
    'rejects malformed input %j',
    async (token) => {
      expect(['missing', 'malformed']).toContain(await reason(token));
    },
  );

  it('rejects every single-character tamper, including other spellings of the same bytes', async () => {
    const token = await sign(base());
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'),
        async (at, ch) => {
          fc.pre(token[at] !== ch);
          const tampered = token.slice(0, at) + ch + token.slice(at + 1);
          expect(await reason(tampered)).not.toBe('accepted');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses a second spelling of the same signature (regression: base64url trailing bits)', async () => {
    const token = await sign(base());
    const last = token.at(-1)!;
    // The last of 86 signature characters carries 2 unused bits: flipping them keeps the bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const respelled = token.slice(0, -1) + twin;
    expect(Buffer.from(respelled.split('.')[2]!, 'base64url')).toEqual(
      Buffer.from(token.split('.')[2]!, 'base64url'),
    );
    expect(await reason(respelled)).toBe('malformed');
  });

  it('refuses private keys and non-P-256 keys in the configuration', () => {
    const priv = key.export({ format: 'jwk' });
    expect(() =>
      createTokenVerifier({
        issuers: [{ iss: ISS, jwks: { keys: [priv as never] } }],
        audience: AUD,
        clockToleranceSeconds: 0,
      }),
    ).toThrow(TypeError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(() =>
      createTokenVerifier({
        issuers: [{ iss: ISS, pem: rsa.toString() }],
        audience: AUD,
        clockToleranceSeconds: 0,
      }),
    ).toThrow(TypeError);
  });
});

describe('token issuer', () => {
  it('publishes a JWKS whose kid is the RFC 7638 thumbprint used in the header', async () => {
    const jwks = issuer.jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      kid: issuer.kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const token = await issuer.mint({ sub: 'a', role: 'admin', province: 'GuangdongMSP', ttlSeconds: 60 });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: issuer.kid });
  });

  it('gives every token a fresh jti', async () => {
    const jti = async () => {
      const t = await issuer.mint({ sub: 'a', role: 'admin', province: 'GuangdongMSP', ttlSeconds: 60 });
      return (JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
    };
    expect(await jti()).not.toBe(await jti());
  });

  it.each([
    [{ sub: 'a', role: 'admin', province: 'GuangdongMSP', ttlSeconds: 0 }],
    [{ sub: 'a', role: 'admin', province: 'GuangdongMSP', ttlSeconds: 12 * 3600 + 1 }],
    [{ sub: 'a', role: 'issuer', province: 'GuangdongMSP', ttlSeconds: 60 }],
    [{ sub: '', role: 'admin', province: 'GuangdongMSP', ttlSeconds: 60 }],
    [{ sub: 'a', role: 'holder', province: 'GuangdongMSP', holderRef: 'short', ttlSeconds: 60 }],
  ])('refuses to mint what a verifier would reject: %j', async (input) => {
    await expect(issuer.mint(input as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('mints holder tokens carrying hid, read back as holderRef', async () => {
    const hid = 'B'.repeat(43);
    const t = await issuer.mint({
      sub: 'h',
      role: 'holder',
      province: 'GuangdongMSP',
      holderRef: hid,
      ttlSeconds: 60,
    });
    await expect(verifier.verify(t)).resolves.toEqual({
      sub: 'h',
      role: 'holder',
      province: 'GuangdongMSP',
      holderRef: hid,
    });
  });

  it('accepts its private key as a JWK', async () => {
    const fromJwk = createTokenIssuer({
      iss: ISS,
      audience: AUD,
      privateJwk: key.export({ format: 'jwk' }),
      now,
    });
    expect(fromJwk.kid).toBe(issuer.kid);
    const t = await fromJwk.mint({ sub: 'x', role: 'verifier', province: 'ZhejiangMSP', ttlSeconds: 60 });
    await expect(verifier.verify(t)).resolves.toMatchObject({ role: 'verifier', province: 'ZhejiangMSP' });
  });
});
