/**
 * Province administration, all as ledger transactions signed by the province's admin identity:
 * agencies, agency signing keys (the gateway generates the key pair, has it certified by the
 * province CA, registers it on chain and starts signing with it), the licence type catalogue
 * (proposals needing a majority) and this province's recognition rules.
 */
import { LicenceError, requireUsccOfProvince } from '@licence-ledger/domain';
import type {
  Agency,
  AgencyInput,
  IsoTime,
  LicenceType,
  LicenceTypeInput,
  Page,
  Proposal,
  Province,
  RecognitionRule,
  RecognitionRuleInput,
  SigningKey,
} from '@licence-ledger/domain';
import { issueAgencySigningKey } from '@licence-ledger/crypto-config';
import { loadAgencyKey } from '../keys/agency-keys';
import type { PageRequest } from '../ledger/client';
import type { ProvinceContext } from './context';

/** What the registry shows of a member province (its signing CA stays with the verifiers). */
export type ProvinceEntry = Pick<Province, 'mspId' | 'code' | 'name' | 'status' | 'joinedAt'>;

/** Province administration. */
export class AdminService {
  constructor(private readonly ctx: ProvinceContext) {}

  /** A page of this province's agencies. */
  listAgencies(page?: PageRequest): Promise<Page<Agency>> {
    return this.ctx.ledger.admin.listAgencies(this.ctx.msp, page);
  }

  /** A member province's public entry (its name, for pages that name provinces), or NOT_FOUND. */
  async getProvince(mspId: string): Promise<ProvinceEntry> {
    const province = await this.ctx.ledger.admin.getProvince(mspId);
    if (province === null) throw new LicenceError('NOT_FOUND', 'no such province', { mspId });
    const { code, name, status, joinedAt } = province;
    return { mspId: province.mspId, code, name, status, joinedAt };
  }

  /** An agency of any province (the registry is public within the consortium), or NOT_FOUND. */
  async getAgency(uscc: string): Promise<Agency> {
    const agency = await this.ctx.ledger.admin.getAgency(uscc);
    if (agency === null) throw new LicenceError('NOT_FOUND', 'no such agency', { uscc });
    return agency;
  }

  /**
   * Registers an agency of this province: its USCC must have been issued here (or nationally), as
   * the chaincode also requires; checked first so a foreign USCC never costs a ledger transaction.
   */
  async registerAgency(input: AgencyInput): Promise<Agency> {
    requireUsccOfProvince(input.uscc, this.ctx.provinceCode);
    return (await this.ctx.ledger.admin.registerAgency(input)).value;
  }

  /** Retires an agency of this province. */
  async retireAgency(uscc: string): Promise<Agency> {
    await this.requireOwnAgency(uscc);
    return (await this.ctx.ledger.admin.retireAgency(uscc)).value;
  }

  /** A page of an agency's keys. */
  async listKeys(agencyUscc: string, page?: PageRequest): Promise<Page<SigningKey>> {
    await this.requireOwnAgency(agencyUscc);
    return this.ctx.ledger.admin.listSigningKeys(agencyUscc, page);
  }

  /** Generates, certifies and registers a new signing key for an agency of this province; it becomes the active key. */
  async registerKey(agencyUscc: string): Promise<SigningKey> {
    const agency = await this.requireOwnAgency(agencyUscc);
    const material = await this.newKeyMaterial(agency);
    // Kept before the ledger hears of it: a crash in between leaves an unused key, never a lost one.
    this.keep(agencyUscc, material.certPem, material.keyPem);
    const key = (
      await this.ctx.ledger.admin.registerSigningKey({ agencyUscc, certificatePem: material.certPem })
    ).value;
    this.ctx.keys.activate(key.kid);
    return key;
  }

  /** Replaces a key by a freshly generated one (the old key is retired by the chaincode). */
  async rotateKey(oldKid: string): Promise<SigningKey> {
    const old = await this.requireOwnKey(oldKid);
    const agency = await this.requireOwnAgency(old.agencyUscc);
    const material = await this.newKeyMaterial(agency);
    this.keep(agency.uscc, material.certPem, material.keyPem);
    const key = (await this.ctx.ledger.admin.rotateSigningKey({ oldKid, certificatePem: material.certPem }))
      .value;
    this.ctx.keys.activate(key.kid);
    return key;
  }

