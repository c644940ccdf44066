/** The closed set of verification outcomes and the shape of a verification answer. */
import type { StatusCode } from '@licence-ledger/domain';

/** Every verification result code. */
export const VERIFICATION_CODES = [
  'VALID',
  'MALFORMED',
  'INVALID_SIGNATURE',
  'UNKNOWN_KEY',
  'KEY_REVOKED',
  'TOKEN_EXPIRED',
  'REPLAYED',
  'NOT_ON_LEDGER',
  'FIELD_MISMATCH',
  'SUSPENDED',
  'REVOKED',
  'ANNULLED',
  'CANCELLED',
  'EXPIRED',
  'TRANSFERRED',
  'OTHER_STATUS',
  'NOT_RECOGNISED',
  'STATUS_UNAVAILABLE',
] as const;

/** A verification result code. */
export type VerificationCode = (typeof VERIFICATION_CODES)[number];

/** Why a result is not VALID (a stable code and a short text, never personal data). */
export interface VerificationReason {
  readonly code: string;
  readonly text: string;
}

/** The public summary of a licence that a verifier may see. */
export interface LicenceSummary {
  readonly id: string;
  readonly typeCode: string;
  readonly issuerUscc: string;
  readonly issuerMsp: string;
  /** The effective status at verification time. */
  readonly status: StatusCode;
  readonly validFrom: string;
  readonly validUntil: string | null;
}

/** How the verifier's province recognises the licence type. */
export interface Recognition {
  readonly basis: 'own' | 'national' | 'rule';
  readonly ruleVersion?: number;
  readonly localEquivalentType?: string;
}

/** Ledger height and last block time the answer was read at. */
export interface LedgerPoint {
  readonly height: number;
  readonly time: string | null;
}

/** The answer to one verification. */
export interface VerificationResult {
  readonly result: VerificationCode;
  readonly reason?: VerificationReason;
  readonly licence?: LicenceSummary;
  readonly disclosed?: Readonly<Record<string, string | number | boolean>>;
  readonly recognition?: Recognition;
  /** null when the answer was reached without reading the ledger (e.g. MALFORMED). */
  readonly ledger: LedgerPoint | null;
  readonly verifiedAt: string;
  /** Compact JWS (typ 'llr+jwt') by the verifier's gateway over the outcome. */
  readonly receipt: string;
}

/** Status codes that end verification, with the result code each maps to. */
export const STATUS_RESULTS: Readonly<Record<Exclude<StatusCode, '01'>, VerificationCode>> = {
  '02': 'SUSPENDED',
  '03': 'ANNULLED',
  '04': 'CANCELLED',
  '05': 'EXPIRED',
  '06': 'TRANSFERRED',
  '07': 'REVOKED',
  '99': 'OTHER_STATUS',
};
