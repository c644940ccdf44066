/**
 * A province's issuing agencies and their signing keys. Only the owning province's admin changes
 * them; signing certificates must chain to the province's signing CA at the transaction time.
 */
import { X509Certificate } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { checkCertificateChain, fail, kidOfCertificate, requireUsccOfProvince } from '@licence-ledger/domain';
import type { Agency, SigningKey } from '@licence-ledger/domain';
import type { AgencyInput, CompromiseInput } from '@licence-ledger/domain';
import { requireOwnProvince } from './access';
import type { MemberCaller } from './access';
import { txDate, txTime } from './clock';
import type { Store } from './store';

/**
 * Registers an agency of the caller's province; every licence type must be in the catalogue. The
 * USCC must have been issued in the caller's province (or by a national registration authority):
 * a province cannot file another province's organisation as its own.
 */
export async function registerAgency(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  input: AgencyInput,
): Promise<Agency> {
  requireUsccOfProvince(input.uscc, caller.memberProvince.code);
  if ((await store.getAgency(input.uscc)) !== undefined) {
    fail('ALREADY_EXISTS', 'an agency with this USCC is already registered', { uscc: input.uscc });
  }
  for (const code of input.licenceTypes) {
    if ((await store.getLicenceType(code)) === undefined) {
      fail('LICENCE_TYPE_UNKNOWN', 'the licence type is not in the catalogue', { typeCode: code });
    }
  }
  const agency: Agency = {
    docType: 'agency',
    uscc: input.uscc,
    name: input.name,
    provinceMsp: caller.mspId,
    licenceTypes: input.licenceTypes,
    status: 'active',
    registeredAt: txTime(ctx),
  };
  await store.putAgency(agency, true);
  return agency;
}

/** An agency of the caller's own province, or NOT_FOUND / ACCESS_DENIED. */
export async function ownAgency(store: Store, caller: MemberCaller, uscc: string): Promise<Agency> {
  const agency = await store.getAgency(uscc);
  if (agency === undefined) fail('NOT_FOUND', 'no such agency', { uscc });
  requireOwnProvince(caller, agency.provinceMsp, 'the agency');
  return agency;
}

/** Retires an agency: it can issue nothing more; its licences stay as they are. */
export async function retireAgency(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  uscc: string,
): Promise<Agency> {
  const agency = await ownAgency(store, caller, uscc);
  if (agency.status !== 'active') fail('AGENCY_NOT_ACTIVE', 'the agency is already retired', { uscc });
  const retired: Agency = { ...agency, status: 'retired', retiredAt: txTime(ctx) };
  await store.putAgency(retired, false);
  return retired;
}

/** A signing key of the caller's own province, or KEY_UNKNOWN / ACCESS_DENIED. */
export async function ownKey(store: Store, caller: MemberCaller, kid: string): Promise<SigningKey> {
  const key = await store.getSigningKey(kid);
  if (key === undefined) fail('KEY_UNKNOWN', 'no such signing key', { kid });
  requireOwnProvince(caller, key.provinceMsp, 'the signing key');
  return key;
}

/**
 * Registers a signing certificate for an active agency of the caller's province: it must be a P-256
 * end-entity certificate issued by the province's signing CA and valid at the transaction time.
 */
export async function registerKey(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  agencyUscc: string,
  certificatePem: string,
  replaces?: string,
): Promise<SigningKey> {
  const agency = await ownAgency(store, caller, agencyUscc);
  if (agency.status !== 'active') fail('AGENCY_NOT_ACTIVE', 'the agency is retired', { uscc: agencyUscc });
  const { notBefore, notAfter } = checkCertificateChain(
    certificatePem,
    caller.memberProvince.signingCaPem,
    txDate(ctx),
  );
  requireSubjectNames(certificatePem, agencyUscc);
  const kid = certificateKid(certificatePem);
  if ((await store.getSigningKey(kid)) !== undefined) {
    fail('ALREADY_EXISTS', 'a key with this kid is already registered', { kid });
  }
  const key: SigningKey = {
    docType: 'signingKey',
    kid,
    agencyUscc,
    provinceMsp: caller.mspId,
    alg: 'ES256',
    certificatePem,
    notBefore,
    notAfter,
    status: 'active',
    registeredAt: txTime(ctx),
    ...(replaces === undefined ? {} : { replaces }),
  };
  await store.putSigningKey(key, true);
  return key;
}

/** Registers a new certificate for the same agency and retires the old key, in one transaction. */
export async function rotateKey(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  oldKid: string,
  certificatePem: string,
): Promise<{ retired: SigningKey; added: SigningKey }> {
  const old = await ownKey(store, caller, oldKid);
  if (old.status !== 'active') fail('KEY_NOT_ACTIVE', 'only an active key can be rotated', { kid: oldKid });
  const added = await registerKey(ctx, store, caller, old.agencyUscc, certificatePem, oldKid);
  const retired: SigningKey = { ...old, status: 'retired', retiredAt: txTime(ctx) };
  await store.putSigningKey(retired, false);
  return { retired, added };
}

/** Retires an active key: licences it signed stay valid, it signs nothing new. */
export async function retireKey(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  kid: string,
): Promise<SigningKey> {
  const key = await ownKey(store, caller, kid);
  if (key.status !== 'active') fail('KEY_NOT_ACTIVE', 'the key is not active', { kid, status: key.status });
  const retired: SigningKey = { ...key, status: 'retired', retiredAt: txTime(ctx) };
  await store.putSigningKey(retired, false);
  return retired;
}

/** Marks a key compromised from `compromisedAt` (not in the future); also allowed for a retired key. */
export async function markCompromised(
  ctx: Context,
  store: Store,
  caller: MemberCaller,
  input: CompromiseInput,
): Promise<SigningKey> {
  const key = await ownKey(store, caller, input.kid);
  if (key.status === 'compromised')
    fail('CONFLICT', 'the key is already marked compromised', { kid: input.kid });
  const now = txTime(ctx);
  if (input.compromisedAt > now) {
    fail('INVALID_ARGUMENT', 'compromisedAt cannot be later than the transaction time', { kid: input.kid });
  }
  const compromised: SigningKey = { ...key, status: 'compromised', compromisedAt: input.compromisedAt };
  await store.putSigningKey(compromised, false);
  return compromised;
}

/**
 * The certificate must name the agency (subject serialNumber = USCC, as the project's PKI issues
 * them), so a province cannot file one agency's key under another agency.
 */
function requireSubjectNames(certificatePem: string, agencyUscc: string): void {
  const subject = new X509Certificate(certificatePem).subject.split('\n');
  if (!subject.includes(`serialNumber=${agencyUscc}`)) {
    fail('CERTIFICATE_INVALID', "the certificate's subject does not name this agency", { reason: 'subject' });
  }
}

function certificateKid(certificatePem: string): string {
  try {
    return kidOfCertificate(certificatePem);
  } catch {
    return fail('CERTIFICATE_INVALID', 'the certificate does not hold a P-256 key', { reason: 'keyType' });
  }
}
