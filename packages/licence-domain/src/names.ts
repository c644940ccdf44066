/**
 * Contract, transaction and event names, declared once. Callers use these constants, never string
 * literals, so a typo is a compile error rather than a runtime "function not found".
 */

/** The chaincode's contract names (the part before ':' in a Fabric transaction name). */
export const CONTRACT = {
  registry: 'registry',
  licence: 'licence',
} as const;

const registry = <N extends string>(fn: N) => `${CONTRACT.registry}:${fn}` as const;
const licence = <N extends string>(fn: N) => `${CONTRACT.licence}:${fn}` as const;

/** Every transaction the chaincode exposes, fully qualified. */
export const TX = {
  // consortium and catalogue (majority of provinces)
  Bootstrap: registry('Bootstrap'),
  ProposeProvince: registry('ProposeProvince'),
  ProposeLicenceType: registry('ProposeLicenceType'),
  ApproveProposal: registry('ApproveProposal'),
  GetProposal: registry('GetProposal'),
  ListProposals: registry('ListProposals'),
  GetConsortium: registry('GetConsortium'),
  GetProvince: registry('GetProvince'),
  ListProvinces: registry('ListProvinces'),
  GetLicenceType: registry('GetLicenceType'),
  ListLicenceTypes: registry('ListLicenceTypes'),
  // a province's own agencies and keys
  RegisterAgency: registry('RegisterAgency'),
  RetireAgency: registry('RetireAgency'),
  GetAgency: registry('GetAgency'),
  ListAgencies: registry('ListAgencies'),
  RegisterSigningKey: registry('RegisterSigningKey'),
  RotateSigningKey: registry('RotateSigningKey'),
  RetireSigningKey: registry('RetireSigningKey'),
  MarkKeyCompromised: registry('MarkKeyCompromised'),
  GetSigningKey: registry('GetSigningKey'),
  ListSigningKeys: registry('ListSigningKeys'),
  // a province's own recognition rules
  PublishRecognitionRule: registry('PublishRecognitionRule'),
  GetRecognitionRuleHistory: registry('GetRecognitionRuleHistory'),
  GetEffectiveRecognition: registry('GetEffectiveRecognition'),
  // licences
  IssueLicence: licence('IssueLicence'),
  IssueLicenceBatch: licence('IssueLicenceBatch'),
  ChangeStatus: licence('ChangeStatus'),
  RenewLicence: licence('RenewLicence'),
  AmendLicence: licence('AmendLicence'),
  TransferOut: licence('TransferOut'),
  CancelTransfer: licence('CancelTransfer'),
  AcceptTransfer: licence('AcceptTransfer'),
  ReadLicence: licence('ReadLicence'),
  GetLicenceHistory: licence('GetLicenceHistory'),
  ListLicencesByAgency: licence('ListLicencesByAgency'),
  ListLicencesByType: licence('ListLicencesByType'),
} as const;

/** A fully qualified transaction name. */
export type TxName = (typeof TX)[keyof typeof TX];

/** Splits `contract:function` into its parts. */
export function splitTxName(name: TxName): { contract: string; fn: string } {
  const at = name.indexOf(':');
  return { contract: name.slice(0, at), fn: name.slice(at + 1) };
}

/**
 * Chaincode event names. Fabric keeps only the last event set in a transaction, so each
 * transaction emits exactly one event whose payload lists every fact it established.
 */
export const EVENT = {
  LicenceIssued: 'LicenceIssued',
  LicenceStatusChanged: 'LicenceStatusChanged',
  LicenceSuperseded: 'LicenceSuperseded',
  LicenceTransferred: 'LicenceTransferred',
  RegistryChanged: 'RegistryChanged',
} as const;

/** A chaincode event name. */
export type EventName = (typeof EVENT)[keyof typeof EVENT];

/** Every event name, for listeners that subscribe to all of them. */
export const EVENT_NAMES: readonly EventName[] = Object.values(EVENT);
