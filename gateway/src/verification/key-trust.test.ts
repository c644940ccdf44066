import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { createCa, issueAgencySigningKey } from '@licence-ledger/crypto-config';
import { checkCertificateChain, kidOfCertificate, type SigningKey } from '@licence-ledger/domain';
import { GD, makeWorld } from './fixtures';
import { KeyTrustCache } from './key-trust';

const DAY = 86_400_000;
const START = new Date('2026-01-01T00:00:00.000Z');

let ca: { certPem: string };
let otherCa: { certPem: string };
let key: SigningKey;
let boundaries: number[];

beforeAll(async () => {
  // The CA is valid 10 days, the key certificate 30 days from two days later: trust holds only
  // where both periods overlap.
  const gdCa = await createCa({
    commonName: 'Guangdong CA',
    organisation: 'Guangdong',
    mspId: GD.msp,
    notBefore: START,
    validDays: 10,
  });
  ca = gdCa;
  otherCa = (await makeWorld()).caZj;
  const k = await issueAgencySigningKey(gdCa, {
    agencyUscc: GD.agency,
    agencyName: 'agency',
    provinceCode: GD.code,
    notBefore: new Date(START.getTime() + 2 * DAY),
    validDays: 30,
  });
  key = {
    docType: 'signingKey',
    kid: k.kid,
    agencyUscc: GD.agency,
    provinceMsp: GD.msp,
    alg: 'ES256',
    certificatePem: k.certPem,
    notBefore: START.toISOString(),
    notAfter: new Date(START.getTime() + 60 * DAY).toISOString(),
    status: 'active',
    registeredAt: START.toISOString(),
  };
  const edges = [new X509Certificate(k.certPem), new X509Certificate(gdCa.certPem)].flatMap((c) => [
    Date.parse(c.validFrom),
    Date.parse(c.validTo),
  ]);
  boundaries = edges.flatMap((t) => [t - 1, t, t + 1]);
});

/** What the verifier decided before this cache existed, for the same inputs. */
function direct(k: SigningKey, kid: string, caPem: string, at: Date): string {
  try {
    if (k.kid !== kid || kidOfCertificate(k.certificatePem) !== kid || k.alg !== 'ES256')
      return 'KEY_MISMATCH';
    checkCertificateChain(k.certificatePem, caPem, at);
    return 'ok';
  } catch {
    return 'CERTIFICATE';
  }
}

function cached(trust: KeyTrustCache, k: SigningKey, kid: string, caPem: string, at: Date): string {
  const r = trust.check(k, kid, caPem, at);
  return r.ok ? 'ok' : r.why;
}

describe('KeyTrustCache', () => {
  it('decides like checking the certificate chain afresh, at any time (incl. every validity edge)', () => {
    const trust = new KeyTrustCache();
    const times = fc.oneof(
      fc.integer({ min: START.getTime() - 5 * DAY, max: START.getTime() + 40 * DAY }),
      fc.constantFrom(...boundaries),
    );
    fc.assert(
      fc.property(times, fc.boolean(), (t, ownCa) => {
        const caPem = ownCa ? ca.certPem : otherCa.certPem;
        const at = new Date(t);
        expect(cached(trust, key, key.kid, caPem, at)).toBe(direct(key, key.kid, caPem, at));
      }),
      { numRuns: 500 },
    );
    // Both outcomes occur, so the property above compares something.
    expect(cached(trust, key, key.kid, ca.certPem, new Date(START.getTime() + 5 * DAY))).toBe('ok');
    expect(cached(trust, key, key.kid, ca.certPem, new Date(START.getTime() + 20 * DAY))).toBe('CERTIFICATE');
  });

  it('is KEY_MISMATCH for a record under another kid or another alg, CERTIFICATE for an unreadable certificate', () => {
    const trust = new KeyTrustCache();
    const at = new Date(START.getTime() + 5 * DAY);
    const otherKid = `${'A'.repeat(21)}A`;
    for (const [record, kid] of [
      [key, otherKid],
      [{ ...key, kid: otherKid }, otherKid],
      [{ ...key, alg: 'ES384' as 'ES256' }, key.kid],
      [{ ...key, certificatePem: 'not a certificate' }, key.kid],
      [{ ...key, certificatePem: otherCa.certPem }, key.kid],
    ] as const) {
      expect(cached(trust, record, kid, ca.certPem, at)).toBe(direct(record, kid, ca.certPem, at));
      expect(cached(trust, record, kid, ca.certPem, at)).not.toBe('ok');
    }
  });

  it('re-examines a kid when its certificate or CA differs from the cached one', () => {
    const trust = new KeyTrustCache();
    const at = new Date(START.getTime() + 5 * DAY);
    expect(cached(trust, key, key.kid, ca.certPem, at)).toBe('ok');
    expect(cached(trust, key, key.kid, otherCa.certPem, at)).toBe('CERTIFICATE');
    expect(cached(trust, { ...key, certificatePem: 'junk' }, key.kid, ca.certPem, at)).toBe('CERTIFICATE');
    expect(cached(trust, key, key.kid, ca.certPem, at)).toBe('ok');
  });

  it('returns the same KeyObject for a kid while its certificate is unchanged', () => {
    const trust = new KeyTrustCache();
    const at = new Date(START.getTime() + 5 * DAY);
    const a = trust.check(key, key.kid, ca.certPem, at);
    const b = trust.check(key, key.kid, ca.certPem, at);
    expect(a.ok && b.ok && a.key === b.key).toBe(true);
  });
});
