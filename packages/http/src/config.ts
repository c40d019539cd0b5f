import * as v from 'valibot';
import { postgresUrlProblem } from './postgres-url-problem.js';

export interface Config {
  /** null: the embedded database under `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly secret: string;
  /** True when no secret was configured and the development one is in use. */
  readonly secretIsDevelopmentDefault: boolean;
  readonly jwksUrl: string;
  readonly jwtIssuer: string | undefined;
  readonly jwtAudience: string | undefined;
  readonly corsOrigins: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  readonly dbPoolMax: number;
  readonly dbPrepare: boolean;
  /** How long one database statement may take before the request gets 503. */
  readonly dbTimeoutMs: number;
  /** How long start-up keeps retrying while the database cannot be reached. */
  readonly dbStartupTimeoutMs: number;
  readonly rateLimitPerMinute: number;
  /** memory: each process its own buckets; postgres: buckets shared by every replica (SPEC §8). */
  readonly rateLimitStore: 'memory' | 'postgres';
  /** Port of the Prometheus listener (on `host`); null: none. */
  readonly metricsPort: number | null;
  readonly shutdownTimeoutMs: number;
  readonly jwksMaxStaleSeconds: number;
  /** Writes to an existing task without If-Match are refused (428). */
  readonly requireIfMatch: boolean;
  /** How long a write made under an Idempotency-Key is replayed. */
  readonly idempotencyTtlSeconds: number;
  /** The longest a bearer token may be valid (`exp` from now, and from `iat`); longer ones are refused. */
  readonly jwtMaxLifetimeSeconds: number;
  /** Worker processes sharing the port (node:cluster); 1 runs the server in this process. */
  readonly webConcurrency: number;
}

/** A configuration problem, worded as one line that names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEVELOPMENT_SECRET = 'development-only-secret-change-me-0123456789';
const MIN_PRODUCTION_SECRET_LENGTH = 32;

const integer = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `must be a whole number from ${min} to ${max}`),
    v.transform(Number),
    v.minValue(min, `must be a whole number from ${min} to ${max}`),
    v.maxValue(max, `must be a whole number from ${min} to ${max}`),
  );

const httpUrl = v.pipe(v.string(), v.check(isHttpUrl, 'must be an http(s) URL'));
const boolean = v.pipe(v.picklist(['true', 'false'], 'must be true or false'), v.transform((s) => s === 'true'));
const nonEmpty = v.pipe(v.string(), v.nonEmpty('must not be empty'));

const EnvSchema = v.object({
  NODE_ENV: v.optional(v.string(), 'development'),
  DATABASE_URL: v.optional(v.pipe(v.string(), v.check((url) => postgresUrlProblem(url) === null, (issue) => postgresUrlProblem(String(issue.input)) ?? ''))),
  DATA_DIR: v.optional(nonEmpty, './.data'),
  BETTER_AUTH_SECRET: v.optional(nonEmpty),
  BETTER_AUTH_URL: v.optional(httpUrl, 'http://localhost:3000'),
  JWKS_URL: v.optional(httpUrl),
  JWT_ISSUER: v.optional(nonEmpty),
  JWT_AUDIENCE: v.optional(nonEmpty),
  CORS_ORIGINS: v.optional(
    v.pipe(v.string(), v.transform(splitList), v.check((list) => list.every(isHttpUrl), 'must be comma-separated http(s) origins')),
  ),
  HOST: v.optional(nonEmpty, '0.0.0.0'),
  PORT: v.optional(integer(0, 65535), '8000'),
  LOG_LEVEL: v.optional(v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be one of fatal, error, warn, info, debug, trace, silent'), 'info'),
  DB_POOL_MAX: v.optional(integer(1, 1000), '10'),
  DB_PREPARE: v.optional(boolean),
  DB_TIMEOUT_MS: v.optional(integer(100, 600_000), '5000'),
  DB_STARTUP_TIMEOUT_MS: v.optional(integer(0, 3_600_000), '30000'),
  RATE_LIMIT_PER_MINUTE: v.optional(integer(1, 1_000_000_000), '600'),
  RATE_LIMIT_STORE: v.optional(v.picklist(['memory', 'postgres'], 'must be memory or postgres'), 'memory'),
  METRICS_PORT: v.optional(integer(0, 65535)),
  SHUTDOWN_TIMEOUT_MS: v.optional(integer(0, 3_600_000), '10000'),
  JWKS_MAX_STALE_S: v.optional(integer(0, 31_536_000), '3600'),
  JWT_MAX_LIFETIME_S: v.optional(integer(60, 31_536_000), '86400'),
  WEB_CONCURRENCY: v.optional(integer(1, 256), '1'),
  REQUIRE_IF_MATCH: v.optional(boolean, 'false'),
  IDEMPOTENCY_TTL_S: v.optional(integer(1, 31_536_000), '86400'),
});

/** Reads the environment (SPEC §1). Throws ConfigError naming the first variable that is wrong. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = v.safeParse(EnvSchema, definedOnly(env));
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const variable = issue.path?.[0]?.key;
    throw new ConfigError(`${String(variable)} ${issue.message}`);
  }
  const e = parsed.output;
  const production = e.NODE_ENV === 'production';
  if (production && (e.BETTER_AUTH_SECRET === undefined || e.BETTER_AUTH_SECRET.length < MIN_PRODUCTION_SECRET_LENGTH)) {
    throw new ConfigError(`BETTER_AUTH_SECRET must be set to at least ${MIN_PRODUCTION_SECRET_LENGTH} characters when NODE_ENV=production`);
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    throw new ConfigError('METRICS_PORT must differ from PORT');
  }
  const betterAuthUrl = e.BETTER_AUTH_URL.replace(/\/+$/, '');
  const databaseUrl = e.DATABASE_URL ?? null;
  return {
    databaseUrl,
    dataDir: e.DATA_DIR,
    secret: e.BETTER_AUTH_SECRET ?? DEVELOPMENT_SECRET,
    secretIsDevelopmentDefault: e.BETTER_AUTH_SECRET === undefined,
    jwksUrl: e.JWKS_URL ?? `${betterAuthUrl}/api/auth/jwks`,
    jwtIssuer: e.JWT_ISSUER,
    jwtAudience: e.JWT_AUDIENCE,
    corsOrigins: (e.CORS_ORIGINS ?? [betterAuthUrl]).map((origin) => new URL(origin).origin),
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    dbPoolMax: e.DB_POOL_MAX,
    dbPrepare: e.DB_PREPARE ?? !(databaseUrl !== null && new URL(databaseUrl).hostname.includes('-pooler')),
    dbTimeoutMs: e.DB_TIMEOUT_MS,
    dbStartupTimeoutMs: e.DB_STARTUP_TIMEOUT_MS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    rateLimitStore: e.RATE_LIMIT_STORE,
    metricsPort: e.METRICS_PORT ?? null,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    jwksMaxStaleSeconds: e.JWKS_MAX_STALE_S,
    jwtMaxLifetimeSeconds: e.JWT_MAX_LIFETIME_S,
    webConcurrency: e.WEB_CONCURRENCY,
    requireIfMatch: e.REQUIRE_IF_MATCH,
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_S,
  };
}

/** An empty variable counts as unset, as in most shells' `VAR=` habits and .env files. */
function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol);
}
