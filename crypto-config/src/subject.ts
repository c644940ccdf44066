/** Distinguished names for issued certificates, with the string checks X.520 asks for. */
import { Name, type JsonNameParams } from './x509';
import { LicenceError } from '@licence-ledger/domain';

/** X.520 upper bound for CN, O and OU values. */
const MAX_NAME_LENGTH = 64;
/** OID of the X.520 serialNumber attribute, which carries an agency's USCC. */
export const OID_SERIAL_NUMBER = '2.5.4.5';

/** The parts of a subject DN this package writes, in the order they appear (most general first). */
export interface SubjectParts {
  readonly country?: string;
  readonly state?: string;
  readonly organisation: string;
  readonly organisationalUnits?: readonly string[];
  readonly commonName: string;
  readonly serialNumber?: string;
}

/** Checks a DN attribute value: non-empty, within X.520 length, no control characters. */
export function checkNameValue(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() !== value || value.length === 0) {
    throw new LicenceError('INVALID_ARGUMENT', `${field} must be a non-empty string without outer spaces`);
  }
  if ([...value].length > MAX_NAME_LENGTH) {
    throw new LicenceError('INVALID_ARGUMENT', `${field} must be at most ${MAX_NAME_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new LicenceError('INVALID_ARGUMENT', `${field} must not contain control characters`);
  }
  return value;
}

/**
 * Builds the subject. Values that fit PrintableString are written as such (as Go's
 * crypto/x509 does); Chinese agency names become UTF8String.
 */
export function buildSubject(parts: SubjectParts): Name {
  const rdns: JsonNameParams = [];
  if (parts.country !== undefined) rdns.push({ C: [{ printableString: parts.country }] });
  if (parts.state !== undefined) rdns.push({ ST: [checkNameValue(parts.state, 'state')] });
  rdns.push({ O: [checkNameValue(parts.organisation, 'organisation')] });
  for (const ou of parts.organisationalUnits ?? []) {
    rdns.push({ OU: [checkNameValue(ou, 'organisational unit')] });
  }
  rdns.push({ CN: [checkNameValue(parts.commonName, 'commonName')] });
  if (parts.serialNumber !== undefined) {
    rdns.push({ [OID_SERIAL_NUMBER]: [{ printableString: parts.serialNumber }] });
  }
  return new Name(rdns);
}
