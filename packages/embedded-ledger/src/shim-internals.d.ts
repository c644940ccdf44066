/**
 * Types for the fabric-shim modules this package drives directly (they ship without declarations).
 * Only what the embedded ledger touches is declared.
 */
declare module 'fabric-shim/lib/stub' {
  import type { ChaincodeStub as ShimStubApi } from 'fabric-shim';

  interface ShimChaincodeEvent {
    getEventName(): string;
    getPayload_asU8(): Uint8Array;
  }

  /** fabric-shim's real ChaincodeStub; every ledger call goes to `handler`. */
  class ChaincodeStub extends ShimStubApi {
    constructor(
      handler: object,
      channelId: string,
      txId: string,
      chaincodeInput: { getArgsList_asU8(): Uint8Array[] },
      signedProposal: { getSignature(): Uint8Array | string; getProposalBytes(): Uint8Array | string },
    );
    chaincodeEvent?: ShimChaincodeEvent;
  }
  export = ChaincodeStub;
}

declare module 'fabric-shim/lib/iterators' {
  /** fabric-shim's iterator over a peer.QueryResponse of KV results. */
  export class StateQueryIterator {
    constructor(handler: object, channelId: string, txId: string, response: object);
  }
  /** fabric-shim's iterator over a peer.QueryResponse of KeyModification results. */
  export class HistoryQueryIterator {
    constructor(handler: object, channelId: string, txId: string, response: object);
  }
}

declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract' {
  import type { ChaincodeStub } from 'fabric-shim';

  interface Serializers {
    transaction: string;
    serializers: Record<string, unknown>;
  }

  /** fabric-shim's router from a chaincode invocation to a contract transaction function. */
  class ChaincodeFromContract {
    constructor(
      contracts: unknown[],
      serializers: Serializers,
      metadata: object,
      title: string,
      version: string,
    );
    Invoke(stub: ChaincodeStub): Promise<{ status: number; message?: string; payload?: Uint8Array }>;
  }
  export = ChaincodeFromContract;
}

declare module 'fabric-shim/lib/logger' {
  /** The shim's cached winston logger of that name. */
  export function getLogger(name: string): { silent: boolean };
}
