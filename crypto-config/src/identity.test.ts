import { X509Certificate, createPrivateKey, sign, verify } from 'node:crypto';
import { ClientIdentity } from 'fabric-shim';
import type { ChaincodeStub } from 'fabric-shim';
import { type CaMaterial, createCa } from './ca';
import { FABRIC_ATTR_OID, readFabricAttrs } from './fabric-attrs';
import { issueIdentity } from './identity';
import * as x509 from './x509';

const P256_HALF_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') >> 1n;

/** The chaincode's view of a caller: fabric-shim's real ClientIdentity over a minimal stub. */
function clientIdentity(mspid: string, certPem: string): ClientIdentity {
  const stubLike = {
    getCreator: () => ({ mspid, idBytes: Buffer.from(certPem) }),
    getChannelID: () => 'licences',
    getTxID: () => 'tx1',
  };
  return new ClientIdentity(stubLike as unknown as ChaincodeStub);
}

/** s of a DER ECDSA signature (SEQUENCE { INTEGER r, INTEGER s }). */
function derS(sig: ArrayBuffer): bigint {
  const b = Buffer.from(sig);
  const rLen = b[3] ?? 0;
  const sLen = b[5 + rLen] ?? 0;
  return BigInt('0x' + b.subarray(6 + rLen, 6 + rLen + sLen).toString('hex'));
}

let ca: CaMaterial;
let caCert: X509Certificate;

beforeAll(async () => {
  ca = await createCa({ commonName: 'ca.gd.example', organisation: 'gd.example', mspId: 'GuangdongMSP' });
  caCert = new X509Certificate(ca.certPem);
});

