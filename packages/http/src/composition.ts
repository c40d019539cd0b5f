import type { Clock, TaskRepository, TokenVerifier, UserRepository } from '@todo/application';
import { type DatabaseConfig, isReachable, migrate, openDatabase, systemClock } from '@todo/infrastructure';
import type { Logger } from 'pino';
import { bindPostgres, bindTokenVerifier, bindUseCases, newContainer, PORTS, resolveUseCases } from './container.js';
import type { UseCases } from './use-cases.js';

/** Where tasks and users live: a database this composition opens (and closes), or repositories given ready-made. */
export type StoreChoice =
  | { readonly database: DatabaseConfig & { readonly dbTimeoutMs: number } }
  | { readonly repositories: { readonly tasks: TaskRepository; readonly users: UserRepository }; readonly isReachable?: () => Promise<boolean> };

export interface ApplicationOptions {
  readonly store: StoreChoice;
  /** The token verifier (jose, see `joseVerifier`); the composition puts the production cache in front of it. */
  readonly verifier: TokenVerifier;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface Application {
  readonly useCases: UseCases;
  /** Whether the store answers now. */
  isReachable(): Promise<boolean>;
  /** Migrations this start applied (none for ready-made repositories). */
  readonly migrations: readonly string[];
  /** Where the data lives, for the start-up log (never a URL: it may hold a password). */
  readonly description: string;
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
  bindUseCases(container);

  let migrations: readonly string[] = [];
  let description = 'repositories given by the caller';
  let reachable = async () => true;
  const { store } = options;
  if ('database' in store) {
    const database = await openDatabase(store.database);
    bindPostgres(container, database, store.database);
    container.get(PORTS.Database); // resolved now, so unbinding deactivates (closes) it
    try {
      migrations = (await migrate(database.sql)).applied;
    } catch (error) {
      await container.unbindAllAsync();
      throw error;
    }
    if (migrations.length > 0) options.logger?.info({ migrations }, 'migrations applied');
    description = database.description;
    reachable = () => isReachable(database.sql);
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
    async close() {
      if (closed) return;
      closed = true;
      await container.unbindAllAsync();
    },
  };
}
