/** @licence-ledger/embedded-ledger: an in-process ledger with Hyperledger Fabric's semantics. */
export { EmbeddedLedger } from './ledger';
export type {
  ChaincodeEventRecord,
  ChaincodeEventStream,
  CommitResult,
  ContractClass,
  EmbeddedLedgerOptions,
  EndorsedTransaction,
  KeyVersion,
  LedgerIdentity,
  MetadataWriteRecord,
  Proposal,
  RangeQueryRecord,
  ReadRecord,
  TxEvent,
  ValidationCode,
  WriteRecord,
} from './types';
