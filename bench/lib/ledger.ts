/**
 * A standalone embedded ledger with the chaincode, seeded like the demo, and no gateway, HTTP or
 * database in front of it: what the chaincode and the ledger alone cost. Also builds signed
 * IssueRequests the way the issuance service does (salted commitment, agency ES256 signature).
 */
import './sources';
import '../../gateway/src/demo/quiet-logs';
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import {
  buildLicenceId,
  commit,
  issuanceStatement,
  kidOfCertificate,
  saltFields,
  signStatement,
} from '@licence-ledger/domain';
import type { IssueRequest, LicenceFields } from '@licence-ledger/domain';
import type { Identity, LedgerPort } from '../../gateway/src/ledger/port';
import { openEmbeddedLedger } from '../../gateway/src/main';
import { DEMO_PROVINCES } from '../../gateway/src/demo/catalogue';
import { defaultPkiConfigPath, ensureMaterial, loadProvinceMaterial } from '../../gateway/src/demo/material';
import type { ProvinceMaterial } from '../../gateway/src/demo/material';
import { seedConsortium } from '../../gateway/src/demo/seed';
import { BENCH_PKI_DIR, GD, GD_DMV } from './cluster';
import { REPO_ROOT } from './sources';

/** A seeded ledger with no gateway. */
export interface StandaloneLedger {
  readonly port: LedgerPort;
  /** Where the LevelDB files are. */
  readonly ledgerDir: string;
  readonly guangdong: ProvinceMaterial;
  /** Guangdong's driving-licence agency's ledger identity. */
  readonly issuer: Identity;
  close(): Promise<void>;
}

/** Opens a fresh ledger under `dir` (ledger/ inside it) and seeds the demo consortium. */
export async function openStandaloneLedger(dir: string): Promise<StandaloneLedger> {
  const msps = DEMO_PROVINCES.map((p) => p.mspId);
  const { manifest } = await ensureMaterial(defaultPkiConfigPath(REPO_ROOT), BENCH_PKI_DIR);
  const materials = msps.map((msp) => loadProvinceMaterial(BENCH_PKI_DIR, msp, manifest));
  const ledgerDir = join(dir, 'ledger');
  const port = await openEmbeddedLedger(ledgerDir, msps);
  await seedConsortium(port, materials);
  const guangdong = materials.find((m) => m.mspId === GD)!;
  const issuer = guangdong.identities.issuers.get(GD_DMV);
  if (issuer === undefined) throw new Error('no issuer identity for the Guangdong driving-licence agency');
  return { port, ledgerDir, guangdong, issuer, close: () => port.close() };
}

/** Builds signed IssueRequests for one agency with serials from its own range. */
export class IssueRequestFactory {
  private serial = 0;
  private readonly kid: string;
  private readonly key: KeyObject;

  /** `serialPrefix` keeps these serials apart from any the gateway assigns (it uses the year). */
  constructor(
    material: ProvinceMaterial,
    private readonly agencyUscc: string,
    private readonly serialPrefix = '1999',
  ) {
    const agencyKey = material.agencyKeys.find((k) => k.agencyUscc === agencyUscc);
    if (agencyKey === undefined) throw new Error(`no signing key for agency ${agencyUscc}`);
    this.kid = kidOfCertificate(agencyKey.certificatePem);
    this.key = createPrivateKey(agencyKey.privateKeyPem);
  }

  /** The next request (a driving licence with made-up content). */
  next(): IssueRequest {
    const serial = `${this.serialPrefix}${String(++this.serial).padStart(8, '0')}`;
    const fields: LicenceFields = {
      name: '张三',
      idNo: '44010619900307108X',
      class: 'C1',
      firstIssued: '2012-05-04',
      points: 0,
    };
    const id = buildLicenceId({ typeCode: 'JDCJSZ', issuerUscc: this.agencyUscc, serial, version: 1 });
    const unsigned = {
      id,
      typeCode: 'JDCJSZ',
      issuerUscc: this.agencyUscc,
      kid: this.kid,
      commitment: commit(fields, saltFields(fields)),
      validFrom: '2024-01-01',
      validUntil: '2034-01-01',
    };
    return { ...unsigned, signature: signStatement(issuanceStatement(unsigned), this.key) };
  }

  /** `n` requests. */
  take(n: number): IssueRequest[] {
    return Array.from({ length: n }, () => this.next());
  }
}
