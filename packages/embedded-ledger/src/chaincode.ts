/**
 * Runs the chaincode's contract classes in-process through fabric-shim's own router
 * (ChaincodeFromContract) and its own ChaincodeStub, connected to a TxSimulator instead of a peer.
 */
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import ShimChaincodeStub from 'fabric-shim/lib/stub';
import { getLogger } from 'fabric-shim/lib/logger';
import { JSONSerializer } from 'fabric-contract-api';
import { buildProposal, type ProposalParts } from './proposal';
import { TxSimulator, type SimulationSets } from './simulator';
import type { Store } from './store';
import type { ContractClass, TxEvent } from './types';

/** fabric-shim's stub, except that the peer's MSP ID comes from the simulating organisation, not the environment. */
class EmbeddedStub extends ShimChaincodeStub {
  constructor(
    handler: TxSimulator,
    channelId: string,
    txId: string,
    parts: ReturnType<typeof buildProposal>,
    private readonly peerMspId: string,
  ) {
    super(handler, channelId, txId, parts.input, parts.signed);
  }

  override getMspID(): string {
    return this.peerMspId;
  }
}

/** What one chaincode invocation returned, with its read/write sets. */
export interface Invocation {
  status: number;
  message: string;
  payload: Buffer;
  event?: TxEvent;
  sets: SimulationSets;
}

/** fabric-shim's loggers on the path of every invocation. */
const SHIM_LOGGERS = [
  'contracts-spi/chaincodefromcontract.js',
  'contracts-spi/datamarshall.js',
  'lib/chaincode.js',
  'lib/stub.js',
] as const;

/**
 * The router logs every failed transaction at error level; here the failure is returned to the
 * caller as a LicenceError instead, and the other modules log an error only next to an error they
 * throw. Their debug calls cost more than the transaction itself: winston formats every message,
 * with util.inspect of the arguments, before its level is checked, and it would do so in the
 * gateway's own process. So the embedded peer keeps these loggers silent, unless
 * CORE_CHAINCODE_LOGGING_LEVEL=DEBUG asks for the shim's own trace.
 */
function quietShimLogs(): void {
  const debug = process.env.CORE_CHAINCODE_LOGGING_LEVEL?.toUpperCase() === 'DEBUG';
  for (const name of SHIM_LOGGERS) getLogger(name).silent = !debug;
}

/** The chaincode as installed on the embedded peer. */
export class Chaincode {
  private readonly router: ChaincodeFromContract;

  constructor(
    contracts: ContractClass[],
    private readonly store: Store,
    private readonly channelId: string,
    private readonly name: string,
  ) {
    quietShimLogs();
    // The router appends its system contract to the array it is given, hence the copy.
    this.router = new ChaincodeFromContract(
      [...contracts],
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      name,
      '',
    );
  }

  /** Simulates one proposal against a snapshot of committed state, on the peer of `peerMspId`. */
  async invoke(
    parts: Omit<ProposalParts, 'channelId' | 'chaincodeName'>,
    peerMspId: string,
  ): Promise<Invocation> {
    const snapshot = this.store.snapshot();
    const simulator = new TxSimulator(this.store, snapshot, this.name, parts.txId);
    try {
      const proposal = buildProposal({ ...parts, channelId: this.channelId, chaincodeName: this.name });
      const stub = new EmbeddedStub(simulator, this.channelId, parts.txId, proposal, peerMspId);
      const response = await this.router.Invoke(stub);
      const sets = await simulator.finish();
      const ev = stub.chaincodeEvent;
      return {
        status: response.status,
        message: response.message ?? '',
        payload: Buffer.from(response.payload ?? []),
        ...(ev ? { event: { name: ev.getEventName(), payload: Buffer.from(ev.getPayload_asU8()) } } : {}),
        sets,
      };
    } finally {
      await simulator.finish();
      await snapshot.close();
    }
  }
}
