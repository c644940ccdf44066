/** fabric-contract-api logs every decorator at info level when the chaincode loads; tests want warnings only. */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
