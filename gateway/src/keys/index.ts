/** Key material held by a province gateway: agency signing keys and the receipt key. */
export * from './agency-keys';
export * from './receipt-key';
export * from './manifest';
