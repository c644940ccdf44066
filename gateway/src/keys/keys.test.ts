import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import type { Manifest } from '@licence-ledger/crypto-config';
import { kidOfCertificate, thrownCode } from '@licence-ledger/domain';
import { GD, makeKey, makeWorld, type World } from '../verification/fixtures';
import { loadAgencyKey, loadAgencyKeys } from './agency-keys';
import { loadAgencyKeysFromManifest } from './manifest';
import { createReceiptSigner, jwks } from './receipt-key';

let world: World;
beforeAll(async () => {
  world = await makeWorld();
});

describe('agency keys', () => {
  it('computes the kid from the certificate and holds the matching private key', () => {
    const key = loadAgencyKey({
      agencyUscc: GD.agency,
      certificatePem: world.key.record.certificatePem,
      privateKeyPem: world.key.privateKeyPem,
    });
    expect(key.kid).toBe(kidOfCertificate(world.key.record.certificatePem));
    expect(key.kid).toHaveLength(22);
    expect(key.privateKey.type).toBe('private');
  });

  it('refuses a private key that is not the certificate key', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    const material = {
      agencyUscc: GD.agency,
      certificatePem: world.key.record.certificatePem,
      privateKeyPem: String(other),
    };
    expect(thrownCode(() => loadAgencyKey(material))).toBe('INVALID_ARGUMENT');
  });

  it('refuses keys that are not P-256 and text that is not PEM', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    const cert = world.key.record.certificatePem;
    expect(
      thrownCode(() =>
        loadAgencyKey({ agencyUscc: GD.agency, certificatePem: cert, privateKeyPem: String(rsa) }),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(
      thrownCode(() =>
        loadAgencyKey({ agencyUscc: GD.agency, certificatePem: 'nope', privateKeyPem: 'nope' }),
      ),
    ).toBe('INVALID_ARGUMENT');
  });

  it('signs with the active key per agency and switches on rotation', async () => {
    const next = await makeKey(world.caGd, GD.agency, GD.code, GD.msp);
    const ring = loadAgencyKeys([
      {
        agencyUscc: GD.agency,
        certificatePem: world.key.record.certificatePem,
        privateKeyPem: world.key.privateKeyPem,
        active: true,
      },
      {
        agencyUscc: GD.agency,
        certificatePem: next.record.certificatePem,
        privateKeyPem: next.privateKeyPem,
        active: false,
      },
    ]);
    expect(ring.active(GD.agency).kid).toBe(world.key.record.kid);
    ring.activate(next.record.kid);
    expect(ring.active(GD.agency).kid).toBe(next.record.kid);
    expect(ring.agencies()).toEqual([GD.agency]);
    expect(ring.keys()).toHaveLength(2);
    expect(thrownCode(() => ring.active('91350100M000100Y43'))).toBe('KEY_UNKNOWN');
    expect(thrownCode(() => ring.activate('unknown'))).toBe('KEY_UNKNOWN');
  });

  it('loads a province key ring from a crypto-config manifest folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a/signing-cert.pem'), world.key.record.certificatePem);
    writeFileSync(join(dir, 'a/signing-key.pem'), world.key.privateKeyPem);
    const agency = {
      uscc: GD.agency,
      name: 'agency',
      kid: world.key.record.kid,
      notBefore: '',
      notAfter: '',
      files: { cert: 'a/signing-cert.pem', key: 'a/signing-key.pem', kid: 'a/kid' },
    };
    const org = { kind: 'peer', mspId: GD.msp, provinceCode: GD.code, agencies: [agency] };
    const manifest = { organisations: [org] } as unknown as Manifest;
    expect(loadAgencyKeysFromManifest(manifest, dir, GD.msp).active(GD.agency).kid).toBe(
      world.key.record.kid,
    );
    expect(thrownCode(() => loadAgencyKeysFromManifest(manifest, dir, 'ZhejiangMSP'))).toBe(
      'INVALID_ARGUMENT',
    );
    const lying = {
      organisations: [{ ...org, agencies: [{ ...agency, kid: `${'x'.repeat(21)}A` }] }],
    } as unknown as Manifest;
    expect(thrownCode(() => loadAgencyKeysFromManifest(lying, dir, GD.msp))).toBe('INVALID_ARGUMENT');
  });
});

describe('receipt key', () => {
  it('signs compact JWS that verify with the published JWKS key', async () => {
    const signer = await createReceiptSigner();
    const receipt = await signer.sign({ result: 'VALID' }, 'llr+jwt');
    expect(decodeProtectedHeader(receipt)).toEqual({ alg: 'ES256', typ: 'llr+jwt', kid: signer.kid });
    const [published] = jwks(signer).keys;
    expect(published).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: signer.kid });
    expect(published).not.toHaveProperty('d');
    const { payload } = await compactVerify(receipt, await importJWK(published!, 'ES256'));
    expect(JSON.parse(Buffer.from(payload).toString())).toEqual({ result: 'VALID' });
  });

  it('loads a configured PEM key and keeps its kid stable', async () => {
    const pem = String(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    const [a, b] = await Promise.all([createReceiptSigner(pem), createReceiptSigner(pem)]);
    expect(a.kid).toBe(b.kid);
    expect(a.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a non-P-256 or unreadable key', async () => {
    const rsa = String(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    await expect(createReceiptSigner(rsa)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(createReceiptSigner('garbage')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // An RSA-2048 key generation (a random prime search): about 1 s idle, 5 s on a third of one core.
  }, 60_000);
});
