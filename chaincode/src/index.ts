/** @licence-ledger/chaincode: the contracts fabric-chaincode-node and the embedded ledger load. */
import { LicenceContract } from './licence-contract';
import { RegistryContract } from './registry-contract';

export { LicenceContract, RegistryContract };
export { asLicenceError, toFabricError } from './errors';
export { KEY_KIND } from './store';

/** The chaincode's contracts, in the form fabric-chaincode-node expects (`module.exports.contracts`). */
export const contracts = [RegistryContract, LicenceContract];
