/* eslint-disable no-restricted-globals, no-restricted-imports -- test support runs in the test process, never on a peer */
/**
 * A three-province consortium on a throw-away EmbeddedLedger running the real contracts: bootstrap,
 * agencies and keys in one call, signed issue requests built with the domain's commit() and
 * signStatement(), and helpers that read results and error codes, so tests stay short.
 */
import './quiet-logs';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLedger } from '@licence-ledger/embedded-ledger';
import type { CommitResult, EndorsedTransaction, LedgerIdentity } from '@licence-ledger/embedded-ledger';
import {
  TX,
  buildLicenceId,
  commit,
  issuanceStatement,
  saltFields,
  signStatement,
} from '@licence-ledger/domain';
import type { IssueRequest, LicenceFields, LicenceRecord, TxName } from '@licence-ledger/domain';
import { contracts } from '../index';
import { AGENCIES, LICENCE_TYPES, PROVINCES, TX_EPOCH, consortiumPki } from './pki';
import type { AgencyPki, Pki, ProvincePki } from './pki';

/** How far to set the consortium up. */
export interface ConsortiumOptions {
  /** Bootstrap with the three provinces and the catalogue (default true). */
  readonly bootstrap?: boolean;
  /** Register the six agencies (default true; needs bootstrap). */
  readonly agencies?: boolean;
  /** Register each agency's signing key (default true; needs agencies). */
  readonly keys?: boolean;
  /** Seed for transaction nonces: equal seeds give equal transaction ids (default 'seed'). */
  readonly seed?: string;
  /** Recognition notice period written at bootstrap (default one day). */
  readonly recognitionNoticeSeconds?: number;
}

/** What to issue. */
export interface LicenceSpec {
  readonly serial: string;
  readonly typeCode?: string;
  readonly version?: number;
  readonly fields?: LicenceFields;
  /** Sign with this key instead of the agency's registered one. */
  readonly keyPem?: string;
  /** Name this kid instead of the agency's registered one. */
  readonly kid?: string;
  readonly validFrom?: string;
  readonly validUntil?: string | null;
}

/** A signed issue request and the off-chain material behind it. */
export interface SignedLicence {
  readonly request: IssueRequest;
  readonly fields: LicenceFields;
  readonly salts: Readonly<Record<string, string>>;
}

/** Default licence content: personal data that must never reach the ledger. */
export function sampleFields(serial: string): LicenceFields {
  return {
    holderName: '张三',
    holderId: '11010519491231002X',
    phone: '13812345678',
    vehicleClass: `C1-${serial}`,
  };
}

/**
 * Time budget of a hook or test that starts a consortium: the first start in a test file builds the
 * PKI (three CAs, their identities and six agency keys, all P-256 certificates), and every start opens
 * a LevelDB ledger and commits the bootstrap, six agencies and six keys. That takes about 1 s on an
 * idle machine and 5 s on a third of one core (`npm run test:slow`): jest's default 5 s is no budget.
 */
export const CONSORTIUM_START_MS = 60_000;

/** A running consortium on its own ledger. */
export class Consortium {
  private txCount = 0;

  private constructor(
    readonly ledger: EmbeddedLedger,
    readonly pki: Pki,
    readonly path: string,
    private readonly seed: string,
  ) {}

  /** Opens a fresh ledger in the temp directory and sets the consortium up as far as `opts` say. */
  static async start(opts: ConsortiumOptions = {}): Promise<Consortium> {
    const pki = await consortiumPki();
    const path = await mkdtemp(join(tmpdir(), 'll-chaincode-'));
    const ledger = await EmbeddedLedger.open({
      path,
      channelId: 'licences',
      chaincodeName: 'licence-ledger',
      contracts: [...contracts],
      members: PROVINCES.map((p) => p.mspId),
      // Like a peer's MSP: a caller must hold a certificate issued by its own province's root CA.
      mspRoots: Object.fromEntries(PROVINCES.map((p) => [p.mspId, [pki.provinces[p.mspId]!.ca.certPem]])),
    });
    const c = new Consortium(ledger, pki, path, opts.seed ?? 'seed');
    if (opts.bootstrap ?? true) {
      await c.bootstrap(opts.recognitionNoticeSeconds ?? 86_400);
      if (opts.agencies ?? true) {
        for (const a of AGENCIES) await c.registerAgency(a.uscc);
        if (opts.keys ?? true) for (const a of AGENCIES) await c.registerKey(a.uscc);
      }
    }
    return c;
  }

  /** Closes the ledger and removes its directory. */
  async dispose(): Promise<void> {
    await this.ledger.close();
    await rm(this.path, { recursive: true, force: true });
  }

  // ------------------------------------------------------------ identities

  /** A province's material. */
  province(mspId: string): ProvincePki {
    const p = this.pki.provinces[mspId];
    if (p === undefined) throw new Error(`no province ${mspId}`);
    return p;
  }

  /** An agency's material. */
  agency(uscc: string): AgencyPki {
    const a = this.pki.agencies[uscc];
    if (a === undefined) throw new Error(`no agency ${uscc}`);
    return a;
  }

  /** The admin of a province. */
  admin(mspId: string): LedgerIdentity {
    return this.province(mspId).admin;
  }

  /** The issuer identity of an agency. */
  issuer(uscc: string): LedgerIdentity {
    return this.agency(uscc).issuer;
  }

  // ------------------------------------------------------------ transactions

  /** The timestamp and nonce of the next transaction: deterministic, one second apart. */
  nextProposalParts(): { timestamp: Date; nonce: Buffer } {
    const n = this.txCount++;
    const nonce = createHash('sha256').update(`${this.seed}/${n}`).digest().subarray(0, 24);
    return { timestamp: new Date(TX_EPOCH.getTime() + n * 1000), nonce };
  }

