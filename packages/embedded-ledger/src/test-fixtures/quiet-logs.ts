/**
 * fabric-contract-api logs every decorator at info level when a contract module loads. Tests import
 * this module first so that only warnings and errors reach the test output.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
