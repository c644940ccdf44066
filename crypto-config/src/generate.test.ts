import { X509Certificate, createPrivateKey, sign, verify } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ClientIdentity } from 'fabric-shim';
import type { ChaincodeStub } from 'fabric-shim';
import { LicenceError } from '@licence-ledger/domain';
import { loadPkiConfig, type PkiConfig } from './config';
import { ensureNetworkMaterial, generateNetworkMaterial, inspectOutput } from './generate';
import { type GeneratedLayout } from './generate';
import { type Manifest, type ManifestIdentity, findProvince, manifestFiles, readManifest } from './manifest';

// The set-up writes the whole network's crypto material (a P-256 key and certificates for every node and
// user, TLS included) and the ensure tests write a small network's up to three times: seconds on an idle
// machine, more than jest's default 5 s on a third of one core (`npm run test:slow`).
jest.setTimeout(60_000);

const tmpDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'll-crypto-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

const config = loadPkiConfig(join(__dirname, '..', 'config', 'network.yaml'));
const small = loadPkiConfig(join(__dirname, '__fixtures__', 'small-network.yaml'));

describe('generateNetworkMaterial (shipped network)', () => {
  let layout: GeneratedLayout;
  let manifest: Manifest;
  const read = (rel: string): string => readFileSync(join(layout.outDir, rel), 'utf8');
  const identities = (): ManifestIdentity[] =>
    manifest.organisations.flatMap((o) => [...o.nodes, ...o.users]);
  const progress: string[] = [];

  beforeAll(async () => {
    layout = await generateNetworkMaterial(config, tempDir(), { onProgress: (m) => progress.push(m) });
    manifest = layout.manifest;
  });

  it('writes every file the manifest lists, and the manifest on disk matches', () => {
    const files = manifestFiles(manifest);
    expect(files.length).toBeGreaterThan(150);
    expect(new Set(files).size).toBe(files.length);
    for (const f of files) expect(existsSync(join(layout.outDir, f))).toBe(true);
    expect(readManifest(layout.outDir)).toEqual(manifest);
    expect(progress.length).toBeGreaterThan(10);
  });

  it('lists the orderer organisation and the three provinces with their identities', () => {
    expect(manifest.organisations.map((o) => [o.kind, o.mspId])).toEqual([
      ['orderer', 'OrdererMSP'],
      ['peer', 'GuangdongMSP'],
      ['peer', 'ZhejiangMSP'],
      ['peer', 'BeijingMSP'],
    ]);
    expect(manifest.organisations[0]!.nodes.map((n) => n.host)).toEqual([
      'orderer0.licence-ledger.example',
      'orderer1.licence-ledger.example',
      'orderer2.licence-ledger.example',
    ]);
    const gd = findProvince(manifest, '440000')!;
    expect(findProvince(manifest, 'GuangdongMSP')).toBe(gd);
    expect(gd.nodes.map((n) => n.msp.dir)).toEqual([
      'peerOrganizations/guangdong.licence-ledger.example/peers/peer0.guangdong.licence-ledger.example/msp',
    ]);
    expect(gd.users.map((u) => [u.name, u.ou, u.role, u.agency])).toEqual([
      ['Admin@guangdong.licence-ledger.example', 'admin', 'admin', undefined],
      [
        'Issuer-11440000MB2C93756J@guangdong.licence-ledger.example',
        'client',
        'issuer',
        '11440000MB2C93756J',
      ],
      [
        'Issuer-11440100MB2D15098D@guangdong.licence-ledger.example',
        'client',
        'issuer',
        '11440100MB2D15098D',
      ],
      ['Verifier@guangdong.licence-ledger.example', 'client', 'verifier', undefined],
    ]);
    expect(gd.agencies.map((a) => a.files.kid)).toEqual([
      'peerOrganizations/guangdong.licence-ledger.example/agencies/11440000MB2C93756J/kid',
      'peerOrganizations/guangdong.licence-ledger.example/agencies/11440100MB2D15098D/kid',
    ]);
  });

  it('gives every identity a key that matches its certificates (sign/verify round trip)', () => {
    const data = Buffer.from('round trip');
    const pairs = identities().flatMap((id) => [
      [id.msp.keystore, id.msp.signcert],
      [id.tls.key, id.tls.cert],
    ]);
    for (const org of manifest.organisations) {
      pairs.push([org.ca.key, org.ca.cert], [org.tlsCa.key, org.tlsCa.cert]);
      for (const a of org.agencies) pairs.push([a.files.key, a.files.cert]);
    }
    for (const [key, cert] of pairs) {
      const signature = sign('sha256', data, createPrivateKey(read(key!)));
      expect(verify('sha256', data, new X509Certificate(read(cert!)).publicKey, signature)).toBe(true);
    }
  });

  it('chains signing certs to the MSP CA and TLS certs to the separate TLS CA', () => {
    for (const org of manifest.organisations) {
      const ca = new X509Certificate(read(org.ca.cert));
      const tlsCa = new X509Certificate(read(org.tlsCa.cert));
      expect(ca.publicKey.equals(tlsCa.publicKey)).toBe(false);
      expect(read(org.msp.cacert)).toBe(read(org.ca.cert));
      expect(read(org.msp.tlscacert)).toBe(read(org.tlsCa.cert));
      for (const id of [...org.nodes, ...org.users]) {
        const signcert = new X509Certificate(read(id.msp.signcert));
        const tlsCert = new X509Certificate(read(id.tls.cert));
        expect(signcert.verify(ca.publicKey)).toBe(true);
        expect(tlsCert.verify(tlsCa.publicKey)).toBe(true);
        expect(tlsCert.verify(ca.publicKey)).toBe(false);
        expect(read(id.tls.ca)).toBe(read(org.tlsCa.cert));
        expect(signcert.subject.split('\n')).toContain(`OU=${id.ou}`);
        expect(tlsCert.subjectAltName).toContain('DNS:localhost');
        expect(tlsCert.subjectAltName).toContain('IP Address:127.0.0.1');
        if (id.host !== undefined) expect(tlsCert.checkHost(id.host)).toBe(id.host);
      }
      for (const a of org.agencies) {
        expect(new X509Certificate(read(a.files.cert)).verify(ca.publicKey)).toBe(true);
        expect(read(a.files.kid)).toBe(a.kid);
      }
    }
  });

  it('writes NodeOUs config.yaml pointing at the MSP CA file', () => {
    const gd = findProvince(manifest, 'GuangdongMSP')!;
    for (const path of [gd.msp.config, gd.nodes[0]!.msp.config]) {
      const nodeOus = (parseYaml(read(path)) as { NodeOUs: Record<string, unknown> }).NodeOUs;
      expect(nodeOus.Enable).toBe(true);
      for (const [key, ou] of [
        ['ClientOUIdentifier', 'client'],
        ['PeerOUIdentifier', 'peer'],
        ['AdminOUIdentifier', 'admin'],
        ['OrdererOUIdentifier', 'orderer'],
      ] as const) {
        expect(nodeOus[key]).toEqual({
          Certificate: 'cacerts/ca.guangdong.licence-ledger.example-cert.pem',
          OrganizationalUnitIdentifier: ou,
        });
      }
    }
    expect(
      existsSync(
        join(layout.outDir, gd.dir, 'msp', 'cacerts', 'ca.guangdong.licence-ledger.example-cert.pem'),
      ),
    ).toBe(true);
  });

  it('issues user certificates whose attributes fabric-shim reads as the manifest says', () => {
    for (const org of manifest.organisations) {
      for (const user of org.users) {
        const certPem = read(user.msp.signcert);
        const stubLike = {
          getCreator: () => ({ mspid: org.mspId, idBytes: Buffer.from(certPem) }),
          getChannelID: () => 'licences',
          getTxID: () => 'tx',
        };
        const cid = new ClientIdentity(stubLike as unknown as ChaincodeStub);
        expect(cid.getMSPID()).toBe(org.mspId);
        expect(cid.getAttributeValue('ll.role')).toBe(user.role ?? null);
        expect(cid.getAttributeValue('ll.agency')).toBe(user.agency ?? null);
        expect(cid.getAttributeValue('ll.province')).toBe(org.provinceCode ?? null);
      }
    }
  });

  it('keeps private keys readable by the owner only', () => {
    if (process.platform === 'win32') return;
    const gd = findProvince(manifest, 'GuangdongMSP')!;
    for (const key of [
      gd.ca.key,
      gd.users[0]!.msp.keystore,
      gd.users[0]!.tls.key,
      gd.agencies[0]!.files.key,
    ]) {
      expect(statSync(join(layout.outDir, key)).mode & 0o077).toBe(0);
    }
  });
});

