import { parseArgs } from 'node:util';
import { AppError, type AppErrorCode } from '@todo/domain';
import { type Config, ConfigError, loadConfig, migrate, mintDevelopmentToken, openDatabase } from '@todo/infrastructure';
import { bindPostgres, bindTokenVerifier, bindUseCases, newContainer, resolveUseCases } from './container.js';
import { loadDotEnv } from './dotenv.js';
import type { UseCases } from './use-cases.js';
import { toTaskJson } from './wire/task-json.js';

/** sysexits(3) codes, one per domain error code, mapped once like the HTTP statuses. */
const EXIT = {
  VALIDATION: 65,
  NOT_FOUND: 66,
  UNAUTHENTICATED: 77,
  UNAVAILABLE: 69,
  PRECONDITION_FAILED: 65,
  PRECONDITION_REQUIRED: 65,
  IDEMPOTENCY_KEY_REUSED: 65,
  IDEMPOTENCY_KEY_IN_FLIGHT: 75, // EX_TEMPFAIL
} as const satisfies Record<AppErrorCode, number>;
const EXIT_USAGE = 64;
const EXIT_SOFTWARE = 70;
const EXIT_CONFIG = 78;

const USAGE = `Usage: npm run cli -- <command>
  migrate                                      apply pending database migrations
  token <user-id> [--email E] [--name N] [--ttl 1h]
                                               print a development token signed with BETTER_AUTH_SECRET
  tasks <user-id>                              print the user's tasks, one JSON object per line
  delete-user <user-id>                        delete the user and all their tasks`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, ttl: { type: 'string', default: '1h' } },
  });
  const [command, userId, ...rest] = positionals;
  const needsUser = command === 'token' || command === 'tasks' || command === 'delete-user';
  if (rest.length > 0 || (needsUser && (userId === undefined || userId === '')) || (!needsUser && userId !== undefined)) {
    throw new UsageError(command === undefined ? 'a command is required' : `wrong arguments for ${command}`);
  }
  loadDotEnv();
  const config = loadConfig(process.env);
  switch (command) {
    case 'migrate':
      return withDatabase(config, async (_, sql) => {
        const { applied } = await migrate(sql);
        console.log(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
      });
    case 'token':
      console.log(
        await mintDevelopmentToken(config.secret, {
          userId: userId!, email: values.email, name: values.name, ttlSeconds: parseTtl(values.ttl),
          issuer: config.jwtIssuer, audience: config.jwtAudience,
        }),
      );
      return;
    case 'tasks':
      return withDatabase(config, async (useCases) => {
        const page = await useCases.listTasks.execute(userId!, { status: 'all', sort: 'created', order: 'asc', limit: null, after: null });
        for (const task of page.tasks) console.log(JSON.stringify(toTaskJson(task)));
      });
    case 'delete-user':
      return withDatabase(config, async (useCases) => {
        await useCases.deleteUser.execute(userId!);
        console.log(`Deleted user ${userId} and their tasks.`);
      });
    default:
      throw new UsageError(command === undefined ? 'a command is required' : `unknown command ${command}`);
  }
}

/** The same container as the server, on the configured database. */
async function withDatabase(config: Config, work: (useCases: UseCases, sql: Parameters<typeof migrate>[0]) => Promise<void>): Promise<void> {
  const database = await openDatabase(config);
  for (const warning of database.warnings) process.stderr.write(`${warning}\n`);
  try {
    await migrate(database.sql);
    const container = newContainer();
    bindPostgres(container, database.sql, config);
    bindTokenVerifier(container, config);
    bindUseCases(container);
    await work(resolveUseCases(container), database.sql);
  } finally {
    await database.close();
  }
}

const TTL = /^(\d+)([smhd])$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

function parseTtl(text: string): number {
  const match = TTL.exec(text);
  if (match === null || Number(match[1]) === 0) throw new UsageError('--ttl must look like 90s, 15m, 1h or 7d');
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = EXIT_USAGE;
  } else if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exitCode = EXIT_CONFIG;
  } else if (error instanceof AppError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = EXIT[error.code];
  } else {
    process.stderr.write(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_SOFTWARE;
  }
}
