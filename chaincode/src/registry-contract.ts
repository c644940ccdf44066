/**
 * The 'registry' contract: consortium governance, the licence type catalogue, agencies, signing keys
 * and recognition rules. Each method parses, authorises, applies one rule, writes and emits one event.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import {
  CONTRACT,
  EVENT,
  canonicalize,
  effectiveRule,
  fail,
  parseAgencyInput,
  parseBookmark,
  parseBootstrapInput,
  parseCompromiseInput,
  parseIsoTimeArg,
  parseKidArg,
  parseLicenceTypeInput,
  parseMspIdArg,
  parsePageSize,
  parseProposalIdArg,
  parseProvinceInput,
  parseRecognitionRuleInput,
  parseRotateKeyInput,
  parseSigningKeyInput,
  parseTypeCodeArg,
  parseUsccArg,
} from '@licence-ledger/domain';
import { requireAdmin, requireMember } from './access';
import { markCompromised, registerAgency, registerKey, retireAgency, retireKey, rotateKey } from './agencies';
import { BaseContract } from './base-contract';
import { emitEvent } from './events';
import { approve, bootstrap, propose } from './governance';
import { publishRule } from './recognition';
import { Store } from './store';

/** Trust registry and governance of the consortium. */
@Info({
  title: 'registry',
  description: 'Provinces, licence types, agencies, signing keys, recognition rules',
})
export class RegistryContract extends BaseContract {
  constructor() {
    super(CONTRACT.registry);
  }

  // ------------------------------------------------------------ governance

  /** Creates the consortium with its founding provinces (and optionally an initial catalogue). */
  @Transaction()
  @Returns('string')
  async Bootstrap(ctx: Context, json: string): Promise<string> {
    const input = parseBootstrapInput(json);
    const store = new Store(ctx);
    const { consortium, items } = await bootstrap(ctx, store, input);
    emitEvent(ctx, EVENT.RegistryChanged, items);
    return canonicalize(consortium);
  }

  /** Proposes a new member province; needs a majority of active provinces. */
  @Transaction()
  @Returns('string')
  async ProposeProvince(ctx: Context, json: string): Promise<string> {
    const input = parseProvinceInput(json);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const { proposal, items } = await propose(ctx, store, caller, 'province', input);
    emitEvent(ctx, EVENT.RegistryChanged, items);
    return canonicalize(proposal);
  }

  /** Proposes a new catalogue entry; needs a majority of active provinces. */
  @Transaction()
  @Returns('string')
  async ProposeLicenceType(ctx: Context, json: string): Promise<string> {
    const input = parseLicenceTypeInput(json);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const { proposal, items } = await propose(ctx, store, caller, 'licenceType', input);
    emitEvent(ctx, EVENT.RegistryChanged, items);
    return canonicalize(proposal);
  }

  /** Adds the caller province's approval to an open proposal. */
  @Transaction()
  @Returns('string')
  async ApproveProposal(ctx: Context, id: string): Promise<string> {
    const proposalId = parseProposalIdArg(id);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const { proposal, items } = await approve(ctx, store, caller, proposalId);
    emitEvent(ctx, EVENT.RegistryChanged, items);
    return canonicalize(proposal);
  }

  /** A proposal by id. */
  @Transaction(false)
  @Returns('string')
  async GetProposal(ctx: Context, id: string): Promise<string> {
    const proposalId = parseProposalIdArg(id);
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(found(await store.getProposal(proposalId), 'proposal'));
  }

  /** A page of proposals. */
  @Transaction(false)
  @Returns('string')
  async ListProposals(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const [size, mark] = [parsePageSize(pageSize), parseBookmark(bookmark)];
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(await store.listProposals(size, mark));
  }

  /** The consortium settings, or null before bootstrap. */
  @Transaction(false)
  @Returns('string')
  async GetConsortium(ctx: Context): Promise<string> {
    const store = new Store(ctx);
    return canonicalize((await store.getConsortium()) ?? null);
  }

  /** A member province by MSP ID. */
  @Transaction(false)
  @Returns('string')
  async GetProvince(ctx: Context, mspId: string): Promise<string> {
    const msp = parseMspIdArg(mspId);
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(found(await store.getProvince(msp), 'province'));
  }

  /** A page of member provinces. */
  @Transaction(false)
  @Returns('string')
  async ListProvinces(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const [size, mark] = [parsePageSize(pageSize), parseBookmark(bookmark)];
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(await store.listProvinces(size, mark));
  }

  /** A catalogue entry by type code. */
  @Transaction(false)
  @Returns('string')
  async GetLicenceType(ctx: Context, code: string): Promise<string> {
    const typeCode = parseTypeCodeArg(code);
    const store = new Store(ctx);
    await requireMember(ctx, store);
    const type = await store.getLicenceType(typeCode);
    if (type === undefined)
      fail('LICENCE_TYPE_UNKNOWN', 'the licence type is not in the catalogue', { typeCode });
    return canonicalize(type);
  }

  /** A page of the catalogue. */
  @Transaction(false)
  @Returns('string')
  async ListLicenceTypes(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const [size, mark] = [parsePageSize(pageSize), parseBookmark(bookmark)];
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(await store.listLicenceTypes(size, mark));
  }

  // ------------------------------------------------------------ agencies

  /** Registers an agency of the caller's province. */
  @Transaction()
  @Returns('string')
  async RegisterAgency(ctx: Context, json: string): Promise<string> {
    const input = parseAgencyInput(json);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const agency = await registerAgency(ctx, store, caller, input);
    emitEvent(ctx, EVENT.RegistryChanged, [{ entity: 'agency', key: agency.uscc, action: 'register' }]);
    return canonicalize(agency);
  }

