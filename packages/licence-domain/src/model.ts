/**
 * The ledger's data model. Everything here is stored on chain or crosses the chaincode boundary,
 * so nothing here may hold personal data: licence content appears only as salted digests.
 */
import type { StatusCode, StatusAction } from './status';
import type { EventName } from './names';

/** ISO-8601 UTC timestamp with millisecond precision, e.g. 2026-11-21T09:00:00.000Z. */
export type IsoTime = string;
/** Calendar date, YYYY-MM-DD. */
export type IsoDate = string;

/** Roles carried in a client certificate's attribute extension (`ll.role`). */
export const ROLES = ['admin', 'issuer', 'verifier'] as const;
/** A caller's role within its province. */
export type Role = (typeof ROLES)[number];

/** Names of the certificate attributes the chaincode reads (Fabric attribute extension). */
export const ATTR = {
  role: 'll.role',
  agency: 'll.agency',
  province: 'll.province',
} as const;

// ---------------------------------------------------------------- consortium

/** Consortium-wide settings fixed at bootstrap. */
export interface ConsortiumConfig {
  readonly docType: 'consortium';
  /** Seconds of notice before a recognition rule may end or narrow recognition. */
  readonly recognitionNoticeSeconds: number;
  readonly bootstrappedAt: IsoTime;
  readonly bootstrappedBy: string;
}

/** A member province (one Fabric organisation). */
export interface Province {
  readonly docType: 'province';
  /** GB/T 2260 six-digit administrative division code of the province, e.g. 440000. */
  readonly code: string;
  readonly mspId: string;
  readonly name: string;
  /** PEM of the CA that certifies this province's agency signing keys. */
  readonly signingCaPem: string;
  readonly status: 'active';
  readonly joinedAt: IsoTime;
}

/** A change that needs a majority of active provinces. */
export interface Proposal {
  readonly docType: 'proposal';
  readonly id: string;
  readonly kind: 'province' | 'licenceType';
  /** The province or licence type to add, as it will be stored. */
  readonly payload: ProvinceInput | LicenceTypeInput;
  readonly proposedBy: string;
  readonly proposedAt: IsoTime;
  /** MSP IDs of the provinces that approved (the proposer's included). */
  readonly approvals: readonly string[];
  /** Number of approvals needed: a strict majority of active provinces when proposed. */
  readonly threshold: number;
  readonly state: 'open' | 'adopted';
  readonly adoptedAt?: IsoTime;
}

/** Input for adding a province. */
export interface ProvinceInput {
  readonly code: string;
  readonly mspId: string;
  readonly name: string;
  readonly signingCaPem: string;
}

// ---------------------------------------------------------------- catalogue

/** Value types a licence field may hold. */
export type FieldType = 'string' | 'date' | 'integer' | 'boolean';

/** One field of a licence type's schema. */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly maxLength?: number;
  readonly pattern?: string;
  /** Personal data (name, ID number, phone…): disclosed only when the holder chooses. */
  readonly personal: boolean;
  /** Holder identifier field (validated as a citizen ID or USCC according to holderKind). */
  readonly holderId?: boolean;
  readonly label?: string;
  /**
   * A few values the field accepts, shown to the people who fill it in (准驾车型: C1, C1E, A2D)
   * instead of its pattern; string fields only, each a valid value of the field, never personal data.
   */
  readonly examples?: readonly string[];
}

/** Input for adding a licence type to the national catalogue. */
export interface LicenceTypeInput {
  readonly code: string;
  readonly name: string;
  readonly holderKind: 'person' | 'organisation';
  readonly fields: readonly FieldSpec[];
  readonly nationallyRecognised: boolean;
}

/** A licence type in the catalogue. */
export interface LicenceType extends LicenceTypeInput {
  readonly docType: 'licenceType';
  readonly addedAt: IsoTime;
}

// ---------------------------------------------------------------- agencies and keys

/** An issuing agency (颁证单位) of a province. */
export interface Agency {
  readonly docType: 'agency';
  /** 18-character unified social credit code. */
  readonly uscc: string;
  readonly name: string;
  readonly provinceMsp: string;
  /** Licence type codes the agency may issue. */
  readonly licenceTypes: readonly string[];
  readonly status: 'active' | 'retired';
  readonly registeredAt: IsoTime;
  readonly retiredAt?: IsoTime;
}

/** Lifecycle of an agency signing key. */
export type KeyStatus = 'active' | 'retired' | 'compromised';

/** An agency's ES256 signing key, certified by its province's signing CA. */
export interface SigningKey {
  readonly docType: 'signingKey';
  /** Key id: the first 16 bytes (KID_BYTES) of the public JWK's RFC 7638 thumbprint, base64url (22 characters). */
  readonly kid: string;
  readonly agencyUscc: string;
  readonly provinceMsp: string;
  readonly alg: 'ES256';
  /** PEM certificate chained to the province's signing CA. */
  readonly certificatePem: string;
  readonly notBefore: IsoTime;
  readonly notAfter: IsoTime;
  readonly status: KeyStatus;
  readonly registeredAt: IsoTime;
  readonly retiredAt?: IsoTime;
  /** Signatures made at or after this time are not trusted. */
  readonly compromisedAt?: IsoTime;
  /** The key this one replaced, when registered by rotation. */
  readonly replaces?: string;
}

