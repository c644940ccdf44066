/**
 * Licence content commitments: every field gets its own random 128-bit salt and a digest of
 * canonical [salt, name, value]; the root is the digest of the canonical digests map. A holder
 * can then disclose single fields (value + salt) that a verifier checks against the on-chain digests.
 */
import { randomBytes } from 'node:crypto';
import { canonicalize } from './canonical-json';
import { b64urlDecode, sha256b64url } from './encoding';
import { fail } from './errors';
import type { Commitment, FieldValue, IsoDate, IssuanceStatement, LicenceFields } from './model';

/** The commitment algorithm this module implements. */
export const COMMITMENT_ALG = 'sha256-salted-v1';
/** Salt length in bytes (128 bits, so a field's digest cannot be brute-forced from guessable values). */
export const SALT_BYTES = 16;

/** A fresh random salt: 16 bytes, base64url. */
export function newSalt(): string {
  return randomBytes(SALT_BYTES).toString('base64url');
}

/** A fresh salt for every field of `fields`. */
export function saltFields(fields: LicenceFields): Record<string, string> {
  // fromEntries defines own properties, so even a field named "__proto__" gets its salt.
  return Object.fromEntries(
    Object.keys(fields)
      .sort()
      .map((name) => [name, newSalt()]),
  );
}

/** base64url SHA-256 of canonical [salt, name, value]. */
export function fieldDigest(name: string, value: FieldValue, salt: string): string {
  return sha256b64url(canonicalize([salt, name, value]));
}

/**
 * Commits to `fields` with the given per-field salts. Throws INVALID_ARGUMENT when a field has no
 * salt, a salt is not 16 bytes of canonical base64url, a field name is empty or a value is not a
 * string, finite number or boolean. Salts of fields not present are ignored.
 */
export function commit(fields: LicenceFields, salts: Readonly<Record<string, string>>): Commitment {
  const entries: [string, string][] = [];
  for (const name of Object.keys(fields).sort()) {
    if (name === '') fail('INVALID_ARGUMENT', 'a field name must not be empty');
    const value = fields[name];
    if (!isFieldValue(value)) {
      fail('INVALID_ARGUMENT', `field '${name}' must be a string, a finite number or a boolean`, {
        field: name,
      });
    }
    const salt = Object.hasOwn(salts, name) ? salts[name] : undefined;
    if (salt === undefined) fail('INVALID_ARGUMENT', `field '${name}' has no salt`, { field: name });
    if (!isSalt(salt)) {
      fail('INVALID_ARGUMENT', `the salt of field '${name}' is not ${SALT_BYTES} bytes of base64url`, {
        field: name,
      });
    }
    entries.push([name, fieldDigest(name, value, salt)]);
  }
  const digests: Record<string, string> = Object.fromEntries(entries);
  return { alg: COMMITMENT_ALG, digests, root: sha256b64url(canonicalize(digests)) };
}

/** True when `c` is a well-formed commitment whose root matches its digests (never throws). */
export function verifyCommitmentRoot(c: Commitment): boolean {
  try {
    if (typeof c !== 'object' || c === null || c.alg !== COMMITMENT_ALG) return false;
    if (typeof c.digests !== 'object' || c.digests === null || Array.isArray(c.digests)) return false;
    for (const digest of Object.values(c.digests)) if (!isDigest(digest)) return false;
    return typeof c.root === 'string' && sha256b64url(canonicalize(c.digests)) === c.root;
  } catch {
    return false;
  }
}

/** A disclosed field: its name, value and salt. */
export interface Disclosure {
  readonly name: string;
  readonly value: FieldValue;
  readonly salt: string;
}

/**
 * True when the disclosed field (name, value, salt) is the one committed to in `c` and `c` itself
 * is intact; false — never an exception — for anything else (unknown field, malformed salt,
 * wrong value type, tampered commitment).
 */
export function verifyDisclosure(c: Commitment, d: Disclosure): boolean {
  return verifyDisclosures(c, [d])[0] === true;
}

/**
 * {@link verifyDisclosure} for several fields of one commitment, whose root is checked once: one
 * verdict per disclosure, in order, all false when the commitment is not intact. Never throws.
 */
export function verifyDisclosures(c: Commitment, ds: readonly Disclosure[]): boolean[] {
  if (!verifyCommitmentRoot(c)) return ds.map(() => false);
  return ds.map((d) => {
    try {
      if (typeof d !== 'object' || d === null || typeof d.name !== 'string') return false;
      if (!Object.hasOwn(c.digests, d.name) || !isFieldValue(d.value) || !isSalt(d.salt)) return false;
      return fieldDigest(d.name, d.value, d.salt) === c.digests[d.name];
    } catch {
      return false;
    }
  });
}

/** The statement an agency signs when issuing a licence: it binds the identifier to the commitment root. */
export function issuanceStatement(req: {
  readonly id: string;
  readonly typeCode: string;
  readonly issuerUscc: string;
  readonly kid: string;
  readonly commitment: Commitment;
  readonly validFrom: IsoDate;
  readonly validUntil: IsoDate | null;
}): IssuanceStatement {
  return {
    id: req.id,
    typeCode: req.typeCode,
    issuerUscc: req.issuerUscc,
    kid: req.kid,
    commitmentRoot: req.commitment.root,
    validFrom: req.validFrom,
    validUntil: req.validUntil,
  };
}

function isFieldValue(value: unknown): value is FieldValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isSalt(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return b64urlDecode(value).length === SALT_BYTES;
  } catch {
    return false;
  }
}

function isDigest(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return b64urlDecode(value).length === 32;
  } catch {
    return false;
  }
}