  /** Retires a key: no new signatures are accepted with it. */
  async retireKey(kid: string): Promise<SigningKey> {
    await this.requireOwnKey(kid);
    return (await this.ctx.ledger.admin.retireSigningKey(kid)).value;
  }

  /** Marks a key compromised from `compromisedAt` (default now): signatures made from then on are not trusted. */
  async markKeyCompromised(kid: string, compromisedAt?: IsoTime): Promise<SigningKey> {
    await this.requireOwnKey(kid);
    const at = compromisedAt ?? this.ctx.clock().toISOString();
    return (await this.ctx.ledger.admin.markKeyCompromised({ kid, compromisedAt: at })).value;
  }

  /** A page of the national licence type catalogue. */
  listLicenceTypes(page?: PageRequest): Promise<Page<LicenceType>> {
    return this.ctx.ledger.admin.listLicenceTypes(page);
  }

  /** A licence type, or LICENCE_TYPE_UNKNOWN. */
  async getLicenceType(code: string): Promise<LicenceType> {
    const type = await this.ctx.ledger.admin.getLicenceType(code);
    if (type === null)
      throw new LicenceError('LICENCE_TYPE_UNKNOWN', 'no such licence type', { typeCode: code });
    return type;
  }

  /** Proposes a licence type for the catalogue (adopted once a majority of provinces approve). */
  async proposeLicenceType(input: LicenceTypeInput): Promise<Proposal> {
    return (await this.ctx.ledger.admin.proposeLicenceType(input)).value;
  }

  /** Approves a proposal on behalf of this province. */
  async approveProposal(id: string): Promise<Proposal> {
    return (await this.ctx.ledger.admin.approveProposal(id)).value;
  }

  /** A page of proposals. */
  listProposals(page?: PageRequest): Promise<Page<Proposal>> {
    return this.ctx.ledger.admin.listProposals(page);
  }

  /** Publishes the next version of this province's recognition rule for a licence type. */
  async publishRecognitionRule(input: RecognitionRuleInput): Promise<RecognitionRule> {
    return (await this.ctx.ledger.admin.publishRecognitionRule(input)).value;
  }

  /** Every version of a province's rule for a type, oldest first. */
  recognitionRuleHistory(typeCode: string, recognisingMsp = this.ctx.msp): Promise<RecognitionRule[]> {
    return this.ctx.ledger.admin.getRecognitionRuleHistory(recognisingMsp, typeCode);
  }

  private async newKeyMaterial(agency: Agency): Promise<{ certPem: string; keyPem: string }> {
    if (this.ctx.signingCa === undefined) {
      throw new LicenceError('ACCESS_DENIED', 'this gateway holds no province CA to certify agency keys');
    }
    return issueAgencySigningKey(this.ctx.signingCa, {
      agencyUscc: agency.uscc,
      agencyName: agency.name,
      provinceCode: this.ctx.provinceCode,
      notBefore: new Date(this.ctx.clock().getTime() - 60_000),
    });
  }

  /** Keeps a new key across restarts and loads it, without making it the active one yet. */
  private keep(agencyUscc: string, certificatePem: string, privateKeyPem: string): void {
    const loaded = loadAgencyKey({ agencyUscc, certificatePem, privateKeyPem });
    this.ctx.keyVault.save(loaded.kid, { agencyUscc, certificatePem, privateKeyPem });
    this.ctx.keys.add(loaded, false);
  }

  private async requireOwnAgency(uscc: string): Promise<Agency> {
    const agency = await this.ctx.ledger.admin.getAgency(uscc);
    if (agency === null) throw new LicenceError('NOT_FOUND', 'no such agency', { uscc });
    if (agency.provinceMsp !== this.ctx.msp) {
      throw new LicenceError('ACCESS_DENIED', "another province's agency", { uscc });
    }
    return agency;
  }

  private async requireOwnKey(kid: string): Promise<SigningKey> {
    const key = await this.ctx.ledger.admin.getSigningKey(kid);
    if (key === null) throw new LicenceError('NOT_FOUND', 'no such signing key', { kid });
    if (key.provinceMsp !== this.ctx.msp)
      throw new LicenceError('ACCESS_DENIED', "another province's key", { kid });
    return key;
  }
}
