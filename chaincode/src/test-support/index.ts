/** Shared test fixtures: the consortium PKI and a consortium running on a fresh embedded ledger. */
export * from './pki';
export * from './consortium';
