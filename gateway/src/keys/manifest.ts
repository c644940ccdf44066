/** Loads a province's agency keys from crypto-config output (manifest paths are relative to its folder). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProvince, type Manifest } from '@licence-ledger/crypto-config';
import { LicenceError } from '@licence-ledger/domain';
import { loadAgencyKeys, type KeyRing } from './agency-keys';

/** The KeyRing of province `mspId` from a crypto-config manifest read from `outDir`. */
export function loadAgencyKeysFromManifest(manifest: Manifest, outDir: string, mspId: string): KeyRing {
  const province = findProvince(manifest, mspId);
  if (province === undefined) {
    throw new LicenceError('INVALID_ARGUMENT', 'the manifest has no such province', { mspId });
  }
  const ring = loadAgencyKeys(
    province.agencies.map((agency) => ({
      agencyUscc: agency.uscc,
      certificatePem: readFileSync(join(outDir, agency.files.cert), 'utf8'),
      privateKeyPem: readFileSync(join(outDir, agency.files.key), 'utf8'),
    })),
  );
  for (const agency of province.agencies) {
    if (ring.get(agency.kid) === undefined) {
      throw new LicenceError('INVALID_ARGUMENT', 'a manifest kid does not match its certificate', {
        kid: agency.kid,
      });
    }
  }
  return ring;
}