  /** Skips the transaction clock forward (e.g. past a notice period). */
  advance(seconds: number): void {
    this.txCount += seconds;
  }

  /** The time the next transaction will carry. */
  nextTime(): string {
    return new Date(TX_EPOCH.getTime() + this.txCount * 1000).toISOString();
  }

  /** Endorses a transaction (by every province unless `endorsers` are named) without committing it. */
  endorse(
    identity: LedgerIdentity,
    txName: TxName,
    args: readonly unknown[],
    endorsers?: string[],
  ): Promise<EndorsedTransaction> {
    return this.ledger.endorse(
      { txName, args: args.map(arg), identity, ...this.nextProposalParts() },
      endorsers,
    );
  }

  /** Commits an endorsed transaction. */
  commit(tx: EndorsedTransaction): Promise<CommitResult> {
    return this.ledger.commit(tx);
  }

  /** Endorses and commits; returns the parsed JSON result. Throws the LicenceError of any failure. */
  async submit<T = unknown>(
    identity: LedgerIdentity,
    txName: TxName,
    args: readonly unknown[],
    endorsers?: string[],
  ): Promise<T> {
    const { result } = await this.ledger.submit(
      { txName, args: args.map(arg), identity, ...this.nextProposalParts() },
      endorsers,
    );
    return JSON.parse(result.toString('utf8')) as T;
  }

  /** Evaluates a read-only transaction and returns the parsed JSON result. */
  async evaluate<T = unknown>(
    identity: LedgerIdentity,
    txName: TxName,
    args: readonly unknown[],
  ): Promise<T> {
    const result = await this.ledger.evaluate(identity, txName, args.map(arg));
    return JSON.parse(result.toString('utf8')) as T;
  }

  /** Reads a licence as the issuing province's verifier would. */
  read(id: string): Promise<LicenceRecord> {
    return this.evaluate<LicenceRecord>(this.province('BeijingMSP').verifier, TX.ReadLicence, [id]);
  }

  // ------------------------------------------------------------ set-up steps

  /** Bootstraps the three provinces with the catalogue, as Guangdong's admin. */
  bootstrap(recognitionNoticeSeconds: number): Promise<unknown> {
    return this.submit(this.admin('GuangdongMSP'), TX.Bootstrap, [
      this.bootstrapInput(recognitionNoticeSeconds),
    ]);
  }

  /** The bootstrap argument for the three provinces. */
  bootstrapInput(recognitionNoticeSeconds = 86_400): object {
    return {
      provinces: PROVINCES.map((p) => ({ ...p, signingCaPem: this.province(p.mspId).ca.certPem })),
      recognitionNoticeSeconds,
      licenceTypes: LICENCE_TYPES,
    };
  }

  /** Registers a demo agency as its province's admin. */
  registerAgency(uscc: string): Promise<unknown> {
    const { spec } = this.agency(uscc);
    return this.submit(this.admin(spec.provinceMsp), TX.RegisterAgency, [
      { uscc, name: spec.name, licenceTypes: spec.licenceTypes },
    ]);
  }

  /** Registers an agency's main signing key as its province's admin. */
  registerKey(uscc: string): Promise<unknown> {
    const { spec, key } = this.agency(uscc);
    return this.submit(this.admin(spec.provinceMsp), TX.RegisterSigningKey, [
      { agencyUscc: uscc, certificatePem: key.certPem },
    ]);
  }

  // ------------------------------------------------------------ licences

  /** A licence identifier of `uscc`. */
  licenceId(uscc: string, serial: string, typeCode?: string, version = 1): string {
    const type = typeCode ?? this.agency(uscc).spec.licenceTypes[0]!;
    return buildLicenceId({ typeCode: type, issuerUscc: uscc, serial, version });
  }

  /** A signed issue request by agency `uscc`, committed to `spec.fields` (default sample personal data). */
  signedLicence(uscc: string, spec: LicenceSpec): SignedLicence {
    const agency = this.agency(uscc);
    const typeCode = spec.typeCode ?? agency.spec.licenceTypes[0]!;
    const fields = spec.fields ?? sampleFields(spec.serial);
    const salts = saltFields(fields);
    const commitment = commit(fields, salts);
    const unsigned = {
      id: this.licenceId(uscc, spec.serial, typeCode, spec.version ?? 1),
      typeCode,
      issuerUscc: uscc,
      kid: spec.kid ?? agency.key.kid,
      commitment,
      validFrom: spec.validFrom ?? '2026-09-01',
      validUntil: spec.validUntil === undefined ? '2032-08-31' : spec.validUntil,
    };
    const signature = signStatement(issuanceStatement(unsigned), spec.keyPem ?? agency.key.keyPem);
    return { request: { ...unsigned, signature }, fields, salts };
  }

  /** Issues a licence as the agency's issuer and returns the stored record. */
  async issue(uscc: string, spec: LicenceSpec): Promise<LicenceRecord> {
    const { request } = this.signedLicence(uscc, spec);
    return this.submit<LicenceRecord>(this.issuer(uscc), TX.IssueLicence, [request]);
  }

  /** Changes a licence's status as the issuing agency's issuer. */
  changeStatus(uscc: string, id: string, action: string, reasonText = ''): Promise<LicenceRecord> {
    return this.submit<LicenceRecord>(this.issuer(uscc), TX.ChangeStatus, [
      { id, action, reasonCode: 'TEST_REASON', reasonText },
    ]);
  }
}

/** Strings pass as they are; anything else as JSON. */
function arg(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
