/* eslint-disable no-restricted-globals -- test support runs in the test process, never on a peer */
/**
 * Test PKI for a three-province consortium: per province a root CA (its MSP CA, which also certifies
 * agency signing keys), an admin, a verifier, and per agency an issuer identity and a signing key.
 * Built once per test file (key generation is the slow part) with fixed validity windows, so
 * transaction timestamps in the tests never depend on the wall clock.
 */
import { createCa, issueAgencySigningKey, issueIdentity } from '@licence-ledger/crypto-config';
import type { AgencySigningKey, CaMaterial } from '@licence-ledger/crypto-config';
import type { LedgerIdentity } from '@licence-ledger/embedded-ledger';
import type { LicenceTypeInput } from '@licence-ledger/domain';

/** All certificates are valid from here. */
export const PKI_NOT_BEFORE = new Date('2025-01-01T00:00:00.000Z');
/** Transactions in the tests start here (inside every certificate's validity). */
export const TX_EPOCH = new Date('2026-09-01T00:00:00.000Z');

/** A demo province. */
export interface ProvinceSpec {
  readonly code: string;
  readonly mspId: string;
  readonly name: string;
}

/** A demo agency. */
export interface AgencySpec {
  readonly uscc: string;
  readonly name: string;
  readonly provinceMsp: string;
  readonly licenceTypes: readonly string[];
}

/** The three founding provinces. */
export const PROVINCES: readonly ProvinceSpec[] = [
  { code: '440000', mspId: 'GuangdongMSP', name: '广东省' },
  { code: '330000', mspId: 'ZhejiangMSP', name: '浙江省' },
  { code: '110000', mspId: 'BeijingMSP', name: '北京市' },
];

/** MSP IDs, for readable tests. */
export const GD = 'GuangdongMSP';
export const ZJ = 'ZhejiangMSP';
export const BJ = 'BeijingMSP';

/** Two agencies per province (valid GB 32100 USCCs). */
export const AGENCIES: readonly AgencySpec[] = [
  { uscc: '11440000MB2C93756J', name: '广东省公安厅交通管理局', provinceMsp: GD, licenceTypes: ['DL01'] },
  {
    uscc: '11440100MB2D15098D',
    name: '广州市市场监督管理局',
    provinceMsp: GD,
    licenceTypes: ['BL01', 'FP01'],
  },
  { uscc: '11330000MB1F22343T', name: '浙江省公安厅交通管理局', provinceMsp: ZJ, licenceTypes: ['DL01'] },
  {
    uscc: '11330100MB1K50876U',
    name: '杭州市市场监督管理局',
    provinceMsp: ZJ,
    licenceTypes: ['BL01', 'FP01'],
  },
  { uscc: '11110000MB0A33215E', name: '北京市公安局公安交通管理局', provinceMsp: BJ, licenceTypes: ['DL01'] },
  { uscc: '11110105MB1E72869P', name: '北京市朝阳区市场监督管理局', provinceMsp: BJ, licenceTypes: ['BL01'] },
];

/** Agency USCCs by short name. */
export const GD_DRIVING = '11440000MB2C93756J';
export const GD_MARKET = '11440100MB2D15098D';
export const ZJ_DRIVING = '11330000MB1F22343T';
export const BJ_DRIVING = '11110000MB0A33215E';

/** The initial catalogue seeded at bootstrap. */
export const LICENCE_TYPES: readonly LicenceTypeInput[] = [
  {
    code: 'DL01',
    name: '机动车驾驶证',
    holderKind: 'person',
    fields: [
      { name: 'holderName', type: 'string', required: true, personal: true, maxLength: 50 },
      { name: 'holderId', type: 'string', required: true, personal: true, holderId: true },
      { name: 'phone', type: 'string', required: false, personal: true },
      { name: 'vehicleClass', type: 'string', required: true, personal: false },
    ],
    nationallyRecognised: true,
  },
  {
    code: 'BL01',
    name: '营业执照',
    holderKind: 'organisation',
    fields: [
      { name: 'holderName', type: 'string', required: true, personal: false },
      { name: 'holderId', type: 'string', required: true, personal: false, holderId: true },
    ],
    nationallyRecognised: true,
  },
  {
    code: 'FP01',
    name: '食品经营许可证',
    holderKind: 'organisation',
    fields: [{ name: 'holderName', type: 'string', required: true, personal: false }],
    nationallyRecognised: false,
  },
];

