/** The verified-token memory of the access-token verifier: it saves signature checks, never widens acceptance. */
import { SignJWT, jwtVerify } from 'jose';
import { LicenceError } from '@licence-ledger/domain';
import { createTokenIssuer, generateIssuerKey } from './issuer';
import { createTokenVerifier } from './tokens';

jest.mock('jose', () => {
  const actual = jest.requireActual<typeof import('jose')>('jose');
  return { ...actual, jwtVerify: jest.fn(actual.jwtVerify) };
});
const signatureChecks = jwtVerify as jest.MockedFunction<typeof jwtVerify>;

const ISS = 'https://idp.test.invalid/gd';
const AUD = 'urn:licence-ledger:gateway:GuangdongMSP';
const T0 = Date.parse('2026-11-21T09:00:00Z');
const CLAIMS = {
  sub: 'clerk-1',
  role: 'issuer',
  province: 'GuangdongMSP',
  agency: '11440000MB2C93756J',
} as const;

function setUp(cacheEntries?: number) {
  let t = T0;
  const clock = { set: (ms: number) => (t = ms) };
  const now = () => new Date(t);
  const privateKey = generateIssuerKey();
  const issuer = createTokenIssuer({ iss: ISS, audience: AUD, privateKey, now });
  const verifier = createTokenVerifier({
    issuers: [issuer.trustEntry()],
    audience: AUD,
    clockToleranceSeconds: 30,
    now,
    ...(cacheEntries === undefined ? {} : { cacheEntries }),
  });
  return { clock, issuer, verifier, privateKey };
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    if (!(err instanceof LicenceError)) throw err;
    return String(err.details?.reason);
  }
}

beforeEach(() => signatureChecks.mockClear());

describe('verified-token memory', () => {
  it('checks a token’s signature once, then answers the same principal from memory', async () => {
    const { issuer, verifier } = setUp();
    const token = await issuer.mint({ ...CLAIMS, ttlSeconds: 600 });
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toEqual(first);
    expect(await verifier.verify(token)).toEqual(first);
    expect(signatureChecks).toHaveBeenCalledTimes(1);
  });

  it('checks every call again when the memory is turned off', async () => {
    const { issuer, verifier } = setUp(0);
    const token = await issuer.mint({ ...CLAIMS, ttlSeconds: 600 });
    await verifier.verify(token);
    await verifier.verify(token);
    expect(signatureChecks).toHaveBeenCalledTimes(2);
  });

  it('refuses a remembered token once it expires (beyond the clock tolerance)', async () => {
    const { clock, issuer, verifier } = setUp();
    const token = await issuer.mint({ ...CLAIMS, ttlSeconds: 600 });
    await verifier.verify(token);
    clock.set(T0 + 600_000 + 29_000);
    expect(await reason(verifier.verify(token))).toBe('accepted');
    clock.set(T0 + 600_000 + 31_000);
    expect(await reason(verifier.verify(token))).toBe('expired');
  });

  it('refuses a remembered token when the clock goes back before its iat (beyond the tolerance)', async () => {
    const { clock, issuer, verifier } = setUp();
    const token = await issuer.mint({ ...CLAIMS, ttlSeconds: 600 });
    await verifier.verify(token);
    clock.set(T0 - 31_000);
    expect(await reason(verifier.verify(token))).not.toBe('accepted');
  });

  // Regression: the remembered window started at the earlier of nbf and iat, so a clock set back
  // between them accepted a token jose itself refuses as not yet valid.
  it('refuses a remembered token when the clock goes back before its nbf (beyond the tolerance)', async () => {
    const { clock, issuer, verifier, privateKey } = setUp();
    const t0 = Math.floor(T0 / 1000);
    const token = await new SignJWT({ ...CLAIMS, jti: 'nbf-1' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: issuer.kid })
      .setIssuer(ISS)
      .setAudience(AUD)
      .setIssuedAt(t0)
      .setNotBefore(t0 + 600)
      .setExpirationTime(t0 + 1200)
      .sign(privateKey);
    clock.set(T0 + 600_000);
    expect(await reason(verifier.verify(token))).toBe('accepted');
    clock.set(T0 + 300_000);
    expect(await reason(verifier.verify(token))).toBe('not_yet_valid');
  });

  it('never remembers a refused token: each attempt is checked and refused again', async () => {
    const { issuer, verifier } = setUp();
    const token = await issuer.mint({ ...CLAIMS, ttlSeconds: 600 });
    const sig = token.split('.')[2]!;
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect(await reason(verifier.verify(forged))).toBe('signature');
    expect(await reason(verifier.verify(forged))).toBe('signature');
    expect(signatureChecks).toHaveBeenCalledTimes(2);
    // The genuine token is unaffected by the forgery attempts.
    expect(await reason(verifier.verify(token))).toBe('accepted');
  });
});
