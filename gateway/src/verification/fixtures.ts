/**
 * Test support (not used by the gateway at run time): a small in-memory world of provinces, an
 * agency key certified by its province CA, a signed licence, and a fake VerificationLedger over it.
 */
import { createPrivateKey } from 'node:crypto';
import { createCa, issueAgencySigningKey, type CaMaterial } from '@licence-ledger/crypto-config';
import {
  buildLicenceId,
  commit,
  issuanceStatement,
  saltFields,
  signStatement,
  type LicenceFields,
  type LicenceRecord,
  type LicenceType,
  type Province,
  type RecognitionRule,
  type SigningKey,
} from '@licence-ledger/domain';
import type { VerificationLedger } from './ports';

/** Every certificate of the fixture is valid from here on, so tests can use fixed clocks. */
const EPOCH = new Date('2026-01-01T00:00:00.000Z');

export const GD = { msp: 'GuangdongMSP', code: '440000', agency: '11440000MB2C93756J' } as const;
export const ZJ = { msp: 'ZhejiangMSP', code: '330000', agency: '11330000MB1F22343T' } as const;

/** A driving-licence-like content: licenceNumber is the holder's ID and is never a default disclosure. */
export const DRIVING_FIELDS: LicenceFields = {
  name: '张三',
  licenceClass: 'C1',
  licenceNumber: '440301199001011234',
  validUntil: '2032-01-01',
  firstIssued: '2014-05-20',
};

/** The catalogue entry of DRIVING_FIELDS: tokens name fields by their position here. */
export const DRIVING_TYPE: LicenceType = {
  docType: 'licenceType',
  code: 'JSZ',
  name: '机动车驾驶证',
  holderKind: 'person',
  fields: [
    { name: 'name', type: 'string', required: true, personal: true },
    { name: 'licenceClass', type: 'string', required: true, personal: false },
    { name: 'licenceNumber', type: 'string', required: true, personal: true, holderId: true },
    { name: 'validUntil', type: 'date', required: true, personal: false },
    { name: 'firstIssued', type: 'date', required: true, personal: false },
  ],
  nationallyRecognised: false,
  addedAt: '2026-01-01T00:00:00.000Z',
};

/** An agency key as both the ledger and the issuing gateway know it. */
export interface TestKey {
  readonly record: SigningKey;
  readonly privateKeyPem: string;
}

/** The whole fixture. */
export interface World {
  readonly caGd: CaMaterial;
  readonly caZj: CaMaterial;
  readonly key: TestKey;
  readonly licence: LicenceRecord;
  readonly fields: LicenceFields;
  readonly salts: Record<string, string>;
  readonly provinces: Map<string, Province>;
  readonly keys: Map<string, SigningKey>;
  readonly licences: Map<string, LicenceRecord>;
  readonly types: Map<string, LicenceType>;
  /** Rule histories by `<recognising MSP>/<type code>`, oldest first. */
  readonly rules: Map<string, RecognitionRule[]>;
}

/** Issues an agency key certified by `ca` as the ledger would record it. */
export async function makeKey(
  ca: CaMaterial,
  agencyUscc: string,
  provinceCode: string,
  provinceMsp: string,
): Promise<TestKey> {
  const k = await issueAgencySigningKey(ca, {
    agencyUscc,
    agencyName: 'agency',
    provinceCode,
    notBefore: EPOCH,
  });
  return {
    privateKeyPem: k.keyPem,
    record: {
      docType: 'signingKey',
      kid: k.kid,
      agencyUscc,
      provinceMsp,
      alg: 'ES256',
      certificatePem: k.certPem,
      notBefore: '2020-01-01T00:00:00.000Z',
      notAfter: '2099-01-01T00:00:00.000Z',
      status: 'active',
      registeredAt: '2026-01-01T00:00:00.000Z',
    },
  };
}

