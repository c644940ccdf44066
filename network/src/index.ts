/** @licence-ledger/network: a real Fabric network of the provinces on one machine (library API for tests and benchmarks). */
export * from './topology';
export * from './layout';
export * from './material';
export * from './network';
export * from './settings';
export * from './processes';
export { ccaasPackage, ccaasPackageId, tar } from './chaincode-package';
