/**
 * The only module that knows storage keys and the stored byte form. Every record is a composite key
 * `ll.<kind>` + attributes and canonical JSON (RFC 8785), so every peer writes identical bytes.
 * Index entries map a secondary attribute to the primary key; lists are paginated and bounded.
 */
import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { MAX_PAGE_SIZE, canonicalBytes } from '@licence-ledger/domain';
import type {
  Agency,
  ConsortiumConfig,
  HistoryEntry,
  LicenceRecord,
  LicenceType,
  Page,
  Proposal,
  Province,
  RecognitionRule,
  SigningKey,
} from '@licence-ledger/domain';
import { isoOf } from './clock';

/** Composite-key object types, one per record kind and index. */
export const KEY_KIND = {
  consortium: 'll.consortium',
  province: 'll.province',
  proposal: 'll.proposal',
  licenceType: 'll.licenceType',
  agency: 'll.agency',
  agencyByProvince: 'll.agencyByProvince',
  signingKey: 'll.signingKey',
  keyByAgency: 'll.keyByAgency',
  ruleVersion: 'll.ruleVersion',
  ruleHead: 'll.ruleHead',
  licence: 'll.licence',
  licenceByAgency: 'll.licenceByAgency',
  licenceByType: 'll.licenceByType',
} as const;

/** Rule versions are zero-padded so that key order is version order. */
const VERSION_DIGITS = 6;

interface RuleHead {
  readonly docType: 'ruleHead';
  readonly version: number;
}

/** Typed access to the world state of one transaction. */
export class Store {
  constructor(private readonly ctx: Context) {}

  private key(kind: string, ...attrs: string[]): string {
    return this.ctx.stub.createCompositeKey(kind, attrs);
  }

  private async get<T>(key: string): Promise<T | undefined> {
    const bytes = await this.ctx.stub.getState(key);
    if (bytes === undefined || bytes === null || bytes.length === 0) return undefined;
    // Only this module writes these keys, always as canonical JSON, so the parse is trusted.
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  }

  private async put(key: string, value: object): Promise<void> {
    await this.ctx.stub.putState(key, canonicalBytes(value));
  }

  /** Index values name the primary key; an empty value would read as a deletion on Fabric. */
  private async putIndex(key: string, primary: string): Promise<void> {
    await this.ctx.stub.putState(key, Buffer.from(primary, 'utf8'));
  }