// ---------------------------------------------------------------- recognition rules

/** How one province recognises licences of a type issued elsewhere (互认规则). */
export interface RecognitionRuleInput {
  readonly typeCode: string;
  /** Issuing provinces' MSP IDs; ['*'] for every member province. */
  readonly issuingMsps: readonly string[];
  /** The local licence type it is treated as, when it differs. */
  readonly localEquivalentType?: string;
  readonly effectiveFrom: IsoTime;
  readonly effectiveTo?: IsoTime;
  readonly note?: string;
}

/** A published version of a recognition rule. */
export interface RecognitionRule extends RecognitionRuleInput {
  readonly docType: 'recognitionRule';
  readonly recognisingMsp: string;
  readonly version: number;
  readonly publishedAt: IsoTime;
}

// ---------------------------------------------------------------- licences

/** Field values of a licence: kept off chain, committed to by salted digests. */
export type FieldValue = string | number | boolean;
/** A licence's full content, by field name. */
export type LicenceFields = Readonly<Record<string, FieldValue>>;

/** The commitment stored on chain: one salted digest per field, and a digest over them. */
export interface Commitment {
  readonly alg: 'sha256-salted-v1';
  /** base64url SHA-256 of canonical [salt, name, value], by field name. */
  readonly digests: Readonly<Record<string, string>>;
  /** base64url SHA-256 of the canonical digests map. */
  readonly root: string;
}

/** What the agency signs when it issues a licence (canonical JSON, ES256). */
export interface IssuanceStatement {
  readonly id: string;
  readonly typeCode: string;
  readonly issuerUscc: string;
  readonly kid: string;
  readonly commitmentRoot: string;
  readonly validFrom: IsoDate;
  readonly validUntil: IsoDate | null;
}

/** One licence to issue, as the chaincode receives it. */
export interface IssueRequest {
  readonly id: string;
  readonly typeCode: string;
  readonly issuerUscc: string;
  readonly kid: string;
  readonly commitment: Commitment;
  /** base64url ES256 signature (IEEE P1363, 64 bytes) over the canonical IssuanceStatement. */
  readonly signature: string;
  readonly validFrom: IsoDate;
  readonly validUntil: IsoDate | null;
}

/** A status change request. */
export interface StatusChangeRequest {
  readonly id: string;
  readonly action: StatusAction;
  /** Short reason code, e.g. TRAFFIC_OFFENCE. */
  readonly reasonCode: string;
  /** Reason text; mandatory for status 99 (other). Never personal data. */
  readonly reasonText: string;
}

/** A licence as stored on the ledger. */
export interface LicenceRecord {
  readonly docType: 'licence';
  readonly id: string;
  readonly typeCode: string;
  readonly issuerUscc: string;
  readonly issuerMsp: string;
  readonly provinceCode: string;
  readonly kid: string;
  readonly commitment: Commitment;
  readonly signature: string;
  readonly validFrom: IsoDate;
  readonly validUntil: IsoDate | null;
  readonly status: StatusCode;
  readonly statusReasonCode: string;
  readonly statusReasonText: string;
  readonly statusAt: IsoTime;
  /** `<MSP ID>/<agency USCC>` of whoever set the status (never a person). */
  readonly statusBy: string;
  readonly issuedAt: IsoTime;
  readonly predecessor?: string;
  readonly successor?: string;
  readonly transfer?: {
    readonly toMsp: string;
    readonly state: 'pending' | 'accepted';
    readonly at: IsoTime;
    readonly successor?: string;
  };
  /** Incremented on every change of the record. */
  readonly revision: number;
  readonly lastTxId: string;
}

/** One entry of a key's history, as the ledger reports it. */
export interface HistoryEntry<T> {
  readonly txId: string;
  readonly timestamp: IsoTime;
  readonly isDelete: boolean;
  readonly value: T | null;
}

/** A page of results with an opaque bookmark for the next page ('' when there is none). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly bookmark: string;
}

/** Largest page a list transaction returns; larger requests are clamped. */
export const MAX_PAGE_SIZE = 100;
/** Largest batch IssueLicenceBatch accepts. */
export const MAX_BATCH_SIZE = 200;
/** Largest transaction argument the chaincode parses, in bytes. */
export const MAX_ARGUMENT_BYTES = 256 * 1024;

// ---------------------------------------------------------------- events

/** One fact in an event's payload. */
export interface EventItem {
  readonly entity:
    'licence' | 'province' | 'proposal' | 'licenceType' | 'agency' | 'signingKey' | 'recognitionRule';
  readonly key: string;
  readonly action: string;
  /** For licences: the new status, the issuing province and the record revision. */
  readonly status?: StatusCode;
  readonly issuerMsp?: string;
  readonly revision?: number;
  readonly reasonCode?: string;
}

/** The payload of every chaincode event. */
export interface LedgerEventPayload {
  readonly name: EventName;
  readonly txId: string;
  readonly at: IsoTime;
  readonly actorMsp: string;
  readonly items: readonly EventItem[];
}
