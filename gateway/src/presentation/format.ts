/**
 * The presentation token format shared by the presenting and the verifying side: a compact JWS
 * (ES256) with header {alg, typ: 'llp+jwt', kid} and claims {lid, d, iat, exp, jti}.
 */

/** `typ` of a presentation token. */
export const PRESENTATION_TYP = 'llp+jwt';
/** `typ` of a verification receipt. */
export const RECEIPT_TYP = 'llr+jwt';
/** The only signature algorithm accepted. */
export const PRESENTATION_ALG = 'ES256';
/** Longest token accepted, in characters; anything longer is refused before decoding. */
export const MAX_TOKEN_CHARS = 2048;
/** What a kid may look like: it is only ever a lookup key. */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
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
  readonly kid: string;
}

/** A disclosed field as carried in the token: [value, salt]. */
export type DisclosedField = readonly [value: string | number | boolean, salt: string];

/** The claims of a presentation token. */
export interface PresentationClaims {
  /** Licence identifier without the constant LICENCE_ID_PREFIX. */
  readonly lid: string;
  readonly d: Readonly<Record<string, DisclosedField>>;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}
