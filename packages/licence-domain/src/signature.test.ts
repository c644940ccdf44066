import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { thrownLicenceError } from './errors';
import type { IssuanceStatement } from './model';
import {
  KID_BYTES,
  KID_PATTERN,
  checkCertificateChain,
  jwkThumbprint,
  kidOfCertificate,
  kidOfPublicKey,
  p256PublicJwk,
  signStatement,
  statementBytes,
  verifyStatement,
} from './signature';

type PemName =
  | 'caA'
  | 'caB'
  | 'caLate'
  | 'leaf'
  | 'leafOfCaB'
  | 'forgedLeaf'
  | 'rsaLeaf'
  | 'p384Leaf'
  | 'intermediate'
  | 'leafOfLateCa';
interface Fixtures {
  validity: { leaf: { notBefore: string; notAfter: string } };
  thumbprints: {
    name: string;
    jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
    thumbprint: string;
  }[];
  leafThumbprint: string;
  leafKid: string;
  pem: Record<PemName, string>;
  privateKeys: { leaf: string; other: string };
  chainCases: { name: string; cert: PemName; ca: PemName; at: string; ok?: boolean; reason?: string }[];
}
const fx = JSON.parse(
  readFileSync(join(__dirname, '..', 'test-vectors', 'certificates.json'), 'utf8'),
) as Fixtures;

const STATEMENT: IssuanceStatement = {
  id: '1.2.156.3005.2.JSZ.11440000MB2C93756J.2026000001.001.V',
  typeCode: 'JSZ',
  issuerUscc: '11440000MB2C93756J',
  kid: fx.leafKid,
  commitmentRoot: 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0',
  validFrom: '2026-11-21',
  validUntil: '2032-11-20',
};

describe('statementBytes', () => {
  it('is the canonical JSON of the seven statement members', () => {
    expect(statementBytes(STATEMENT).toString('utf8')).toBe(
      `{"commitmentRoot":"${STATEMENT.commitmentRoot}","id":"${STATEMENT.id}","issuerUscc":"11440000MB2C93756J",` +
        `"kid":"${fx.leafKid}","typeCode":"JSZ","validFrom":"2026-11-21","validUntil":"2032-11-20"}`,
    );
  });

  it('ignores extra properties and member order', () => {
    const extended = { status: '01', ...STATEMENT } as IssuanceStatement;
    expect(statementBytes(extended).equals(statementBytes(STATEMENT))).toBe(true);
  });

  it('keeps a null validUntil', () => {
    expect(statementBytes({ ...STATEMENT, validUntil: null }).toString()).toContain('"validUntil":null');
  });
});

