/** @licence-ledger/domain: the licence model and rules shared by chaincode and gateway. */
export * from './errors';
export * from './names';
export * from './model';
export * from './status';
export * from './encoding';
export * from './canonical-json';
export * from './identifiers';
export * from './uscc';
export * from './citizen-id';
export * from './province-code';
export * from './commitment';
export * from './signature';
export * from './inputs';
export * from './recognition';
