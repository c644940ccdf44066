/**
 * The presentation token format shared by the presenting and the verifying side: a compact JWS
 * (ES256) with header {alg, typ: 'llp+jwt', kid} and claims {lid, d, iat, exp, jti}.
 *
 * Every byte counts: the token is shown as a QR code that a phone must scan at a glance, and the
 * budget is 480 bytes for three disclosed fields. So the kid is the domain's 22-character KID_PATTERN
 * form, `lid` leaves out what the verifier can rebuild (see ./lid), and `d` names fields by their
 * position in the licence type's catalogue entry instead of by name.
 */

/** `typ` of a presentation token. */
export const PRESENTATION_TYP = 'llp+jwt';
/** `typ` of a verification receipt. */
export const RECEIPT_TYP = 'llr+jwt';
/** The only signature algorithm accepted. */
export const PRESENTATION_ALG = 'ES256';
/** Longest token accepted, in characters; anything longer is refused before decoding. */
export const MAX_TOKEN_CHARS = 2048;
/** Random bytes in a token's jti (16 base64url characters). */
export const JTI_BYTES = 12;
/** Default lifetime of a presentation token. */
export const DEFAULT_PRESENTATION_TTL_SECONDS = 300;
/** Most fields a token may disclose. */
export const MAX_DISCLOSED_FIELDS = 64;

/** The protected header of a presentation token. */
export interface PresentationHeader {
  readonly alg: typeof PRESENTATION_ALG;
  readonly typ: typeof PRESENTATION_TYP;
  /** The signing key's kid (KID_PATTERN: 22 base64url characters). */
  readonly kid: string;
}

/**
 * A disclosed field as carried in the token: [position, value, salt], where position is the field's
 * index in the licence type's `fields` (catalogue entries are immutable once adopted, so positions
 * never move). An array of triples is 2 bytes per field shorter than an object keyed by position
 * ({"0":[value, salt]}), and saves the field name itself. Positions are strictly ascending, so one
 * set of disclosures has exactly one spelling. Verifiers answer MALFORMED for a position that no
 * type can have (not an integer from 0 to MAX_FIELDS - 1, or out of order) and FIELD_MISMATCH for
 * one the licence's type does not have, as they do for a value that does not match the ledger.
 */
export type DisclosedField = readonly [position: number, value: string | number | boolean, salt: string];

/** The claims of a presentation token. */
export interface PresentationClaims {
  /** Licence identifier without the constant prefix and the issuer USCC: `<type>.<serial>.<version>.<check>`. */
  readonly lid: string;
  readonly d: readonly DisclosedField[];
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}
