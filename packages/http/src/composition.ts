import type { Clock, TaskRepository, TokenVerifier, UserRepository, WritePolicy } from '@todo/application';
import { type Database, type DatabaseConfig, type EmbeddedPostgres, isReachable, migrate, migrateAtStartup, openDatabase, systemClock } from '@todo/infrastructure';
import { bindPostgres, bindTokenVerifier, bindUseCases, type Meter, newContainer, PORTS, resolveUseCases } from './container.js';
import type { UseCases } from './use-cases.js';

/** Where tasks and users live: a database this composition opens (and closes), or repositories given ready-made. */
export type StoreChoice =
  | {
    readonly database: DatabaseConfig & { readonly dbTimeoutMs: number };
    /** The embedded database under `database.dataDir`, already starting (no DATABASE_URL): used instead of starting one. */
    readonly embedded?: Promise<EmbeddedPostgres> | undefined;
  }
  | { readonly repositories: { readonly tasks: TaskRepository; readonly users: UserRepository }; readonly isReachable?: () => Promise<boolean> };

export interface ApplicationOptions {
  readonly store: StoreChoice;
  /** The token verifier (jose, see `joseVerifier`); the composition puts the production cache in front of it. */
  readonly verifier: TokenVerifier;
  readonly clock?: Clock;
  /** REQUIRE_IF_MATCH and IDEMPOTENCY_TTL_S; the defaults when not given. */
  readonly policy?: WritePolicy;
  /** CHANGES_RETENTION_DAYS; the default when not given. */
  readonly changesRetentionDays?: number;
  /**
   * DB_STARTUP_TIMEOUT_MS (the server): how long migrating is retried while the database cannot be
   * reached. Without it, one try (the CLI fails at once).
   */
  readonly startupTimeoutMs?: number;
  /** Wraps each repository built on the database (METRICS_PORT counts their statements). */
  readonly meter?: Meter;
  /** Told of start-up's warnings (DATABASE_URL parameters dropped, retries) and the migrations applied. */
  readonly logger?: StartupLog;
}

/** A pino logger will do; the CLI writes the warnings to stderr as they are. */
export interface StartupLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface Application {
  readonly useCases: UseCases;
  /** Whether the store answers now. */
  isReachable(): Promise<boolean>;
  /** Migrations this start applied (none for ready-made repositories). */
  readonly migrations: readonly string[];
  /** Where the data lives, for the start-up log (never a URL: it may hold a password). */
  readonly description: string;
  /**
   * The database this composition opened (null for ready-made repositories), for what is built on
   * it besides the repositories: the shared rate-limit buckets, and shutdown cancelling cut-off statements.
   */
  readonly database: Database | null;
  /** Releases what the composition opened (the pool, the embedded database), through the container. */
  close(): Promise<void>;
}

/**
 * The one composition of the service: the server, the CLI and the tests build the
 * application here, on the store and verifier their configuration names.
 */
export async function openApplication(options: ApplicationOptions): Promise<Application> {
  const container = newContainer();
  container.bind(PORTS.Clock).toConstantValue(options.clock ?? systemClock);
  bindTokenVerifier(container, options.verifier);
  bindUseCases(container, options.policy, options.changesRetentionDays);

  let migrations: readonly string[] = [];
  let description = 'repositories given by the caller';
  let database: Database | null = null;
  let reachable = async () => true;
  const { store, logger } = options;
  if ('database' in store) {
    database = await openDatabase(store.database, store.embedded);
    for (const warning of database.warnings) logger?.warn({}, warning);
    bindPostgres(container, database, store.database, options.meter);
    container.get(PORTS.Database); // resolved now, so unbinding deactivates (closes) it
    try {
      const { startupTimeoutMs } = options;
      const result = startupTimeoutMs === undefined ? await migrate(database.sql) : await migrateAtStartup(database.sql, {
        timeoutMs: startupTimeoutMs,
        onRetry: (error, delayMs) => logger?.warn({ err: error, retry_in_ms: Math.round(delayMs) }, 'database not reachable yet, retrying'),
      });
      migrations = result.applied;
    } catch (error) {
      await container.unbindAllAsync();
      throw error;
    }
    if (migrations.length > 0) logger?.info({ migrations }, 'migrations applied');
    description = database.description;
    const { sql } = database;
    reachable = () => isReachable(sql);
  } else {
    container.bind(PORTS.TaskRepository).toConstantValue(store.repositories.tasks);
    container.bind(PORTS.UserRepository).toConstantValue(store.repositories.users);
    if (store.isReachable !== undefined) reachable = store.isReachable;
  }

  const useCases = resolveUseCases(container);
  let closed = false;
  return {
    useCases,
    isReachable: () => reachable(),
    migrations,
    description,
    database,
    async close() {
      if (closed) return;
      closed = true;
      await container.unbindAllAsync();
    },
  };
}
