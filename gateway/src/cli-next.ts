/**
 * The command line each CLI step prints as its next step: written the way this checkout runs the CLI
 * (`npx licence-ledger`), with every value quoted for a POSIX shell, and with the demo's ready-made
 * token names (tokens.json) wherever one fits, so that the line runs as printed.
 */
import { isAbsolute, relative } from 'node:path';
import { decodeJwt } from 'jose';
import type { FieldSpec, LicenceFields } from '@licence-ledger/domain';
import type { DemoTokens } from './demo/run';

/** How the CLI is run from `cwd`: `npx licence-ledger`, or with `--prefix <checkout>` from outside it. */
export function cliCommand(repoRoot: string, cwd: string = process.cwd()): string {
  const rel = relative(repoRoot, cwd);
  const inside = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  // Outside the checkout a bare `npx licence-ledger` would look for a package of that name in the registry.
  return inside ? 'npx licence-ledger' : `npx --prefix ${shellQuote(repoRoot)} licence-ledger`;
}

/** `text` as one word of a POSIX shell command line: bare when it can be, quoted otherwise. */
export function shellQuote(text: string): string {
  if (/^[\p{L}\p{N}_\-.,/:=@%+]+$/u.test(text)) return text;
  if (!/["$`\\!]/.test(text)) return `"${text}"`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** One command line: the CLI, the command, then options (a value of `true` is a bare flag). */
export function commandLine(
  cli: string,
  command: string,
  options: readonly (readonly [string, string | true])[],
): string {
  const parts = [cli, command];
  for (const [name, value] of options) {
    parts.push(`--${name}`);
    if (value !== true) parts.push(shellQuote(value));
  }
  return parts.join(' ');
}

/** The claims of a bearer token, read without verifying it (only to name the next step). */
export function peekClaims(token: string): { province?: string; agency?: string; role?: string } {
  try {
    const claims = decodeJwt(token);
    const text = (k: string): string | undefined => (typeof claims[k] === 'string' ? claims[k] : undefined);
    const province = text('province');
    const agency = text('agency');
    const role = text('role');
    return {
      ...(province === undefined ? {} : { province }),
      ...(agency === undefined ? {} : { agency }),
      ...(role === undefined ? {} : { role }),
    };
  } catch {
    return {};
  }
}

/** The name of the first ready-made token with `role` that `accept` agrees to. */
export function tokenName(
  tokens: DemoTokens | undefined,
  role: string,
  accept: (entry: { province: string; claims: ReturnType<typeof peekClaims> }) => boolean,
): string | undefined {
  for (const [name, entry] of Object.entries(tokens?.tokens ?? {})) {
    if (entry.role === role && accept({ province: entry.province, claims: peekClaims(entry.token) })) {
      return name;
    }
  }
  return undefined;
}

/** How many fields a suggested presentation discloses: enough to show, small enough for a QR code. */
const SUGGESTED_DISCLOSURES = 3;

/**
 * The fields a suggested presentation discloses: the licence's fields in catalogue order, without
 * the holder's ID number, at most three (for a driving licence: name, class, firstIssued).
 */
export function suggestedDisclosure(specs: readonly FieldSpec[], fields: LicenceFields): string[] {
  return specs
    .filter((s) => s.holderId !== true && Object.hasOwn(fields, s.name))
    .slice(0, SUGGESTED_DISCLOSURES)
    .map((s) => s.name);
}

/** The value of the holder-ID field of a licence, if its type has one. */
export function holderIdOf(specs: readonly FieldSpec[], fields: LicenceFields): string | undefined {
  const spec = specs.find((s) => s.holderId === true);
  const value = spec === undefined || !Object.hasOwn(fields, spec.name) ? undefined : fields[spec.name];
  return typeof value === 'string' ? value : undefined;
}

/** The `--field` values of the walk-through's driving licence (README, the demo's guide) for `holderId`. */
export function walkThroughFields(holderId: string): string[] {
  return ['name=张三', `idNo=${holderId}`, 'class=C1', 'firstIssued=2012-05-04'];
}

/** A sample revocation reason for the walk-through, by licence type. */
export function sampleRevocation(typeCode: string): { code: string; text: string } {
  return typeCode === 'JDCJSZ'
    ? { code: 'DRUNK_DRIVING', text: '醉酒驾驶' }
    : { code: 'SERIOUS_VIOLATION', text: '严重违法' };
}

/** The default end of a licence's validity: the same day ten years later (28 February for 29 February). */
export function tenYearsAfter(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const end = new Date(Date.UTC(y + 10, m - 1, d));
  if (end.getUTCDate() !== d) end.setUTCDate(0); // 29 February of a year that has none
  return end.toISOString().slice(0, 10);
}
