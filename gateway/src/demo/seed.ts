/**
 * Seeds a consortium on a ledger, idempotently: bootstrap with the founding provinces and the demo
 * catalogue, each province's agencies and agency keys, and each province's recognition rules. Every
 * step first checks the ledger, so seeding a ledger that is already set up changes nothing.
 */
import { LicenceError } from '@licence-ledger/domain';
import type { LedgerPort } from '../ledger/port';
import { LedgerClient } from '../ledger/client';
import { kidOfCertificate } from '@licence-ledger/domain';
import { DEMO_LICENCE_TYPES, DEMO_PROVINCES } from './catalogue';
import type { ProvinceMaterial } from './material';

/** Notice period before a narrowed recognition rule takes effect (one day). */
export const DEMO_NOTICE_SECONDS = 86_400;

/** What seeding did. */
export interface SeedReport {
  readonly bootstrapped: boolean;
  readonly agencies: number;
  readonly keys: number;
  readonly rules: number;
}

/** Seeds the ledger for the given provinces (their material), with the demo catalogue and agencies. */
export async function seedConsortium(
  port: LedgerPort,
  provinces: readonly ProvinceMaterial[],
  now: () => Date = () => new Date(),
): Promise<SeedReport> {
  const first = provinces[0];
  if (first === undefined) throw new LicenceError('INVALID_ARGUMENT', 'seeding needs at least one province');
  const founder = new LedgerClient(port, first.identities.admin);
  let bootstrapped = false;
  if ((await founder.getConsortium()) === null) {
    await founder.bootstrap({
      provinces: provinces.map((p) => ({
        code: p.code,
        mspId: p.mspId,
        name: DEMO_PROVINCES.find((d) => d.mspId === p.mspId)?.name ?? p.name,
        signingCaPem: p.ca.certPem,
      })),
      recognitionNoticeSeconds: DEMO_NOTICE_SECONDS,
      licenceTypes: [...DEMO_LICENCE_TYPES],
    });
    bootstrapped = true;
  }
  let agencies = 0;
  let keys = 0;
  let rules = 0;
  for (const p of provinces) {
    const admin = new LedgerClient(port, p.identities.admin);
    const demo = DEMO_PROVINCES.find((d) => d.mspId === p.mspId);
    for (const [uscc, name] of p.agencyNames) {
      if ((await admin.getAgency(uscc)) !== null) continue;
      const types =
        demo?.agencies.find((a) => a.uscc === uscc)?.licenceTypes ?? DEMO_LICENCE_TYPES.map((t) => t.code);
      await admin.registerAgency({
        uscc,
        name: demo?.agencies.find((a) => a.uscc === uscc)?.name ?? name,
        licenceTypes: [...types],
      });
      agencies++;
    }
    for (const key of p.agencyKeys) {
      if ((await admin.getSigningKey(kidOfCertificate(key.certificatePem))) !== null) continue;
      await admin.registerSigningKey({ agencyUscc: key.agencyUscc, certificatePem: key.certificatePem });
      keys++;
    }
    for (const type of DEMO_LICENCE_TYPES) {
      if ((await admin.getRecognitionRuleHistory(p.mspId, type.code)).length > 0) continue;
      await admin.publishRecognitionRule({
        typeCode: type.code,
        issuingMsps: ['*'],
        effectiveFrom: now().toISOString(),
        note: `${type.name}：全国互认 (recognised from every member province)`,
      });
      rules++;
    }
  }
  return { bootstrapped, agencies, keys, rules };
}
