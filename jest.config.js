/** Root jest configuration: one project per workspace, TypeScript transpiled by ts-jest (types are checked by `tsc -b`). */
const path = require('node:path');

const here = (p) => path.join(__dirname, p);
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: here('tsconfig.jest.json'), diagnostics: false }],
};
// Workspace packages resolve to their TypeScript sources, so tests never need a prior build.
const moduleNameMapper = {
  '^@licence-ledger/domain$': here('packages/licence-domain/src'),
  '^@licence-ledger/embedded-ledger$': here('packages/embedded-ledger/src'),
  '^@licence-ledger/chaincode$': here('chaincode/src'),
  '^@licence-ledger/crypto-config$': here('crypto-config/src'),
  '^@licence-ledger/test$': here('test/src'),
  '^@licence-ledger/network$': here('network/src'),
};
const project = (displayName, rootDir, extra = {}) => ({
  displayName,
  rootDir: here(rootDir),
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: [here('test/src/fast-check-setup.ts')],
  ...extra,
});

// Fault tests on the real Fabric network (*.fault.test.ts) kill and restart its nodes, so they never run beside
// the suites that use the same network: `npm run test:all` runs them afterwards, one at a time, with
// FABRIC_FAULTS=1, which selects them alone.
const faults = process.env.FABRIC_FAULTS === '1';
const FAULT_TEST = '\\.fault\\.test\\.ts$';

module.exports = {
  projects: faults
    ? [
        project('network-faults', 'network', {
          testMatch: ['<rootDir>/src/**/*.fault.test.ts'],
          modulePathIgnorePatterns: ['<rootDir>/\\.run/', '<rootDir>/\\.test-logs/'],
        }),
      ]
    : [
        project('domain', 'packages/licence-domain'),
        project('embedded-ledger', 'packages/embedded-ledger'),
        project('chaincode', 'chaincode'),
        project('crypto-config', 'crypto-config'),
        project('gateway', 'gateway'),
        project('test', 'test'),
        project('network', 'network', {
          testPathIgnorePatterns: ['/node_modules/', '/dist/', FAULT_TEST],
          // A network's run folder holds Raft's *.snap files, which jest would take for its own snapshots.
          modulePathIgnorePatterns: ['<rootDir>/\\.run/', '<rootDir>/\\.test-logs/'],
        }),
      ],
  collectCoverageFrom: ['**/src/**/*.ts', '!**/*.test.ts', '!**/node_modules/**', '!**/dist/**'],
};
