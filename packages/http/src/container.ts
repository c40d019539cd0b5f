import {
  Authenticate, type Clock, CreateTask, DeleteTask, DeleteUser, GetTask, ListTasks, type TaskRepository,
  ToggleTaskCompletion, type TokenVerifier, UpdateTask, type UserRepository,
} from '@todo/application';
import {
  CachedTokenVerifier, type Database, JoseTokenVerifier, PostgresTaskRepository, PostgresUserRepository, StaleTolerantJwks, systemClock,
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
  Database: token<Database>('Database'),
};

export function newContainer(): Container {
  return new Container({ defaultScope: 'Singleton' });
}

export function bindUseCases(c: Container): void {
  c.bind(Authenticate).toResolvedValue(
    (verifier: TokenVerifier, users: UserRepository, clock: Clock) => new Authenticate(verifier, users, clock),
    [PORTS.TokenVerifier, PORTS.UserRepository, PORTS.Clock],
  );
  c.bind(CreateTask).toResolvedValue((tasks: TaskRepository, clock: Clock) => new CreateTask(tasks, clock), [PORTS.TaskRepository, PORTS.Clock]);
  c.bind(ListTasks).toResolvedValue((tasks: TaskRepository) => new ListTasks(tasks), [PORTS.TaskRepository]);
  c.bind(GetTask).toResolvedValue((tasks: TaskRepository) => new GetTask(tasks), [PORTS.TaskRepository]);
  c.bind(UpdateTask).toResolvedValue((tasks: TaskRepository, clock: Clock) => new UpdateTask(tasks, clock), [PORTS.TaskRepository, PORTS.Clock]);
  c.bind(ToggleTaskCompletion).toResolvedValue(
    (tasks: TaskRepository, clock: Clock) => new ToggleTaskCompletion(tasks, clock),
    [PORTS.TaskRepository, PORTS.Clock],
  );
  c.bind(DeleteTask).toResolvedValue((tasks: TaskRepository) => new DeleteTask(tasks), [PORTS.TaskRepository]);
  c.bind(DeleteUser).toResolvedValue((users: UserRepository) => new DeleteUser(users), [PORTS.UserRepository]);
}

/** The repositories on an open database; the container closes it (pool, embedded server) when it is unbound. */
export function bindPostgres(c: Container, database: Database, config: Pick<Config, 'dbTimeoutMs'>): void {
  const options = { timeoutMs: config.dbTimeoutMs };
  c.bind(PORTS.Database).toConstantValue(database).onDeactivation((opened) => opened.close());
  c.bind(PORTS.TaskRepository).toResolvedValue((db: Database) => new PostgresTaskRepository(db.sql, options), [PORTS.Database]);
  c.bind(PORTS.UserRepository).toResolvedValue((db: Database) => new PostgresUserRepository(db.sql, options), [PORTS.Database]);
}

export type VerifierConfig = Pick<Config, 'secret' | 'jwksUrl' | 'jwksMaxStaleSeconds' | 'jwtIssuer' | 'jwtAudience'>;

/** HS tokens against the secret, asymmetric ones against the JWKS (fetched on first use). */
export function joseVerifier(config: VerifierConfig): TokenVerifier {
  const jwks = new StaleTolerantJwks({ url: config.jwksUrl, maxStaleSeconds: config.jwksMaxStaleSeconds });
  return new JoseTokenVerifier({ secret: config.secret, jwks, issuer: config.jwtIssuer, audience: config.jwtAudience });
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
  };
}