/** One province's material. */
export interface ProvincePki {
  readonly spec: ProvinceSpec;
  readonly ca: CaMaterial;
  readonly admin: LedgerIdentity;
  readonly verifier: LedgerIdentity;
  /** An identity with no ll.role attribute. */
  readonly noRole: LedgerIdentity;
}

/** One agency's material. */
export interface AgencyPki {
  readonly spec: AgencySpec;
  readonly issuer: LedgerIdentity;
  readonly key: AgencySigningKey;
  /** A second certified key, for rotation tests. */
  readonly spareKey: AgencySigningKey;
}

/** The whole consortium's material. */
export interface Pki {
  readonly provinces: Readonly<Record<string, ProvincePki>>;
  readonly agencies: Readonly<Record<string, AgencyPki>>;
  /** A CA that belongs to no province. */
  readonly rogueCa: CaMaterial;
}

let cached: Promise<Pki> | undefined;

/** The consortium PKI, built on first use and shared by every test in the file. */
export function consortiumPki(): Promise<Pki> {
  cached ??= buildPki();
  return cached;
}

async function buildPki(): Promise<Pki> {
  const provinces: Record<string, ProvincePki> = {};
  for (const spec of PROVINCES) {
    const ca = await createCa({
      commonName: `ca.${spec.mspId}`,
      organisation: spec.name,
      mspId: spec.mspId,
      notBefore: PKI_NOT_BEFORE,
      validDays: 7300,
    });
    const person = async (commonName: string, attrs: Record<string, string>, ou: 'admin' | 'client') => ({
      mspId: spec.mspId,
      certificatePem: (
        await issueIdentity(ca, {
          commonName,
          organisation: spec.name,
          ou,
          attrs,
          notBefore: PKI_NOT_BEFORE,
          validDays: 3650,
        })
      ).certPem,
    });
    provinces[spec.mspId] = {
      spec,
      ca,
      admin: await person(`admin@${spec.mspId}`, { 'll.role': 'admin', 'll.province': spec.code }, 'admin'),
      verifier: await person(
        `verifier@${spec.mspId}`,
        { 'll.role': 'verifier', 'll.province': spec.code },
        'client',
      ),
      noRole: await person(`user@${spec.mspId}`, { 'll.province': spec.code }, 'client'),
    };
  }
  const agencies: Record<string, AgencyPki> = {};
  for (const spec of AGENCIES) {
    const province = provinces[spec.provinceMsp]!;
    const signingKey = () =>
      issueAgencySigningKey(province.ca, {
        agencyUscc: spec.uscc,
        agencyName: spec.name,
        provinceCode: province.spec.code,
        notBefore: PKI_NOT_BEFORE,
        validDays: 3650,
      });
    const issuer = await issueIdentity(province.ca, {
      commonName: `issuer@${spec.uscc}`,
      organisation: province.spec.name,
      ou: 'client',
      attrs: { 'll.role': 'issuer', 'll.agency': spec.uscc, 'll.province': province.spec.code },
      notBefore: PKI_NOT_BEFORE,
      validDays: 3650,
    });
    agencies[spec.uscc] = {
      spec,
      issuer: { mspId: spec.provinceMsp, certificatePem: issuer.certPem },
      key: await signingKey(),
      spareKey: await signingKey(),
    };
  }
  const rogueCa = await createCa({ commonName: 'rogue', organisation: 'rogue', notBefore: PKI_NOT_BEFORE });
  return { provinces, agencies, rogueCa };
}
