/**
 * Everything a province's services depend on, passed explicitly: no module reaches for globals, so
 * one process can host several provinces (the demo) and tests can build a context per case.
 */
import type { CaMaterial } from '@licence-ledger/crypto-config';
import type { GatewayConfig } from '../config';
import type { Clock } from '../clock';
import type { Logger } from '../logging';
import type { KeyRing, ReceiptSigner } from '../keys';
import type { ProvinceLedger } from './identities';
import type { KeyVault } from './key-vault';
import type { Store } from '../storage/store';

/** The dependencies of one province's services. */
export interface ProvinceContext {
  /** This province's MSP ID. */
  readonly msp: string;
  /** GB/T 2260 code of this province. */
  readonly provinceCode: string;
  /** Typed ledger clients for the province's identities. */
  readonly ledger: ProvinceLedger;
  /** The province's database (its repositories; `transaction` groups writes that go together). */
  readonly store: Store;
  /** Agency signing keys this gateway holds. */
  readonly keys: KeyRing;
  /** Where keys the gateway generates are kept. */
  readonly keyVault: KeyVault;
  /** Signs verification receipts and webhook notifications. */
  readonly receipt: ReceiptSigner;
  /** The province CA that certifies agency signing keys (absent: key registration is refused). */
  readonly signingCa?: CaMaterial;
  /** Secret of the HMAC that turns holder ids into holder refs. */
  readonly holderSecret: Buffer;
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** The time every window of the province's services is measured by (tests pass a test clock). */
  readonly clock: Clock;
}
