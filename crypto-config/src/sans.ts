/** Subject alternative names: IP literals become iPAddress entries, everything else must be a DNS name. */
import { isIP } from 'node:net';
import * as x509 from './x509';
import { LicenceError } from '@licence-ledger/domain';

const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** True when `name` is a syntactically valid DNS host name (no wildcards). */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => DNS_LABEL.test(label));
}

/** Classifies and de-duplicates SAN entries, keeping first-seen order. */
export function toGeneralNames(sans: readonly string[]): x509.JsonGeneralNames {
  const seen = new Set<string>();
  const names: x509.JsonGeneralNames = [];
  for (const san of sans) {
    const key = san.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (isIP(san) !== 0) names.push({ type: 'ip', value: san });
    else if (isDnsName(san)) names.push({ type: 'dns', value: key });
    else
      throw new LicenceError(
        'INVALID_ARGUMENT',
        'subject alternative name is neither an IP address nor a DNS name',
        { san },
      );
  }
  return names;
}

/** The SAN extension, or undefined when there are no names. */
export function sanExtension(sans: readonly string[] | undefined): x509.Extension | undefined {
  if (sans === undefined || sans.length === 0) return undefined;
  return new x509.SubjectAlternativeNameExtension(toGeneralNames(sans), false);
}
