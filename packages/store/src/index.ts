export { openStore, type OpenStoreOptions } from './open-store.js';
export type { PgBossSettings } from './pg-boss-queue.js';
export type { PersistentDeliveryStore } from './sql-delivery-store.js';
export { bulkInsert } from './bulk-insert.js';
export { SCHEMA_VERSION, type MigrationResult, type StoreDialect } from './migrations.js';
export { parseStoreUrl, redactStoreUrl, type StoreLocation } from './store-url.js';
export type { StoreDatabase, DeliveriesTable, DedupeTable, MigrationsTable, AttemptsTable, InboxTable } from './schema.js';
