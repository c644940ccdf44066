/**
 * A typed client over a LedgerPort and one identity: one method per chaincode transaction, JSON in
 * and out, results shape-checked. "Not found" answers of single-record reads become null.
 */
import {
  LicenceError,
  TX,
  type Agency,
  type ConsortiumConfig,
  type HistoryEntry,
  type IsoTime,
  type IssueRequest,
  type LicenceRecord,
  type LicenceType,
  type LicenceTypeInput,
  type Page,
  type Proposal,
  type Province,
  type ProvinceInput,
  type RecognitionRule,
  type RecognitionRuleInput,
  type SigningKey,
  type StatusChangeRequest,
  type TxName,
} from '@licence-ledger/domain';
import type {
  AgencyInput,
  BootstrapInput,
  CompromiseInput,
  RotateKeyInput,
  SigningKeyInput,
  SuccessionRequest,
  TransferOutRequest,
} from '@licence-ledger/domain';
import type { Identity, LedgerPort, PreparedTransaction } from './port';
import { expectArray, expectDoc, expectPage, parseResult } from './shape';

/** A committed write and the value the chaincode returned. */
export interface Committed<T> {
  readonly value: T;
  readonly txId: string;
  readonly blockNumber: number;
}

/** Paging arguments of list transactions. */
export interface PageRequest {
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** A renewal, amendment or accepted transfer: the old record and the new one. */
export interface Succession {
  readonly predecessor: LicenceRecord;
  readonly successor: LicenceRecord;
}

const asLicence = (v: unknown): LicenceRecord =>
  expectDoc<LicenceRecord>(
    v,
    'licence',
    ['id', 'typeCode', 'issuerUscc', 'issuerMsp', 'kid', 'status', 'signature'],
    'licence',
  );
const asKey = (v: unknown): SigningKey =>
  expectDoc<SigningKey>(
    v,
    'signingKey',
    ['kid', 'agencyUscc', 'provinceMsp', 'certificatePem', 'status'],
    'signingKey',
  );
const asProvince = (v: unknown): Province =>
  expectDoc<Province>(v, 'province', ['code', 'mspId', 'signingCaPem'], 'province');
const asAgency = (v: unknown): Agency =>
  expectDoc<Agency>(v, 'agency', ['uscc', 'provinceMsp', 'status'], 'agency');
const asType = (v: unknown): LicenceType =>
  expectDoc<LicenceType>(v, 'licenceType', ['code', 'name'], 'licenceType');
const asRule = (v: unknown): RecognitionRule =>
  expectDoc<RecognitionRule>(
    v,
    'recognitionRule',
    ['recognisingMsp', 'typeCode', 'effectiveFrom'],
    'recognitionRule',
  );
const asProposal = (v: unknown): Proposal =>
  expectDoc<Proposal>(v, 'proposal', ['id', 'kind', 'state'], 'proposal');
const asConsortium = (v: unknown): ConsortiumConfig =>
  expectDoc<ConsortiumConfig>(v, 'consortium', ['bootstrappedAt'], 'consortium');
const asSuccession = (v: unknown): Succession => {
  const { predecessor, successor } = (typeof v === 'object' && v !== null ? v : {}) as Record<
    string,
    unknown
  >;
  return { predecessor: asLicence(predecessor), successor: asLicence(successor) };
};
const asHistory = (v: unknown): HistoryEntry<LicenceRecord> => {
  const entry = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  if (
    typeof entry.txId !== 'string' ||
    typeof entry.timestamp !== 'string' ||
    typeof entry.isDelete !== 'boolean'
  ) {
    throw new LicenceError('INTERNAL', 'the ledger returned a malformed history entry');
  }
  return {
    txId: entry.txId,
    timestamp: entry.timestamp,
    isDelete: entry.isDelete,
    value: entry.value === null || entry.value === undefined ? null : asLicence(entry.value),
  };
};

/** Error codes that mean "no such record" for single-record reads. */
const ABSENT = new Set(['NOT_FOUND', 'KEY_UNKNOWN', 'LICENCE_TYPE_UNKNOWN']);

/** The typed ledger client of one identity. */
export class LedgerClient {
  constructor(
    private readonly port: LedgerPort,
    private readonly identity: Identity,
  ) {}

