/** Builds presentation tokens: the holder's chosen fields with their salts, signed by the issuing agency's key. */
import { randomBytes, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import {
  LicenceError,
  parseLicenceId,
  verifyDisclosure,
  type LicenceFields,
  type LicenceRecord,
  type LicenceType,
} from '@licence-ledger/domain';
import {
  JTI_BYTES,
  MAX_DISCLOSED_FIELDS,
  PRESENTATION_ALG,
  PRESENTATION_TYP,
  type DisclosedField,
  type PresentationClaims,
} from './format';
import { tokenLid } from './lid';

/** Longest lifetime createPresentation accepts; verifiers enforce their own (shorter) maximum. */
export const MAX_PRESENTATION_TTL_SECONDS = 3600;

/** What createPresentation needs. */
export interface PresentationRequest {
  readonly licence: LicenceRecord;
  /**
   * The licence's type as the ledger catalogue holds it (LedgerClient.getLicenceType): the token
   * names each disclosed field by its position in `fields`.
   */
  readonly licenceType: Pick<LicenceType, 'code' | 'fields'>;
  /** The licence's full content, as the issuing province stores it. */
  readonly fields: LicenceFields;
  readonly salts: Readonly<Record<string, string>>;
  /** Names of the fields to disclose (each at most once; may be empty). */
  readonly disclose: readonly string[];
  /** The issuing agency's active ledger-registered key. */
  readonly key: { readonly kid: string; readonly privateKey: KeyObject };
  readonly ttlSeconds: number;
  readonly now: Date;
}

/** A signed presentation token. */
export interface Presentation {
  readonly token: string;
  readonly jti: string;
  /** ISO time the token stops being accepted. */
  readonly expiresAt: string;
  /** Length of the token in bytes (it is ASCII). */
  readonly bytes: number;
}

/**
 * Signs a presentation token. INVALID_ARGUMENT for a field name that the licence type or the
 * licence does not have, a repeated or unsalted one, a bad lifetime, a licence type other than the
 * licence's, or a licence id that is not a GB/T 36904 identifier of the licence's issuer; INTERNAL
 * when the stored content does not match the on-chain commitment (the token would never verify).
 */
export async function createPresentation(req: PresentationRequest): Promise<Presentation> {
  const { licence, licenceType, fields, salts, disclose, key, ttlSeconds, now } = req;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_PRESENTATION_TTL_SECONDS) {
    throw new LicenceError(
      'INVALID_ARGUMENT',
      `ttlSeconds must be an integer from 1 to ${MAX_PRESENTATION_TTL_SECONDS}`,
    );
  }
  const lid = lidOf(licence);
  if (licenceType.code !== licence.typeCode) {
    throw new LicenceError('INVALID_ARGUMENT', "the licence type given is not the licence's type", {
      typeCode: licenceType.code,
    });
  }
  if (disclose.length > MAX_DISCLOSED_FIELDS) {
    throw new LicenceError('INVALID_ARGUMENT', `at most ${MAX_DISCLOSED_FIELDS} fields can be disclosed`);
  }
  const positions = new Map(licenceType.fields.map((spec, position) => [spec.name, position]));
  const d: DisclosedField[] = [];
  const seen = new Set<string>();
  for (const name of disclose) {
    if (seen.has(name))
      throw new LicenceError('INVALID_ARGUMENT', 'a field is listed twice', { field: name });
    seen.add(name);
    const position = positions.get(name);
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    const salt = Object.hasOwn(salts, name) ? salts[name] : undefined;
    if (position === undefined || value === undefined || salt === undefined) {
      throw new LicenceError('INVALID_ARGUMENT', 'the licence has no such field', { field: name });
    }
    if (!verifyDisclosure(licence.commitment, { name, value, salt })) {
      throw new LicenceError('INTERNAL', 'stored licence content does not match its on-chain commitment', {
        field: name,
      });
    }
    d.push([position, value, salt]);
  }
  // Ascending positions: the one spelling verifiers accept.
  d.sort((a, b) => a[0] - b[0]);
  const iat = Math.floor(now.getTime() / 1000);
  const jti = randomBytes(JTI_BYTES).toString('base64url');
  const claims: PresentationClaims = { lid, d, iat, exp: iat + ttlSeconds, jti };
  const token = await new CompactSign(Buffer.from(JSON.stringify(claims), 'utf8'))
    .setProtectedHeader({ alg: PRESENTATION_ALG, typ: PRESENTATION_TYP, kid: key.kid })
    .sign(key.privateKey);
  return {
    token,
    jti,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
    bytes: Buffer.byteLength(token, 'utf8'),
  };
}

/** The token lid of `licence`; its id must name its own issuer, whose key the verifier rebuilds it with. */
function lidOf(licence: LicenceRecord): string {
  let issuerUscc: string;
  try {
    issuerUscc = parseLicenceId(licence.id).issuerUscc;
  } catch {
    throw new LicenceError('INVALID_ARGUMENT', 'the licence id is not a GB/T 36904 identifier');
  }
  if (issuerUscc !== licence.issuerUscc) {
    throw new LicenceError('INVALID_ARGUMENT', "the licence id does not name the licence's issuer");
  }
  return tokenLid(licence.id);
}
