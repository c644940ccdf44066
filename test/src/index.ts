/** @licence-ledger/test: suites shared by every set-up. */
export * from './lifecycle';