describe('issueIdentity', () => {
  it('issues a leaf chained to the CA with CA:false, digitalSignature, OU and AKI = CA SKI', async () => {
    const id = await issueIdentity(ca, {
      commonName: 'Admin@gd.example',
      organisation: 'gd.example',
      ou: 'admin',
    });
    const cert = new X509Certificate(id.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subject.split('\n')).toContain('OU=admin');
    expect(cert.subject.split('\n')).toContain('CN=Admin@gd.example');

    const parsed = new x509.X509Certificate(id.certPem);
    expect(parsed.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: false, critical: true });
    expect(parsed.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(parsed.getExtension(x509.ExtendedKeyUsageExtension)).toBeNull();
    const ski = new x509.X509Certificate(ca.certPem).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(ski);
    expect(parsed.getExtension(FABRIC_ATTR_OID)).toBeNull();
  });

  it('returns a PKCS#8 key that signs for the certificate', async () => {
    const id = await issueIdentity(ca, { commonName: 'u', organisation: 'o', ou: 'client' });
    expect(id.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const data = Buffer.from('proposal bytes');
    const signature = sign('sha256', data, createPrivateKey(id.keyPem));
    expect(verify('sha256', data, new X509Certificate(id.certPem).publicKey, signature)).toBe(true);
  });

  it('signs certificates with low-S ECDSA signatures, as Fabric expects', async () => {
    for (let i = 0; i < 12; i++) {
      const id = await issueIdentity(ca, { commonName: `u${i}`, organisation: 'o', ou: 'client' });
      expect(derS(new x509.X509Certificate(id.certPem).signature) <= P256_HALF_N).toBe(true);
    }
    // Twelve identities (a P-256 key and a signed certificate each): 2 s and more on a third of one core.
  }, 60_000);

  it('never lets a leaf outlive its CA', async () => {
    const shortCa = await createCa({ commonName: 'short', organisation: 'o', validDays: 5 });
    const id = await issueIdentity(shortCa, {
      commonName: 'u',
      organisation: 'o',
      ou: 'client',
      validDays: 30,
    });
    expect(new X509Certificate(id.certPem).validTo).toBe(new X509Certificate(shortCa.certPem).validTo);
  });

  it.each([
    ['server', ['1.3.6.1.5.5.7.3.1']],
    ['client', ['1.3.6.1.5.5.7.3.2']],
    ['both', ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']],
  ] as const)('sets extended key usage for tls=%s', async (tls, oids) => {
    const id = await issueIdentity(ca, {
      commonName: 'peer0.gd.example',
      organisation: 'gd.example',
      ou: 'peer',
      tls,
    });
    expect(new X509Certificate(id.certPem).keyUsage).toEqual(oids);
  });

  it('puts DNS names and IP addresses into the SAN extension', async () => {
    const id = await issueIdentity(ca, {
      commonName: 'peer0.gd.example',
      organisation: 'gd.example',
      ou: 'peer',
      sans: ['peer0.gd.example', 'localhost', '127.0.0.1', '::1', 'LOCALHOST'],
      tls: 'server',
    });
    const cert = new X509Certificate(id.certPem);
    expect(cert.subjectAltName).toBe(
      'DNS:peer0.gd.example, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(cert.checkHost('peer0.gd.example')).toBe('peer0.gd.example');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('writes the Fabric attribute extension that fabric-shim ClientIdentity reads', async () => {
    const attrs = { 'll.role': 'issuer', 'll.agency': '11440000MB2C93756J', 'll.province': '440000' };
    const id = await issueIdentity(ca, {
      commonName: 'Issuer@gd.example',
      organisation: 'gd.example',
      ou: 'client',
      attrs,
    });
    const cid = clientIdentity('GuangdongMSP', id.certPem);
    expect(cid.getMSPID()).toBe('GuangdongMSP');
    expect(cid.getAttributeValue('ll.role')).toBe('issuer');
    expect(cid.getAttributeValue('ll.agency')).toBe('11440000MB2C93756J');
    expect(cid.getAttributeValue('ll.province')).toBe('440000');
    expect(cid.assertAttributeValue('ll.role', 'admin')).toBe(false);
    expect(cid.getID()).toContain('/OU=client/CN=Issuer@gd.example');
    expect(readFabricAttrs(id.certPem)).toEqual(attrs);
    const ext = new x509.X509Certificate(id.certPem).getExtension(FABRIC_ATTR_OID);
    expect(ext?.critical).toBe(false);
    // extnValue is the raw JSON text, not DER-wrapped.
    expect(Buffer.from(ext!.value).toString('utf8')).toBe(
      '{"attrs":{"ll.agency":"11440000MB2C93756J","ll.province":"440000","ll.role":"issuer"}}',
    );
  });

  it('gives null attributes to a certificate without the extension', async () => {
    const id = await issueIdentity(ca, {
      commonName: 'peer0.gd.example',
      organisation: 'gd.example',
      ou: 'peer',
    });
    const cid = clientIdentity('GuangdongMSP', id.certPem);
    expect(cid.getAttributeValue('ll.role')).toBeNull();
    expect(readFabricAttrs(id.certPem)).toBeNull();
  });

  it('keeps Chinese organisation names readable through ClientIdentity', async () => {
    const id = await issueIdentity(ca, {
      commonName: 'u',
      organisation: '广东省公安厅交通管理局',
      ou: 'client',
    });
    expect(clientIdentity('GuangdongMSP', id.certPem).getID()).toContain('/O=广东省公安厅交通管理局/');
  });

  it.each([
    ['unknown OU', { ou: 'member' }],
    ['bad SAN', { sans: ['not a host!'] }],
    ['bad tls option', { tls: 'mutual' }],
    ['bad attribute name', { attrs: { 'll role': 'x' } }],
    ['empty attribute value', { attrs: { 'll.role': '' } }],
    ['validity too long', { validDays: 40_000 }],
  ])('rejects %s with INVALID_ARGUMENT', async (_label, override) => {
    const opts = { commonName: 'u', organisation: 'o', ou: 'client', ...override } as Parameters<
      typeof issueIdentity
    >[1];
    await expect(issueIdentity(ca, opts)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
