/**
 * Test support (not used by the gateway at run time): three provinces on a throw-away EmbeddedLedger
 * running the real chaincode, reached through the gateway's own LedgerPort and LedgerClient, with
 * crypto-config identities and one Guangdong agency whose signing key is registered on chain.
 */
import './quiet-logs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contracts } from '@licence-ledger/chaincode';
import {
  createCa,
  issueAgencySigningKey,
  issueIdentity,
  type CaMaterial,
} from '@licence-ledger/crypto-config';
import {
  buildLicenceId,
  commit,
  issuanceStatement,
  saltFields,
  signStatement,
  type LicenceFields,
  type LicenceRecord,
  type LicenceTypeInput,
} from '@licence-ledger/domain';
import { EmbeddedLedger } from '@licence-ledger/embedded-ledger';
import { loadAgencyKeys, type KeyRing } from '../keys/agency-keys';
import { LedgerClient } from './client';
import { createEmbeddedLedgerPort } from './embedded';
import type { Identity, LedgerPort } from './port';

export const PROVINCES = [
  { code: '440000', mspId: 'GuangdongMSP', name: '广东省' },
  { code: '330000', mspId: 'ZhejiangMSP', name: '浙江省' },
  { code: '110000', mspId: 'BeijingMSP', name: '北京市' },
] as const;
export const GD_DRIVING = '11440000MB2C93756J';

export const DRIVING_TYPE: LicenceTypeInput = {
  code: 'JSZ',
  name: '机动车驾驶证',
  holderKind: 'person',
  fields: [
    { name: 'name', type: 'string', required: true, personal: true },
    { name: 'licenceNumber', type: 'string', required: true, personal: true, holderId: true },
    { name: 'licenceClass', type: 'string', required: true, personal: false },
    { name: 'validUntil', type: 'date', required: true, personal: false },
  ],
  nationallyRecognised: false,
};

/** Identities of one province. */
export interface ProvinceIdentities {
  readonly ca: CaMaterial;
  readonly admin: Identity;
  readonly verifier: Identity;
}

/** The running consortium. */
export interface TestConsortium {
  readonly ledger: EmbeddedLedger;
  readonly port: LedgerPort;
  readonly provinces: Readonly<Record<string, ProvinceIdentities>>;
  readonly issuer: Identity;
  /** The Guangdong gateway's key ring (the agency key registered on chain). */
  readonly ring: KeyRing;
  /** A client acting as `identity`. */
  client(identity: Identity): LedgerClient;
  /** Issues a driving licence as the Guangdong agency; returns the record and its off-chain material. */
  issue(
    serial: string,
  ): Promise<{ licence: LicenceRecord; fields: LicenceFields; salts: Record<string, string> }>;
  dispose(): Promise<void>;
}

const identity = async (
  ca: CaMaterial,
  mspId: string,
  commonName: string,
  attrs: Record<string, string>,
  ou: 'admin' | 'client',
): Promise<Identity> => {
  const m = await issueIdentity(ca, { commonName, organisation: mspId, ou, attrs });
  return { mspId, certificatePem: m.certPem, privateKeyPem: m.keyPem };
};

/** Starts the consortium: bootstrap, the Guangdong driving agency and its key. */
export async function startConsortium(): Promise<TestConsortium> {
  const provinces: Record<string, ProvinceIdentities> = {};
  for (const p of PROVINCES) {
    const ca = await createCa({ commonName: `ca.${p.mspId}`, organisation: p.name, mspId: p.mspId });
    provinces[p.mspId] = {
      ca,
      admin: await identity(
        ca,
        p.mspId,
        `admin@${p.mspId}`,
        { 'll.role': 'admin', 'll.province': p.code },
        'admin',
      ),
      verifier: await identity(
        ca,
        p.mspId,
        `verifier@${p.mspId}`,
        { 'll.role': 'verifier', 'll.province': p.code },
        'client',
      ),
    };
  }
  const gd = provinces.GuangdongMSP!;
  const issuer = await identity(
    gd.ca,
    'GuangdongMSP',
    `issuer@${GD_DRIVING}`,
    { 'll.role': 'issuer', 'll.agency': GD_DRIVING, 'll.province': '440000' },
    'client',
  );
  const key = await issueAgencySigningKey(gd.ca, {
    agencyUscc: GD_DRIVING,
    agencyName: '省公安厅交通管理局',
    provinceCode: '440000',
  });
  const path = await mkdtemp(join(tmpdir(), 'll-gateway-'));
  const ledger = await EmbeddedLedger.open({
    path,
    channelId: 'licences',
    chaincodeName: 'licence-ledger',
    contracts: [...contracts],
    members: PROVINCES.map((p) => p.mspId),
  });
  const port = createEmbeddedLedgerPort(ledger);
  const client = (id: Identity) => new LedgerClient(port, id);
  const gdAdmin = client(gd.admin);
  await gdAdmin.bootstrap({
    provinces: PROVINCES.map((p) => ({ ...p, signingCaPem: provinces[p.mspId]!.ca.certPem })),
    recognitionNoticeSeconds: 86_400,
    licenceTypes: [DRIVING_TYPE],
  });
  await gdAdmin.registerAgency({ uscc: GD_DRIVING, name: '省公安厅交通管理局', licenceTypes: ['JSZ'] });
  await gdAdmin.registerSigningKey({ agencyUscc: GD_DRIVING, certificatePem: key.certPem });
  const ring = loadAgencyKeys([
    { agencyUscc: GD_DRIVING, certificatePem: key.certPem, privateKeyPem: key.keyPem },
  ]);

  return {
    ledger,
    port,
    provinces,
    issuer,
    ring,
    client,
    async issue(serial) {
      const fields: LicenceFields = {
        name: '张三',
        licenceNumber: '440301199001011234',
        licenceClass: 'C1',
        validUntil: '2032-01-01',
      };
      const salts = saltFields(fields);
      const signing = ring.active(GD_DRIVING);
      const unsigned = {
        id: buildLicenceId({ typeCode: 'JSZ', issuerUscc: GD_DRIVING, serial, version: 1 }),
        typeCode: 'JSZ',
        issuerUscc: GD_DRIVING,
        kid: signing.kid,
        commitment: commit(fields, salts),
        validFrom: '2026-01-01',
        validUntil: '2032-01-01',
      };
      const signature = signStatement(issuanceStatement(unsigned), signing.privateKey);
      const { value } = await client(issuer).issueLicence({ ...unsigned, signature });
      return { licence: value, fields, salts };
    },
    async dispose() {
      await port.close().catch(() => undefined);
      await rm(path, { recursive: true, force: true });
    },
  };
}