describe('ensureNetworkMaterial', () => {
  it('keeps complete output, regenerates incomplete output, and refuses a changed configuration', async () => {
    const dir = tempDir();
    const first = await ensureNetworkMaterial(small, dir);
    expect(first.status).toBe('generated');
    expect(inspectOutput(small, dir).state).toBe('complete');

    const again = await ensureNetworkMaterial(small, dir);
    expect(again.status).toBe('kept');
    expect(again.layout.manifest.generatedAt).toBe(first.layout.manifest.generatedAt);

    const changed: PkiConfig = { ...small, tlsSans: ['localhost'] };
    expect(inspectOutput(changed, dir).state).toBe('stale');
    await expect(ensureNetworkMaterial(changed, dir)).rejects.toMatchObject({ code: 'CONFLICT' });
    const forced = await ensureNetworkMaterial(changed, dir, { force: true });
    expect(forced.status).toBe('generated');
    expect(inspectOutput(changed, dir).state).toBe('complete');

    const victim = forced.layout.manifest.organisations[1]!.users[0]!.msp.keystore;
    unlinkSync(join(dir, victim));
    expect(inspectOutput(changed, dir)).toEqual({ state: 'incomplete', missing: [victim] });
    expect((await ensureNetworkMaterial(changed, dir)).status).toBe('generated');
    expect(existsSync(join(dir, victim))).toBe(true);
  });

  it('leaves files it does not own alone and replaces stale ones it does', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'README.keep'), 'mine');
    const first = await generateNetworkMaterial(small, dir);
    const stray = join(dir, first.manifest.organisations[0]!.dir, 'stray.pem');
    writeFileSync(stray, 'old');
    await generateNetworkMaterial(small, dir);
    expect(readFileSync(join(dir, 'README.keep'), 'utf8')).toBe('mine');
    expect(existsSync(stray)).toBe(false);
  });

  it('reports an unreadable manifest with a LicenceError code', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'manifest.json'), '{not json');
    expect(() => inspectOutput(small, dir)).toThrow(LicenceError);
    let code: string | undefined;
    try {
      readManifest(dir);
    } catch (err) {
      code = err instanceof LicenceError ? err.code : undefined;
    }
    expect(code).toBe('MALFORMED_JSON');
  });
});
