import {
  Authenticate, type Clock, CreateTask, DEFAULT_WRITE_POLICY, DeleteTask, DeleteUser, GetTask, ListTasks, ListUserTasks, PurgeExpiredKeys, PurgeOldDeletions,
  SyncTasks, type TaskRepository, ToggleTaskCompletion, type TokenVerifier, UpdateTask, type UserRepository, type WritePolicy,
} from '@todo/application';
import {
  CachedTokenVerifier, type Database, JoseTokenVerifier, type JwksObserver, PostgresTaskRepository, PostgresUserRepository,
  StaleTolerantJwks, systemClock,
} from '@todo/infrastructure';
import { Container } from 'inversify';
import type { Config } from './config.js';
import type { UseCases } from './use-cases.js';

/**
 * A typed service identifier. inversify takes a class as an identifier and types the binding
 * by its instance type, so binding a UserRepository where a TaskRepository belongs, or
 * resolving one in its place, does not compile (a plain symbol would accept anything).
 */
export type Token<T> = abstract new () => T;

function token<T>(name: string): Token<T> {
  const named = { [name]: class {} }[name]!;
  return named as unknown as Token<T>;
}

/** The ports the use-cases need, and the resources behind them. */
export const PORTS = {
  TaskRepository: token<TaskRepository>('TaskRepository'),
  UserRepository: token<UserRepository>('UserRepository'),
  TokenVerifier: token<TokenVerifier>('TokenVerifier'),
  Clock: token<Clock>('Clock'),
  WritePolicy: token<WritePolicy>('WritePolicy'),
  Database: token<Database>('Database'),
};

export function newContainer(): Container {
  return new Container({ defaultScope: 'Singleton' });
}

export const DEFAULT_CHANGES_RETENTION_DAYS = 30;

/**
 * `policy`: REQUIRE_IF_MATCH and IDEMPOTENCY_TTL_S; `retentionDays`: CHANGES_RETENTION_DAYS;
 * from the configuration (the defaults when not given).
 */
export function bindUseCases(c: Container, policy: WritePolicy = DEFAULT_WRITE_POLICY, retentionDays = DEFAULT_CHANGES_RETENTION_DAYS): void {
  c.bind(PORTS.WritePolicy).toConstantValue(policy);
  c.bind(Authenticate).toResolvedValue(
    (verifier: TokenVerifier, users: UserRepository, clock: Clock) => new Authenticate(verifier, users, clock),
    [PORTS.TokenVerifier, PORTS.UserRepository, PORTS.Clock],
  );
  c.bind(CreateTask).toResolvedValue(
    (tasks: TaskRepository, clock: Clock, rules: WritePolicy) => new CreateTask(tasks, clock, rules),
    [PORTS.TaskRepository, PORTS.Clock, PORTS.WritePolicy],
  );
  c.bind(ListTasks).toResolvedValue((tasks: TaskRepository) => new ListTasks(tasks), [PORTS.TaskRepository]);
  c.bind(GetTask).toResolvedValue((tasks: TaskRepository) => new GetTask(tasks), [PORTS.TaskRepository]);
  c.bind(UpdateTask).toResolvedValue(
    (tasks: TaskRepository, clock: Clock, rules: WritePolicy) => new UpdateTask(tasks, clock, rules),
    [PORTS.TaskRepository, PORTS.Clock, PORTS.WritePolicy],
  );
  c.bind(ToggleTaskCompletion).toResolvedValue(
    (tasks: TaskRepository, clock: Clock, rules: WritePolicy) => new ToggleTaskCompletion(tasks, clock, rules),
    [PORTS.TaskRepository, PORTS.Clock, PORTS.WritePolicy],
  );
  c.bind(DeleteTask).toResolvedValue(
    (tasks: TaskRepository, clock: Clock, rules: WritePolicy) => new DeleteTask(tasks, clock, rules),
    [PORTS.TaskRepository, PORTS.Clock, PORTS.WritePolicy],
  );
  c.bind(PurgeExpiredKeys).toResolvedValue((tasks: TaskRepository, clock: Clock) => new PurgeExpiredKeys(tasks, clock), [PORTS.TaskRepository, PORTS.Clock]);
  c.bind(SyncTasks).toResolvedValue((tasks: TaskRepository, clock: Clock) => new SyncTasks(tasks, clock, retentionDays), [PORTS.TaskRepository, PORTS.Clock]);
  c.bind(PurgeOldDeletions).toResolvedValue(
    (tasks: TaskRepository, clock: Clock) => new PurgeOldDeletions(tasks, clock, retentionDays),
    [PORTS.TaskRepository, PORTS.Clock],
  );
  c.bind(DeleteUser).toResolvedValue((users: UserRepository) => new DeleteUser(users), [PORTS.UserRepository]);
  c.bind(ListUserTasks).toResolvedValue(
    (users: UserRepository, tasks: TaskRepository) => new ListUserTasks(users, tasks),
    [PORTS.UserRepository, PORTS.TaskRepository],
  );
}

