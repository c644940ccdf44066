/**
 * Test helpers for anything behind authentication: a token issuer with a fresh key, the matching
 * verifier, and ready-made principals for the demo provinces. Used by the gateway's tests only.
 */
import { createTokenIssuer, generateIssuerKey } from './issuer';
import type { MintInput, TokenIssuer } from './issuer';
import { createTokenVerifier } from './tokens';
import type { TokenVerifier } from './tokens';

/** Issuer name the test kit uses. */
export const TEST_ISS = 'https://idp.test.invalid/guangdong';
/** Audience the test kit uses. */
export const TEST_AUD = 'urn:licence-ledger:gateway:GuangdongMSP';

/** A token issuer and the verifier that trusts it. */
export interface AuthKit {
  readonly issuer: TokenIssuer;
  readonly verifier: TokenVerifier;
  /** Mints a token (ttl 600 s unless given) and returns the Authorization header value. */
  bearer(input: Omit<MintInput, 'ttlSeconds'> & { ttlSeconds?: number }): Promise<string>;
}

/** Creates a fresh issuer/verifier pair. */
export function createAuthKit(options: { now?: () => Date; clockToleranceSeconds?: number } = {}): AuthKit {
  const issuer = createTokenIssuer({
    iss: TEST_ISS,
    audience: TEST_AUD,
    privateKey: generateIssuerKey(),
    ...(options.now ? { now: options.now } : {}),
  });
  const verifier = createTokenVerifier({
    issuers: [issuer.trustEntry()],
    audience: TEST_AUD,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 30,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    issuer,
    verifier,
    bearer: async (input) => `Bearer ${await issuer.mint({ ttlSeconds: 600, ...input })}`,
  };
}

/** Claims of typical callers. */
export const PRINCIPALS = {
  gdIssuer: { sub: 'gd-dmv-clerk-1', role: 'issuer', province: 'GuangdongMSP', agency: '11440000MB2C93756J' },
  gdAdmin: { sub: 'gd-admin-1', role: 'admin', province: 'GuangdongMSP' },
  zjVerifier: {
    sub: 'zj-verifier-1',
    role: 'verifier',
    province: 'ZhejiangMSP',
    agency: '11330000MB1F22343T',
  },
  holder: {
    sub: 'holder-account-1',
    role: 'holder',
    province: 'GuangdongMSP',
    holderRef: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  },
} as const satisfies Record<string, Omit<MintInput, 'ttlSeconds'>>;
