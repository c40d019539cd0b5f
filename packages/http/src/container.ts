import {
  Authenticate, CachedTokenVerifier, type Clock, CreateTask, DEFAULT_WRITE_POLICY, DeleteTask, DeleteUser, GetTask, ListTasks,
  PurgeExpiredKeys, type TaskRepository, ToggleTaskCompletion, type TokenVerifier, UpdateTask, type UserRepository, type WritePolicy,
} from '@todo/application';
import {
  type Config, JoseTokenVerifier, type JwksObserver, PostgresTaskRepository, PostgresUserRepository, type Sql, StaleTolerantJwks, systemClock,
} from '@todo/infrastructure';
import { Container } from 'inversify';
import type { UseCases } from './use-cases.js';

/** The composition root: the only file that binds. Tests bind the ports to fakes and reuse `bindUseCases`. */
export const PORTS = {
  TaskRepository: Symbol('TaskRepository'),
  UserRepository: Symbol('UserRepository'),
  TokenVerifier: Symbol('TokenVerifier'),
  Clock: Symbol('Clock'),
  WritePolicy: Symbol('WritePolicy'),
} as const;

export function newContainer(): Container {
  return new Container({ defaultScope: 'Singleton' });
}

/** `policy`: REQUIRE_IF_MATCH and IDEMPOTENCY_TTL_S, from the configuration (the defaults when not given). */
export function bindUseCases(c: Container, policy: WritePolicy = DEFAULT_WRITE_POLICY): void {
  c.bind<WritePolicy>(PORTS.WritePolicy).toConstantValue(policy);
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
    (tasks: TaskRepository, rules: WritePolicy) => new DeleteTask(tasks, rules),
    [PORTS.TaskRepository, PORTS.WritePolicy],
  );
  c.bind(PurgeExpiredKeys).toResolvedValue((tasks: TaskRepository, clock: Clock) => new PurgeExpiredKeys(tasks, clock), [PORTS.TaskRepository, PORTS.Clock]);
  c.bind(DeleteUser).toResolvedValue((users: UserRepository) => new DeleteUser(users), [PORTS.UserRepository]);
}

/** `meter` wraps each repository (the metrics count its statements); by default they are bound as they are. */
export function bindPostgres(c: Container, sql: Sql, config: Pick<Config, 'dbTimeoutMs'>, meter: <T extends object>(port: T) => T = (port) => port): void {
  const options = { timeoutMs: config.dbTimeoutMs };
  c.bind<TaskRepository>(PORTS.TaskRepository).toConstantValue(meter(new PostgresTaskRepository(sql, options)));
  c.bind<UserRepository>(PORTS.UserRepository).toConstantValue(meter(new PostgresUserRepository(sql, options)));
  c.bind<Clock>(PORTS.Clock).toConstantValue(systemClock);
}

export type VerifierConfig = Pick<Config, 'secret' | 'jwksUrl' | 'jwksMaxStaleSeconds' | 'jwtIssuer' | 'jwtAudience'> &
  Partial<Pick<Config, 'jwtMaxLifetimeSeconds'>>;

/**
 * HS tokens against the secret, asymmetric ones against the JWKS (fetched on first use),
 * behind a cache of the tokens already accepted, each until its `exp`.
 */
export function bindTokenVerifier(c: Container, config: VerifierConfig, observer?: JwksObserver): void {
  const jwks = new StaleTolerantJwks({ url: config.jwksUrl, maxStaleSeconds: config.jwksMaxStaleSeconds, observer });
  const jose = new JoseTokenVerifier({
    secret: config.secret, jwks, issuer: config.jwtIssuer, audience: config.jwtAudience, maxLifetimeSeconds: config.jwtMaxLifetimeSeconds,
  });
  c.bind<TokenVerifier>(PORTS.TokenVerifier).toConstantValue(new CachedTokenVerifier(jose, systemClock));
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
    purgeExpiredKeys: c.get(PurgeExpiredKeys),
  };
}
