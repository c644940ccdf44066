/**
 * fabric-contract-api logs every decorator at info level when the chaincode module loads; gateway
 * processes want its warnings only. Imported before anything that loads the chaincode.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
