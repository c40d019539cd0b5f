export * from './config.js';
export { JoseTokenVerifier } from './jose/jose-token-verifier.js';
export { connectPostgres, type ConnectOptions, type Sql } from './postgres/connect.js';
export { startEmbeddedPostgres, type EmbeddedPostgres } from './postgres/embedded.js';
export { guard, isUnavailable } from './postgres/errors.js';
export { migrate, type MigrationResult } from './postgres/migrate.js';
export { PostgresTaskRepository } from './postgres/postgres-task-repository.js';
export { PostgresUserRepository } from './postgres/postgres-user-repository.js';
export { systemClock } from './system-clock.js';
