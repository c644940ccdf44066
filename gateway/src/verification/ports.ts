/** What the verifier reads and writes, as narrow ports (LedgerClient and the Store implement them). */
import type {
  LicenceRecord,
  LicenceType,
  Province,
  RecognitionRule,
  SigningKey,
} from '@licence-ledger/domain';
import type { ReceiptSigner } from '../keys/receipt-key';
import type { RegistryCache } from './registry-cache';
import type { LedgerPoint } from './result';

/** Registry reads (null: the ledger says it does not exist); RegistryCache sits in front of these. */
export interface RegistryReads {
  getSigningKey(kid: string): Promise<SigningKey | null>;
  getProvince(mspId: string): Promise<Province | null>;
  getLicenceType(code: string): Promise<LicenceType | null>;
  /** Every version of a province's rule for a type, oldest first (empty when there is none). */
  getRecognitionRuleHistory(recognisingMsp: string, typeCode: string): Promise<RecognitionRule[]>;
}

/** Read-only ledger access of the verifier's own province. */
export interface VerificationLedger extends RegistryReads {
  readLicence(id: string): Promise<LicenceRecord | null>;
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
  /** How far a token's iat may lie ahead of this verifier's clock; it never extends a token past exp. */
  readonly clockToleranceSeconds: number;
  readonly maxTokenTtlSeconds: number;
  readonly receiptSigner: ReceiptSigner;
  /**
   * The registry cache over `ledger`, invalidated by the gateway's ledger event listener. Without
   * one, signing keys and recognition rules are read on every verification (nobody would tell a
   * cache about a compromised key); only write-once provinces and licence types are kept.
   */
  readonly registry?: RegistryCache;
}