/** Signs a licence record the way an issuing agency and the chaincode would produce it. */
export function makeLicence(
  key: TestKey,
  fields: LicenceFields,
  salts: Record<string, string>,
  serial = '2026000001',
  validity: { validFrom: string; validUntil: string | null } = {
    validFrom: '2026-01-01',
    validUntil: '2032-01-01',
  },
): LicenceRecord {
  const commitment = commit(fields, salts);
  const id = buildLicenceId({ typeCode: 'JSZ', issuerUscc: key.record.agencyUscc, serial, version: 1 });
  const base = {
    id,
    typeCode: 'JSZ',
    issuerUscc: key.record.agencyUscc,
    kid: key.record.kid,
    commitment,
    ...validity,
  };
  return {
    docType: 'licence',
    ...base,
    issuerMsp: key.record.provinceMsp,
    provinceCode: GD.code,
    signature: signStatement(issuanceStatement(base), createPrivateKey(key.privateKeyPem)),
    status: '01',
    statusReasonCode: '',
    statusReasonText: '',
    statusAt: '2026-01-02T00:00:00.000Z',
    statusBy: `${key.record.provinceMsp}/${key.record.agencyUscc}`,
    issuedAt: '2026-01-02T00:00:00.000Z',
    revision: 1,
    lastTxId: 'tx1',
  };
}

/** Builds the world: Guangdong issues, Zhejiang verifies under a rule. */
export async function makeWorld(): Promise<World> {
  const caGd = await createCa({
    commonName: 'Guangdong CA',
    organisation: 'Guangdong',
    mspId: GD.msp,
    notBefore: EPOCH,
  });
  const caZj = await createCa({
    commonName: 'Zhejiang CA',
    organisation: 'Zhejiang',
    mspId: ZJ.msp,
    notBefore: EPOCH,
  });
  const key = await makeKey(caGd, GD.agency, GD.code, GD.msp);
  const fields = DRIVING_FIELDS;
  const salts = saltFields(fields);
  const licence = makeLicence(key, fields, salts);
  const province = (p: { msp: string; code: string }, ca: CaMaterial): Province => ({
    docType: 'province',
    code: p.code,
    mspId: p.msp,
    name: p.msp,
    signingCaPem: ca.certPem,
    status: 'active',
    joinedAt: '2026-01-01T00:00:00.000Z',
  });
  return {
    caGd,
    caZj,
    key,
    licence,
    fields,
    salts,
    provinces: new Map([
      [GD.msp, province(GD, caGd)],
      [ZJ.msp, province(ZJ, caZj)],
    ]),
    keys: new Map([[key.record.kid, key.record]]),
    licences: new Map([[licence.id, licence]]),
    types: new Map([['JSZ', DRIVING_TYPE]]),
    rules: new Map([
      [
        `${ZJ.msp}/JSZ`,
        [
          {
            docType: 'recognitionRule',
            recognisingMsp: ZJ.msp,
            typeCode: 'JSZ',
            issuingMsps: ['*'],
            effectiveFrom: '2026-01-01T00:00:00.000Z',
            version: 3,
            publishedAt: '2025-12-01T00:00:00.000Z',
          },
        ],
      ],
    ]),
  };
}

/** A fake ledger over the world's maps; `fail` makes every read throw (the peer is down). */
export function fakeLedger(
  world: World,
  /** `fail(name)`: whether the call of ledger read `name` fails. */
  opts: { fail?: (name: string) => boolean } = {},
): VerificationLedger & { calls: string[] } {
  const calls: string[] = [];
  const read = <T>(name: string, value: T): Promise<T> => {
    calls.push(name);
    if (opts.fail?.(name) === true) return Promise.reject(new Error('peer unavailable'));
    return Promise.resolve(value);
  };
  return {
    calls,
    getSigningKey: (kid) => read('getSigningKey', world.keys.get(kid) ?? null),
    getProvince: (msp) => read('getProvince', world.provinces.get(msp) ?? null),
    readLicence: (id) => read('readLicence', world.licences.get(id) ?? null),
    getLicenceType: (code) => read('getLicenceType', world.types.get(code) ?? null),
    getRecognitionRuleHistory: (recognising, type) =>
      read('getRecognitionRuleHistory', [...(world.rules.get(`${recognising}/${type}`) ?? [])]),
    chainInfo: () => read('chainInfo', { height: 42, time: '2026-06-01T00:00:00.000Z' }),
  };
}

/** An in-memory replay guard. */
export function memoryReplay(): {
  claimJti(jti: string, expIso: string): Promise<boolean>;
  seen: Set<string>;
} {
  const seen = new Set<string>();
  return {
    seen,
    claimJti(jti: string) {
      if (seen.has(jti)) return Promise.resolve(false);
      seen.add(jti);
      return Promise.resolve(true);
    },
  };
}
