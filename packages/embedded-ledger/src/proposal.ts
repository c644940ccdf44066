/** Builds the signed proposal a Fabric client would send, so the shim's stub decodes a real one. */
import { common, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

/** Everything the stub reads from a proposal. */
export interface ProposalParts {
  channelId: string;
  chaincodeName: string;
  txId: string;
  timestamp: Date;
  nonce: Uint8Array;
  creator: Uint8Array;
  /** Function name first, then its arguments. */
  args: string[];
}

/** The chaincode input (the stub's getArgs) and the signed proposal carrying header and creator. */
export function buildProposal(p: ProposalParts): { input: peer.ChaincodeInput; signed: peer.SignedProposal } {
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(p.chaincodeName);

  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(p.channelId);
  channelHeader.setTxId(p.txId);
  channelHeader.setTimestamp(Timestamp.fromDate(p.timestamp));
  channelHeader.setExtension$(extension.serializeBinary());

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(p.creator);
  signatureHeader.setNonce(p.nonce);

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList(p.args.map((a) => Buffer.from(a, 'utf8')));

  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);

  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);

  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());

  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposal.serializeBinary());
  // Nothing verifies signatures in-process; the field is present so the proposal is well-formed.
  signed.setSignature(new Uint8Array(0));
  return { input, signed };
}