  /** The identity this client acts as. */
  get mspId(): string {
    return this.identity.mspId;
  }

  // ------------------------------------------------------------ plumbing

  private async query<T>(tx: TxName, args: string[], check: (v: unknown) => T): Promise<T> {
    return check(parseResult(await this.port.evaluate(this.identity, tx, args), tx));
  }

  /** A read that answers null when the chaincode says the record does not exist. */
  private async find<T>(tx: TxName, args: string[], check: (v: unknown) => T): Promise<T | null> {
    try {
      return await this.query(tx, args, check);
    } catch (err) {
      if (err instanceof LicenceError && ABSENT.has(err.code)) return null;
      throw err;
    }
  }

  private async write<T>(
    tx: TxName,
    args: string[],
    check: (v: unknown) => T,
    endorsingOrgs?: string[],
  ): Promise<Committed<T>> {
    const { result, txId, blockNumber } = await this.port.submit(
      this.identity,
      tx,
      args,
      endorsingOrgs === undefined ? undefined : { endorsingOrgs },
    );
    return { value: check(parseResult(result, tx)), txId, blockNumber };
  }

  private static pageArgs(page: PageRequest | undefined): string[] {
    return [String(page?.pageSize ?? 50), page?.bookmark ?? ''];
  }

  /** Height and last block time of the ledger this client reads. */
  chainInfo(): Promise<{ height: number; time: string | null }> {
    return this.port.chainInfo();
  }

  // ------------------------------------------------------------ consortium and catalogue

  /** Creates the consortium (once). */
  bootstrap(input: BootstrapInput): Promise<Committed<ConsortiumConfig>> {
    return this.write(TX.Bootstrap, [JSON.stringify(input)], asConsortium);
  }

  /** Proposes a new member province. */
  proposeProvince(input: ProvinceInput): Promise<Committed<Proposal>> {
    return this.write(TX.ProposeProvince, [JSON.stringify(input)], asProposal);
  }

  /** Proposes a new licence type for the national catalogue. */
  proposeLicenceType(input: LicenceTypeInput): Promise<Committed<Proposal>> {
    return this.write(TX.ProposeLicenceType, [JSON.stringify(input)], asProposal);
  }

  /** Approves an open proposal on behalf of this client's province. */
  approveProposal(id: string): Promise<Committed<Proposal>> {
    return this.write(TX.ApproveProposal, [id], asProposal);
  }

  /** A proposal, or null. */
  getProposal(id: string): Promise<Proposal | null> {
    return this.find(TX.GetProposal, [id], asProposal);
  }

  /** A page of proposals. */
  listProposals(page?: PageRequest): Promise<Page<Proposal>> {
    return this.query(TX.ListProposals, LedgerClient.pageArgs(page), (v) =>
      expectPage(v, asProposal, TX.ListProposals),
    );
  }

  /** The consortium settings, or null before bootstrap. */
  getConsortium(): Promise<ConsortiumConfig | null> {
    return this.query(TX.GetConsortium, [], (v) => (v === null ? null : asConsortium(v)));
  }

  /** A member province, or null. */
  getProvince(mspId: string): Promise<Province | null> {
    return this.find(TX.GetProvince, [mspId], asProvince);
  }

  /** A page of member provinces. */
  listProvinces(page?: PageRequest): Promise<Page<Province>> {
    return this.query(TX.ListProvinces, LedgerClient.pageArgs(page), (v) =>
      expectPage(v, asProvince, TX.ListProvinces),
    );
  }

  /** A licence type of the catalogue, or null. */
  getLicenceType(code: string): Promise<LicenceType | null> {
    return this.find(TX.GetLicenceType, [code], asType);
  }

  /** A page of the catalogue. */
  listLicenceTypes(page?: PageRequest): Promise<Page<LicenceType>> {
    return this.query(TX.ListLicenceTypes, LedgerClient.pageArgs(page), (v) =>
      expectPage(v, asType, TX.ListLicenceTypes),
    );
  }

  // ------------------------------------------------------------ agencies and keys

