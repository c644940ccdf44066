/** The province database: pool, migrations, embedded server and repositories. */
export * from './db';
export * from './migrate';
export * from './embedded-postgres';
export * from './rows';
export * from './licences';
export * from './outbox';
export * from './idempotency';
export * from './projection';
export * from './verification-log';
export * from './replay';
export * from './webhooks';
export * from './trail';
export * from './store';
