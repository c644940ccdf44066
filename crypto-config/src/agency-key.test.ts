import { X509Certificate, createHash, createPrivateKey, sign, verify } from 'node:crypto';
import { checkCertificateChain, kidOfCertificate } from '@licence-ledger/domain';
import { issueAgencySigningKey } from './agency-key';
import { type CaMaterial, createCa } from './ca';
import * as x509 from './x509';

let provinceCa: CaMaterial;
const notBefore = new Date('2026-03-01T00:00:00Z');

beforeAll(async () => {
  provinceCa = await createCa({
    commonName: 'ca.gd.example',
    organisation: 'gd.example',
    mspId: 'GuangdongMSP',
    notBefore: new Date('2026-01-01T00:00:00Z'),
  });
});

describe('issueAgencySigningKey', () => {
  it('certifies an ES256 key for the agency under the province CA', async () => {
    const key = await issueAgencySigningKey(provinceCa, {
      agencyUscc: '11440000MB2C93756J',
      agencyName: '广东省公安厅交通管理局',
      provinceCode: '440000',
      notBefore,
      validDays: 365,
    });
    const cert = new X509Certificate(key.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.verify(new X509Certificate(provinceCa.certPem).publicKey)).toBe(true);
    const subject = cert.subject.split('\n');
    expect(subject).toContain('CN=广东省公安厅交通管理局');
    expect(subject).toContain('OU=11440000MB2C93756J');
    expect(subject).toContain('serialNumber=11440000MB2C93756J');
    expect(subject).toContain('ST=440000');

    const usage = new x509.X509Certificate(key.certPem).getExtension(x509.KeyUsagesExtension);
    expect(usage?.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation);

    // The chaincode's own chain check (domain package) accepts it within its validity period.
    expect(checkCertificateChain(key.certPem, provinceCa.certPem, new Date('2026-06-01T00:00:00Z'))).toEqual({
      notBefore: '2026-03-01T00:00:00.000Z',
      notAfter: '2027-03-01T00:00:00.000Z',
    });
  });

  it('returns the first 16 bytes of the RFC 7638 thumbprint of the public JWK as kid', async () => {
    const key = await issueAgencySigningKey(provinceCa, {
      agencyUscc: '11440100MB2D15098D',
      agencyName: '广州市市场监督管理局',
      provinceCode: '440000',
    });
    const jwk = new X509Certificate(key.certPem).publicKey.export({ format: 'jwk' });
    expect(key.publicJwk).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
    const members = `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
    const thumbprint = createHash('sha256').update(members).digest();
    expect(key.kid).toBe(thumbprint.subarray(0, 16).toString('base64url'));
    expect(key.kid).toHaveLength(22);
    expect(kidOfCertificate(key.certPem)).toBe(key.kid);
  });

  it('returns a private key that makes ES256 signatures the certificate verifies', async () => {
    const key = await issueAgencySigningKey(provinceCa, {
      agencyUscc: '11440000MB2C93756J',
      agencyName: 'x',
      provinceCode: '440000',
    });
    const data = Buffer.from('commitment');
    const sig = sign('sha256', data, { key: createPrivateKey(key.keyPem), dsaEncoding: 'ieee-p1363' });
    expect(
      verify(
        'sha256',
        data,
        { key: new X509Certificate(key.certPem).publicKey, dsaEncoding: 'ieee-p1363' },
        sig,
      ),
    ).toBe(true);
  });

  it('rejects a bad USCC with INVALID_USCC and a bad province with INVALID_PROVINCE_CODE', async () => {
    const base = { agencyName: 'x', provinceCode: '440000' };
    await expect(
      issueAgencySigningKey(provinceCa, { ...base, agencyUscc: '11440000MB2C93756K' }),
    ).rejects.toMatchObject({
      code: 'INVALID_USCC',
    });
    await expect(
      issueAgencySigningKey(provinceCa, {
        ...base,
        agencyUscc: '11440000MB2C93756J',
        provinceCode: '440100',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PROVINCE_CODE' });
  });
});
