/** Fabric's serialized creator identity and transaction ID derivation. */
import { createHash } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import type { LedgerIdentity } from './types';

/** The bytes of a Fabric msp.SerializedIdentity: what a proposal's signature header carries as `creator`. */
export function serializeIdentity(identity: LedgerIdentity): Buffer {
  const sid = new msp.SerializedIdentity();
  sid.setMspid(identity.mspId);
  sid.setIdBytes(Buffer.from(identity.certificatePem, 'utf8'));
  return Buffer.from(sid.serializeBinary());
}

/** Fabric's transaction ID: hex SHA-256 of nonce || serialized creator. */
export function computeTxId(nonce: Uint8Array, identity: LedgerIdentity): string {
  return createHash('sha256').update(nonce).update(serializeIdentity(identity)).digest('hex');
}