  /** Registers an agency of this client's province. */
  registerAgency(input: AgencyInput): Promise<Committed<Agency>> {
    return this.write(TX.RegisterAgency, [JSON.stringify(input)], asAgency);
  }

  /** Retires an agency. */
  retireAgency(uscc: string): Promise<Committed<Agency>> {
    return this.write(TX.RetireAgency, [uscc], asAgency);
  }

  /** An agency, or null. */
  getAgency(uscc: string): Promise<Agency | null> {
    return this.find(TX.GetAgency, [uscc], asAgency);
  }

  /** A page of a province's agencies. */
  listAgencies(provinceMsp: string, page?: PageRequest): Promise<Page<Agency>> {
    return this.query(TX.ListAgencies, [provinceMsp, ...LedgerClient.pageArgs(page)], (v) =>
      expectPage(v, asAgency, TX.ListAgencies),
    );
  }

  /** Registers an agency signing key. */
  registerSigningKey(input: SigningKeyInput): Promise<Committed<SigningKey>> {
    return this.write(TX.RegisterSigningKey, [JSON.stringify(input)], asKey);
  }

  /** Registers a new key replacing an old one; returns the new key. */
  rotateSigningKey(input: RotateKeyInput): Promise<Committed<SigningKey>> {
    return this.write(TX.RotateSigningKey, [JSON.stringify(input)], asKey);
  }

  /** Retires a signing key. */
  retireSigningKey(kid: string): Promise<Committed<SigningKey>> {
    return this.write(TX.RetireSigningKey, [kid], asKey);
  }

  /** Marks a signing key compromised from a time on. */
  markKeyCompromised(input: CompromiseInput): Promise<Committed<SigningKey>> {
    return this.write(TX.MarkKeyCompromised, [JSON.stringify(input)], asKey);
  }

  /** A signing key, or null (also for a kid the chaincode refuses as malformed: no key can have it). */
  async getSigningKey(kid: string): Promise<SigningKey | null> {
    try {
      return await this.find(TX.GetSigningKey, [kid], asKey);
    } catch (err) {
      if (err instanceof LicenceError && err.code === 'INVALID_ARGUMENT') return null;
      throw err;
    }
  }

  /** A page of an agency's signing keys. */
  listSigningKeys(agencyUscc: string, page?: PageRequest): Promise<Page<SigningKey>> {
    return this.query(TX.ListSigningKeys, [agencyUscc, ...LedgerClient.pageArgs(page)], (v) =>
      expectPage(v, asKey, TX.ListSigningKeys),
    );
  }

  // ------------------------------------------------------------ recognition rules

  /** Publishes this province's next rule version for a licence type. */
  publishRecognitionRule(input: RecognitionRuleInput): Promise<Committed<RecognitionRule>> {
    return this.write(TX.PublishRecognitionRule, [JSON.stringify(input)], asRule);
  }

  /** Every version of a province's rule for a type, oldest first. */
  getRecognitionRuleHistory(recognisingMsp: string, typeCode: string): Promise<RecognitionRule[]> {
    return this.query(TX.GetRecognitionRuleHistory, [recognisingMsp, typeCode], (v) =>
      expectArray(v, asRule, TX.GetRecognitionRuleHistory),
    );
  }

  /** The rule version in force at `atIso` for licences of `typeCode` from `issuingMsp`, or null. */
  getEffectiveRecognition(
    recognisingMsp: string,
    typeCode: string,
    issuingMsp: string,
    atIso: IsoTime,
  ): Promise<RecognitionRule | null> {
    return this.query(TX.GetEffectiveRecognition, [recognisingMsp, typeCode, issuingMsp, atIso], (v) =>
      v === null ? null : asRule(v),
    );
  }

  // ------------------------------------------------------------ licences

  /** Issues one licence. */
  issueLicence(req: IssueRequest): Promise<Committed<LicenceRecord>> {
    return this.write(TX.IssueLicence, [JSON.stringify(req)], asLicence);
  }

  /** Endorses an issuance without submitting it (for the outbox). */
  prepareIssueLicence(req: IssueRequest): Promise<PreparedTransaction> {
    return this.port.prepare(this.identity, TX.IssueLicence, [JSON.stringify(req)]);
  }

