/** What the verifier reads and writes, as narrow ports (LedgerClient and the Store implement them). */
import type {
  LicenceRecord,
  LicenceType,
  Province,
  RecognitionRule,
  SigningKey,
} from '@licence-ledger/domain';
import type { ReceiptSigner } from '../keys/receipt-key';
import type { LedgerPoint } from './result';

/** Read-only ledger access of the verifier's own province (null: the ledger says it does not exist). */
export interface VerificationLedger {
  getSigningKey(kid: string): Promise<SigningKey | null>;
  getProvince(mspId: string): Promise<Province | null>;
  readLicence(id: string): Promise<LicenceRecord | null>;
  getLicenceType(code: string): Promise<LicenceType | null>;
  getEffectiveRecognition(
    recognisingMsp: string,
    typeCode: string,
    issuingMsp: string,
    atIso: string,
  ): Promise<RecognitionRule | null>;
  chainInfo(): Promise<LedgerPoint>;
}

/** One-time use of token ids. */
export interface ReplayGuard {
  /** Records `jti` until `expIso`; false when it was already recorded. */
  claimJti(jti: string, expIso: string): Promise<boolean>;
}

/** Everything createVerifier needs. */
export interface VerifierDeps {
  readonly ledger: VerificationLedger;
  readonly replay: ReplayGuard;
  /** The verifying province's MSP ID. */
  readonly myMsp: string;
  readonly clock: () => Date;
  readonly clockToleranceSeconds: number;
  readonly maxTokenTtlSeconds: number;
  readonly receiptSigner: ReceiptSigner;
}