  /** Retires an agency of the caller's province. */
  @Transaction()
  @Returns('string')
  async RetireAgency(ctx: Context, uscc: string): Promise<string> {
    const code = parseUsccArg(uscc);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const agency = await retireAgency(ctx, store, caller, code);
    emitEvent(ctx, EVENT.RegistryChanged, [{ entity: 'agency', key: agency.uscc, action: 'retire' }]);
    return canonicalize(agency);
  }

  /** An agency by USCC. */
  @Transaction(false)
  @Returns('string')
  async GetAgency(ctx: Context, uscc: string): Promise<string> {
    const code = parseUsccArg(uscc);
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(found(await store.getAgency(code), 'agency'));
  }

  /** A page of one province's agencies. */
  @Transaction(false)
  @Returns('string')
  async ListAgencies(ctx: Context, provinceMsp: string, pageSize: string, bookmark: string): Promise<string> {
    const [msp, size, mark] = [parseMspIdArg(provinceMsp), parsePageSize(pageSize), parseBookmark(bookmark)];
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(await store.listAgencies(msp, size, mark));
  }

  // ------------------------------------------------------------ signing keys

  /** Registers an agency signing certificate chained to the province's signing CA. */
  @Transaction()
  @Returns('string')
  async RegisterSigningKey(ctx: Context, json: string): Promise<string> {
    const input = parseSigningKeyInput(json);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const key = await registerKey(ctx, store, caller, input.agencyUscc, input.certificatePem);
    emitEvent(ctx, EVENT.RegistryChanged, [{ entity: 'signingKey', key: key.kid, action: 'register' }]);
    return canonicalize(key);
  }

  /** Registers a replacement key and retires the old one. */
  @Transaction()
  @Returns('string')
  async RotateSigningKey(ctx: Context, json: string): Promise<string> {
    const input = parseRotateKeyInput(json);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const { retired, added } = await rotateKey(ctx, store, caller, input.oldKid, input.certificatePem);
    emitEvent(ctx, EVENT.RegistryChanged, [
      { entity: 'signingKey', key: retired.kid, action: 'retire' },
      { entity: 'signingKey', key: added.kid, action: 'register' },
    ]);
    return canonicalize(added);
  }

  /** Retires a signing key. */
  @Transaction()
  @Returns('string')
  async RetireSigningKey(ctx: Context, kid: string): Promise<string> {
    const keyId = parseKidArg(kid);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const key = await retireKey(ctx, store, caller, keyId);
    emitEvent(ctx, EVENT.RegistryChanged, [{ entity: 'signingKey', key: key.kid, action: 'retire' }]);
    return canonicalize(key);
  }

  /** Marks a signing key compromised from a given time. */
  @Transaction()
  @Returns('string')
  async MarkKeyCompromised(ctx: Context, json: string): Promise<string> {
    const input = parseCompromiseInput(json);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const key = await markCompromised(ctx, store, caller, input);
    emitEvent(ctx, EVENT.RegistryChanged, [{ entity: 'signingKey', key: key.kid, action: 'compromise' }]);
    return canonicalize(key);
  }

  /** A signing key by kid. */
  @Transaction(false)
  @Returns('string')
  async GetSigningKey(ctx: Context, kid: string): Promise<string> {
    const keyId = parseKidArg(kid);
    const store = new Store(ctx);
    await requireMember(ctx, store);
    const key = await store.getSigningKey(keyId);
    if (key === undefined) fail('KEY_UNKNOWN', 'no such signing key', { kid: keyId });
    return canonicalize(key);
  }

  /** A page of one agency's signing keys. */
  @Transaction(false)
  @Returns('string')
  async ListSigningKeys(
    ctx: Context,
    agencyUscc: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const [uscc, size, mark] = [parseUsccArg(agencyUscc), parsePageSize(pageSize), parseBookmark(bookmark)];
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(await store.listSigningKeys(uscc, size, mark));
  }

  // ------------------------------------------------------------ recognition rules

  /** Publishes the next version of the caller province's recognition rule for a licence type. */
  @Transaction()
  @Returns('string')
  async PublishRecognitionRule(ctx: Context, json: string): Promise<string> {
    const input = parseRecognitionRuleInput(json);
    const store = new Store(ctx);
    const caller = await requireAdmin(ctx, store);
    const rule = await publishRule(ctx, store, caller, input);
    emitEvent(ctx, EVENT.RegistryChanged, [
      {
        entity: 'recognitionRule',
        key: `${rule.recognisingMsp}/${rule.typeCode}/${rule.version}`,
        action: 'publish',
      },
    ]);
    return canonicalize(rule);
  }

  /** Every version of a province's rule for a licence type, oldest first. */
  @Transaction(false)
  @Returns('string')
  async GetRecognitionRuleHistory(ctx: Context, recognisingMsp: string, typeCode: string): Promise<string> {
    const [msp, code] = [parseMspIdArg(recognisingMsp), parseTypeCodeArg(typeCode)];
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(await store.ruleHistory(msp, code));
  }

  /** The rule version in force at a time for licences from an issuing province, or null. */
  @Transaction(false)
  @Returns('string')
  async GetEffectiveRecognition(
    ctx: Context,
    recognisingMsp: string,
    typeCode: string,
    issuingMsp: string,
    atIso: string,
  ): Promise<string> {
    const [msp, code, issuer, at] = [
      parseMspIdArg(recognisingMsp),
      parseTypeCodeArg(typeCode),
      parseMspIdArg(issuingMsp),
      parseIsoTimeArg(atIso),
    ];
    const store = new Store(ctx);
    await requireMember(ctx, store);
    return canonicalize(effectiveRule(await store.ruleHistory(msp, code), issuer, at));
  }
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) fail('NOT_FOUND', `no such ${what}`);
  return value;
}