/** A port as it is, or wrapped (the metrics count its statements). */
export type Meter = <T extends object>(port: T) => T;

/** Past it, closing the pool destroys the connections still busy (shutdown is bounded). */
const POOL_CLOSE_TIMEOUT_S = 1;

/**
 * The repositories on an open database, each through `meter`; the container closes the database
 * (pool, embedded server) when it is unbound, the pool within POOL_CLOSE_TIMEOUT_S.
 */
export function bindPostgres(c: Container, database: Database, config: Pick<Config, 'dbTimeoutMs'>, meter: Meter = (port) => port): void {
  const options = { timeoutMs: config.dbTimeoutMs };
  c.bind(PORTS.Database).toConstantValue(database).onDeactivation(async (opened) => {
    await opened.sql.end({ timeout: POOL_CLOSE_TIMEOUT_S });
    await opened.close();
  });
  c.bind(PORTS.TaskRepository).toResolvedValue((db: Database) => meter(new PostgresTaskRepository(db.sql, options)), [PORTS.Database]);
  c.bind(PORTS.UserRepository).toResolvedValue((db: Database) => meter(new PostgresUserRepository(db.sql, options)), [PORTS.Database]);
}

export type VerifierConfig = Pick<Config, 'secret' | 'jwksUrl' | 'jwksMaxStaleSeconds' | 'jwtIssuer' | 'jwtAudience'> &
  Partial<Pick<Config, 'jwtMaxLifetimeSeconds'>>;

/**
 * HS tokens against the secret, asymmetric ones against the JWKS (fetched on first use, each
 * fetch told to `observer`), none living longer than JWT_MAX_LIFETIME_S.
 */
export function joseVerifier(config: VerifierConfig, observer?: JwksObserver): TokenVerifier {
  const jwks = new StaleTolerantJwks({ url: config.jwksUrl, maxStaleSeconds: config.jwksMaxStaleSeconds, observer });
  return new JoseTokenVerifier({
    secret: config.secret, jwks, issuer: config.jwtIssuer, audience: config.jwtAudience, maxLifetimeSeconds: config.jwtMaxLifetimeSeconds,
  });
}

/**
 * The verifier given, behind the cache of tokens already accepted (each until its `exp`). The
 * cache reads the system clock, as jose does: the two must agree on when a token expires.
 */
export function bindTokenVerifier(c: Container, verifier: TokenVerifier): void {
  c.bind(PORTS.TokenVerifier).toConstantValue(new CachedTokenVerifier(verifier, systemClock));
}

/** Resolved once at start-up: handlers get plain objects, never the container. */
export function resolveUseCases(c: Container): UseCases {
  return {
    authenticate: c.get(Authenticate),
    createTask: c.get(CreateTask),
    listTasks: c.get(ListTasks),
    getTask: c.get(GetTask),
    updateTask: c.get(UpdateTask),
    toggleTaskCompletion: c.get(ToggleTaskCompletion),
    deleteTask: c.get(DeleteTask),
    deleteUser: c.get(DeleteUser),
    listUserTasks: c.get(ListUserTasks),
    purgeExpiredKeys: c.get(PurgeExpiredKeys),
    syncTasks: c.get(SyncTasks),
    purgeOldDeletions: c.get(PurgeOldDeletions),
  };
}