  /** All records under a partial key, sorted by key; for small, bounded sets (provinces, versions). */
  private async scan<T>(kind: string, attrs: string[]): Promise<T[]> {
    const out: T[] = [];
    const iterator = await this.ctx.stub.getStateByPartialCompositeKey(kind, attrs);
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        out.push(JSON.parse(Buffer.from(next.value.value).toString('utf8')) as T);
      }
    } finally {
      await iterator.close();
    }
    return out;
  }

  /** One page of records under a partial key; `resolve` maps index entries to their records. */
  private async page<T>(
    kind: string,
    attrs: string[],
    pageSize: number,
    bookmark: string,
    viaIndex: boolean,
  ): Promise<Page<T>> {
    const size = Math.max(1, Math.min(pageSize, MAX_PAGE_SIZE));
    const { iterator, metadata } = await this.ctx.stub.getStateByPartialCompositeKeyWithPagination(
      kind,
      attrs,
      size,
      bookmark,
    );
    const items: T[] = [];
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const text = Buffer.from(next.value.value).toString('utf8');
        if (!viaIndex) {
          items.push(JSON.parse(text) as T);
          continue;
        }
        const record = await this.get<T>(text);
        if (record !== undefined) items.push(record);
      }
    } finally {
      await iterator.close();
    }
    // A short page is the last one, whatever bookmark the peer returns.
    return { items, bookmark: items.length < size ? '' : metadata.bookmark };
  }

  // ------------------------------------------------------------ consortium and catalogue

  /** The consortium record, once bootstrapped. */
  getConsortium(): Promise<ConsortiumConfig | undefined> {
    return this.get(this.key(KEY_KIND.consortium));
  }

  /** Writes the consortium record. */
  putConsortium(value: ConsortiumConfig): Promise<void> {
    return this.put(this.key(KEY_KIND.consortium), value);
  }

  /** A province by MSP ID. */
  getProvince(mspId: string): Promise<Province | undefined> {
    return this.get(this.key(KEY_KIND.province, mspId));
  }

  /** Writes a province. */
  putProvince(value: Province): Promise<void> {
    return this.put(this.key(KEY_KIND.province, value.mspId), value);
  }

  /** Every province, by MSP ID order (a consortium has a few dozen at most). */
  allProvinces(): Promise<Province[]> {
    return this.scan(KEY_KIND.province, []);
  }

  /** A page of provinces. */
  listProvinces(pageSize: number, bookmark: string): Promise<Page<Province>> {
    return this.page(KEY_KIND.province, [], pageSize, bookmark, false);
  }

  /** A governance proposal by id. */
  getProposal(id: string): Promise<Proposal | undefined> {
    return this.get(this.key(KEY_KIND.proposal, id));
  }

  /** Writes a proposal. */
  putProposal(value: Proposal): Promise<void> {
    return this.put(this.key(KEY_KIND.proposal, value.id), value);
  }

  /** A page of proposals. */
  listProposals(pageSize: number, bookmark: string): Promise<Page<Proposal>> {
    return this.page(KEY_KIND.proposal, [], pageSize, bookmark, false);
  }

  /** A catalogue entry by type code. */
  getLicenceType(code: string): Promise<LicenceType | undefined> {
    return this.get(this.key(KEY_KIND.licenceType, code));
  }

  /** Writes a catalogue entry. */
  putLicenceType(value: LicenceType): Promise<void> {
    return this.put(this.key(KEY_KIND.licenceType, value.code), value);
  }

  /** A page of the catalogue. */
  listLicenceTypes(pageSize: number, bookmark: string): Promise<Page<LicenceType>> {
    return this.page(KEY_KIND.licenceType, [], pageSize, bookmark, false);
  }

  // ------------------------------------------------------------ agencies and keys

  /** An agency by USCC. */
  getAgency(uscc: string): Promise<Agency | undefined> {
    return this.get(this.key(KEY_KIND.agency, uscc));
  }

  /**
   * Writes an agency (and, when new, its by-province index entry and a key-level endorsement policy naming its
   * province, so that no other provinces, even a majority of them, can endorse a change to it).
   */
  async putAgency(value: Agency, isNew: boolean): Promise<void> {
    const primary = this.key(KEY_KIND.agency, value.uscc);
    await this.put(primary, value);
    if (isNew) {
      await this.putIndex(this.key(KEY_KIND.agencyByProvince, value.provinceMsp, value.uscc), primary);
      await this.ownedBy(primary, value.provinceMsp);
    }
  }

  /** A page of one province's agencies. */
  listAgencies(provinceMsp: string, pageSize: number, bookmark: string): Promise<Page<Agency>> {
    return this.page(KEY_KIND.agencyByProvince, [provinceMsp], pageSize, bookmark, true);
  }

  /** A signing key by kid. */
  getSigningKey(kid: string): Promise<SigningKey | undefined> {
    return this.get(this.key(KEY_KIND.signingKey, kid));
  }

  /** Writes a signing key (and, when new, its by-agency index entry and its province's key-level policy). */
  async putSigningKey(value: SigningKey, isNew: boolean): Promise<void> {
    const primary = this.key(KEY_KIND.signingKey, value.kid);
    await this.put(primary, value);
    if (isNew) {
      await this.putIndex(this.key(KEY_KIND.keyByAgency, value.agencyUscc, value.kid), primary);
      await this.ownedBy(primary, value.provinceMsp);
    }
  }

  /** A page of one agency's signing keys. */
  listSigningKeys(agencyUscc: string, pageSize: number, bookmark: string): Promise<Page<SigningKey>> {
    return this.page(KEY_KIND.keyByAgency, [agencyUscc], pageSize, bookmark, true);
  }

  // ------------------------------------------------------------ recognition rules

  /** The latest published version number of a rule, 0 when none. */
  async ruleHeadVersion(recognisingMsp: string, typeCode: string): Promise<number> {
    const head = await this.get<RuleHead>(this.key(KEY_KIND.ruleHead, recognisingMsp, typeCode));
    return head?.version ?? 0;
  }

  /** One version of a rule. */
  getRuleVersion(
    recognisingMsp: string,
    typeCode: string,
    version: number,
  ): Promise<RecognitionRule | undefined> {
    return this.get(this.key(KEY_KIND.ruleVersion, recognisingMsp, typeCode, padVersion(version)));
  }

  /**
   * Writes a new rule version and moves the head to it; old versions are never overwritten. Both keys carry the
   * recognising province's key-level policy, so once a rule exists only that province can publish its next version.
   */
  async putRuleVersion(value: RecognitionRule): Promise<void> {
    const { recognisingMsp, typeCode, version } = value;
    const versionKey = this.key(KEY_KIND.ruleVersion, recognisingMsp, typeCode, padVersion(version));
    const head = this.key(KEY_KIND.ruleHead, recognisingMsp, typeCode);
    await this.put(versionKey, value);
    await this.put(head, { docType: 'ruleHead', version });
    await this.ownedBy(versionKey, recognisingMsp);
    if (version === 1) await this.ownedBy(head, recognisingMsp);
  }

  /** Every version of a rule, oldest first. */
  ruleHistory(recognisingMsp: string, typeCode: string): Promise<RecognitionRule[]> {
    return this.scan(KEY_KIND.ruleVersion, [recognisingMsp, typeCode]);
  }

  // ------------------------------------------------------------ licences

  /** The world-state key of a licence record (the key its endorsement policy is set on). */
  licenceKey(id: string): string {
    return this.key(KEY_KIND.licence, id);
  }

  /** A licence by identifier. */
  getLicence(id: string): Promise<LicenceRecord | undefined> {
    return this.get(this.licenceKey(id));
  }

  /** Writes a licence record. */
  putLicence(value: LicenceRecord): Promise<void> {
    return this.put(this.licenceKey(value.id), value);
  }

  /**
   * Writes a new licence, its listing index entries, and a key-level endorsement policy so that
   * only peers of the issuing province can endorse later changes to it.
   */
  async createLicence(value: LicenceRecord): Promise<void> {
    const primary = this.licenceKey(value.id);
    await this.put(primary, value);
    await this.putIndex(this.key(KEY_KIND.licenceByAgency, value.issuerUscc, value.id), primary);
    await this.putIndex(this.key(KEY_KIND.licenceByType, value.typeCode, value.id), primary);
    await this.ownedBy(primary, value.issuerMsp);
  }

  /**
   * Sets a key-level endorsement policy: later changes to `key` are valid only when endorsed by a peer of `mspId`,
   * whatever the chaincode-level policy (a majority) says. Set once, when the record is created.
   */
  private async ownedBy(key: string, mspId: string): Promise<void> {
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('MEMBER', mspId);
    await this.ctx.stub.setStateValidationParameter(key, policy.getPolicy());
  }

  /** A page of licences issued by one agency. */
  listLicencesByAgency(uscc: string, pageSize: number, bookmark: string): Promise<Page<LicenceRecord>> {
    return this.page(KEY_KIND.licenceByAgency, [uscc], pageSize, bookmark, true);
  }

  /** A page of licences of one type. */
  listLicencesByType(typeCode: string, pageSize: number, bookmark: string): Promise<Page<LicenceRecord>> {
    return this.page(KEY_KIND.licenceByType, [typeCode], pageSize, bookmark, true);
  }

  /** Every committed version of a licence record, as the ledger's history reports it. */
  async licenceHistory(id: string): Promise<HistoryEntry<LicenceRecord>[]> {
    const out: HistoryEntry<LicenceRecord>[] = [];
    const iterator = await this.ctx.stub.getHistoryForKey(this.licenceKey(id));
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const mod = next.value;
        const seconds = Number(mod.timestamp.seconds.toString());
        const hasValue = !mod.isDelete && mod.value !== undefined && mod.value.length > 0;
        out.push({
          txId: mod.txId,
          timestamp: isoOf(seconds * 1000 + Math.floor(mod.timestamp.nanos / 1_000_000)),
          isDelete: mod.isDelete,
          value: hasValue ? (JSON.parse(Buffer.from(mod.value).toString('utf8')) as LicenceRecord) : null,
        });
      }
    } finally {
      await iterator.close();
    }
    return out;
  }
}

function padVersion(version: number): string {
  return String(version).padStart(VERSION_DIGITS, '0');
}