  /** Issues a batch of licences, all or none. */
  issueLicenceBatch(reqs: readonly IssueRequest[]): Promise<Committed<LicenceRecord[]>> {
    return this.write(TX.IssueLicenceBatch, [JSON.stringify(reqs)], (v) =>
      expectArray(v, asLicence, TX.IssueLicenceBatch),
    );
  }

  /** Endorses a batch issuance without submitting it (for the outbox). */
  prepareIssueLicenceBatch(reqs: readonly IssueRequest[]): Promise<PreparedTransaction> {
    return this.port.prepare(this.identity, TX.IssueLicenceBatch, [JSON.stringify(reqs)]);
  }

  /** Changes a licence's status by the transition table. */
  changeStatus(req: StatusChangeRequest): Promise<Committed<LicenceRecord>> {
    return this.write(TX.ChangeStatus, [JSON.stringify(req)], asLicence);
  }

  /** Endorses a status change without submitting it (for the outbox). */
  prepareChangeStatus(req: StatusChangeRequest): Promise<PreparedTransaction> {
    return this.port.prepare(this.identity, TX.ChangeStatus, [JSON.stringify(req)]);
  }

  /** Renews a licence: issues the successor and cancels the predecessor. */
  renewLicence(req: SuccessionRequest): Promise<Committed<Succession>> {
    return this.write(TX.RenewLicence, [JSON.stringify(req)], asSuccession);
  }

  /** Amends a licence: issues the next version and cancels the predecessor. */
  amendLicence(req: SuccessionRequest): Promise<Committed<Succession>> {
    return this.write(TX.AmendLicence, [JSON.stringify(req)], asSuccession);
  }

  /** Starts a transfer to another province. */
  transferOut(req: TransferOutRequest): Promise<Committed<LicenceRecord>> {
    return this.write(TX.TransferOut, [JSON.stringify(req)], asLicence);
  }

  /** Withdraws a pending transfer. */
  cancelTransfer(id: string): Promise<Committed<LicenceRecord>> {
    return this.write(TX.CancelTransfer, [id], asLicence);
  }

  /**
   * Accepts a licence transferred to this client's province. Leave `endorsingOrgs` out: the ledger plans the
   * endorsers from the predecessor's key-level policy (its issuing province) and the channel's majority.
   */
  acceptTransfer(req: SuccessionRequest, endorsingOrgs?: string[]): Promise<Committed<Succession>> {
    return this.write(TX.AcceptTransfer, [JSON.stringify(req)], asSuccession, endorsingOrgs);
  }

  /** Endorses an accepted transfer without submitting it (for the outbox); see {@link acceptTransfer}. */
  prepareAcceptTransfer(req: SuccessionRequest, endorsingOrgs?: string[]): Promise<PreparedTransaction> {
    return this.port.prepare(
      this.identity,
      TX.AcceptTransfer,
      [JSON.stringify(req)],
      endorsingOrgs === undefined ? undefined : { endorsingOrgs },
    );
  }

  /** A licence record, or null. */
  readLicence(id: string): Promise<LicenceRecord | null> {
    return this.find(TX.ReadLicence, [id], asLicence);
  }

  /** Every committed version of a licence record. */
  getLicenceHistory(id: string): Promise<HistoryEntry<LicenceRecord>[]> {
    return this.query(TX.GetLicenceHistory, [id], (v) => expectArray(v, asHistory, TX.GetLicenceHistory));
  }

  /** A page of an agency's licences. */
  listLicencesByAgency(uscc: string, page?: PageRequest): Promise<Page<LicenceRecord>> {
    return this.query(TX.ListLicencesByAgency, [uscc, ...LedgerClient.pageArgs(page)], (v) =>
      expectPage(v, asLicence, TX.ListLicencesByAgency),
    );
  }

  /** A page of licences of a type. */
  listLicencesByType(typeCode: string, page?: PageRequest): Promise<Page<LicenceRecord>> {
    return this.query(TX.ListLicencesByType, [typeCode, ...LedgerClient.pageArgs(page)], (v) =>
      expectPage(v, asLicence, TX.ListLicencesByType),
    );
  }
}
