/* eslint-disable no-restricted-globals -- test support runs in the test process, never on a peer */
/** fabric-contract-api logs every decorator at info level when a contract loads; tests want warnings only. */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
