/**
 * Decoding of prepared Fabric transactions for the real-Fabric suites: who endorsed, what they signed, and
 * what the chaincode wrote. Not used by the gateway at run time.
 */
import { common, gateway, ledger, msp, peer } from '@hyperledger/fabric-protos';

/** One peer's endorsement: its serialised identity, decoded, and its signature. */
export interface DecodedEndorsement {
  /** The msp.SerializedIdentity bytes, as the peer signed them. */
  readonly endorser: Uint8Array;
  readonly mspId: string;
  /** The peer's enrolment certificate (PEM) from its identity. */
  readonly certificatePem: string;
  /** ECDSA (DER) over the proposal response payload followed by `endorser`. */
  readonly signature: Uint8Array;
}

/** The endorsed action of a prepared transaction: one response payload and every endorsement of it. */
export interface EndorsedAction {
  readonly txId: string;
  readonly responsePayload: Uint8Array;
  readonly endorsements: readonly DecodedEndorsement[];
}

/**
 * Decodes what LedgerPort.prepare returns: fabric-gateway's bytes are a gateway.PreparedTransaction holding
 * the transaction id and the signed common.Envelope → Payload → peer.Transaction → its single action's
 * ChaincodeActionPayload.
 */
export function decodePrepared(preparedBytes: Uint8Array): EndorsedAction {
  const prepared = gateway.PreparedTransaction.deserializeBinary(preparedBytes);
  const envelope = prepared.getEnvelope();
  if (envelope === undefined) throw new Error('the prepared transaction holds no envelope');
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const actions = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList();
  const [first] = actions;
  if (first === undefined || actions.length !== 1) {
    throw new Error(`a chaincode transaction has one action, this one ${actions.length}`);
  }
  const action = peer.ChaincodeActionPayload.deserializeBinary(first.getPayload_asU8()).getAction();
  if (action === undefined) throw new Error('the transaction carries no endorsed action');
  return {
    txId: prepared.getTransactionId(),
    responsePayload: action.getProposalResponsePayload_asU8(),
    endorsements: action.getEndorsementsList().map((e) => {
      const identity = msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8());
      return {
        endorser: e.getEndorser_asU8(),
        mspId: identity.getMspid(),
        certificatePem: Buffer.from(identity.getIdBytes_asU8()).toString('utf8'),
        signature: e.getSignature_asU8(),
      };
    }),
  };
}

/** The MSP IDs of a prepared transaction's endorsers, sorted. */
export function endorsingMsps(preparedBytes: Uint8Array): string[] {
  return decodePrepared(preparedBytes)
    .endorsements.map((e) => e.mspId)
    .sort();
}

/** The keys the chaincode wrote in `namespace`, and the keys it set validation parameters (metadata) on. */
export function writesOf(
  responsePayload: Uint8Array,
  namespace: string,
): { keys: string[]; metadataKeys: string[] } {
  const extension = peer.ProposalResponsePayload.deserializeBinary(responsePayload).getExtension_asU8();
  const results = peer.ChaincodeAction.deserializeBinary(extension).getResults_asU8();
  const ns = ledger.rwset.TxReadWriteSet.deserializeBinary(results)
    .getNsRwsetList()
    .find((n) => n.getNamespace() === namespace);
  if (ns === undefined) throw new Error(`the read-write set has nothing in namespace ${namespace}`);
  const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
  return {
    keys: kv.getWritesList().map((w) => w.getKey()),
    metadataKeys: kv.getMetadataWritesList().map((w) => w.getKey()),
  };
}
