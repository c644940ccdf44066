/**
 * The short licence id carried in presentation tokens: `<type code>.<serial>.<version>.<check>`,
 * the GB/T 36904 identifier without its constant prefix '1.2.156.3005.2.' and without the issuer's
 * USCC. The verifier rebuilds the full identifier with the USCC of the agency that owns the token's
 * signing key (from the ledger's key record). Why: leaving out the USCC and its dot saves 19 bytes
 * of every token (the 15-byte prefix is constant and never travelled), and it binds the token's key
 * to the issuing agency by construction: a key of agency B can only ever name B's licences, since
 * the check character covers the USCC, so the identifier rebuilt with B's USCC fails it (or, one
 * time in 36, names one of B's own licences). The verifier still checks that the key belongs to the
 * licence's issuing agency, as a defence.
 */
import {
  LICENCE_ID_MAX_LENGTH,
  LICENCE_ID_PREFIX,
  LicenceError,
  parseLicenceId,
} from '@licence-ledger/domain';

/** The token form of a full licence identifier; INVALID_IDENTIFIER when `id` is not one. */
export function tokenLid(id: string): string {
  const { typeCode, serial, version, check } = parseLicenceId(id);
  return `${typeCode}.${serial}.${String(version).padStart(3, '0')}.${check}`;
}

/**
 * The full licence identifier a token's `lid` names when the token is signed by a key of the agency
 * `issuerUscc`; INVALID_IDENTIFIER unless the result is a valid GB/T 36904 identifier (four parts,
 * and a check character that holds with this USCC).
 */
export function licenceIdOfTokenLid(lid: unknown, issuerUscc: string): string {
  if (typeof lid !== 'string' || lid.length > LICENCE_ID_MAX_LENGTH) {
    throw new LicenceError('INVALID_IDENTIFIER', 'a token lid is a string of bounded length');
  }
  const parts = lid.split('.');
  if (parts.length !== 4) {
    throw new LicenceError(
      'INVALID_IDENTIFIER',
      'a token lid has four parts: type code, serial, version, check',
    );
  }
  const [typeCode, serial, version, check] = parts as [string, string, string, string];
  const id = `${LICENCE_ID_PREFIX}${typeCode}.${issuerUscc}.${serial}.${version}.${check}`;
  parseLicenceId(id);
  return id;
}