describe('signStatement / verifyStatement', () => {
  const signature = signStatement(STATEMENT, fx.privateKeys.leaf);

  it('produces a 64-byte IEEE P1363 signature in base64url', () => {
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
  });

  it('verifies with node:crypto directly over the canonical bytes', () => {
    const bytes = Buffer.from(statementBytes(STATEMENT));
    const key = new X509Certificate(fx.pem.leaf).publicKey;
    expect(
      verify('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url')),
    ).toBe(true);
  });

  it('verifies with the certificate, the public key PEM or a KeyObject', () => {
    const privateKey = createPrivateKey(fx.privateKeys.leaf);
    const publicKey = createPublicKey(privateKey);
    expect(verifyStatement(STATEMENT, signature, fx.pem.leaf)).toBe(true);
    expect(verifyStatement(STATEMENT, signature, publicKey)).toBe(true);
    expect(
      verifyStatement(STATEMENT, signature, publicKey.export({ format: 'pem', type: 'spki' }).toString()),
    ).toBe(true);
    expect(verifyStatement(STATEMENT, signature, privateKey)).toBe(true);
  });

  it('signs with a KeyObject as well as a PEM', () => {
    const sig = signStatement(STATEMENT, createPrivateKey(fx.privateKeys.leaf));
    expect(verifyStatement(STATEMENT, sig, fx.pem.leaf)).toBe(true);
  });

  it('accepts a signature made by another ES256 implementation (WebCrypto-style P1363)', () => {
    const other = sign('sha256', statementBytes(STATEMENT), {
      key: createPrivateKey(fx.privateKeys.leaf),
      dsaEncoding: 'ieee-p1363',
    });
    expect(verifyStatement(STATEMENT, other.toString('base64url'), fx.pem.leaf)).toBe(true);
  });

  it('fails for a different key', () => {
    expect(verifyStatement(STATEMENT, signature, fx.pem.leafOfCaB)).toBe(false);
    expect(verifyStatement(STATEMENT, signStatement(STATEMENT, fx.privateKeys.other), fx.pem.leaf)).toBe(
      false,
    );
  });

  it.each(['id', 'typeCode', 'issuerUscc', 'kid', 'commitmentRoot', 'validFrom', 'validUntil'] as const)(
    'fails when %s changes',
    (member) => {
      const changed = { ...STATEMENT, [member]: member === 'validUntil' ? null : `${STATEMENT[member]}x` };
      expect(verifyStatement(changed, signature, fx.pem.leaf)).toBe(false);
    },
  );

  it('fails for every single-byte tamper of the signature', () => {
    const bytes = Buffer.from(signature, 'base64url');
    const accepted: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      if (verifyStatement(STATEMENT, tampered.toString('base64url'), fx.pem.leaf)) accepted.push(i);
    }
    expect(accepted).toEqual([]);
    fc.assert(
      fc.property(fc.nat(63), fc.integer({ min: 1, max: 255 }), (i, xor) => {
        const tampered = Buffer.from(bytes);
        tampered[i] = (tampered[i] ?? 0) ^ xor;
        expect(verifyStatement(STATEMENT, tampered.toString('base64url'), fx.pem.leaf)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('fails for every single-byte tamper of the signed bytes', () => {
    const bytes = statementBytes(STATEMENT);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 127 }), (i, xor) => {
        const tampered = Buffer.from(bytes);
        tampered[i] = (tampered[i] ?? 0) ^ xor;
        let statement: IssuanceStatement;
        try {
          statement = JSON.parse(tampered.toString('utf8')) as IssuanceStatement;
        } catch {
          return; // the tamper broke the JSON: nothing left to verify
        }
        let same: boolean;
        try {
          same = statementBytes(statement).equals(bytes);
        } catch {
          same = false; // e.g. a renamed member: the statement has no canonical form any more
        }
        fc.pre(!same);
        expect(verifyStatement(statement, signature, fx.pem.leaf)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['an empty signature', ''],
    ['a 63-byte signature', Buffer.alloc(63, 1).toString('base64url')],
    ['a 65-byte signature', Buffer.alloc(65, 1).toString('base64url')],
    ['an all-zero signature', Buffer.alloc(64).toString('base64url')],
    ['padded base64url', `${'A'.repeat(86)}==`],
    ['standard base64', Buffer.alloc(64, 0xfb).toString('base64')],
    ['a non-string', 64],
  ])('is false, not an exception, for %s', (_name, sig) => {
    expect(verifyStatement(STATEMENT, sig as string, fx.pem.leaf)).toBe(false);
  });

  it('is false for a DER-encoded signature of the same statement', () => {
    const der = sign('sha256', statementBytes(STATEMENT), createPrivateKey(fx.privateKeys.leaf));
    expect(verifyStatement(STATEMENT, der.toString('base64url'), fx.pem.leaf)).toBe(false);
  });

  it.each([
    ['an RSA certificate', () => fx.pem.rsaLeaf],
    ['a P-384 certificate', () => fx.pem.p384Leaf],
    ['garbage PEM', () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
    ['an empty string', () => ''],
    ['an Ed25519 key', () => generateKeyPairSync('ed25519').publicKey],
    ['a plain object', () => ({ kty: 'EC' })],
    ['null', () => null],
  ])('is false for %s as the key', (_name, key) => {
    expect(verifyStatement(STATEMENT, signature, key() as string)).toBe(false);
  });

  it('is false for a malformed statement', () => {
    expect(
      verifyStatement(
        { ...STATEMENT, validFrom: undefined } as unknown as IssuanceStatement,
        signature,
        fx.pem.leaf,
      ),
    ).toBe(false);
    expect(verifyStatement(null as unknown as IssuanceStatement, signature, fx.pem.leaf)).toBe(false);
  });

  it.each([
    ['a public key', () => createPublicKey(createPrivateKey(fx.privateKeys.leaf))],
    ['a P-384 key', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    ['an Ed25519 key', () => generateKeyPairSync('ed25519').privateKey],
    ['a certificate PEM', () => fx.pem.leaf],
    ['garbage', () => 'not a key'],
  ])('refuses to sign with %s', (_name, key) => {
    expect(thrownLicenceError(() => signStatement(STATEMENT, key()))?.code).toBe('INVALID_ARGUMENT');
  });

  it('refuses to sign a statement with no canonical form', () => {
    const bad = { ...STATEMENT, validUntil: undefined } as unknown as IssuanceStatement;
    expect(thrownLicenceError(() => signStatement(bad, fx.privateKeys.leaf))?.code).toBe('INVALID_ARGUMENT');
  });
});

describe('key ids', () => {
  it.each(fx.thumbprints.map((t) => [t.name, t]))('RFC 7638 thumbprint of %s', (_name, t) => {
    expect(jwkThumbprint(t.jwk)).toBe(t.thumbprint);
  });

  it('ignores JWK members RFC 7638 does not hash', () => {
    const t = fx.thumbprints[0]!;
    expect(jwkThumbprint({ ...t.jwk, kid: '1', use: 'enc' } as typeof t.jwk)).toBe(t.thumbprint);
  });

  it('gives the certificate key the id computed independently (jose thumbprint, truncated)', () => {
    expect(kidOfCertificate(fx.pem.leaf)).toBe(fx.leafKid);
    expect(kidOfPublicKey(fx.privateKeys.leaf)).toBe(fx.leafKid);
    expect(kidOfPublicKey(createPrivateKey(fx.privateKeys.leaf))).toBe(fx.leafKid);
    expect(jwkThumbprint(p256PublicJwk(fx.pem.leaf))).toBe(fx.leafThumbprint);
  });

  it('makes every kid 22 characters matching KID_PATTERN, one spelling per key', () => {
    expect(KID_BYTES).toBe(16);
    for (const kid of [
      fx.leafKid,
      kidOfPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey),
    ]) {
      expect(kid).toHaveLength(22);
      expect(KID_PATTERN.test(kid)).toBe(true);
      expect(Buffer.from(kid, 'base64url')).toHaveLength(KID_BYTES);
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: KID_BYTES, maxLength: KID_BYTES }), (bytes) => {
        const kid = Buffer.from(bytes).toString('base64url');
        expect(KID_PATTERN.test(kid)).toBe(true);
        // Of the 64 possible last characters, exactly the canonical spellings (re-encoding gives them back) match.
        for (const last of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') {
          const candidate = kid.slice(0, 21) + last;
          const canonical = Buffer.from(candidate, 'base64url').toString('base64url') === candidate;
          expect(KID_PATTERN.test(candidate)).toBe(canonical);
        }
      }),
      { numRuns: 50 },
    );
    expect(KID_PATTERN.test(fx.leafThumbprint)).toBe(false);
  });

  it.each([
    ['an RSA JWK', { kty: 'RSA', crv: 'P-256', x: 'a', y: 'b' }],
    ['a P-384 JWK', { kty: 'EC', crv: 'P-384', x: 'a', y: 'b' }],
    ['a short x', { ...fx.thumbprints[0]!.jwk, x: 'AAAA' }],
    ['a padded y', { ...fx.thumbprints[0]!.jwk, y: `${fx.thumbprints[0]!.jwk.y}=` }],
    ['a missing y', { kty: 'EC', crv: 'P-256', x: fx.thumbprints[0]!.jwk.x }],
    ['null', null],
  ])('refuses %s', (_name, jwk) => {
    expect(thrownLicenceError(() => jwkThumbprint(jwk as Parameters<typeof jwkThumbprint>[0]))?.code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it.each([
    ['an RSA certificate', fx.pem.rsaLeaf],
    ['a P-384 certificate', fx.pem.p384Leaf],
    [
      'a public key instead of a certificate',
      createPublicKey(createPrivateKey(fx.privateKeys.leaf))
        .export({ format: 'pem', type: 'spki' })
        .toString(),
    ],
    ['garbage', 'garbage'],
    ['a broken certificate', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
  ])('kidOfCertificate refuses %s', (_name, pem) => {
    expect(thrownLicenceError(() => kidOfCertificate(pem))?.code).toBe('INVALID_ARGUMENT');
  });
});

describe('checkCertificateChain', () => {
  it.each(fx.chainCases.map((c) => [c.name, c]))('%s', (_name, c) => {
    const run = () => checkCertificateChain(fx.pem[c.cert], fx.pem[c.ca], new Date(c.at));
    if (c.ok) {
      expect(() => run()).not.toThrow();
    } else {
      const err = thrownLicenceError(run);
      expect(err?.code).toBe('CERTIFICATE_INVALID');
      expect(err?.details?.reason).toBe(c.reason);
    }
  });

  it('returns the validity period as ISO timestamps', () => {
    expect(checkCertificateChain(fx.pem.leaf, fx.pem.caA, new Date('2026-06-01T00:00:00Z'))).toEqual(
      fx.validity.leaf,
    );
  });

  it('does not read the clock', () => {
    jest.useFakeTimers({ now: new Date('2099-01-01T00:00:00Z') });
    try {
      expect(checkCertificateChain(fx.pem.leaf, fx.pem.caA, new Date('2026-06-01T00:00:00Z'))).toEqual(
        fx.validity.leaf,
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it.each([
    ['garbage as the certificate', 'garbage', fx.pem.caA],
    ['garbage as the CA', fx.pem.leaf, 'garbage'],
    ['a truncated certificate', fx.pem.leaf.slice(0, 200) + '\n-----END CERTIFICATE-----\n', fx.pem.caA],
    ['a non-string', 42 as unknown as string, fx.pem.caA],
  ])('refuses %s as CERTIFICATE_INVALID', (_name, cert, ca) => {
    const err = thrownLicenceError(() => checkCertificateChain(cert, ca, new Date('2026-06-01T00:00:00Z')));
    expect(err?.code).toBe('CERTIFICATE_INVALID');
    expect(err?.details?.reason).toBe('parse');
  });

  it('needs a valid time', () => {
    expect(
      thrownLicenceError(() => checkCertificateChain(fx.pem.leaf, fx.pem.caA, new Date(NaN)))?.code,
    ).toBe('INVALID_ARGUMENT');
  });
});
