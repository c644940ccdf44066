/**
 * Untrusted-token parsing: cheap structural checks before any key lookup, and strict typing of the
 * claims once the signature holds. Everything that fails here is MALFORMED; nothing here throws.
 */
import {
  KID_PATTERN,
  MAX_FIELDS,
  b64urlDecode,
  parseJsonStrict,
  parseLicenceId,
} from '@licence-ledger/domain';
import {
  MAX_DISCLOSED_FIELDS,
  MAX_TOKEN_CHARS,
  PRESENTATION_ALG,
  PRESENTATION_TYP,
  type PresentationClaims,
  type DisclosedField,
} from '../presentation/format';
import { licenceIdOfTokenLid } from '../presentation/lid';

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const JTI = /^[A-Za-z0-9_-]{16,64}$/;
const MAX_HEADER_BYTES = 256;
/** An ES256 signature is 64 bytes: 86 base64url characters. */
const SIGNATURE_CHARS = 86;

/** Outcome of a parse step: the value, or the reason it was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

const refuse = (why: string): { ok: false; why: string } => ({ ok: false, why });

/**
 * Checks a token's shape and header: at most MAX_TOKEN_CHARS, three base64url segments, a header
 * that is exactly {alg: ES256, typ: llp+jwt, kid} (so alg none/HS256, crit, jku, x5u, jwk… are
 * refused), a kid of exactly the domain's KID_PATTERN form (22 canonical base64url characters) and a
 * 64-byte signature. Returns the kid.
 */
export function parseHeader(token: unknown): Parsed<{ kid: string }> {
  if (typeof token !== 'string') return refuse('token is not a string');
  if (token.length > MAX_TOKEN_CHARS) return refuse('token too long');
  const parts = token.split('.');
  if (parts.length !== 3) return refuse('token does not have three parts');
  const [header = '', payload = '', signature = ''] = parts;
  if (!SEGMENT.test(header) || !SEGMENT.test(payload) || !SEGMENT.test(signature)) {
    return refuse('token part is not base64url');
  }
  if (signature.length !== SIGNATURE_CHARS) return refuse('signature has the wrong length');
  // 86 characters carry 4 spare bits; without this, 16 spellings of one signature would all verify.
  if (!isCanonical(signature)) return refuse('signature is not canonical base64url');
  const json = decodeJson(header, MAX_HEADER_BYTES);
  if (!json.ok) return json;
  const h = json.value;
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return refuse('header is not an object');
  const keys = Object.keys(h).sort();
  if (keys.length !== 3 || keys[0] !== 'alg' || keys[1] !== 'kid' || keys[2] !== 'typ') {
    return refuse('header must have exactly alg, typ and kid');
  }
  const { alg, typ, kid } = h as Record<string, unknown>;
  if (alg !== PRESENTATION_ALG) return refuse('alg must be ES256');
  if (typ !== PRESENTATION_TYP) return refuse('wrong typ');
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) return refuse('kid is not acceptable');
  return { ok: true, value: { kid } };
}

/** A verified token's claims with the full licence identifier they name. */
export interface TokenClaims extends PresentationClaims {
  /** The full GB/T 36904 identifier, rebuilt with the signing agency's USCC. */
  readonly id: string;
  readonly typeCode: string;
}

/**
 * Types the verified payload strictly: required lid, d, iat, exp, jti and nothing else. The lid is
 * completed with `signerUscc`, the USCC of the agency owning the signing key, and must then be a
 * valid licence identifier (check character included).
 */
export function parseClaims(payload: Uint8Array, signerUscc: string): Parsed<TokenClaims> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return refuse('payload is not UTF-8');
  }
  let c: unknown;
  try {
    c = parseJsonStrict(text, MAX_TOKEN_CHARS);
  } catch {
    return refuse('payload is not strict JSON');
  }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return refuse('payload is not an object');
  const claims = c as Record<string, unknown>;
  const allowed = new Set(['lid', 'd', 'iat', 'exp', 'jti']);
  for (const name of Object.keys(claims)) if (!allowed.has(name)) return refuse('unknown claim');
  const { lid, d, iat, exp, jti } = claims;
  if (!isNumericDate(iat) || !isNumericDate(exp)) return refuse('iat and exp must be integer NumericDates');
  if (typeof jti !== 'string' || !JTI.test(jti)) return refuse('jti missing or malformed');
  if (typeof lid !== 'string') return refuse('lid missing');
  let id: string;
  try {
    id = licenceIdOfTokenLid(lid, signerUscc);
  } catch {
    return refuse("lid does not name a licence of the signing key's agency");
  }
  const disclosed = parseDisclosures(d);
  if (!disclosed.ok) return disclosed;
  const { typeCode } = parseLicenceId(id);
  return { ok: true, value: { lid, id, typeCode, d: disclosed.value, iat, exp, jti } };
}

/**
 * `d` is an array of [position, value, salt] with integer positions below MAX_FIELDS (the most a
 * licence type can have) in strictly ascending order, so a field is disclosed at most once and a
 * disclosure set has one spelling. Whether a position exists in the licence's type is for the
 * verifier to decide (FIELD_MISMATCH), since only the ledger's catalogue knows.
 */
function parseDisclosures(d: unknown): Parsed<DisclosedField[]> {
  if (!Array.isArray(d)) return refuse('d must be an array');
  if (d.length > MAX_DISCLOSED_FIELDS) return refuse('too many disclosed fields');
  const out: DisclosedField[] = [];
  let previous = -1;
  for (const entry of d as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 3) return refuse('a disclosure is [position, value, salt]');
    const [position, value, salt] = entry as unknown[];
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position >= MAX_FIELDS) {
      return refuse('a field position is an integer below MAX_FIELDS');
    }
    if (position <= previous) return refuse('field positions must be strictly ascending');
    const typed =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!typed || typeof salt !== 'string') return refuse('a disclosure is [position, value, salt]');
    out.push([position, value, salt]);
    previous = position;
  }
  return { ok: true, value: out };
}

function isCanonical(segment: string): boolean {
  try {
    b64urlDecode(segment);
    return true;
  } catch {
    return false;
  }
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function decodeJson(segment: string, maxBytes: number): Parsed<unknown> {
  try {
    const bytes = b64urlDecode(segment);
    if (bytes.length > maxBytes) return refuse('segment too large');
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, value: parseJsonStrict(text, maxBytes) };
  } catch {
    return refuse('segment is not base64url JSON');
  }
}
