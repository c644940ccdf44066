/** Test helpers: organisations with real X.509 identities, and throw-away ledgers in the temp directory. */
import './quiet-logs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueIdentity } from '@licence-ledger/crypto-config';
import { EmbeddedLedger } from '../ledger';
import type { EmbeddedLedgerOptions, LedgerIdentity } from '../types';
import { CounterContract } from './counter-contract';

/** The three demo provinces' MSP IDs. */
export const ORGS = ['GuangdongMSP', 'ZhejiangMSP', 'BeijingMSP'] as const;
/** One of ORGS. */
export type Org = (typeof ORGS)[number];

/** One client identity per organisation, each issued by that organisation's own CA. */
export async function makeIdentities(): Promise<Record<Org, LedgerIdentity>> {
  const out = {} as Record<Org, LedgerIdentity>;
  for (const [i, mspId] of ORGS.entries()) {
    const ca = await createCa({ commonName: `ca.${mspId}`, organisation: mspId, mspId });
    const user = await issueIdentity(ca, {
      commonName: `issuer@${mspId}`,
      organisation: mspId,
      ou: 'client',
      attrs: { 'll.role': 'issuer', 'll.province': ['440000', '330000', '110000'][i] as string },
    });
    out[mspId] = { mspId, certificatePem: user.certPem };
  }
  return out;
}

/** A directory under the OS temp directory, removed by the returned function. */
export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'embedded-ledger-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Options for a test ledger running CounterContract on the three demo organisations. */
export function ledgerOptions(
  path: string,
  extra: Partial<EmbeddedLedgerOptions> = {},
): EmbeddedLedgerOptions {
  return {
    path,
    channelId: 'licences',
    chaincodeName: 'licence-ledger',
    contracts: [CounterContract],
    members: [...ORGS],
    ...extra,
  };
}

/** Opens a fresh ledger in a new temp directory; `dispose` closes it and removes the directory. */
export async function openTempLedger(
  extra: Partial<EmbeddedLedgerOptions> = {},
): Promise<{ ledger: EmbeddedLedger; path: string; dispose(): Promise<void> }> {
  const dir = await tempDir();
  const ledger = await EmbeddedLedger.open(ledgerOptions(dir.path, extra));
  return {
    ledger,
    path: dir.path,
    dispose: async () => {
      await ledger.close();
      await dir.remove();
    },
  };
}
