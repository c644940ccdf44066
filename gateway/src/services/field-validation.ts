/**
 * Checks a licence's field values against its type's FieldSpec list before anything is salted,
 * signed or stored: required fields, value types, lengths, patterns, unknown fields, and the holder
 * identifier (a citizen ID for persons, a USCC for organisations). Messages never echo values.
 */
import { LicenceError, fieldErrorDetails, validateCitizenId, validateUscc } from '@licence-ledger/domain';
import type { FieldError, FieldSpec, FieldValue, LicenceFields, LicenceType } from '@licence-ledger/domain';

/** Longest string value accepted when a field declares no maxLength. */
export const DEFAULT_MAX_FIELD_LENGTH = 1000;

/** The result of checking fields: normalised values plus the holder identifier (if the type names one). */
export interface ValidatedFields {
  readonly fields: LicenceFields;
  /** The holder id in normal form (e.g. citizen ID with upper-case X); undefined when the type has no holder id field. */
  readonly holderId: string | undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `text` holds a C0 control character or DEL. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
const patternCache = new Map<string, RegExp | null>();

/** A compiled, fully anchored pattern; null when the catalogue's pattern does not compile. */
function compiledPattern(source: string): RegExp | null {
  let re = patternCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${source})$`, 'u');
    } catch {
      re = null;
    }
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(source, re);
  }
  return re;
}

/** True when `text` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function checkValue(spec: FieldSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') return 'must be a string';
      if (value.length === 0 && spec.required) return 'must not be empty';
      if (value.length > (spec.maxLength ?? DEFAULT_MAX_FIELD_LENGTH)) {
        return `must have at most ${spec.maxLength ?? DEFAULT_MAX_FIELD_LENGTH} characters`;
      }
      // Control characters have no place in a licence field and break QR and log rendering.
      if (hasControlCharacter(value)) return 'must not contain control characters';
      if (spec.pattern !== undefined) {
        const re = compiledPattern(spec.pattern);
        if (re === null || !re.test(value)) return 'does not match the pattern of its licence type';
      }
      return undefined;
    }
    case 'date':
      return typeof value === 'string' && isIsoDate(value) ? undefined : 'must be a date YYYY-MM-DD';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : 'must be an integer';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
  }
}

/**
 * Validates `input` against `type`; throws SCHEMA_VIOLATION (listing every problem in
 * the details, see fieldErrorDetails) or INVALID_CITIZEN_ID / INVALID_USCC for a bad holder id.
 */
export function validateFields(type: LicenceType, input: unknown, now: Date = new Date()): ValidatedFields {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new LicenceError('SCHEMA_VIOLATION', 'fields must be an object', { path: '/fields' });
  }
  const record = input as Record<string, unknown>;
  const problems: FieldError[] = [];
  const specs = new Map(type.fields.map((spec) => [spec.name, spec]));
  for (const name of Object.keys(record).sort()) {
    if (!specs.has(name))
      problems.push({ path: `/fields/${name}`, message: 'is not a field of this licence type' });
  }
  const fields: Record<string, FieldValue> = {};
  let holderId: string | undefined;
  let holderPath: string | undefined;
  for (const spec of type.fields) {
    const path = `/fields/${spec.name}`;
    const value = Object.hasOwn(record, spec.name) ? record[spec.name] : undefined;
    if (value === undefined || value === null) {
      if (spec.required) problems.push({ path, message: 'is required' });
      continue;
    }
    const problem = checkValue(spec, value);
    if (problem !== undefined) {
      problems.push({ path, message: problem });
      continue;
    }
    fields[spec.name] = value as FieldValue;
    if (spec.holderId === true && typeof value === 'string') {
      holderPath = path;
      holderId = value;
    }
  }
  if (problems.length > 0) {
    throw new LicenceError(
      'SCHEMA_VIOLATION',
      'the licence fields do not match the licence type',
      fieldErrorDetails(problems),
    );
  }
  if (holderId !== undefined && holderPath !== undefined) {
    holderId = type.holderKind === 'person' ? validateCitizenId(holderId, now) : validateUscc(holderId);
    fields[holderPath.slice('/fields/'.length)] = holderId;
  }
  return { fields, holderId };
}
