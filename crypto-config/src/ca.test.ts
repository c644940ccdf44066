import { X509Certificate } from 'node:crypto';
import { createCa, loadCa } from './ca';
import { issueIdentity } from './identity';
import * as x509 from './x509';

describe('createCa', () => {
  it('makes a self-signed P-256 CA with CA:true critical, keyCertSign+cRLSign and an SKI', async () => {
    const notBefore = new Date('2026-01-01T00:00:00Z');
    const ca = await createCa({
      commonName: 'ca.gd.example',
      organisation: 'gd.example',
      mspId: 'GuangdongMSP',
      validDays: 10,
      notBefore,
    });
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.subject.split('\n')).toEqual(['C=CN', 'O=gd.example', 'OU=GuangdongMSP', 'CN=ca.gd.example']);
    expect(new Date(cert.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(new Date(cert.validTo).getTime() - notBefore.getTime()).toBe(10 * 86_400_000);

    const parsed = new x509.X509Certificate(ca.certPem);
    expect(parsed.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    const bc = parsed.getExtension(x509.BasicConstraintsExtension);
    expect(bc?.ca).toBe(true);
    expect(bc?.critical).toBe(true);
    const ku = parsed.getExtension(x509.KeyUsagesExtension);
    expect(ku?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(ku?.critical).toBe(true);
    expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('rejects bad validity and names with INVALID_ARGUMENT', async () => {
    await expect(createCa({ commonName: 'x', organisation: 'o', validDays: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(createCa({ commonName: '', organisation: 'o' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(createCa({ commonName: 'x'.repeat(65), organisation: 'o' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('loadCa', () => {
  it('refuses a key that does not belong to the CA certificate', async () => {
    const a = await createCa({ commonName: 'a', organisation: 'o' });
    const b = await createCa({ commonName: 'b', organisation: 'o' });
    await expect(loadCa({ certPem: a.certPem, keyPem: b.keyPem })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('refuses a leaf certificate as issuer', async () => {
    const ca = await createCa({ commonName: 'a', organisation: 'o' });
    const leaf = await issueIdentity(ca, { commonName: 'u', organisation: 'o', ou: 'client' });
    await expect(
      issueIdentity(leaf, { commonName: 'v', organisation: 'o', ou: 'client' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
