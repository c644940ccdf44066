/** Ledger access: the LedgerPort, its embedded and Fabric adapters, and the typed client. */
export * from './port';
export * from './client';
export * from './embedded';
export * from './fabric';
export { toLicenceError } from './fabric-errors';
export * from './retry';
